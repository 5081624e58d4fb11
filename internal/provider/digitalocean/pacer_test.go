package digitalocean

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/dosim/dosimtest"
)

// t0 is the fake time the pacer tests start at.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// stubAPI answers every request at once, like DigitalOcean would with the given limits,
// and records when (by the fake clock) each request arrived.
type stubAPI struct {
	clock   *fakeClock
	headers func(n int, now time.Time) http.Header // for the n-th request (from 1); nil: none
	status  func(n int) int

	mu   sync.Mutex
	sent []time.Time
}

func (s *stubAPI) RoundTrip(req *http.Request) (*http.Response, error) {
	now := s.clock.Now()
	s.mu.Lock()
	s.sent = append(s.sent, now)
	n := len(s.sent)
	s.mu.Unlock()
	resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: http.NoBody, Request: req}
	if s.status != nil {
		resp.StatusCode = s.status(n)
	}
	if s.headers != nil {
		resp.Header = s.headers(n, now)
	}
	return resp, nil
}

func (s *stubAPI) Sent() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.sent...)
}

// doLimits reports an hourly allowance of limit of which n requests are used, resetting in an hour.
func doLimits(limit int) func(n int, now time.Time) http.Header {
	return func(n int, now time.Time) http.Header {
		h := http.Header{}
		h.Set("Ratelimit-Limit", strconv.Itoa(limit))
		h.Set("Ratelimit-Remaining", strconv.Itoa(max(limit-n, 0)))
		h.Set("Ratelimit-Reset", strconv.FormatInt(now.Add(time.Hour).Unix(), 10))
		return h
	}
}

// burst sends n requests through p from n goroutines at once.
func burst(t *testing.T, p http.RoundTripper, n int) {
	t.Helper()
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodGet, "http://api.invalid/v2/account", nil)
			resp, err := p.RoundTrip(req)
			if err != nil {
				t.Errorf("RoundTrip() = %v", err)
				return
			}
			resp.Body.Close()
		})
	}
	wg.Wait()
}

// checkWindows fails when more than n sends fall within any window w.
func checkWindows(t *testing.T, sent []time.Time, n int, w time.Duration) {
	t.Helper()
	for i := n; i < len(sent); i++ {
		if gap := sent[i].Sub(sent[i-n]); gap < w {
			t.Fatalf("sends %d and %d are %s apart: %d requests within %s", i-n+1, i+1, gap, n+1, w)
		}
	}
}

func TestPacerHoldsABurstOf1000WithinTheLimits(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(t0)
	api := &stubAPI{clock: clock, headers: doLimits(5000)}
	p := newPacer(api, Limits{}, clock)
	p.limits.Margin = time.Second
	burst(t, p, 1000)

	sent := api.Sent()
	if len(sent) != 1000 {
		t.Fatalf("sent %d requests, want 1000", len(sent))
	}
	checkWindows(t, sent, 250, time.Minute)
	// The schedule is tight: 250 a minute (plus the margin), so the last goes out 3 minutes in.
	if got, want := sent[999].Sub(t0), 3*(time.Minute+time.Second); got != want {
		t.Errorf("the 1000th request went at +%s, want +%s", got, want)
	}
}

func TestPacerKeepsTheHourlyLimit(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(t0)
	api := &stubAPI{clock: clock, headers: doLimits(1000)} // the server's allowance is not the constraint
	p := newPacer(api, Limits{PerMinute: 10, PerHour: 30}, clock)
	burst(t, p, 100)

	sent := api.Sent()
	checkWindows(t, sent, 10, time.Minute)
	checkWindows(t, sent, 30, time.Hour)
	if got := sent[99].Sub(t0); got < 3*time.Hour {
		t.Errorf("100 requests at 30 an hour took %s, want over 3h", got)
	}
}

func TestPacerSlowsDownWhenRemainingIsLow(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(t0)
	// Another process has used all but 10 of the token's 5,000; the window resets in 100s.
	reset := t0.Add(100 * time.Second)
	api := &stubAPI{clock: clock, headers: func(n int, now time.Time) http.Header {
		h := http.Header{}
		h.Set("Ratelimit-Limit", "5000")
		h.Set("Ratelimit-Remaining", strconv.Itoa(max(10-n, 0)))
		if now.After(reset) {
			h.Set("Ratelimit-Remaining", "4000")
		}
		h.Set("Ratelimit-Reset", strconv.FormatInt(reset.Unix(), 10))
		return h
	}}
	p := newPacer(api, Limits{}, clock)
	burst(t, p, 20)

	sent := api.Sent()
	for i := 1; i < 10; i++ {
		if gap := sent[i].Sub(sent[i-1]); gap < 5*time.Second {
			t.Errorf("request %d went %s after the previous one with few remaining, want the remainder spread until the reset", i+1, gap)
		}
	}
	if sent[10].Before(reset) {
		t.Errorf("request 11 went at +%s, before the reset at +100s though none remained", sent[10].Sub(t0))
	}
	if last := sent[19].Sub(sent[11]); last > time.Second {
		t.Errorf("after the reset the last 8 requests took %s, want no pacing", last)
	}
}

func TestPacerStopsEveryoneAfterA429(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(t0)
	api := &stubAPI{clock: clock, status: func(n int) int {
		if n == 1 {
			return http.StatusTooManyRequests
		}
		return http.StatusOK
	}, headers: func(n int, now time.Time) http.Header {
		h := doLimits(5000)(n, now)
		if n == 1 {
			h.Set("Retry-After", "30")
		}
		return h
	}}
	p := newPacer(api, Limits{}, clock)
	burst(t, p, 5)

	sent := api.Sent()
	for i := 1; i < len(sent); i++ {
		if gap := sent[i].Sub(t0); gap < 30*time.Second {
			t.Errorf("request %d went at +%s, before the 429's retry-after of 30s", i+1, gap)
		}
	}
}

func TestPacerRefusesAWaitLongerThanTheDeadline(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(t0)
	api := &stubAPI{clock: clock, headers: doLimits(5000)}
	p := newPacer(api, Limits{PerMinute: 1}, clock)
	burst(t, p, 1)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://api.invalid/v2/account", nil)
	if _, err := p.RoundTrip(req); err == nil {
		t.Fatal("RoundTrip() with a minute to wait and a second to live = nil, want a paceError")
	} else if _, ok := err.(*paceError); !ok {
		t.Errorf("RoundTrip() = %v, want a *paceError", err)
	}
}

// simBurst runs n concurrent reads through a client against a simulator sharing the fake
// clock, moving the clock only once every request sent has been answered.
func simBurst(t *testing.T, sim *dosimtest.Sim, clock *fakeClock, n int) *testClient {
	t.Helper()
	c := newTestClient(t, sim.URL, Options{Clock: clock})
	tc, err := c.tokenClient(token)
	if err != nil {
		t.Fatal(err)
	}
	clock.settle = func() {
		for tc.pacer.inFlightNow() > 0 {
			time.Sleep(50 * time.Microsecond)
		}
	}
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			if _, err := c.Account(context.Background(), token); err != nil {
				t.Errorf("Account() = %v", err)
			}
		})
	}
	wg.Wait()
	return c
}

func TestPacerBurstAgainstTheSimulator(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(t0)
	sim := startSim(t, dosim.Options{Now: clock.Now})
	c := simBurst(t, sim, clock, 1000)

	seen := c.count.Seen("GET /v2/account")
	if len(seen) != 1000 {
		t.Fatalf("sent %d requests, want 1000", len(seen))
	}
	if got := statuses(seen); countOf(got, http.StatusTooManyRequests) != 0 {
		t.Errorf("the simulator answered 429 %d times, want 0", countOf(got, http.StatusTooManyRequests))
	}
	if elapsed := clock.Now().Sub(t0); elapsed < 3*time.Minute || elapsed > 4*time.Minute {
		t.Errorf("1,000 requests took %s of the simulator's time, want about 3 minutes", elapsed)
	}
}

func TestPacerFollowsTheSimulatorsRemaining(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(t0)
	sim := startSim(t, dosim.Options{Now: clock.Now, RateLimitPerHour: 300})
	// Another Berth replica has used 270 of the token's 300 an hour.
	other := newTestClient(t, sim.URL, Options{Clock: newFakeClock(t0)})
	for i := range 270 {
		if i == 250 {
			clock.Advance(time.Minute)
		}
		if _, err := other.Regions(context.Background(), token); err != nil {
			t.Fatalf("other replica: Regions() = %v", err)
		}
	}
	clock.Advance(time.Minute)
	c := simBurst(t, sim, clock, 60)

	got := statuses(c.count.Seen("GET /v2/account"))
	if n := countOf(got, http.StatusTooManyRequests); n != 0 {
		t.Errorf("the simulator answered 429 %d times, want 0: the pacer must follow ratelimit-remaining", n)
	}
	if n := countOf(got, http.StatusOK); n != 60 {
		t.Errorf("%d requests succeeded, want 60", n)
	}
	if elapsed := clock.Now().Sub(t0); elapsed < time.Hour {
		t.Errorf("60 requests with 30 remaining took %s, want to wait for the hourly window to slide (1h)", elapsed)
	}
}

func countOf(xs []int, x int) int {
	n := 0
	for _, v := range xs {
		if v == x {
			n++
		}
	}
	return n
}
