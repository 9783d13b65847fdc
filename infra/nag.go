package main

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// suppress records on scope, and everything under it, that a finding of
// the cdk-nag rule was reviewed and why it does not apply here. The stack
// tests run the AwsSolutions pack and allow no finding without one.
func suppress(scope constructs.IConstruct, rule, reason string) {
	cdknag.NagSuppressions_AddResourceSuppressions(scope, &[]*cdknag.NagPackSuppression{{
		Id: jsii.String(rule), Reason: jsii.String(reason),
	}}, jsii.Bool(true))
}

// cdkBucketDeploymentHandler is the singleton Lambda function that CDK's
// BucketDeployment adds to the stack (id Custom::CDKBucketDeployment<hash>).
func cdkBucketDeploymentHandler(stack awscdk.Stack) constructs.IConstruct {
	for _, c := range *stack.Node().Children() {
		if strings.HasPrefix(*c.Node().Id(), "Custom::CDKBucketDeployment") {
			return c
		}
	}
	panic("infra: no BucketDeployment handler in the stack")
}
