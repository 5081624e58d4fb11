package dosim_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/dosim/dosimtest"
)

func TestThrottleAPI(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	other := acmeToken(t, sim, "other")
	sim.ThrottleAPI(dosim.SeedToken, 2, 30*time.Second)
	steps := []struct {
		token      string
		wantStatus int
		wantRetry  string
	}{
		{other, 200, ""},
		{dosim.SeedToken, 429, "30"},
		{dosim.SeedToken, 429, "30"},
		{dosim.SeedToken, 200, ""},
	}
	for i, st := range steps {
		res := call(t, sim.URL, st.token, http.MethodGet, "/v2/account", nil)
		if res.status != st.wantStatus || res.header.Get("Retry-After") != st.wantRetry {
			t.Errorf("step %d: GET /v2/account = %d (retry-after %q), want %d (%q)", i, res.status, res.header.Get("Retry-After"), st.wantStatus, st.wantRetry)
		}
		if st.wantStatus == 429 {
			wantError(t, "throttled request", res, 429, "too_many_requests", "API rate limit exceeded.")
			if res.header.Get("Ratelimit-Remaining") != "0" {
				t.Errorf("step %d: ratelimit-remaining = %q, want 0", i, res.header.Get("Ratelimit-Remaining"))
			}
		}
	}
	if res := call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/account", nil); res.header.Get("Ratelimit-Remaining") != "4998" {
		t.Errorf("ratelimit-remaining after the burst = %q, want 4998: throttled requests do not count", res.header.Get("Ratelimit-Remaining"))
	}
}

func TestThrottleAPIAllTokens(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	other := acmeToken(t, sim, "other")
	sim.ThrottleAPI("", 2, 0)
	for _, token := range []string{other, dosim.SeedToken} {
		res := call(t, sim.URL, token, http.MethodGet, "/v2/droplets", nil)
		if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") != "60" {
			t.Errorf("GET /v2/droplets in a burst = %d (retry-after %q), want 429 (60)", res.status, res.header.Get("Retry-After"))
		}
	}
	wantAPI(t, sim, map[string]int{other: 200, dosim.SeedToken: 200})
}

// statusSequence sends n requests to a simulator failing at rate with seed, and returns the statuses.
func statusSequence(t *testing.T, rate float64, seed uint64, n int) []int {
	t.Helper()
	sim, _ := start(t)
	if err := sim.SetErrorRate(rate, seed); err != nil {
		t.Fatal(err)
	}
	var out []int
	for range n {
		res := call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/account", nil)
		switch res.status {
		case 500:
			wantError(t, "500", res, 500, "server_error", "")
		case 503:
			wantError(t, "503", res, 503, "service_unavailable", "")
		}
		out = append(out, res.status)
	}
	return out
}

func TestErrorRateIsReproducible(t *testing.T) {
	t.Parallel()
	first, second := statusSequence(t, 0.5, 42, 40), statusSequence(t, 0.5, 42, 40)
	if !slices.Equal(first, second) {
		t.Errorf("same seed, different failures:\n%v\n%v", first, second)
	}
	for _, want := range []int{200, 500, 503} {
		if !slices.Contains(first, want) {
			t.Errorf("statuses %v at rate 0.5, want some %d", first, want)
		}
	}
	if got := statusSequence(t, 1, 7, 5); slices.Contains(got, 200) {
		t.Errorf("statuses at rate 1 = %v, want no 200", got)
	}
	if got := statusSequence(t, 0, 7, 5); !slices.Equal(got, []int{200, 200, 200, 200, 200}) {
		t.Errorf("statuses at rate 0 = %v, want all 200", got)
	}
}

func TestErrorRateRejects(t *testing.T) {
	t.Parallel()
	sim := dosimtest.Start(t, dosim.Options{})
	tests := []struct {
		rate     float64
		statuses []int
	}{
		{-0.1, nil}, {1.5, nil}, {0.5, []int{404}}, {0.5, []int{500, 600}},
	}
	for _, tt := range tests {
		if err := sim.SetErrorRate(tt.rate, 1, tt.statuses...); err == nil {
			t.Errorf("SetErrorRate(%v, 1, %v) = nil, want an error", tt.rate, tt.statuses)
		}
	}
}

func TestSetLatency(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	waiting := waits(sim)
	sim.SetLatency(time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	out := async(bearerRequest(t, ctx, sim.URL, dosim.SeedToken, "/v2/account"))
	<-waiting
	cancel()
	if o := <-out; !errors.Is(o.err, context.Canceled) {
		t.Errorf("GET held back by an hour of latency = %d %v, want the client's cancellation", o.status, o.err)
	}
	sim.SetLatency(0)
	wantAPI(t, sim, map[string]int{dosim.SeedToken: 200})
	sim.SetLatency(time.Hour)
	sim.ClearFaults() // back to Options.Latency: none
	wantAPI(t, sim, map[string]int{dosim.SeedToken: 200})
}

func TestAccountStatus(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	acme := acmeToken(t, sim, "unlocked")
	steps := []struct {
		name        string
		act         func() error
		wantStatus  string
		wantMessage string
		wantWrite   int // status of POST /v2/domains
	}{
		{"locked", func() error { return sim.LockAccount(dosim.SeedTeamSammy, "") }, "locked", dosim.DefaultLockedMessage, 403},
		{"warning", func() error { return sim.SetAccountStatus(dosim.SeedTeamSammy, "warning", "Pay up.") }, "warning", "Pay up.", 201},
		{"locked with a message", func() error { return sim.LockAccount(dosim.SeedTeamSammy, "Abuse report.") }, "locked", "Abuse report.", 403},
		{"cleared", func() error { sim.ClearFaults(); return nil }, "active", "", 201},
	}
	for i, st := range steps {
		if err := st.act(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		var got accountBody
		call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/account", nil).decode(t, &got)
		if got.Account.Status != st.wantStatus || got.Account.StatusMessage == nil || *got.Account.StatusMessage != st.wantMessage {
			t.Errorf("%s: account status %q %v, want %q %q", st.name, got.Account.Status, got.Account.StatusMessage, st.wantStatus, st.wantMessage)
		}
		res := call(t, sim.URL, dosim.SeedToken, http.MethodPost, "/v2/domains", map[string]string{"name": fmt.Sprintf("status-%d.example", i)})
		if st.wantWrite == 403 {
			wantError(t, st.name+": POST /v2/domains", res, 403, "forbidden", "")
		} else if res.status != st.wantWrite {
			t.Errorf("%s: POST /v2/domains = %d %s, want %d", st.name, res.status, res.body, st.wantWrite)
		}
		wantAPI(t, sim, map[string]int{dosim.SeedToken: 200, acme: 200})
	}
	if err := sim.SetAccountStatus(dosim.SeedTeamSammy, "sleepy", ""); err == nil {
		t.Errorf("SetAccountStatus(sleepy) = nil, want an error")
	}
	if err := sim.LockAccount("no-such-team", ""); !errors.Is(err, dosim.ErrNotFound) {
		t.Errorf("LockAccount(unknown team) = %v, want ErrNotFound", err)
	}
}

func TestClearFaults(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	tok := login(t, sim.URL, sammyAcme, "read")
	sim.FailTokenRequests(dosim.TokenFailure{})
	sim.HangTokenRequests("", 0, time.Hour)
	sim.LoseRefreshAnswers(0)
	sim.ThrottleAPI("", 0, 0)
	if err := sim.SetErrorRate(1, 1); err != nil {
		t.Fatal(err)
	}
	if err := sim.LockAccount(dosim.SeedTeamSammy, ""); err != nil {
		t.Fatal(err)
	}
	sim.SetLatency(time.Hour)
	sim.ClearFaults()
	if res := refresh(t, sim.URL, tok.RefreshToken); res.status != http.StatusOK {
		t.Errorf("refresh after ClearFaults = %d %s, want 200", res.status, res.body)
	}
	for range 3 {
		wantAPI(t, sim, map[string]int{dosim.SeedToken: 200})
	}
	res := call(t, sim.URL, dosim.SeedToken, http.MethodPost, "/v2/domains", map[string]string{"name": "cleared.example"})
	if res.status != http.StatusCreated {
		t.Errorf("POST /v2/domains after ClearFaults = %d %s, want 201", res.status, res.body)
	}
}
