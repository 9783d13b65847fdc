// Package deploytest runs the synthesized CloudFormation template the way
// AWS would, on this machine and without Docker: every
// AWS::Lambda::Function's bootstrap under Amazon's Lambda Runtime Interface
// Emulator with exactly the environment the template gives it, the
// template's DynamoDB tables on DynamoDB Local, its secrets in a small
// Secrets Manager stand-in, and an HTTP API gateway whose routes and
// integrations are the template's AWS::ApiGatewayV2 resources. Nothing in
// it knows Sentinel's route table or function list: it follows the
// template (`make deployed-test`).
package deploytest

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Template is a synthesized CloudFormation template and the cdk.out
// directory its assets are in.
type Template struct {
	Dir       string
	Resources map[string]*Resource
	Outputs   map[string]Output
}

// Resource is one resource of the template.
type Resource struct {
	Type       string
	Properties map[string]any
	Metadata   map[string]any
}

// Output is one output of the template.
type Output struct {
	Description string
	Value       any
}

// LoadTemplate reads the one *.template.json of a cdk.out directory.
func LoadTemplate(dir string) (*Template, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.template.json"))
	if err != nil {
		return nil, err
	}
	if len(files) != 1 {
		return nil, fmt.Errorf("%s: want one *.template.json, found %d (run make deployed-test, which synthesizes it)", dir, len(files))
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		return nil, err
	}
	t := &Template{Dir: dir}
	if err := json.Unmarshal(data, t); err != nil {
		return nil, fmt.Errorf("%s: %w", files[0], err)
	}
	return t, nil
}

// OfType lists the logical ids of the resources of a type, sorted.
func (t *Template) OfType(typ string) []string {
	var ids []string
	for id, r := range t.Resources {
		if r.Type == typ {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// Clone is a deep copy, for tests that break one thing in it.
func (t *Template) Clone() *Template {
	data, err := json.Marshal(t)
	if err != nil {
		panic(err)
	}
	c := &Template{Dir: t.Dir}
	if err := json.Unmarshal(data, c); err != nil {
		panic(err)
	}
	return c
}

// The account the local stack pretends to be in.
const (
	Region    = "us-east-1"
	AccountID = "123456789012"
	Partition = "aws"
	URLSuffix = "amazonaws.com"
)

// Locals are the local equivalents of what CloudFormation would create:
// the physical name, ARN and other attributes of each resource, by logical
// id. Resolve turns Refs and GetAtts into them.
type Locals struct {
	StackName string
	// Refs is what {"Ref": id} gives for each resource.
	Refs map[string]string
	// Attrs is what {"Fn::GetAtt": [id, attr]} gives, keyed "id.attr".
	Attrs map[string]string
}

// Resolve evaluates the intrinsic functions of a template value: Ref,
// Fn::GetAtt, Fn::Join, Fn::Sub (without a variable map) and Fn::Select.
// Anything else is an error, so that a template the harness cannot
// evaluate fails loudly instead of running with a wrong value.
func (l *Locals) Resolve(v any) (any, error) {
	switch x := v.(type) {
	case string, bool, float64, nil:
		return x, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			r, err := l.Resolve(e)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	case map[string]any:
		if len(x) == 1 {
			for k, arg := range x {
				if strings.HasPrefix(k, "Fn::") || k == "Ref" {
					return l.intrinsic(k, arg)
				}
			}
		}
		out := map[string]any{}
		for _, k := range slices.Sorted(maps.Keys(x)) {
			r, err := l.Resolve(x[k])
			if err != nil {
				return nil, err
			}
			out[k] = r
		}
		return out, nil
	}
	return nil, fmt.Errorf("unexpected template value %T", v)
}

// ResolveString resolves v and requires a string.
func (l *Locals) ResolveString(v any) (string, error) {
	r, err := l.Resolve(v)
	if err != nil {
		return "", err
	}
	switch s := r.(type) {
	case string:
		return s, nil
	case float64, bool:
		return fmt.Sprint(s), nil
	}
	return "", fmt.Errorf("want a string, got %v", r)
}

func (l *Locals) intrinsic(name string, arg any) (any, error) {
	switch name {
	case "Ref":
		id, _ := arg.(string)
		return l.ref(id)
	case "Fn::GetAtt":
		var parts []string
		switch a := arg.(type) {
		case string:
			parts = strings.SplitN(a, ".", 2)
		case []any:
			for _, p := range a {
				s, _ := p.(string)
				parts = append(parts, s)
			}
		}
		if len(parts) != 2 {
			return nil, fmt.Errorf("Fn::GetAtt %v: want [logicalId, attribute]", arg)
		}
		v, ok := l.Attrs[parts[0]+"."+parts[1]]
		if !ok {
			return nil, fmt.Errorf("Fn::GetAtt %s.%s: no local equivalent (the harness models %s)", parts[0], parts[1], l.modelled(parts[0]))
		}
		return v, nil
	case "Fn::Join":
		a, _ := arg.([]any)
		if len(a) != 2 {
			return nil, fmt.Errorf("Fn::Join %v: want [delimiter, list]", arg)
		}
		sep, _ := a[0].(string)
		items, err := l.Resolve(a[1])
		if err != nil {
			return nil, err
		}
		list, _ := items.([]any)
		strs := make([]string, len(list))
		for i, it := range list {
			if strs[i], err = l.ResolveString(it); err != nil {
				return nil, err
			}
		}
		return strings.Join(strs, sep), nil
	case "Fn::Select":
		a, _ := arg.([]any)
		if len(a) != 2 {
			return nil, fmt.Errorf("Fn::Select %v: want [index, list]", arg)
		}
		idx, err := l.ResolveString(a[0])
		if err != nil {
			return nil, err
		}
		items, err := l.Resolve(a[1])
		if err != nil {
			return nil, err
		}
		list, _ := items.([]any)
		var i int
		if _, err := fmt.Sscan(idx, &i); err != nil || i < 0 || i >= len(list) {
			return nil, fmt.Errorf("Fn::Select index %s out of %v", idx, list)
		}
		return list[i], nil
	case "Fn::Sub":
		s, ok := arg.(string)
		if !ok {
			return nil, fmt.Errorf("Fn::Sub with a variable map is not supported: %v", arg)
		}
		var b strings.Builder
		for {
			start := strings.Index(s, "${")
			if start < 0 {
				b.WriteString(s)
				return b.String(), nil
			}
			end := strings.Index(s[start:], "}")
			if end < 0 {
				return nil, fmt.Errorf("Fn::Sub %q: unclosed ${", arg)
			}
			b.WriteString(s[:start])
			name := s[start+2 : start+end]
			var v any
			var err error
			if id, attr, isAtt := strings.Cut(name, "."); isAtt {
				v, err = l.intrinsic("Fn::GetAtt", []any{id, attr})
			} else {
				v, err = l.ref(name)
			}
			if err != nil {
				return nil, err
			}
			b.WriteString(fmt.Sprint(v))
			s = s[start+end+1:]
		}
	}
	return nil, fmt.Errorf("intrinsic %s is not supported by the harness", name)
}

func (l *Locals) ref(id string) (any, error) {
	switch id {
	case "AWS::Region":
		return Region, nil
	case "AWS::AccountId":
		return AccountID, nil
	case "AWS::Partition":
		return Partition, nil
	case "AWS::URLSuffix":
		return URLSuffix, nil
	case "AWS::StackName":
		return l.StackName, nil
	}
	v, ok := l.Refs[id]
	if !ok {
		return nil, fmt.Errorf("Ref %s: no local equivalent", id)
	}
	return v, nil
}

// modelled lists the attributes the harness has for a logical id.
func (l *Locals) modelled(id string) string {
	var attrs []string
	for k := range l.Attrs {
		if a, ok := strings.CutPrefix(k, id+"."); ok {
			attrs = append(attrs, a)
		}
	}
	slices.Sort(attrs)
	if len(attrs) == 0 {
		return "no attribute of it"
	}
	return strings.Join(attrs, ", ")
}

// newLocals names every resource of the template as CloudFormation would,
// with prefix making the names unique on the shared DynamoDB Local, and
// apiURL as the HTTP API's endpoint.
func newLocals(t *Template, stackName, prefix, apiURL string) *Locals {
	l := &Locals{StackName: stackName, Refs: map[string]string{}, Attrs: map[string]string{}}
	arn := func(service, resource string) string {
		return fmt.Sprintf("arn:%s:%s:%s:%s:%s", Partition, service, Region, AccountID, resource)
	}
	for id, r := range t.Resources {
		physical := prefix + id
		// A name the template gives is the physical name.
		for _, prop := range []string{"TableName", "Name", "FunctionName"} {
			if n, ok := r.Properties[prop].(string); ok && r.Type != "AWS::ApiGatewayV2::Api" {
				physical = n
			}
		}
		switch r.Type {
		case "AWS::DynamoDB::Table":
			l.Refs[id] = physical
			l.Attrs[id+".Arn"] = arn("dynamodb", "table/"+physical)
		case "AWS::SecretsManager::Secret":
			l.Refs[id] = arn("secretsmanager", "secret:"+physical+"-AbCdEf")
			l.Attrs[id+".Id"] = l.Refs[id]
		case "AWS::ApiGatewayV2::Api":
			l.Refs[id] = "local" + strings.ToLower(id[:min(len(id), 6)])
			l.Attrs[id+".ApiId"] = l.Refs[id]
			// The endpoint's local equivalent is the gateway itself.
			l.Attrs[id+".ApiEndpoint"] = apiURL
		case "AWS::Lambda::Function":
			l.Refs[id] = physical
			l.Attrs[id+".Arn"] = arn("lambda", "function:"+physical)
		case "AWS::IAM::Role":
			l.Refs[id] = physical
			l.Attrs[id+".Arn"] = fmt.Sprintf("arn:%s:iam::%s:role/%s", Partition, AccountID, physical)
		case "AWS::Logs::LogGroup":
			l.Refs[id] = "/aws/lambda/" + physical
			l.Attrs[id+".Arn"] = arn("logs", "log-group:"+l.Refs[id]+":*")
		default:
			l.Refs[id] = physical
		}
	}
	return l
}
