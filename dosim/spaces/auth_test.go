package spaces_test

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/berth-dev/berth/dosim/spaces"
	"github.com/minio/minio-go/v7"
)

// s3Error is the body of an S3 error answer.
type s3Error struct {
	Code      string `xml:"Code"`
	Message   string `xml:"Message"`
	RequestID string `xml:"RequestId"`
}

// readError decodes an S3 error body ("" code when the body is not one).
func readError(t *testing.T, body io.Reader) s3Error {
	t.Helper()
	var e s3Error
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	_ = xml.Unmarshal(b, &e)
	return e
}

// TestAuthentication checks who gets in: only keys the store knows, signing with their own
// secret, for this region (or us-east-1), within 15 minutes of the server's clock.
func TestAuthentication(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		key      spaces.Key
		region   string // what the client signs with; "" for nyc3
		server   string // the server's region; "" for the default, nyc3
		clockOff time.Duration
		want     string
	}{
		{name: "own key", key: fullA},
		{name: "us-east-1 scope", key: fullA, region: "us-east-1"},
		{name: "wrong secret", key: withSecret(fullA, "not-the-secret"), want: "SignatureDoesNotMatch"},
		{name: "unknown key", key: spaces.Key{AccessKey: "DOUNKNOWNKEY00000000", SecretKey: "x"}, want: "InvalidAccessKeyId"},
		{name: "other region", key: fullA, region: "ams3", want: "AuthorizationHeaderMalformed"},
		{name: "server in ams3", key: fullA, region: "ams3", server: "ams3"},
		{name: "server in ams3, client nyc3", key: fullA, server: "ams3", want: "AuthorizationHeaderMalformed"},
		{name: "server 16 minutes ahead", key: fullA, clockOff: 16 * time.Minute, want: "RequestTimeTooSkewed"},
		{name: "server 16 minutes behind", key: fullA, clockOff: -16 * time.Minute, want: "RequestTimeTooSkewed"},
		{name: "server 14 minutes ahead", key: fullA, clockOff: 14 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var opts []fixtureOption
			if tc.server != "" {
				opts = append(opts, withRegion(tc.server))
			}
			f := newFixture(t, opts...)
			f.clock.Advance(tc.clockOff)
			c := f.client(t, tc.key, func(o *minio.Options) {
				if tc.region != "" {
					o.Region = tc.region
				}
			})
			_, err := c.ListBuckets(context.Background())
			if got := errCode(err); got != tc.want {
				t.Errorf("ListBuckets() = %v, want %q", err, tc.want)
			}
		})
	}
}

func withSecret(k spaces.Key, secret string) spaces.Key {
	k.SecretKey = secret
	return k
}

// TestUnsignedRequests checks that requests without a SigV4 signature are refused with S3 errors.
func TestUnsignedRequests(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, tc := range []struct {
		name, path, auth string
		status           int
		code             string
	}{
		{name: "anonymous", path: "/", status: http.StatusForbidden, code: "AccessDenied"},
		{name: "signature v2", path: "/", auth: "AWS " + fullA.AccessKey + ":c2lnbmF0dXJl",
			status: http.StatusBadRequest, code: "InvalidRequest"},
		{name: "malformed v4", path: "/", auth: "AWS4-HMAC-SHA256 Credential=" + fullA.AccessKey,
			status: http.StatusBadRequest, code: "AuthorizationHeaderMalformed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, _ := http.NewRequest(http.MethodGet, f.srv.URL+tc.path, nil)
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			resp, err := f.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if e := readError(t, resp.Body); resp.StatusCode != tc.status || e.Code != tc.code || e.RequestID == "" {
				t.Errorf("GET %s = %d %+v, want %d %s with a request id", tc.path, resp.StatusCode, e, tc.status, tc.code)
			}
		})
	}
}

// TestPresigned checks minio-go's presigned GET and PUT URLs, a tampered one, and expiry.
func TestPresigned(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	c := f.client(t, fullA)
	mustMakeBucket(t, c, "shared")
	put(t, c, "shared", "report.txt", []byte("quarterly numbers"), 0)

	putURL, err := c.PresignedPutObject(ctx, "shared", "upload.txt", 10*time.Minute)
	if err != nil {
		t.Fatalf("PresignedPutObject = %v", err)
	}
	req, _ := http.NewRequest(http.MethodPut, putURL.String(), strings.NewReader("uploaded by URL"))
	if resp := do(t, f, req); resp.StatusCode != http.StatusOK {
		t.Fatalf("PUT presigned URL = %d %+v, want 200", resp.StatusCode, readError(t, resp.Body))
	}
	if got := string(get(t, c, "shared", "upload.txt")); got != "uploaded by URL" {
		t.Errorf("object put through a presigned URL = %q", got)
	}

	getURL, err := c.PresignedGetObject(ctx, "shared", "report.txt", 10*time.Minute, nil)
	if err != nil {
		t.Fatalf("PresignedGetObject = %v", err)
	}
	resp := do(t, f, mustRequest(t, http.MethodGet, getURL.String()))
	if body, _ := io.ReadAll(resp.Body); resp.StatusCode != http.StatusOK || string(body) != "quarterly numbers" {
		t.Errorf("GET presigned URL = %d %q, want 200 and the object", resp.StatusCode, body)
	}

	tampered := strings.Replace(getURL.String(), "report.txt", "other.txt", 1)
	resp = do(t, f, mustRequest(t, http.MethodGet, tampered))
	if e := readError(t, resp.Body); resp.StatusCode != http.StatusForbidden || e.Code != "SignatureDoesNotMatch" {
		t.Errorf("GET tampered presigned URL = %d %s, want 403 SignatureDoesNotMatch", resp.StatusCode, e.Code)
	}

	f.clock.Advance(11 * time.Minute)
	resp = do(t, f, mustRequest(t, http.MethodGet, getURL.String()))
	if e := readError(t, resp.Body); resp.StatusCode != http.StatusForbidden || e.Message != "Request has expired" {
		t.Errorf("GET expired presigned URL = %d %+v, want 403 Request has expired", resp.StatusCode, e)
	}
}

func mustRequest(t *testing.T, method, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// do sends req to the fixture and closes the body when the test ends.
func do(t *testing.T, f *fixture, req *http.Request) *http.Response {
	t.Helper()
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}
