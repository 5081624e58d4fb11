package dosim

import (
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"
)

// rateLimiter counts API requests per token in sliding hour and minute windows.
type rateLimiter struct {
	perHour   int
	perMinute int

	mu   sync.Mutex
	hits map[string][]time.Time // per token, oldest first, at most one hour old
}

func newRateLimiter(perHour, perMinute int) *rateLimiter {
	if perHour <= 0 {
		perHour = DefaultRateLimitPerHour
	}
	if perMinute <= 0 {
		perMinute = DefaultRateLimitPerMinute
	}
	return &rateLimiter{perHour: perHour, perMinute: perMinute, hits: map[string][]time.Time{}}
}

// rateStatus is what the rate-limit headers report after one request.
type rateStatus struct {
	limit      int
	remaining  int
	reset      time.Time // when the oldest request in the hour window stops counting
	retryAfter time.Duration
	allowed    bool
}

// take records a request by key at now unless that would exceed a limit.
func (l *rateLimiter) take(key string, now time.Time) rateStatus {
	l.mu.Lock()
	defer l.mu.Unlock()
	hits := pruneBefore(l.hits[key], now.Add(-time.Hour))
	inMinute := hits[sortIndexAfter(hits, now.Add(-time.Minute)):]
	st := rateStatus{limit: l.perHour, allowed: true}
	switch {
	case len(hits) >= l.perHour:
		st.allowed, st.retryAfter = false, hits[0].Add(time.Hour).Sub(now)
	case len(inMinute) >= l.perMinute:
		st.allowed, st.retryAfter = false, inMinute[0].Add(time.Minute).Sub(now)
	default:
		hits = append(hits, now)
	}
	l.hits[key] = hits
	st.remaining = l.perHour - len(hits)
	st.reset = hits[0].Add(time.Hour)
	return st
}

// pruneBefore drops the hits at or before cutoff.
func pruneBefore(hits []time.Time, cutoff time.Time) []time.Time {
	i := sortIndexAfter(hits, cutoff)
	if i == 0 {
		return hits
	}
	return append(hits[:0:0], hits[i:]...)
}

// sortIndexAfter returns the index of the first hit after t.
func sortIndexAfter(hits []time.Time, t time.Time) int {
	return sort.Search(len(hits), func(i int) bool { return hits[i].After(t) })
}

// writeHeaders sets the ratelimit-* headers (and retry-after when refused).
func (st rateStatus) writeHeaders(h http.Header) {
	h.Set("Ratelimit-Limit", strconv.Itoa(st.limit))
	h.Set("Ratelimit-Remaining", strconv.Itoa(max(st.remaining, 0)))
	h.Set("Ratelimit-Reset", strconv.FormatInt(st.reset.Unix(), 10))
	if !st.allowed {
		secs := int((st.retryAfter + time.Second - 1) / time.Second)
		h.Set("Retry-After", strconv.Itoa(max(secs, 1)))
	}
}
