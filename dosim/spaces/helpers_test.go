package spaces_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/berth-dev/berth/dosim/spaces"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

const (
	teamA = "team-a-0000-0000-0000-000000000001"
	teamB = "team-b-0000-0000-0000-000000000002"
)

// The keys every fixture knows.
var (
	fullA = spaces.Key{Name: "full-a", AccessKey: "DOFULLACCESSTEAMA001", SecretKey: "full-a-secret",
		TeamUUID: teamA, Grants: []spaces.Grant{{Permission: spaces.PermissionFullAccess}}}
	readAlpha = spaces.Key{Name: "read-alpha", AccessKey: "DOREADALPHATEAMA0001", SecretKey: "read-alpha-secret",
		TeamUUID: teamA, Grants: []spaces.Grant{{Bucket: "alpha", Permission: spaces.PermissionRead}}}
	writeAlpha = spaces.Key{Name: "rw-alpha", AccessKey: "DOREADWRITEALPHAA001", SecretKey: "rw-alpha-secret",
		TeamUUID: teamA, Grants: []spaces.Grant{{Bucket: "alpha", Permission: spaces.PermissionReadWrite}}}
	fullB = spaces.Key{Name: "full-b", AccessKey: "DOFULLACCESSTEAMB001", SecretKey: "full-b-secret",
		TeamUUID: teamB, Grants: []spaces.Grant{{Permission: spaces.PermissionFullAccess}}}
	// awsExample is the key of AWS's SigV4 documentation examples.
	awsExample = spaces.Key{Name: "aws-docs", AccessKey: "AKIAIOSFODNN7EXAMPLE",
		SecretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", TeamUUID: teamA,
		Grants: []spaces.Grant{{Permission: spaces.PermissionFullAccess}}}
)

// keyStore is the test's stand-in for the simulator's key store.
func keyStore(keys ...spaces.Key) spaces.Keys {
	return spaces.KeysFunc(func(accessKey string) (spaces.Key, bool) {
		i := slices.IndexFunc(keys, func(k spaces.Key) bool { return k.AccessKey == accessKey })
		if i < 0 {
			return spaces.Key{}, false
		}
		return keys[i], true
	})
}

// testClock is the server's clock: the real time (minio-go signs with it) plus a settable offset.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) Now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *testClock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// seen records what clients sent, before the server strips the signing headers.
type seen struct {
	mu       sync.Mutex
	payloads map[string]int // x-amz-content-sha256 of object and part PUTs
	parts    int            // PUTs with partNumber
	lists    int            // GET /bucket listings (list-type=2)
}

func (s *seen) record(r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := r.URL.Query()
	if r.Method == http.MethodPut && len(r.URL.Path) > 1 {
		s.payloads[r.Header.Get("X-Amz-Content-Sha256")]++
		if q.Has("partNumber") {
			s.parts++
		}
	}
	if r.Method == http.MethodGet && q.Get("list-type") == "2" {
		s.lists++
	}
}

func (s *seen) snapshot() (payloads map[string]int, parts, lists int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	payloads = map[string]int{}
	for k, v := range s.payloads {
		payloads[k] = v
	}
	return payloads, s.parts, s.lists
}

// fixture is one Spaces endpoint on an httptest server.
type fixture struct {
	srv   *httptest.Server
	clock *testClock
	seen  *seen
	tls   bool
}

type fixtureOption func(*spaces.Options, *fixture)

func withTLS() fixtureOption { return func(_ *spaces.Options, f *fixture) { f.tls = true } }
func withMaxBuckets(n int) fixtureOption {
	return func(o *spaces.Options, _ *fixture) { o.MaxBuckets = n }
}
func withRegion(region string) fixtureOption {
	return func(o *spaces.Options, _ *fixture) { o.Region = region }
}

func newFixture(t *testing.T, opts ...fixtureOption) *fixture {
	t.Helper()
	f := &fixture{clock: &testClock{}, seen: &seen{payloads: map[string]int{}}}
	o := spaces.Options{Now: f.clock.Now}
	for _, opt := range opts {
		opt(&o, f)
	}
	h := spaces.New(keyStore(fullA, readAlpha, writeAlpha, fullB, awsExample), o)
	wrapped := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.seen.record(r)
		h.ServeHTTP(w, r)
	})
	if f.tls {
		f.srv = httptest.NewTLSServer(wrapped)
	} else {
		f.srv = httptest.NewServer(wrapped)
	}
	t.Cleanup(f.srv.Close)
	return f
}

type clientOption func(*minio.Options)

func trailingHeaders(o *minio.Options) { o.TrailingHeaders = true }

// client is a minio-go client for k, signing for nyc3 as Berth's client does.
func (f *fixture) client(t *testing.T, k spaces.Key, opts ...clientOption) *minio.Client {
	t.Helper()
	u, err := url.Parse(f.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	o := &minio.Options{Creds: credentials.NewStaticV4(k.AccessKey, k.SecretKey, ""), Secure: f.tls,
		Region: "nyc3", Transport: f.srv.Client().Transport, MaxRetries: 1}
	for _, opt := range opts {
		opt(o)
	}
	c, err := minio.New(u.Host, o)
	if err != nil {
		t.Fatalf("minio.New: %v", err)
	}
	return c
}

// errCode is the S3 error code of err, "" for nil.
func errCode(err error) string {
	if err == nil {
		return ""
	}
	if code := minio.ToErrorResponse(err).Code; code != "" {
		return code
	}
	return err.Error()
}

// mustMakeBucket creates a bucket with c or fails the test.
func mustMakeBucket(t *testing.T, c *minio.Client, name string) {
	t.Helper()
	if err := c.MakeBucket(context.Background(), name, minio.MakeBucketOptions{Region: "nyc3"}); err != nil {
		t.Fatalf("MakeBucket(%q) = %v", name, err)
	}
}
