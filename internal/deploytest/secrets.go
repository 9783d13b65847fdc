package deploytest

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

// SecretsManager is a stand-in for AWS Secrets Manager, for the operations
// the functions and `sentinel signing-key rotate` use, speaking the
// service's wire protocol (JSON 1.1 over HTTP POST, the operation in
// X-Amz-Target, errors as {"__type", "message"}) so that the real SDK
// client talks to it through AWS_ENDPOINT_URL_SECRETS_MANAGER. Versions
// carry staging labels as in the service: a new value becomes AWSCURRENT
// and the version it replaces AWSPREVIOUS.
//
// No emulator of Secrets Manager is obtainable on these machines (moto and
// LocalStack need a registry or Docker that are not reachable here).
type SecretsManager struct {
	mu      sync.Mutex
	secrets map[string]*secret // by ARN
	now     func() time.Time
}

type secret struct {
	arn, name, description string
	created                time.Time
	versions               map[string]*secretVersion
}

type secretVersion struct {
	id      string
	value   *string
	binary  []byte
	stages  []string
	created time.Time
}

// Staging labels of the service.
const (
	stageCurrent  = "AWSCURRENT"
	stagePrevious = "AWSPREVIOUS"
)

// NewSecretsManager returns an empty stand-in.
func NewSecretsManager() *SecretsManager {
	return &SecretsManager{secrets: map[string]*secret{}, now: time.Now}
}

// smError is an error answer of the service.
type smError struct {
	status int
	typ    string
	msg    string
}

func (e *smError) Error() string { return e.typ + ": " + e.msg }

func notFound(format string, args ...any) error {
	return &smError{400, "ResourceNotFoundException", fmt.Sprintf(format, args...)}
}

func invalid(format string, args ...any) error {
	return &smError{400, "InvalidRequestException", fmt.Sprintf(format, args...)}
}

func badParameter(format string, args ...any) error {
	return &smError{400, "InvalidParameterException", fmt.Sprintf(format, args...)}
}

// ServeHTTP answers one API call.
func (s *SecretsManager) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "secretsmanager.")
	var out any
	var err error
	switch {
	case r.Method != http.MethodPost || !ok:
		err = &smError{400, "UnknownOperationException", "want POST with X-Amz-Target: secretsmanager.<Operation>"}
	case !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-amz-json-1.1"):
		err = &smError{400, "SerializationException", "want Content-Type application/x-amz-json-1.1"}
	case !strings.Contains(r.Header.Get("Authorization"), "/secretsmanager/aws4_request"):
		err = &smError{400, "MissingAuthenticationTokenException", "want a SigV4 signature for secretsmanager"}
	default:
		out, err = s.call(op, r)
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Requestid", uuid.NewString())
	if err != nil {
		e, ok := err.(*smError)
		if !ok {
			e = &smError{400, "SerializationException", err.Error()}
		}
		w.Header().Set("X-Amzn-Errortype", e.typ)
		w.WriteHeader(e.status)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": e.typ, "message": e.msg})
		return
	}
	_ = json.NewEncoder(w).Encode(out)
}

// request is the union of the request members of the operations served.
type request struct {
	Name                string
	Description         string
	SecretID            string `json:"SecretId"`
	SecretString        *string
	SecretBinary        []byte
	ClientRequestToken  string
	VersionID           string `json:"VersionId"`
	VersionStage        string
	VersionStages       []string
	MoveToVersionID     string `json:"MoveToVersionId"`
	RemoveFromVersionID string `json:"RemoveFromVersionId"`
}

// Operations lists what the stand-in serves.
var Operations = []string{"CreateSecret", "DescribeSecret", "GetSecretValue", "PutSecretValue", "UpdateSecretVersionStage", "ListSecretVersionIds"}

func (s *SecretsManager) call(op string, r *http.Request) (any, error) {
	if !slices.Contains(Operations, op) {
		return nil, &smError{400, "UnknownOperationException", fmt.Sprintf(
			"%s is not served by the harness's Secrets Manager stand-in (it serves %s): add it in internal/deploytest/secrets.go",
			op, strings.Join(Operations, ", "))}
	}
	var req request
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if op == "CreateSecret" {
		return s.create(req)
	}
	sec, err := s.find(req.SecretID)
	if err != nil {
		return nil, err
	}
	switch op {
	case "DescribeSecret":
		stages := map[string][]string{}
		for id, v := range sec.versions {
			if len(v.stages) > 0 {
				stages[id] = v.stages
			}
		}
		return map[string]any{"ARN": sec.arn, "Name": sec.name, "Description": sec.description,
			"CreatedDate": epoch(sec.created), "VersionIdsToStages": stages}, nil
	case "ListSecretVersionIds":
		var versions []map[string]any
		for _, id := range slices.Sorted(maps.Keys(sec.versions)) {
			v := sec.versions[id]
			versions = append(versions, map[string]any{"VersionId": id, "VersionStages": v.stages, "CreatedDate": epoch(v.created)})
		}
		return map[string]any{"ARN": sec.arn, "Name": sec.name, "Versions": versions}, nil
	case "GetSecretValue":
		return s.get(sec, req)
	case "PutSecretValue":
		return s.put(sec, req)
	default: // UpdateSecretVersionStage
		return s.updateStage(sec, req)
	}
}

func (s *SecretsManager) create(req request) (any, error) {
	if req.Name == "" {
		return nil, badParameter("Name is required")
	}
	for _, sec := range s.secrets {
		if sec.name == req.Name {
			return nil, &smError{400, "ResourceExistsException", fmt.Sprintf("The operation failed because the secret %s already exists.", req.Name)}
		}
	}
	arn := fmt.Sprintf("arn:%s:secretsmanager:%s:%s:secret:%s-%s", Partition, Region, AccountID, req.Name, "AbCdEf")
	sec := &secret{arn: arn, name: req.Name, description: req.Description, created: s.now(), versions: map[string]*secretVersion{}}
	s.secrets[arn] = sec
	out := map[string]any{"ARN": arn, "Name": req.Name}
	if req.SecretString != nil || req.SecretBinary != nil {
		// A value given at creation is the first AWSCURRENT version;
		// without one the secret has no version (as CloudFormation
		// creates a secret with neither SecretString nor
		// GenerateSecretString).
		v, err := s.put(sec, request{SecretString: req.SecretString, SecretBinary: req.SecretBinary, ClientRequestToken: req.ClientRequestToken})
		if err != nil {
			return nil, err
		}
		out["VersionId"] = v.(map[string]any)["VersionId"]
	}
	return out, nil
}

// find looks a secret up by ARN or name, as SecretId may be either.
func (s *SecretsManager) find(id string) (*secret, error) {
	if sec, ok := s.secrets[id]; ok {
		return sec, nil
	}
	for _, sec := range s.secrets {
		if sec.name == id {
			return sec, nil
		}
	}
	return nil, notFound("Secrets Manager can't find the specified secret.")
}

func (s *SecretsManager) get(sec *secret, req request) (any, error) {
	stage := req.VersionStage
	if stage == "" && req.VersionID == "" {
		stage = stageCurrent
	}
	for id, v := range sec.versions {
		if (req.VersionID == "" || id == req.VersionID) && (stage == "" || slices.Contains(v.stages, stage)) {
			out := map[string]any{"ARN": sec.arn, "Name": sec.name, "VersionId": id, "VersionStages": v.stages, "CreatedDate": epoch(v.created)}
			if v.value != nil {
				out["SecretString"] = *v.value
			} else {
				out["SecretBinary"] = v.binary
			}
			return out, nil
		}
	}
	if req.VersionID != "" {
		return nil, notFound("Secrets Manager can't find the specified secret value for VersionId: %s", req.VersionID)
	}
	return nil, notFound("Secrets Manager can't find the specified secret value for staging label: %s", stage)
}

func (s *SecretsManager) put(sec *secret, req request) (any, error) {
	if (req.SecretString == nil) == (req.SecretBinary == nil) {
		return nil, invalid("You must provide either SecretString or SecretBinary.")
	}
	id := req.ClientRequestToken
	if id == "" {
		id = uuid.NewString()
	}
	if v, ok := sec.versions[id]; ok {
		// Idempotent retry of the same request; a different value under
		// the same token is refused.
		if (v.value == nil) != (req.SecretString == nil) || (v.value != nil && *v.value != *req.SecretString) || string(v.binary) != string(req.SecretBinary) {
			return nil, &smError{400, "ResourceExistsException", "You can't modify an existing version, you can only create a new version."}
		}
		return map[string]any{"ARN": sec.arn, "Name": sec.name, "VersionId": id, "VersionStages": v.stages}, nil
	}
	stages := req.VersionStages
	if len(stages) == 0 {
		stages = []string{stageCurrent}
	}
	sec.versions[id] = &secretVersion{id: id, value: req.SecretString, binary: req.SecretBinary, created: s.now()}
	for _, stage := range stages {
		s.moveStage(sec, stage, id)
	}
	return map[string]any{"ARN": sec.arn, "Name": sec.name, "VersionId": id, "VersionStages": sec.versions[id].stages}, nil
}

func (s *SecretsManager) updateStage(sec *secret, req request) (any, error) {
	if req.VersionStage == "" {
		return nil, badParameter("VersionStage is required")
	}
	if req.RemoveFromVersionID != "" {
		v, ok := sec.versions[req.RemoveFromVersionID]
		if !ok || !slices.Contains(v.stages, req.VersionStage) {
			return nil, invalid("The staging label %s is not attached to version %s.", req.VersionStage, req.RemoveFromVersionID)
		}
	}
	if req.MoveToVersionID == "" {
		if req.RemoveFromVersionID == "" {
			return nil, invalid("Specify MoveToVersionId or RemoveFromVersionId.")
		}
		if req.VersionStage == stageCurrent {
			return nil, invalid("You can only move staging label AWSCURRENT to a different secret version. It can't be completely removed.")
		}
		v := sec.versions[req.RemoveFromVersionID]
		v.stages = slices.DeleteFunc(v.stages, func(st string) bool { return st == req.VersionStage })
		return map[string]any{"ARN": sec.arn, "Name": sec.name}, nil
	}
	if _, ok := sec.versions[req.MoveToVersionID]; !ok {
		return nil, notFound("Secrets Manager can't find the specified secret version %s.", req.MoveToVersionID)
	}
	for id, v := range sec.versions {
		if slices.Contains(v.stages, req.VersionStage) && id != req.MoveToVersionID && id != req.RemoveFromVersionID {
			return nil, invalid("The staging label %s is currently attached to version %s, but you didn't specify it as RemoveFromVersionId.", req.VersionStage, id)
		}
	}
	s.moveStage(sec, req.VersionStage, req.MoveToVersionID)
	return map[string]any{"ARN": sec.arn, "Name": sec.name}, nil
}

// moveStage attaches stage to version to, detaching it from any other
// version; moving AWSCURRENT labels the version it leaves AWSPREVIOUS.
func (s *SecretsManager) moveStage(sec *secret, stage, to string) {
	for id, v := range sec.versions {
		if id == to || !slices.Contains(v.stages, stage) {
			continue
		}
		v.stages = slices.DeleteFunc(v.stages, func(st string) bool { return st == stage })
		if stage == stageCurrent {
			s.moveStage(sec, stagePrevious, id)
		}
	}
	if v := sec.versions[to]; !slices.Contains(v.stages, stage) {
		v.stages = append(v.stages, stage)
	}
	// A version without labels is deprecated; the service removes such
	// versions eventually, which no caller can observe here.
}

// epoch is a timestamp as the JSON protocols send it: seconds since the
// epoch, with a fraction.
func epoch(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }
