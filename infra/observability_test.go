package main

import (
	"fmt"
	"strings"
	"testing"

	"sentinel/internal/dynamo"
	"sentinel/internal/metrics"
	"sentinel/internal/routes"
	"sentinel/internal/routes/all"
)

// alarmNamed is the alarm whose construct id is id (logical id
// "Alarms<id><hash>").
func alarmNamed(t *testing.T, tmpl *cfnTemplate, id string) cfnResource {
	t.Helper()
	var found []cfnResource
	for lid, r := range tmpl.resourcesOfType("AWS::CloudWatch::Alarm") {
		rest, ok := strings.CutPrefix(lid, "Alarms"+id)
		if ok && len(rest) == 8 { // the hash, not a longer id
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("alarm %s: %d found", id, len(found))
	}
	return found[0]
}

func TestAlarmsNameTheirMetricAndThreshold(t *testing.T) {
	tmpl := realTemplate(t)
	topicID, _ := tmpl.only(t, "AWS::SNS::Topic")
	type want struct {
		id        string
		metrics   []string // metric names in the alarm
		threshold float64
	}
	wants := []want{
		{"Api5xxRate", []string{"5xx", "Count"}, api5xxPercent},
		{"LatencyP99Check", []string{metrics.Latency}, checkP99Ms},
		{"LatencyP99Authz", []string{metrics.Latency}, authzP99Ms},
		{"LatencyP99Admin", []string{metrics.Latency}, adminP99Ms},
		{"AuthFailureSpike", []string{metrics.AuthFailures}, authFailureSpike},
	}
	for _, tb := range dynamo.All {
		wants = append(wants, want{tb.ID + "Throttles", []string{"ThrottledRequests"}, dynamoThrottles},
			want{tb.ID + "SystemErrors", []string{"SystemErrors"}, dynamoSystemErrors})
	}
	fns := all.Functions()
	groups := (len(fns) + lambdaGroupSize - 1) / lambdaGroupSize
	for i := 1; i <= groups; i++ {
		wants = append(wants, want{fmt.Sprintf("LambdaErrorsThrottles%d", i), []string{"Errors", "Throttles"}, lambdaFaults})
	}
	countIs(t, tmpl, "AWS::CloudWatch::Alarm", len(wants))
	for _, w := range wants {
		t.Run(w.id, func(t *testing.T) {
			a := alarmNamed(t, tmpl, w.id)
			p := a.Properties
			if got, _ := p["Threshold"].(float64); got != w.threshold {
				t.Errorf("threshold %v, want %v", p["Threshold"], w.threshold)
			}
			body := jsonOf(t, p)
			for _, m := range w.metrics {
				if !strings.Contains(body, `"MetricName":"`+m+`"`) {
					t.Errorf("no metric %s in %s", m, body)
				}
			}
			if desc, _ := p["AlarmDescription"].(string); len(desc) < 20 {
				t.Errorf("no reason: %q", desc)
			}
			for _, k := range []string{"AlarmActions", "OKActions"} {
				if !strings.Contains(jsonOf(t, p[k]), topicID) {
					t.Errorf("%s do not notify the topic: %v", k, p[k])
				}
			}
		})
	}
	// Every function is in exactly one errors+throttles alarm.
	for _, fn := range fns {
		id := tmpl.functionID(t, fn.Name)
		n := 0
		for i := 1; i <= groups; i++ {
			if strings.Contains(jsonOf(t, alarmNamed(t, tmpl, fmt.Sprintf("LambdaErrorsThrottles%d", i)).Properties), `"Ref":"`+id+`"`) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("function %s is in %d errors+throttles alarms, want 1", fn.Name, n)
		}
	}
	// The EMF alarms read the stage's namespace.
	if body := jsonOf(t, alarmNamed(t, tmpl, "LatencyP99Check").Properties); !strings.Contains(body, metrics.Namespace(testStage)) ||
		!strings.Contains(body, `"p99"`) || !strings.Contains(body, `"Value":"check"`) {
		t.Errorf("check latency alarm: %s", body)
	}
}

func TestDashboardIsOneScreen(t *testing.T) {
	tmpl := realTemplate(t)
	_, d := tmpl.only(t, "AWS::CloudWatch::Dashboard")
	body := jsonOf(t, d.Properties["DashboardBody"])
	for _, s := range []string{"Traffic", "Latency p99", "Errors", "Decisions by service", "Auth failures", "DynamoDB consumed capacity",
		metrics.Checks, metrics.AuthFailures, metrics.Latency, "ConsumedReadCapacityUnits", "ConsumedWriteCapacityUnits", "5xx"} {
		if !strings.Contains(body, s) {
			t.Errorf("dashboard lacks %q", s)
		}
	}
}

func TestAlarmTopicAndContextFlags(t *testing.T) {
	tmpl := realTemplate(t)
	_, topic := tmpl.only(t, "AWS::SNS::Topic")
	if topic.Properties["KmsMasterKeyId"] == nil {
		t.Error("topic not encrypted")
	}
	countIs(t, tmpl, "AWS::SNS::Subscription", 0)
	for id, r := range tmpl.resourcesOfType("AWS::Lambda::Function") {
		if r.Properties["TracingConfig"] != nil {
			t.Errorf("%s traced without the xray flag", id)
		}
	}

	fns := []routes.Function{all.Functions()[0]}
	flagged := synthWith(t, "flags", fns, "", func(p *SentinelStackProps) {
		p.AlarmEmail, p.Tracing = "ops@example.com", true
	})
	_, sub := flagged.only(t, "AWS::SNS::Subscription")
	if sub.Properties["Protocol"] != "email" || sub.Properties["Endpoint"] != "ops@example.com" {
		t.Errorf("subscription %v", sub.Properties)
	}
	_, fn := flagged.only(t, "AWS::Lambda::Function")
	if got := jsonOf(t, fn.Properties["TracingConfig"]); got != `{"Mode":"Active"}` {
		t.Errorf("TracingConfig %s", got)
	}
}
