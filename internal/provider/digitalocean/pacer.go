package digitalocean

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Limits are the request limits of one token.
type Limits struct {
	PerMinute int // default 250
	PerHour   int // default 5,000
	// Margin is added to every window so that requests sent exactly one window apart are not
	// counted together by a server that sees them with different latencies. Default 1s.
	Margin time.Duration
}

func (l Limits) withDefaults() Limits {
	if l.PerMinute <= 0 {
		l.PerMinute = 250
	}
	if l.PerHour <= 0 {
		l.PerHour = 5000
	}
	if l.Margin <= 0 {
		l.Margin = time.Second
	}
	return l
}

// lowWaterDivisor: when the server reports fewer than limit/lowWaterDivisor requests
// remaining, the pacer spreads what remains evenly until the reset.
const lowWaterDivisor = 10

// pacer is an http.RoundTripper that keeps one token's requests within its limits, so that
// callers sharing the token queue up instead of being refused. Callers take turns (FIFO); the
// one whose turn it is waits until a request may go, by the earliest of:
//   - the local windows: at most PerMinute sends in any minute and PerHour in any hour;
//   - the server's word: after a 429 nothing goes before its retry-after; when ratelimit-remaining
//     is low the remaining requests are spread until ratelimit-reset; at zero, nothing goes
//     before the reset;
//   - while the server's allowance is unknown (the first request, or the first after the
//     reset of an exhausted allowance), one request goes alone and the next waits for its answer.
//
// The remaining allowance counts down with every send and is corrected by every answer (less
// the requests still in flight, so that it errs low).
type pacer struct {
	next   http.RoundTripper
	limits Limits
	clock  Clock
	turn   chan struct{}

	mu           sync.Mutex
	sent         []time.Time // send times, oldest first; at least the last PerHour
	inFlight     int
	known        bool // an answer has reported the server's allowance
	limit        int
	remaining    int
	resetAt      time.Time
	blockedUntil time.Time
}

func newPacer(next http.RoundTripper, limits Limits, clock Clock) *pacer {
	return &pacer{next: next, limits: limits.withDefaults(), clock: clock, turn: make(chan struct{}, 1)}
}

// paceError refuses a request that could not go before its context's deadline.
type paceError struct{ wait time.Duration }

func (e *paceError) Error() string {
	return fmt.Sprintf("request limit reached; the next request may go in %s", e.wait.Round(time.Second))
}

func (p *pacer) RoundTrip(req *http.Request) (*http.Response, error) {
	probe, err := p.wait(req.Context())
	if err != nil {
		return nil, err
	}
	resp, err := p.next.RoundTrip(req)
	p.observe(resp)
	if probe {
		p.release()
	}
	return resp, err
}

// wait blocks until req may go and records its send. A probe keeps the turn until its answer.
func (p *pacer) wait(ctx context.Context) (probe bool, err error) {
	select {
	case p.turn <- struct{}{}:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	for {
		d, probe := p.trySend()
		if d <= 0 {
			if !probe {
				p.release()
			}
			return probe, nil
		}
		if err := p.sleep(ctx, d); err != nil {
			p.release()
			return false, err
		}
	}
}

func (p *pacer) release() { <-p.turn }

// sleep waits d, refusing at once when ctx's deadline comes sooner.
func (p *pacer) sleep(ctx context.Context, d time.Duration) error {
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
		return &paceError{wait: d}
	}
	return p.clock.Sleep(ctx, d)
}

// trySend records a send and returns 0 when a request may go now, or how long to wait.
func (p *pacer) trySend() (wait time.Duration, probe bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	if at := p.earliest(now); at.After(now) {
		return at.Sub(now), false
	}
	p.sent = append(p.sent, now)
	if len(p.sent) > 2*p.limits.PerHour {
		p.sent = append([]time.Time(nil), p.sent[len(p.sent)-p.limits.PerHour:]...)
	}
	p.inFlight++
	probe = !p.known || p.remaining <= 0
	p.remaining--
	return 0, probe
}

// earliest is when the next request may go. p.mu is held.
func (p *pacer) earliest(now time.Time) time.Time {
	at := later(now, p.blockedUntil)
	at = later(at, p.windowOpens(p.limits.PerMinute, time.Minute))
	at = later(at, p.windowOpens(p.limits.PerHour, time.Hour))
	if !p.known {
		return at
	}
	reset := p.resetAt.Add(p.limits.Margin)
	if p.remaining <= 0 {
		return later(at, reset)
	}
	if low := max(p.limit/lowWaterDivisor, 1); p.remaining < low && len(p.sent) > 0 {
		gap := reset.Sub(now) / time.Duration(p.remaining+1)
		at = later(at, p.sent[len(p.sent)-1].Add(gap))
	}
	return at
}

// windowOpens is when a window of length w holds fewer than n sends again.
func (p *pacer) windowOpens(n int, w time.Duration) time.Time {
	if len(p.sent) < n {
		return time.Time{}
	}
	return p.sent[len(p.sent)-n].Add(w + p.limits.Margin)
}

// observe learns from an answer's ratelimit-* and retry-after headers.
func (p *pacer) observe(resp *http.Response) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inFlight--
	if resp == nil {
		return
	}
	h := resp.Header
	limit, errL := strconv.Atoi(h.Get("Ratelimit-Limit"))
	remaining, errR := strconv.Atoi(h.Get("Ratelimit-Remaining"))
	reset, errT := strconv.ParseInt(h.Get("Ratelimit-Reset"), 10, 64)
	if errL == nil && errR == nil && errT == nil {
		// Trust a reset at most an hour ahead, whatever the server's clock says.
		now := p.clock.Now()
		p.known, p.limit, p.resetAt = true, limit, earlier(time.Unix(reset, 0), now.Add(time.Hour))
		p.remaining = remaining - p.inFlight
	}
	if resp.StatusCode != http.StatusTooManyRequests {
		return
	}
	secs, err := strconv.Atoi(h.Get("Retry-After"))
	if err != nil {
		secs = 1
	}
	p.blockedUntil = later(p.blockedUntil, p.clock.Now().Add(time.Duration(secs)*time.Second))
}

// earlier returns the earlier of two times.
func earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// later returns the later of two times.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// inFlightNow is how many requests have been sent and not yet answered.
func (p *pacer) inFlightNow() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.inFlight
}
