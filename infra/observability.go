package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"sentinel/internal/dynamo"
	"sentinel/internal/metrics"
)

// Alarm thresholds; the README's "Operations" section gives each its reason.
const (
	api5xxPercent         = 1    // % of API requests answered 5xx, 5-min periods, 2 of 3
	checkP99Ms            = 300  // p99 of the check route group (backends wait on it)
	authzP99Ms            = 1000 // p99 of /authz/resolve (may fetch an IdP's JWKS)
	adminP99Ms            = 2000 // p99 of the admin API (sign-in runs bcrypt)
	lambdaFaults          = 5    // errors + throttles of a function group in 5 minutes
	dynamoThrottles       = 10   // throttled requests of a table in 5 minutes
	dynamoSystemErrors    = 1    // DynamoDB 5xx of a table, in each of 2 consecutive 5 minutes
	authFailureSpike      = 100  // refused credentials in 5 minutes (per-IP limit: 20 a minute)
	lambdaGroupSize       = 5    // functions per errors+throttles alarm (CloudWatch: ≤ 10 metrics an alarm)
	alarmPeriodMinutes    = 5
	dashboardWidgetWidth  = 8
	dashboardWidgetHeight = 6
)

// latencyGroups are the route groups with a p99 alarm (routes.Route.Group).
var latencyGroups = []struct {
	group string
	ms    float64
}{{"check", checkP99Ms}, {"authz", authzP99Ms}, {"admin", adminP99Ms}}

// dynamoOperations are the operations the functions call (at most 10: an
// alarm takes at most 10 metrics).
var dynamoOperations = []awsdynamodb.Operation{
	awsdynamodb.Operation_GET_ITEM, awsdynamodb.Operation_QUERY, awsdynamodb.Operation_PUT_ITEM,
	awsdynamodb.Operation_UPDATE_ITEM, awsdynamodb.Operation_DELETE_ITEM, awsdynamodb.Operation_BATCH_GET_ITEM,
	awsdynamodb.Operation_TRANSACT_WRITE_ITEMS, awsdynamodb.Operation_TRANSACT_GET_ITEMS,
}

// observed is what the alarms and the dashboard watch.
type observed struct {
	stage      string
	api        awsapigatewayv2.HttpStage
	functions  map[string]awslambda.Function
	tables     map[string]awsdynamodb.Table
	alarmEmail string
}

// newObservability is the one construct of the stack's alarms, their SNS
// topic (alarmEmail, when set, subscribes to it) and the dashboard.
func newObservability(stack awscdk.Stack, o observed) {
	scope := constructs.NewConstruct(stack, jsii.String("Alarms"))
	// The stack's stage tag is not a property of alarms and dashboards in
	// the schema cfn-lint checks against.
	awscdk.Tags_Of(stack).Remove(jsii.String("sentinel:stage"), &awscdk.TagProps{
		IncludeResourceTypes: jsii.Strings("AWS::CloudWatch::Alarm", "AWS::CloudWatch::Dashboard"), Priority: jsii.Number(200)})
	topic := awssns.NewTopic(scope, jsii.String("Topic"), &awssns.TopicProps{
		DisplayName: jsii.String("Sentinel " + o.stage + " alarms"),
		MasterKey:   awskms.Alias_FromAliasName(scope, jsii.String("SnsKey"), jsii.String("alias/aws/sns")),
	})
	suppress(topic, "AwsSolutions-SNS3", "Only CloudWatch alarms publish to the topic (through its service, over TLS); "+
		"the SSL-only topic policy would need a \"*\" principal, which the stack's least-privilege test forbids.")
	if o.alarmEmail != "" {
		topic.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(o.alarmEmail), nil))
	}
	action := awscloudwatchactions.NewSnsAction(topic)
	alarm := func(id, reason string, metric awscloudwatch.IMetric, threshold float64, datapoints, periods int) {
		a := awscloudwatch.NewAlarm(scope, jsii.String(id), &awscloudwatch.AlarmProps{
			AlarmDescription:   jsii.String(reason),
			Metric:             metric,
			Threshold:          jsii.Number(threshold),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
			EvaluationPeriods:  jsii.Number(periods),
			DatapointsToAlarm:  jsii.Number(datapoints),
			TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		})
		a.AddAlarmAction(action)
		a.AddOkAction(action)
	}
	period := awscdk.Duration_Minutes(jsii.Number(alarmPeriodMinutes))
	sum := &awscloudwatch.MetricOptions{Period: period, Statistic: jsii.String("Sum")}
	ns := jsii.String(metrics.Namespace(o.stage))
	emf := func(name, statistic string, dims map[string]string) awscloudwatch.Metric {
		dm := map[string]*string{}
		for k, v := range dims {
			dm[k] = jsii.String(v)
		}
		return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{Namespace: ns, MetricName: jsii.String(name),
			DimensionsMap: &dm, Statistic: jsii.String(statistic), Period: period})
	}

	serverErrors, requests := o.api.MetricServerError(sum), o.api.MetricCount(sum)
	alarm("Api5xxRate", fmt.Sprintf("API 5xx rate ≥ %d%% in 2 of 3 five-minute periods: clients are failing, beyond the odd 503 a retry absorbs", api5xxPercent),
		awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
			Expression:   jsii.String("100 * errors / MAX([requests, 1])"),
			UsingMetrics: &map[string]awscloudwatch.IMetric{"errors": serverErrors, "requests": requests},
			Label:        jsii.String("5xx %"), Period: period,
		}), api5xxPercent, 2, 3)

	for _, g := range latencyGroups {
		alarm("LatencyP99"+strings.ToUpper(g.group[:1])+g.group[1:],
			fmt.Sprintf("p99 latency of the %s routes ≥ %g ms for 15 minutes: callers wait longer than the service is meant to take", g.group, g.ms),
			emf(metrics.Latency, "p99", map[string]string{metrics.DimRouteGroup: g.group}), g.ms, 3, 3)
	}

	names := make([]string, 0, len(o.functions))
	for n := range o.functions {
		names = append(names, n)
	}
	sort.Strings(names)
	for i := 0; i < len(names); i += lambdaGroupSize {
		group := names[i:min(i+lambdaGroupSize, len(names))]
		using := map[string]awscloudwatch.IMetric{}
		var terms []string
		for j, n := range group {
			using[fmt.Sprintf("e%d", j)] = o.functions[n].MetricErrors(sum)
			using[fmt.Sprintf("t%d", j)] = o.functions[n].MetricThrottles(sum)
			terms = append(terms, fmt.Sprintf("e%d + t%d", j, j))
		}
		alarm(fmt.Sprintf("LambdaErrorsThrottles%d", i/lambdaGroupSize+1),
			fmt.Sprintf("≥ %d errors or throttles in 5 minutes in functions %s: crashes, timeouts or exhausted concurrency", lambdaFaults, strings.Join(group, ", ")),
			awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
				Expression: jsii.String(strings.Join(terms, " + ")), UsingMetrics: &using,
				Label: jsii.String("errors + throttles"), Period: period,
			}), lambdaFaults, 1, 1)
	}

	ops := &awsdynamodb.OperationsMetricOptions{Operations: &dynamoOperations, Period: period}
	for _, t := range dynamo.All {
		table := o.tables[t.ID]
		alarm(t.ID+"Throttles", fmt.Sprintf("≥ %d throttled requests on the %s table in 5 minutes: on-demand capacity outpaced; requests answer 503 after retries", dynamoThrottles, t.ID),
			table.MetricThrottledRequestsForOperations(ops), dynamoThrottles, 1, 1)
		alarm(t.ID+"SystemErrors", fmt.Sprintf("DynamoDB system errors on the %s table for 10 minutes: an AWS-side problem, requests answer 503", t.ID),
			table.MetricSystemErrorsForOperations(&awsdynamodb.SystemErrorsForOperationsMetricOptions{Operations: &dynamoOperations, Period: period}),
			dynamoSystemErrors, 2, 2)
	}

	alarm("AuthFailureSpike", fmt.Sprintf("≥ %d refused credentials in 5 minutes: a backend with a revoked or mistyped key, or key guessing from many addresses", authFailureSpike),
		emf(metrics.AuthFailures, "Sum", nil), authFailureSpike, 1, 1)

	newDashboard(stack, o, serverErrors, requests, ns)
}

// newDashboard is one screen: traffic, latency, errors, decisions, auth
// failures and DynamoDB consumed capacity.
func newDashboard(stack awscdk.Stack, o observed, serverErrors, requests awscloudwatch.IMetric, ns *string) {
	period := awscdk.Duration_Minutes(jsii.Number(alarmPeriodMinutes))
	search := func(label, dims, metric, statistic string) awscloudwatch.IMetric {
		return awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
			Expression:   jsii.String(fmt.Sprintf(`SEARCH('{%s,%s} MetricName="%s"', '%s', %d)`, *ns, dims, metric, statistic, alarmPeriodMinutes*60)),
			UsingMetrics: &map[string]awscloudwatch.IMetric{}, Label: jsii.String(label), Period: period,
		})
	}
	graph := func(title string, left ...awscloudwatch.IMetric) awscloudwatch.IWidget {
		return awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{Title: jsii.String(title), Left: &left,
			Width: jsii.Number(dashboardWidgetWidth), Height: jsii.Number(dashboardWidgetHeight)})
	}
	sum := &awscloudwatch.MetricOptions{Period: period, Statistic: jsii.String("Sum")}
	var capacity []awscloudwatch.IMetric
	for _, t := range dynamo.All {
		capacity = append(capacity,
			o.tables[t.ID].MetricConsumedReadCapacityUnits(&awscloudwatch.MetricOptions{Period: period, Statistic: jsii.String("Sum"), Label: jsii.String(t.ID + " read")}),
			o.tables[t.ID].MetricConsumedWriteCapacityUnits(&awscloudwatch.MetricOptions{Period: period, Statistic: jsii.String("Sum"), Label: jsii.String(t.ID + " write")}))
	}
	awscloudwatch.NewDashboard(stack, jsii.String("Dashboard"), &awscloudwatch.DashboardProps{
		DashboardName: jsii.String("sentinel-" + o.stage),
		Widgets: &[]*[]awscloudwatch.IWidget{
			{
				graph("Traffic (requests)", requests, search("by route group", metrics.DimRouteGroup, metrics.Requests, "Sum")),
				graph("Latency p99 (ms) by route group", search("p99", metrics.DimRouteGroup, metrics.Latency, "p99")),
				graph("Errors", serverErrors, o.api.MetricClientError(sum)),
			},
			{
				graph("Decisions by service", search("checks", metrics.DimService+","+metrics.DimDecision, metrics.Checks, "Sum")),
				graph("Auth failures by tier and reason", search("auth failures", metrics.DimTier+","+metrics.DimReason, metrics.AuthFailures, "Sum"),
					search("rate limited", metrics.DimLimit, metrics.RateLimited, "Sum")),
				graph("DynamoDB consumed capacity", capacity...),
			},
		},
	})
}
