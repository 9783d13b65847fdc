package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfrontorigins"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3deployment"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/jsii-runtime-go"

	"sentinel/internal/web"
)

// adminSiteCSP allows the SPA to load only its own scripts, styles and
// data, and to call only its own origin (the API is under /admin/* there).
const adminSiteCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; " +
	"frame-ancestors 'none'; upgrade-insecure-requests"

// spaRewrite serves index.html for SPA deep links: a path whose last
// segment has no file extension is a client-side route, not an object.
// It runs only on the S3 behaviour, so the API's JSON 404s are untouched
// (unlike distribution-wide custom error responses).
const spaRewrite = `function handler(event) {
  var request = event.request;
  if (!/\.[^\/]+$/.test(request.uri)) {
    request.uri = '/index.html';
  }
  return request;
}`

// originVerifyHeader is web.OriginVerifyHeader: the header by which the
// distribution proves to the API that a request came through it.
const originVerifyHeader = web.OriginVerifyHeader

// adminOriginHeaders are the viewer headers the admin API reads (cookies
// and query strings are forwarded whole), plus the viewer's address, which
// CloudFront adds. Host is not forwarded: API Gateway answers only to its
// own domain.
var adminOriginHeaders = []string{"Accept", "Content-Type", "X-Requested-With", web.ViewerAddressHeader}

// newOriginSecret creates the random secret the admin site's distribution
// adds to every request it forwards to the API (originVerifyHeader), so the
// sign-in function can tell CloudFront's requests from direct calls and
// trust CloudFront-Viewer-Address in those only. CloudFormation generates
// it; it is in no template, variable or log (the distribution's header
// resolves it at deploy time, the function reads it at cold start).
func newOriginSecret(stack awscdk.Stack, stage string) awssecretsmanager.Secret {
	secret := awssecretsmanager.NewSecret(stack, jsii.String("AdminOriginSecret"), &awssecretsmanager.SecretProps{
		Description: jsii.String("Sentinel " + stage + " admin site origin secret: proves a request came through its CloudFront distribution"),
		GenerateSecretString: &awssecretsmanager.SecretStringGenerator{
			PasswordLength:     jsii.Number(48),
			ExcludePunctuation: jsii.Bool(true),
		},
	})
	suppress(secret, "AwsSolutions-SMG4", "The distribution's origin header takes the secret's value when the stack "+
		"deploys; rotating it without a deploy would only make the sign-in limit count CloudFront's address until "+
		"the next one, so it is replaced by redeploying with a new secret instead.")
	return secret
}

// newAdminSite hosts the built admin site from a private bucket behind
// CloudFront and routes /admin/* on the same origin to the HTTP API, so the
// admin_token cookie stays first-party. Requests to the API carry the
// viewer's address and the origin secret.
func newAdminSite(stack awscdk.Stack, api awsapigatewayv2.HttpApi, dir string, originSecret awssecretsmanager.Secret) {
	if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
		panic(fmt.Sprintf("infra: admin site: %v (build admin-web first)", err))
	}
	bucket := awss3.NewBucket(stack, jsii.String("AdminSiteBucket"), &awss3.BucketProps{
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:        jsii.Bool(true),
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
	})
	suppress(bucket, "AwsSolutions-S1", "A private bucket of public build output, read only by CloudFront through "+
		"origin access control; server access logs would record nothing but CloudFront's own reads.")
	headers := awscloudfront.NewResponseHeadersPolicy(stack, jsii.String("AdminSiteHeaders"), &awscloudfront.ResponseHeadersPolicyProps{
		Comment: jsii.String("Sentinel admin site security headers"),
		SecurityHeadersBehavior: &awscloudfront.ResponseSecurityHeadersBehavior{
			ContentSecurityPolicy: &awscloudfront.ResponseHeadersContentSecurityPolicy{
				ContentSecurityPolicy: jsii.String(adminSiteCSP),
				Override:              jsii.Bool(true),
			},
			ContentTypeOptions: &awscloudfront.ResponseHeadersContentTypeOptions{Override: jsii.Bool(true)},
			FrameOptions: &awscloudfront.ResponseHeadersFrameOptions{
				FrameOption: awscloudfront.HeadersFrameOption_DENY,
				Override:    jsii.Bool(true),
			},
			ReferrerPolicy: &awscloudfront.ResponseHeadersReferrerPolicy{
				ReferrerPolicy: awscloudfront.HeadersReferrerPolicy_NO_REFERRER,
				Override:       jsii.Bool(true),
			},
			StrictTransportSecurity: &awscloudfront.ResponseHeadersStrictTransportSecurity{
				AccessControlMaxAge: awscdk.Duration_Days(jsii.Number(730)),
				IncludeSubdomains:   jsii.Bool(true),
				Override:            jsii.Bool(true),
			},
		},
	})
	rewrite := awscloudfront.NewFunction(stack, jsii.String("AdminSiteRewrite"), &awscloudfront.FunctionProps{
		Code:    awscloudfront.FunctionCode_FromInline(jsii.String(spaRewrite)),
		Runtime: awscloudfront.FunctionRuntime_JS_2_0(),
		Comment: jsii.String("Serve index.html for admin site deep links"),
	})
	apiDomain := jsii.String(*api.ApiId() + ".execute-api." + *stack.Region() + "." + *stack.UrlSuffix())
	apiOrigin := awscloudfrontorigins.NewHttpOrigin(apiDomain, &awscloudfrontorigins.HttpOriginProps{
		ProtocolPolicy:     awscloudfront.OriginProtocolPolicy_HTTPS_ONLY,
		OriginSslProtocols: &[]awscloudfront.OriginSslPolicy{awscloudfront.OriginSslPolicy_TLS_V1_2},
		// A dynamic reference, resolved by CloudFormation at deploy time.
		CustomHeaders: &map[string]*string{originVerifyHeader: originSecret.SecretValue().UnsafeUnwrap()},
	})
	adminRequests := awscloudfront.NewOriginRequestPolicy(stack, jsii.String("AdminApiRequests"), &awscloudfront.OriginRequestPolicyProps{
		Comment:             jsii.String("Sentinel admin API: the headers it reads and the viewer's address"),
		HeaderBehavior:      awscloudfront.OriginRequestHeaderBehavior_AllowList(*jsii.Strings(adminOriginHeaders...)...),
		CookieBehavior:      awscloudfront.OriginRequestCookieBehavior_All(),
		QueryStringBehavior: awscloudfront.OriginRequestQueryStringBehavior_All(),
	})
	site := awscloudfront.NewDistribution(stack, jsii.String("AdminSite"), &awscloudfront.DistributionProps{
		Comment:           jsii.String("Sentinel admin site"),
		DefaultRootObject: jsii.String("index.html"),
		HttpVersion:       awscloudfront.HttpVersion_HTTP2_AND_3,
		PriceClass:        awscloudfront.PriceClass_PRICE_CLASS_100,
		DefaultBehavior: &awscloudfront.BehaviorOptions{
			Origin:                awscloudfrontorigins.S3BucketOrigin_WithOriginAccessControl(bucket, nil),
			ViewerProtocolPolicy:  awscloudfront.ViewerProtocolPolicy_REDIRECT_TO_HTTPS,
			CachePolicy:           awscloudfront.CachePolicy_CACHING_OPTIMIZED(),
			ResponseHeadersPolicy: headers,
			FunctionAssociations: &[]*awscloudfront.FunctionAssociation{{
				EventType: awscloudfront.FunctionEventType_VIEWER_REQUEST,
				Function:  rewrite,
			}},
		},
		AdditionalBehaviors: &map[string]*awscloudfront.BehaviorOptions{
			"/admin/*": {
				Origin:                apiOrigin,
				ViewerProtocolPolicy:  awscloudfront.ViewerProtocolPolicy_HTTPS_ONLY,
				AllowedMethods:        awscloudfront.AllowedMethods_ALLOW_ALL(),
				CachePolicy:           awscloudfront.CachePolicy_CACHING_DISABLED(),
				OriginRequestPolicy:   adminRequests,
				ResponseHeadersPolicy: headers,
			},
		},
	})
	suppress(site, "AwsSolutions-CFR1", "Admins sign in from wherever they work; the admin API behind /admin/* "+
		"locks an email after failed sign-ins and limits failures per client IP.")
	suppress(site, "AwsSolutions-CFR2", "The distribution serves static files and forwards /admin/*, whose API "+
		"enforces sign-in lockouts and rate limits itself; a WAF web ACL is a per-account cost left to the operator.")
	suppress(site, "AwsSolutions-CFR3", "The static files are public build output; the /admin/* requests are "+
		"access-logged by the API stage and every admin change is in the activity log.")
	suppress(site, "AwsSolutions-CFR4", "The stack has no custom domain, and the default *.cloudfront.net "+
		"certificate's security policy cannot be set; a team adding a domain sets its minimum protocol version to TLSv1.2_2021.")
	awss3deployment.NewBucketDeployment(stack, jsii.String("AdminSiteDeployment"), &awss3deployment.BucketDeploymentProps{
		Sources:           &[]awss3deployment.ISource{awss3deployment.Source_Asset(jsii.String(dir), nil)},
		DestinationBucket: bucket,
		// index.html is cached like any object; invalidating on deploy makes
		// a new build visible at once.
		Distribution:      site,
		DistributionPaths: jsii.Strings("/*"),
	})
	// The deployment's handler is CDK's own function, run only while
	// CloudFormation deploys; aws-cdk-lib chooses its runtime and policy.
	handler := cdkBucketDeploymentHandler(stack)
	suppress(handler, "AwsSolutions-L1", "CDK's BucketDeployment handler: aws-cdk-lib pins its runtime.")
	suppress(handler, "AwsSolutions-IAM4", "CDK's BucketDeployment handler logs through AWSLambdaBasicExecutionRole, as aws-cdk-lib defines it.")
	suppress(handler, "AwsSolutions-IAM5", "CDK's BucketDeployment handler copies the asset objects into the "+
		"admin site bucket and invalidates the distribution: aws-cdk-lib grants it object wildcards on those two buckets "+
		"and CloudFront invalidation, which IAM cannot scope to one distribution here.")
	awscdk.NewCfnOutput(stack, jsii.String("AdminSiteUrl"), &awscdk.CfnOutputProps{
		Value:       jsii.String("https://" + *site.DistributionDomainName()),
		Description: jsii.String("URL of the admin site"),
	})
}
