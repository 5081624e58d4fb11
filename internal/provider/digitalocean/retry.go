package digitalocean

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/digitalocean/godo"
)

// RetryOptions bounds retries. Reads (GET) and idempotent writes (PUT, DELETE) are retried by
// the transport on 429, 5xx and network failures; creates (POST) never are: a create whose
// outcome is unknown is retried by its operation only after looking for what it made.
type RetryOptions struct {
	MaxAttempts int           // attempts in all, including the first; default 4
	BaseDelay   time.Duration // first backoff when the server gives no hint; default 250ms
	MaxDelay    time.Duration // cap of the exponential backoff; default 8s
	// MaxWait is the longest single wait a retry accepts: a retry-after beyond it (the hourly
	// allowance is spent) ends the retries with a rate-limited error. Default 90s.
	MaxWait time.Duration
}

func (o RetryOptions) withDefaults() RetryOptions {
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 4
	}
	if o.BaseDelay <= 0 {
		o.BaseDelay = 250 * time.Millisecond
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = 8 * time.Second
	}
	if o.MaxWait <= 0 {
		o.MaxWait = 90 * time.Second
	}
	return o
}

// retryPolicy decides whether and when to try again.
type retryPolicy struct {
	opts  RetryOptions
	clock Clock
}

// next returns how long to wait before attempt+1 after an attempt ended with resp or err,
// and false when it must not be retried.
func (p *retryPolicy) next(ctx context.Context, attempt int, resp *http.Response, err error) (time.Duration, bool) {
	if ctx.Err() != nil || attempt >= p.opts.MaxAttempts || !retryable(resp, err) {
		return 0, false
	}
	d := p.backoff(attempt)
	if resp != nil {
		if hint, ok := p.serverHint(resp); ok {
			d = hint + jitter(hint/10)
		}
	}
	return d, d <= p.opts.MaxWait
}

// retryable reports whether an attempt failed in a way another attempt may not: the request
// never got an answer (but was not refused by the pacer), or the answer was 429 or 5xx.
func retryable(resp *http.Response, err error) bool {
	var wait *paceError
	switch {
	case err != nil:
		return !errors.As(err, &wait)
	case resp == nil:
		return false
	}
	return resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500
}

// backoff is exponential from BaseDelay, capped at MaxDelay, with equal jitter.
func (p *retryPolicy) backoff(attempt int) time.Duration {
	d := p.opts.BaseDelay << min(attempt-1, 20)
	d = min(d, p.opts.MaxDelay)
	return d/2 + jitter(d/2)
}

// serverHint is the wait the server asked for: retry-after seconds, or for a 429 without it
// the time until ratelimit-reset.
func (p *retryPolicy) serverHint(resp *http.Response) (time.Duration, bool) {
	if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second, true
	}
	if resp.StatusCode != http.StatusTooManyRequests {
		return 0, false
	}
	if reset, err := strconv.ParseInt(resp.Header.Get("Ratelimit-Reset"), 10, 64); err == nil {
		return max(time.Unix(reset, 0).Sub(p.clock.Now()), time.Second), true
	}
	return 0, false
}

// jitter is a random duration in [0, d).
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return rand.N(d)
}

// retrier retries idempotent requests (GET, HEAD, PUT, DELETE) with the policy; it passes
// anything else through untouched.
type retrier struct {
	next   http.RoundTripper
	policy *retryPolicy
}

func (r *retrier) RoundTrip(req *http.Request) (*http.Response, error) {
	if !idempotent(req) {
		countAttempt(req.Context())
		return r.next.RoundTrip(req)
	}
	ctx := req.Context()
	for attempt := 1; ; attempt++ {
		countAttempt(ctx)
		resp, err := r.next.RoundTrip(req)
		d, again := r.policy.next(ctx, attempt, resp, err)
		if !again {
			return resp, err
		}
		drain(resp)
		if err := r.policy.clock.Sleep(ctx, d); err != nil {
			return nil, err
		}
		if req, err = rewind(req); err != nil {
			return nil, err
		}
	}
}

// idempotent reports whether sending req twice has the effect of sending it once, and
// whether its body can be sent again.
func idempotent(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete:
	default:
		return false
	}
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

// rewind returns a copy of req whose body can be read again.
func rewind(req *http.Request) (*http.Request, error) {
	r := req.Clone(req.Context())
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		r.Body = body
	}
	return r, nil
}

type attemptsKey struct{}

// withAttempts returns a context whose requests count their attempts into the returned counter,
// so that an operation can tell a first answer from the answer to a retry.
func withAttempts(ctx context.Context) (context.Context, *atomic.Int32) {
	n := new(atomic.Int32)
	return context.WithValue(ctx, attemptsKey{}, n), n
}

func countAttempt(ctx context.Context) {
	if n, ok := ctx.Value(attemptsKey{}).(*atomic.Int32); ok {
		n.Add(1)
	}
}

// errorResponse returns the HTTP response behind a godo error, or nil.
func errorResponse(err error) *http.Response {
	var apiErr *godo.ErrorResponse
	if errors.As(err, &apiErr) {
		return apiErr.Response
	}
	return nil
}

// createOrRecover runs a create that must not happen twice. After a failure whose outcome is
// unknown (network failure, 429, 5xx) it waits as the policy says, then asks find for what the
// failed attempt may have made, and creates again only when find finds nothing.
func createOrRecover[T any](ctx context.Context, p *retryPolicy, create func() (T, error), find func() (T, bool, error)) (T, error) {
	var zero T
	for attempt := 1; ; attempt++ {
		if attempt > 1 {
			found, ok, err := find()
			if err != nil || ok {
				return found, err
			}
		}
		v, err := create()
		if err == nil {
			return v, nil
		}
		d, again := p.next(ctx, attempt, errorResponse(err), transportError(err))
		if !again {
			return zero, err
		}
		if err := p.clock.Sleep(ctx, d); err != nil {
			return zero, err
		}
	}
}

// transportError returns err when the request got no answer (the HTTP client's *url.Error),
// and nil for anything else: an error answer, a refused argument, an unreadable body.
func transportError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return err
	}
	return nil
}
