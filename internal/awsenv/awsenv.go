// Package awsenv is the AWS configuration of a function in Lambda, read from
// the environment Lambda gives it.
package awsenv

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Lambda is the AWS configuration of a function in Lambda: the region
// and the execution role's credentials, which Lambda puts in the
// environment (AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_SESSION_TOKEN) — what the SDK's default chain finds there too.
// Reading them directly keeps that chain (shared files, SSO, STS, IMDS:
// about 1.6 MB) out of every function's binary; the operator tools keep
// the default chain. A service's endpoint may be set the SDK's way
// (AWS_ENDPOINT_URL_<SERVICE>, else AWS_ENDPOINT_URL), as emulators do.
func Lambda(getenv func(string) string) (aws.Config, error) {
	region := getenv("AWS_REGION")
	if region == "" {
		region = getenv("AWS_DEFAULT_REGION")
	}
	key, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	var missing []string
	if region == "" {
		missing = append(missing, "AWS_REGION")
	}
	if key == "" || secret == "" {
		missing = append(missing, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
	}
	if len(missing) > 0 {
		return aws.Config{}, fmt.Errorf("missing environment: %s (Lambda sets them from the function's role)", strings.Join(missing, ", "))
	}
	return aws.Config{
		Region:      region,
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(key, secret, getenv("AWS_SESSION_TOKEN"))),
	}, nil
}

// Endpoint is the endpoint the environment sets for a service (its id in
// upper case with spaces as underscores, "DYNAMODB", "SECRETS_MANAGER"),
// nil for the service's own.
func Endpoint(getenv func(string) string, service string) *string {
	for _, v := range []string{"AWS_ENDPOINT_URL_" + service, "AWS_ENDPOINT_URL"} {
		if ep := getenv(v); ep != "" {
			return aws.String(ep)
		}
	}
	return nil
}
