package digitalocean

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/provider"
)

func TestReadRetriesAfter429HonouringRetryAfter(t *testing.T) {
	t.Parallel()
	sim := startSim(t, dosim.Options{})
	c := newTestClient(t, inject(t, sim.URL, rateLimited("GET /v2/account", 2, 7)), Options{})

	info, err := c.Account(context.Background(), token)
	if err != nil {
		t.Fatalf("Account() after two 429s = %v, want success", err)
	}
	if info.Email != "sammy@example.com" {
		t.Errorf("Account().Email = %q, want sammy@example.com", info.Email)
	}
	if got := statuses(c.count.Seen("GET /v2/account")); !slices.Equal(got, []int{429, 429, 200}) {
		t.Errorf("GET /v2/account answers = %v, want [429 429 200]", got)
	}
	reqs := c.count.Seen("GET /v2/account")
	for i := 1; i < len(reqs); i++ {
		if gap := reqs[i].At.Sub(reqs[i-1].At); gap < 7*time.Second {
			t.Errorf("attempt %d went %s after a 429 with retry-after 7, want at least 7s", i+1, gap)
		}
	}
}

func TestReadRetriesAfter5xx(t *testing.T) {
	t.Parallel()
	sim := startSim(t, dosim.Options{})
	faults := []*fault{
		{match: "GET /v2/droplets", times: 2, status: http.StatusInternalServerError},
		{match: "GET /v2/regions", times: 1, status: http.StatusServiceUnavailable},
	}
	c := newTestClient(t, inject(t, sim.URL, faults...), Options{})
	ctx := context.Background()

	droplets, err := c.Droplets(ctx, token)
	if err != nil || len(droplets) != 2 {
		t.Fatalf("Droplets() after two 500s = %d droplets, %v; want 2, nil", len(droplets), err)
	}
	if got := statuses(c.count.Seen("GET /v2/droplets")); !slices.Equal(got, []int{500, 500, 200}) {
		t.Errorf("GET /v2/droplets answers = %v, want [500 500 200]", got)
	}
	if _, err := c.Regions(ctx, token); err != nil {
		t.Errorf("Regions() after a 503 = %v, want success", err)
	}
}

func TestReadGivesUpAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	sim := startSim(t, dosim.Options{})
	c := newTestClient(t, inject(t, sim.URL, &fault{match: "GET /v2/sizes", times: -1, status: http.StatusBadGateway}), Options{Retry: RetryOptions{MaxAttempts: 3}})

	_, err := c.Sizes(context.Background(), token)
	if kind := domain.ProviderErrorKindOf(err); kind != domain.ProviderUnavailable {
		t.Errorf("Sizes() with 502s = %v, want kind %s", err, domain.ProviderUnavailable)
	}
	if n := len(c.count.Seen("GET /v2/sizes")); n != 3 {
		t.Errorf("GET /v2/sizes sent %d times, want 3 (MaxAttempts)", n)
	}
}

func TestCreateIsNotRepeatedWhenTheSimulatorProcessedIt(t *testing.T) {
	t.Parallel()
	sim := startSim(t, dosim.Options{})
	lost := &fault{match: "POST /v2/droplets", times: 1, status: http.StatusInternalServerError, after: true}
	c := newTestClient(t, inject(t, sim.URL, lost), Options{})
	ctx := context.Background()

	got, err := c.CreateDroplets(ctx, token, provider.CreateDropletsParams{
		RequestID: "job-4711", Names: []string{"web-lost"}, Region: "nyc3", Size: "s-1vcpu-1gb", Image: "ubuntu-24-04-x64",
	})
	if err != nil {
		t.Fatalf("CreateDroplets() after a lost answer = %v, want the droplet the first attempt made", err)
	}
	if len(got.Droplets) != 1 || got.Droplets[0].Name != "web-lost" {
		t.Fatalf("CreateDroplets() = %+v, want the one droplet web-lost", got.Droplets)
	}
	if n := len(c.count.Seen("POST /v2/droplets")); n != 1 {
		t.Errorf("POST /v2/droplets sent %d times, want 1", n)
	}
	tagged, err := c.DropletsByTag(ctx, token, provider.RequestTag("job-4711"))
	if err != nil || len(tagged) != 1 {
		t.Errorf("droplets tagged %s: %d, %v; want exactly 1", provider.RequestTag("job-4711"), len(tagged), err)
	}
	all, _ := c.Droplets(ctx, token)
	if len(all) != 3 {
		t.Errorf("account has %d droplets, want 3 (2 seeded + 1)", len(all))
	}
}

func TestCreateIsRepeatedWhenTheFirstAttemptMadeNothing(t *testing.T) {
	t.Parallel()
	sim := startSim(t, dosim.Options{})
	refused := &fault{match: "POST /v2/droplets", times: 1, status: http.StatusServiceUnavailable}
	c := newTestClient(t, inject(t, sim.URL, refused), Options{})
	ctx := context.Background()

	got, err := c.CreateDroplets(ctx, token, provider.CreateDropletsParams{
		RequestID: "job-4712", Names: []string{"web-a", "web-b"}, Region: "nyc3", Size: "s-1vcpu-1gb", Image: "ubuntu-24-04-x64",
	})
	if err != nil || len(got.Droplets) != 2 {
		t.Fatalf("CreateDroplets() after a 503 = %d droplets, %v; want 2", len(got.Droplets), err)
	}
	if got := statuses(c.count.Seen("POST /v2/droplets")); !slices.Equal(got, []int{503, 202}) {
		t.Errorf("POST /v2/droplets answers = %v, want [503 202]", got)
	}
	if n := len(c.count.Seen("GET /v2/droplets")); n != 1 {
		t.Errorf("the retry listed by tag %d times before creating, want 1", n)
	}
}

func TestCreateIsNotRetriedOnARefusal(t *testing.T) {
	t.Parallel()
	sim := startSim(t, dosim.Options{})
	c := newTestClient(t, sim.URL, Options{})

	_, err := c.CreateDroplets(context.Background(), token, provider.CreateDropletsParams{
		RequestID: "job-4713", Names: []string{"web"}, Region: "nyc3", Size: "no-such-size", Image: "ubuntu-24-04-x64",
	})
	if kind := domain.ProviderErrorKindOf(err); kind != domain.ProviderUnprocessable {
		t.Errorf("CreateDroplets(unknown size) = %v, want kind %s", err, domain.ProviderUnprocessable)
	}
	if n := len(c.count.Seen("")); n != 1 {
		t.Errorf("sent %d requests, want 1: a 422 is final", n)
	}
}

func TestDeleteAnsweredLateCountsAsDone(t *testing.T) {
	t.Parallel()
	sim := startSim(t, dosim.Options{})
	id, err := sim.AddDroplet(dosim.SeedTeamSammy, dosim.DropletSpec{Name: "doomed"})
	if err != nil {
		t.Fatal(err)
	}
	lost := &fault{match: "DELETE /v2/droplets/", times: 1, status: http.StatusGatewayTimeout, after: true}
	c := newTestClient(t, inject(t, sim.URL, lost), Options{})
	ctx := context.Background()

	if err := c.DeleteDroplet(ctx, token, id); err != nil {
		t.Errorf("DeleteDroplet() after a lost answer = %v, want nil (the first attempt deleted it)", err)
	}
	if got := statuses(c.count.Seen("DELETE /v2/droplets/")); !slices.Equal(got, []int{504, 404}) {
		t.Errorf("DELETE answers = %v, want [504 404]", got)
	}
	if _, err := c.Droplet(ctx, token, id); domain.ProviderErrorKindOf(err) != domain.ProviderNotFound {
		t.Errorf("Droplet(deleted) = %v, want not found", err)
	}
}

func TestRetryPolicyWaits(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(time.Unix(1_700_000_000, 0))
	p := &retryPolicy{opts: RetryOptions{}.withDefaults(), clock: clock}
	resp := func(status int, h ...string) *http.Response {
		r := &http.Response{StatusCode: status, Header: http.Header{}}
		for i := 0; i+1 < len(h); i += 2 {
			r.Header.Set(h[i], h[i+1])
		}
		return r
	}
	reset := clock.Now().Add(42 * time.Second).Unix()
	tests := []struct {
		name     string
		resp     *http.Response
		attempt  int
		min, max time.Duration
		retry    bool
	}{
		{"retry-after", resp(429, "Retry-After", "5"), 1, 5 * time.Second, 5500 * time.Millisecond, true},
		{"ratelimit-reset", resp(429, "Ratelimit-Reset", strconv.FormatInt(reset, 10)), 1, 42 * time.Second, 47 * time.Second, true},
		{"500 backoff 1", resp(500), 1, 125 * time.Millisecond, 250 * time.Millisecond, true},
		{"500 backoff 3", resp(500), 3, 500 * time.Millisecond, time.Second, true},
		{"500 capped", resp(500), 3 + 10, 0, 0, false},
		{"hour exhausted", resp(429, "Retry-After", "1800"), 1, 0, 0, false},
		{"422 final", resp(422), 1, 0, 0, false},
		{"404 final", resp(404), 1, 0, 0, false},
	}
	for _, tt := range tests {
		d, retry := p.next(context.Background(), tt.attempt, tt.resp, nil)
		if retry != tt.retry || (retry && (d < tt.min || d > tt.max)) {
			t.Errorf("%s: next(attempt %d) = %s, %v; want %v in [%s, %s]", tt.name, tt.attempt, d, retry, tt.retry, tt.min, tt.max)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, retry := p.next(ctx, 1, resp(503), nil); retry {
		t.Error("next() with a cancelled context retries, want no retry")
	}
}

func statuses(exs []exchange) []int {
	out := []int{}
	for _, ex := range exs {
		out = append(out, ex.Status)
	}
	return out
}
