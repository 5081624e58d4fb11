package spaces_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// handRequest builds a request to the fixture signed by the independent docSigner with key k.
func (f *fixture) handRequest(t *testing.T, method, path string, body []byte, payloadSHA string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if payloadSHA == "" {
		payloadSHA = sha256Hex(body)
	}
	docSigner{accessKey: fullA.AccessKey, secretKey: fullA.SecretKey, region: "nyc3"}.sign(req, payloadSHA, f.clock.Now())
	return req
}

// TestIndependentSigner drives the endpoint with a SigV4 signer written from AWS's documentation
// rather than minio-go: signed payload hashes, keys that need escaping, listing, a payload that
// does not match its signed hash, and a presigned GET.
func TestIndependentSigner(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const key = "/hand/dir/a b+c~(1).txt"
	content := []byte("signed by hand")
	steps := []struct {
		name       string
		req        *http.Request
		wantStatus int
		wantBody   string // substring of the answer
	}{
		{"create bucket", f.handRequest(t, "PUT", "/hand", nil, ""), http.StatusOK, ""},
		{"put object", f.handRequest(t, "PUT", key, content, ""), http.StatusOK, ""},
		{"get object", f.handRequest(t, "GET", key, nil, ""), http.StatusOK, string(content)},
		{"list objects v2", f.handRequest(t, "GET", "/hand?list-type=2&prefix=dir%2F", nil, ""), http.StatusOK, "<Key>dir/a b+c~(1).txt</Key>"},
		{"list buckets", f.handRequest(t, "GET", "/", nil, ""), http.StatusOK, "<Name>hand</Name>"},
		{"location", f.handRequest(t, "GET", "/hand?location", nil, ""), http.StatusOK, ">nyc3</LocationConstraint>"},
		{"payload not matching its hash", f.handRequest(t, "PUT", "/hand/forged.txt", []byte("forged"), sha256Hex([]byte("genuine"))),
			http.StatusBadRequest, "<Code>XAmzContentSHA256Mismatch</Code>"},
		{"forged object was not stored", f.handRequest(t, "GET", "/hand/forged.txt", nil, ""), http.StatusNotFound, "NoSuchKey"},
		{"acl is not implemented", f.handRequest(t, "PUT", "/hand?acl", nil, ""), http.StatusNotImplemented, "NotImplemented"},
	}
	for _, s := range steps {
		resp, err := f.srv.Client().Do(s.req)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != s.wantStatus || !strings.Contains(string(body), s.wantBody) {
			t.Errorf("%s: %s %s = %d %s, want %d containing %q", s.name, s.req.Method, s.req.URL.Path,
				resp.StatusCode, body, s.wantStatus, s.wantBody)
		}
	}

	presigned := docSigner{accessKey: fullA.AccessKey, secretKey: fullA.SecretKey, region: "nyc3"}.
		presign("GET", f.srv.URL+"/hand/dir/a%20b%2Bc~%281%29.txt", f.clock.Now(), time.Minute)
	resp := do(t, f, mustRequest(t, "GET", presigned))
	if body, _ := io.ReadAll(resp.Body); resp.StatusCode != http.StatusOK || string(body) != string(content) {
		t.Errorf("GET hand-presigned URL = %d %q, want 200 %q", resp.StatusCode, body, content)
	}
}

// TestBucketNames checks S3's DNS naming rules as Spaces applies them (no dots).
func TestBucketNames(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"abc", true},
		{"backups-2024", true},
		{"0-starts-with-digit", true},
		{strings.Repeat("a", 63), true},
		{"ab", false},
		{strings.Repeat("a", 64), false},
		{"Uppercase", false},
		{"with.dots", false},
		{"under_score", false},
		{"-leading", false},
		{"trailing-", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp := do(t, f, f.handRequest(t, "PUT", "/"+tc.name, nil, ""))
			code := readError(t, resp.Body).Code
			if ok := resp.StatusCode == http.StatusOK; ok != tc.ok || (!tc.ok && code != "InvalidBucketName") {
				t.Errorf("create bucket %q = %d %s, want ok=%v (else InvalidBucketName)", tc.name, resp.StatusCode, code, tc.ok)
			}
		})
	}
}
