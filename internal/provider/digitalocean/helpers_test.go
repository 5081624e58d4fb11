package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/dosim/dosimtest"
	"github.com/berth-dev/berth/internal/domain"
)

// token is the simulator's seeded full-access token (Sammy's Team).
const token = dosim.SeedToken

// readOnlyToken is added by startSim with the "read" scope only.
const readOnlyToken = "dop_v1_" + "0000000000000000000000000000000000000000000000000000000000000001"

// startSim starts a seeded, validating simulator with a read-only token next to the seed one.
func startSim(t testing.TB, opts dosim.Options) *dosimtest.Sim {
	t.Helper()
	opts.Seed = true
	sim := dosimtest.Start(t, opts)
	if err := sim.AddPersonalToken(readOnlyToken, dosim.SeedTeamSammy, dosim.SeedUserSammy, []string{"read"}); err != nil {
		t.Fatal(err)
	}
	return sim
}

// fakeClock is a Clock whose Sleep returns at once, moving the time forward and recording
// the wait. settle, when set, runs before the time moves (to let requests in flight land).
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	slept  []time.Duration
	settle func()
}

func newFakeClock(start time.Time) *fakeClock { return &fakeClock{now: start} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if c.settle != nil {
		c.settle()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(max(d, 0))
	c.slept = append(c.slept, d)
	return nil
}

func (c *fakeClock) Advance(d time.Duration) { _ = c.Sleep(context.Background(), d) }

// Slept returns the waits so far.
func (c *fakeClock) Slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.slept...)
}

// exchange is one request a counter saw, with its answer.
type exchange struct {
	Method, Path, Query string
	Status              int
	RequestID           string
	At                  time.Time // by the test clock
}

// counter is an http.RoundTripper that records every request it passes on.
type counter struct {
	next   http.RoundTripper
	clock  Clock
	onSend func(exchange) // when set, runs before each request is passed on
	mu     sync.Mutex
	seen   []exchange
}

func (c *counter) RoundTrip(req *http.Request) (*http.Response, error) {
	ex := exchange{Method: req.Method, Path: req.URL.Path, Query: req.URL.RawQuery, At: c.clock.Now()}
	if c.onSend != nil {
		c.onSend(ex)
	}
	resp, err := c.next.RoundTrip(req)
	if resp != nil {
		ex.Status, ex.RequestID = resp.StatusCode, resp.Header.Get("X-Request-Id")
	}
	c.mu.Lock()
	c.seen = append(c.seen, ex)
	c.mu.Unlock()
	return resp, err
}

// Seen returns the exchanges whose "METHOD path" starts with prefix ("" for all).
func (c *counter) Seen(prefix string) []exchange {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []exchange
	for _, ex := range c.seen {
		if strings.HasPrefix(ex.Method+" "+ex.Path, prefix) {
			out = append(out, ex)
		}
	}
	return out
}

// testClient is a Client against url with a fake clock and a counting transport.
type testClient struct {
	*Client
	clock *fakeClock
	count *counter
}

func newTestClient(t testing.TB, apiURL string, opts Options) *testClient {
	t.Helper()
	clock := newFakeClock(time.Now())
	if c, ok := opts.Clock.(*fakeClock); ok {
		clock = c
	}
	count := &counter{next: http.DefaultTransport, clock: clock}
	opts.APIURL, opts.OAuthURL, opts.Clock = apiURL, apiURL, clock
	opts.HTTPClient = &http.Client{Timeout: 30 * time.Second, Transport: count}
	return &testClient{Client: New(opts), clock: clock, count: count}
}

// fault is what a faultInjector does to the requests matching "METHOD path-prefix".
type fault struct {
	match  string
	times  int  // how many matching requests it affects; -1 for all
	status int  // the status it answers with
	after  bool // let the request reach the simulator first, then replace its answer
	header http.Header
	hits   atomic.Int32
}

// faultInjector is an http.Handler in front of the simulator that answers some requests
// itself: 429 or 5xx before they reach the simulator, or 5xx after the simulator processed them.
type faultInjector struct {
	next   http.Handler
	faults []*fault
	ids    atomic.Int32
}

// inject serves a faultInjector in front of the simulator at sim and returns its URL.
func inject(t testing.TB, simURL string, faults ...*fault) string {
	t.Helper()
	target, _ := url.Parse(simURL)
	fi := &faultInjector{next: httputil.NewSingleHostReverseProxy(target), faults: faults}
	ts := httptest.NewServer(fi)
	t.Cleanup(ts.Close)
	return ts.URL
}

func (fi *faultInjector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f := fi.matching(r)
	if f == nil {
		fi.next.ServeHTTP(w, r)
		return
	}
	if f.after {
		fi.next.ServeHTTP(httptest.NewRecorder(), r)
	}
	for k, v := range f.header {
		w.Header()[k] = v
	}
	id := fmt.Sprintf("injected-%d", fi.ids.Add(1))
	w.Header().Set("X-Request-Id", id)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(f.status)
	errID, msg := "server_error", "Server was unable to give you a response."
	if f.status == http.StatusTooManyRequests {
		errID, msg = "too_many_requests", "API rate limit exceeded."
	}
	fmt.Fprintf(w, `{"id":%q,"message":%q,"request_id":%q}`, errID, msg, id)
}

// matching returns the fault that takes r, counting it, or nil.
func (fi *faultInjector) matching(r *http.Request) *fault {
	for _, f := range fi.faults {
		if !strings.HasPrefix(r.Method+" "+r.URL.Path, f.match) {
			continue
		}
		if n := f.hits.Add(1); f.times < 0 || int(n) <= f.times {
			return f
		}
	}
	return nil
}

// rateLimited is a 429 fault with DigitalOcean's headers and a retry-after of secs.
func rateLimited(match string, times, secs int) *fault {
	h := http.Header{}
	h.Set("Retry-After", fmt.Sprint(secs))
	h.Set("Ratelimit-Limit", "5000")
	h.Set("Ratelimit-Remaining", "0")
	h.Set("Ratelimit-Reset", fmt.Sprint(time.Now().Add(time.Duration(secs)*time.Second).Unix()))
	return &fault{match: match, times: times, status: http.StatusTooManyRequests, header: h}
}

// addDroplets adds n droplets named prefix-i carrying tags to Sammy's Team.
func addDroplets(t testing.TB, sim *dosimtest.Sim, prefix string, n int, tags ...string) {
	t.Helper()
	addDropletsTo(t, sim.Server, dosim.SeedTeamSammy, prefix, n, tags...)
}

// addDropletsTo adds n droplets named prefix-i carrying tags to a team.
func addDropletsTo(t testing.TB, srv *dosim.Server, team, prefix string, n int, tags ...string) {
	t.Helper()
	for i := range n {
		if _, err := srv.AddDroplet(team, dosim.DropletSpec{Name: fmt.Sprintf("%s-%d", prefix, i), Tags: tags}); err != nil {
			t.Fatal(err)
		}
	}
}

// Short names for domain types in table tests.
type (
	regionT = domain.Region
	sizeT   = domain.Size
	imageT  = domain.Image
)

// invalidField returns the field of the ValidationError in err's chain, or "".
func invalidField(err error) string {
	var v *domain.ValidationError
	if errors.As(err, &v) {
		return v.Field
	}
	return ""
}

// providerErr returns the ProviderError in err's chain, or nil.
func providerErr(err error) *domain.ProviderError {
	var pe *domain.ProviderError
	if errors.As(err, &pe) {
		return pe
	}
	return nil
}
