package dosim

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"time"
)

// Account statuses, as GET /v2/account reports them.
const (
	statusActive  = "active"
	statusWarning = "warning"
	statusLocked  = "locked"
)

// Defaults of the API fault controls.
const (
	DefaultRetryAfter     = time.Minute // retry-after of a 429 burst armed without one
	DefaultLockedMessage  = "Your account has been locked. Contact DigitalOcean support to restore access."
	DefaultWarningMessage = "Your account has an unpaid balance. Update your payment method to avoid losing access."
)

// ThrottleAPI answers the next count (0: all) API requests of token ("": any) with 429 and retry-after.
func (s *Server) ThrottleAPI(token string, count int, retryAfter time.Duration) {
	if retryAfter <= 0 {
		retryAfter = DefaultRetryAfter
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.throttles = append(s.faults.throttles, &throttle{token: token, left: max(count, 0), retryAfter: retryAfter})
}

// takeThrottle spends one request of the first burst armed for token.
func (f *faults) takeThrottle(token string) (time.Duration, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, th := range f.throttles {
		if th.token != "" && th.token != token {
			continue
		}
		if th.left > 0 {
			th.left--
			if th.left == 0 {
				f.throttles = append(f.throttles[:i:i], f.throttles[i+1:]...)
			}
		}
		return th.retryAfter, true
	}
	return 0, false
}

// throttled answers 429 and reports true when a burst is armed for the caller's token.
func (s *Server) throttled(w http.ResponseWriter, r *http.Request, c caller) bool {
	retry, ok := s.faults.takeThrottle(c.token)
	if !ok {
		return false
	}
	rateStatus{limit: s.limiter.perHour, reset: s.now().Add(retry), retryAfter: retry}.writeHeaders(w.Header())
	writeAPIError(w, r, http.StatusTooManyRequests, "too_many_requests", msgRateLimited)
	return true
}

// SetErrorRate fails a fraction rate (0..1) of API requests with statuses (default 500, 503), reproducibly per seed.
func (s *Server) SetErrorRate(rate float64, seed uint64, statuses ...int) error {
	if rate < 0 || rate > 1 {
		return fmt.Errorf("set error rate: rate %v is outside 0..1", rate)
	}
	if len(statuses) == 0 {
		statuses = []int{http.StatusInternalServerError, http.StatusServiceUnavailable}
	}
	for _, st := range statuses {
		if st < 500 || st > 599 {
			return fmt.Errorf("set error rate: status %d is not a 5xx status", st)
		}
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.errRate = errorRate{rate: rate, seed: seed, statuses: slices.Clone(statuses),
		rng: rand.New(rand.NewPCG(seed, seed))}
	return nil
}

// drawError decides whether the next API request fails, and with which status.
func (f *faults) drawError() (int, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e := f.errRate
	if e.rate <= 0 || e.rng.Float64() >= e.rate {
		return 0, false
	}
	return e.statuses[e.rng.IntN(len(e.statuses))], true
}

// failed answers an armed 5xx, or 403 to a write on a locked account, and reports whether it did.
func (s *Server) failed(w http.ResponseWriter, r *http.Request, c caller) bool {
	if status, ok := s.faults.drawError(); ok {
		writeServerError(w, r, status)
		return true
	}
	if c.status == statusLocked && r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeAPIError(w, r, http.StatusForbidden, "forbidden", msgLocked)
		return true
	}
	return false
}

// writeServerError writes a 5xx API error as DigitalOcean words it.
func writeServerError(w http.ResponseWriter, r *http.Request, status int) {
	if status == http.StatusServiceUnavailable {
		writeAPIError(w, r, status, "service_unavailable", msgUnavailable)
		return
	}
	writeAPIError(w, r, status, "server_error", msgServerError)
}

// SetLatency changes the latency added to every API v2 request while the simulator runs.
func (s *Server) SetLatency(d time.Duration) {
	s.latency.Store(int64(max(d, 0)))
}

// SetAccountStatus sets a team's account status (active, warning or locked; locked refuses writes) and status_message.
func (s *Server) SetAccountStatus(teamUUID, status, message string) error {
	switch status {
	case statusActive:
	case statusWarning:
		message = cmp.Or(message, DefaultWarningMessage)
	case statusLocked:
		message = cmp.Or(message, DefaultLockedMessage)
	default:
		return fmt.Errorf("set account status: status %q is not active, warning or locked", status)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ts, err := s.st.team(teamUUID)
	if err != nil {
		return fmt.Errorf("set account status: %w", err)
	}
	ts.status, ts.statusMessage = status, message
	return nil
}

// LockAccount locks a team's account: SetAccountStatus(teamUUID, "locked", message).
func (s *Server) LockAccount(teamUUID, message string) error {
	return s.SetAccountStatus(teamUUID, statusLocked, message)
}
