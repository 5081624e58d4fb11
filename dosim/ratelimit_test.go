package dosim_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/berth-dev/berth/dosim"
)

func TestRateLimit(t *testing.T) {
	t.Parallel()
	sim, clk := start(t, func(o *dosim.Options) { o.RateLimitPerMinute, o.RateLimitPerHour = 5, 8 })
	const other = "dop_v1_other"
	if err := sim.AddPersonalToken(other, dosim.SeedTeamAcme, dosim.SeedUserJordan, nil); err != nil {
		t.Fatal(err)
	}
	start := clk.Now()
	steps := []struct {
		advance       time.Duration
		token         string
		wantStatus    int
		wantRemaining int
		wantRetry     int // retry-after seconds; 0 when none
		wantReset     time.Time
	}{
		{0, dosim.SeedToken, 200, 7, 0, start.Add(time.Hour)},
		{time.Second, dosim.SeedToken, 200, 6, 0, start.Add(time.Hour)},
		{0, dosim.SeedToken, 200, 5, 0, start.Add(time.Hour)},
		{0, dosim.SeedToken, 200, 4, 0, start.Add(time.Hour)},
		{0, dosim.SeedToken, 200, 3, 0, start.Add(time.Hour)},
		{0, dosim.SeedToken, 429, 3, 59, start.Add(time.Hour)},    // sixth in a minute
		{0, other, 200, 7, 0, start.Add(time.Second + time.Hour)}, // counted per token
		{58 * time.Second, dosim.SeedToken, 429, 3, 1, start.Add(time.Hour)},
		{time.Second, dosim.SeedToken, 200, 2, 0, start.Add(time.Hour)}, // the first request left the minute
		{time.Minute, dosim.SeedToken, 200, 1, 0, start.Add(time.Hour)},
		{0, dosim.SeedToken, 200, 0, 0, start.Add(time.Hour)},
		{0, dosim.SeedToken, 429, 0, 3600 - 120, start.Add(time.Hour)}, // hour allowance used up
		{time.Hour - 121*time.Second, dosim.SeedToken, 429, 0, 1, start.Add(time.Hour)},
		{time.Second, dosim.SeedToken, 200, 0, 0, start.Add(time.Second + time.Hour)}, // the first request left the hour
	}
	for i, st := range steps {
		clk.Advance(st.advance)
		res := call(t, sim.URL, st.token, http.MethodGet, "/v2/account", nil)
		h := res.header
		if res.status != st.wantStatus {
			t.Fatalf("step %d: status %d %s, want %d", i, res.status, res.body, st.wantStatus)
		}
		if h.Get("Ratelimit-Limit") != "8" || h.Get("Ratelimit-Remaining") != strconv.Itoa(st.wantRemaining) ||
			h.Get("Ratelimit-Reset") != strconv.FormatInt(st.wantReset.Unix(), 10) {
			t.Errorf("step %d: ratelimit headers limit=%s remaining=%s reset=%s, want 8, %d, %d", i,
				h.Get("Ratelimit-Limit"), h.Get("Ratelimit-Remaining"), h.Get("Ratelimit-Reset"), st.wantRemaining, st.wantReset.Unix())
		}
		wantRetry := ""
		if st.wantRetry > 0 {
			wantRetry = strconv.Itoa(st.wantRetry)
			if id, msg := res.apiError(t); id != "too_many_requests" || msg != "API rate limit exceeded." {
				t.Errorf("step %d: 429 body %s, want too_many_requests", i, res.body)
			}
		}
		if got := h.Get("Retry-After"); got != wantRetry {
			t.Errorf("step %d: Retry-After %q, want %q", i, got, wantRetry)
		}
	}
}

func TestDefaultRateLimitHeaders(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	res := call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/droplets", nil)
	if res.header.Get("Ratelimit-Limit") != "5000" || res.header.Get("Ratelimit-Remaining") != "4999" {
		t.Errorf("ratelimit headers = %s/%s, want 5000/4999", res.header.Get("Ratelimit-Limit"), res.header.Get("Ratelimit-Remaining"))
	}
}
