package app

import (
	"net/http"
	"net/http/httptest"
)

// inProcess is a RoundTripper that serves requests with h directly, without a network:
// sandbox mode's way of reaching its own simulator.
func inProcess(h http.Handler) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if err := r.Context().Err(); err != nil {
			return nil, err
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if err := r.Context().Err(); err != nil {
			return nil, err // the caller gave up; what the handler wrote is not an answer
		}
		resp := rec.Result()
		resp.Request = r
		return resp, nil
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
