package awsjson

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

var (
	testRegions   = []string{"us-east-1", "eu-west-2", "cn-north-1"}
	testEndpoints = []string{"", "http://127.0.0.1:8000", "https://example.com:443", "http://localhost:80/",
		"https://vpce.example.com/some%20path/x%2Fy/", "HTTPS://Upper.Example.com:8443"}
	testTimes = []time.Time{
		time.Date(2026, 12, 1, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 2, 29, 12, 30, 5, 0, time.FixedZone("UTC+5", 5*3600)), // its date in UTC is what counts
		time.Date(2024, 2, 29, 2, 0, 0, 0, time.FixedZone("UTC+5", 5*3600)),
	}
	testCredentials = []aws.Credentials{
		{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
		{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "another/secret+key", SessionToken: "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ=="},
		{AccessKeyID: "local", SecretAccessKey: "local"},
	}
	testBodies = []string{`{}`, `{"RequestItems":{"Permissions":{"Keys":[{"pk":{"S":"RES#1"},"sk":{"S":"META"}}],"ConsistentRead":true}}}`,
		`{"TableName":"t","Key":{"pk":{"S":"` + strings.Repeat("ünïcødé ", 200) + `"}}}`}
)

// sdkSigned is the request the client sent before it had its own signer:
// built by http.NewRequest, with the client's three headers, signed by
// the SDK's signer.
func sdkSigned(t *testing.T, endpoint, version, target, body string, creds aws.Credentials, service, region string, at time.Time) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-"+version)
	req.Header.Set("X-Amz-Target", target)
	req.Header.Set("Accept-Encoding", "identity")
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, region, at); err != nil {
		t.Fatal(err)
	}
	return req
}

// The signer writes what the SDK's signer writes for the client's
// requests: every region, endpoint (ports, paths), time (around
// midnight, other zones), credentials (with and without a session
// token) and body, the signing key cached across them and re-derived
// when the secret or the date changes.
func TestSignerMatchesTheSDKs(t *testing.T) {
	for _, svc := range []Service{{SigningName: "dynamodb", Target: "DynamoDB_20120810.", Version: "1.0"},
		{SigningName: "secretsmanager", Target: "secretsmanager.", Version: "1.1"}} {
		for _, region := range testRegions {
			for _, endpoint := range testEndpoints {
				c := New(svc, Options{Region: region, Endpoint: endpoint})
				for _, at := range testTimes {
					for _, creds := range testCredentials {
						for _, body := range testBodies {
							for _, op := range []string{"BatchGetItem", "GetItem"} {
								target := svc.Target + op
								want := sdkSigned(t, c.endpoint, svc.Version, target, body, creds, svc.SigningName, region, at)
								sum := sha256.Sum256([]byte(body))
								date, auth := c.signer.sign(creds, target, len(body), &sum, at)
								wantHost := want.Host
								if wantHost == "" {
									wantHost = want.URL.Host
								}
								if auth != want.Header.Get("Authorization") || date != want.Header.Get("X-Amz-Date") || c.signer.host != wantHost {
									t.Fatalf("%s %s at %s with %s: signed\n%s %s %s\nthe SDK:\n%s %s %s", endpoint, region, at, creds.AccessKeyID,
										date, auth, c.signer.host, want.Header.Get("X-Amz-Date"), want.Header.Get("Authorization"), wantHost)
								}
							}
						}
					}
				}
			}
		}
	}
}

// recorder answers every request with an empty JSON object and keeps the
// requests and their bodies.
type recorder struct {
	mu     sync.Mutex
	reqs   []*http.Request
	bodies []string
}

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	again, err := req.GetBody() // what the transport sends again on another connection
	if err != nil {
		return nil, err
	}
	if b, _ := io.ReadAll(again); string(b) != string(body) {
		return nil, fmt.Errorf("GetBody gives %q, the body was %q", b, body)
	}
	r.mu.Lock()
	r.reqs, r.bodies = append(r.reqs, req), append(r.bodies, string(body))
	r.mu.Unlock()
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("{}"))}, nil
}

// What Call sends, from goroutines at once with credentials that change
// (their provider asked every time), is what the SDK's signer signs for
// the same request at the same time, with the headers it had before.
func TestCallSendsWhatTheSDKSigns(t *testing.T) {
	var turn sync.Mutex
	n := 0
	provider := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		turn.Lock()
		defer turn.Unlock()
		n++
		return testCredentials[n%len(testCredentials)], nil
	})
	rec := &recorder{}
	svc := Service{ID: "DynamoDB", SigningName: "dynamodb", Target: "DynamoDB_20120810.", Version: "1.0"}
	c := New(svc, Options{Region: "eu-west-2", Endpoint: "https://example.com:443", Credentials: provider, HTTP: rec})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 20 {
				body := fmt.Sprintf(`{"g":%d,"i":%d}`, g, i)
				if err := c.Call(t.Context(), "Query", []byte(body), &struct{}{}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if len(rec.reqs) != 160 {
		t.Fatalf("%d requests sent", len(rec.reqs))
	}
	secrets := map[string]aws.Credentials{}
	for _, creds := range testCredentials {
		secrets[creds.AccessKeyID] = creds
	}
	for i, req := range rec.reqs {
		at, err := time.Parse("20060102T150405Z", req.Header.Get("X-Amz-Date"))
		if err != nil {
			t.Fatal(err)
		}
		keyID := strings.Split(strings.TrimPrefix(req.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential="), "/")[0]
		want := sdkSigned(t, "https://example.com:443/", "1.0", "DynamoDB_20120810.Query", rec.bodies[i], secrets[keyID], "dynamodb", "eu-west-2", at)
		if req.Host != want.Host || req.Method != "POST" || req.URL.String() != "https://example.com:443/" ||
			req.ContentLength != int64(len(rec.bodies[i])) || fmt.Sprint(req.Header) != fmt.Sprint(want.Header) {
			t.Fatalf("sent %s %s (host %s, %d bytes) %v\nthe SDK's: (host %s) %v", req.Method, req.URL, req.Host, req.ContentLength, req.Header, want.Host, want.Header)
		}
	}
}

// A signature costs a few allocations: the headers' strings, nothing per
// header, no key derivation once the key is kept.
func TestSignerAllocations(t *testing.T) {
	c := New(Service{SigningName: "dynamodb", Target: "DynamoDB_20120810.", Version: "1.0"}, Options{Region: "us-east-1"})
	creds := testCredentials[1]
	body := []byte(testBodies[1])
	sum := sha256.Sum256(body)
	at := testTimes[0]
	c.signer.sign(creds, "DynamoDB_20120810.BatchGetItem", len(body), &sum, at)
	if n := testing.AllocsPerRun(100, func() {
		c.signer.sign(creds, "DynamoDB_20120810.BatchGetItem", len(body), &sum, at)
	}); n > 1 && !raceEnabled {
		t.Errorf("a signature allocates %.0f times, want 1", n)
	}
}
