package app_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/internal/service"
)

// TestWebhooksDeliverThroughTheQueue adds a webhook in Settings, connects an account over the
// API, and waits for the job queue to deliver the signed event, retrying a first failure.
func TestWebhooksDeliverThroughTheQueue(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []*http.Request
	var bodies [][]byte
	fail := 1
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		got, bodies = append(got, r), append(bodies, body)
		if fail > 0 {
			fail--
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	t.Cleanup(hook.Close)
	received := func() int { mu.Lock(); defer mu.Unlock(); return len(got) }

	b := startBerth(t, berthOptions{engine: "sqlite"})
	admin := b.signUp(t, "ada@example.com", "Analytical Engines")
	_, page := admin.post("/settings/webhooks", url.Values{"url": {hook.URL + "/events"}})
	secret := regexp.MustCompile(`<code id="webhook-secret">(whsec_[^<]+)</code>`).FindStringSubmatch(page)
	if secret == nil {
		t.Fatalf("no signing secret shown:\n%s", page)
	}
	b.shown = append(b.shown, secret[1])
	key, err := b.App.Services().CreateAPIKey(t.Context(), adminActor(t, b, admin), "test")
	if err != nil {
		t.Fatal(err)
	}
	c := &apiClient{t: t, b: b, http: b.client(), key: key.Secret}
	if status, body := c.do("POST", "/api/v1/cloud-accounts", `{"provider":"digitalocean","token":"`+dosim.SeedToken+`"}`); status != 201 {
		t.Fatalf("connect = %d %v", status, body)
	}
	waitFor(t, "two delivery attempts (a 500, then a success)", func() bool { return received() >= 2 })
	mu.Lock()
	last, body := got[1], bodies[1]
	mu.Unlock()
	ts, v1, _ := strings.Cut(strings.TrimPrefix(last.Header.Get("Berth-Signature"), "t="), ",v1=")
	if v1 != service.Sign([]byte(secret[1]), ts, body) || !strings.Contains(string(body), `"type":"account.connected"`) {
		t.Errorf("delivery %s with signature %q does not verify", body, last.Header.Get("Berth-Signature"))
	}
	waitFor(t, "the log to show the delivery delivered", func() bool {
		_, page := admin.get("/settings/webhooks")
		return strings.Contains(page, `data-status="delivered"`)
	})
	_, page = admin.get("/settings/webhooks")
	id := regexp.MustCompile(`/settings/webhooks/deliveries/([0-9a-f-]+)/redeliver`).FindStringSubmatch(page)
	if id == nil {
		t.Fatalf("no Redeliver button:\n%s", page)
	}
	admin.post("/settings/webhooks/deliveries/"+id[1]+"/redeliver", nil)
	waitFor(t, "the redelivery", func() bool { return received() >= 3 })
}

// adminActor is the actor of a signed-up person, for calling services directly.
func adminActor(t *testing.T, b *berth, p *person) service.Actor {
	t.Helper()
	u, _ := url.Parse(b.URL)
	for _, c := range p.c.Jar.Cookies(u) {
		if c.Name == "berth_session" {
			a, err := b.App.Services().SessionActor(t.Context(), c.Value)
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
	}
	t.Fatal("no session cookie")
	return service.Actor{}
}

// waitFor polls cond for up to 30 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 300 {
		if cond() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("waited 30s for %s", what)
}
