package service_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/service"
)

// receiver is a webhook endpoint that records what it gets and answers with the next status.
type receiver struct {
	mu       sync.Mutex
	statuses []int // answered in order; 200 once they run out
	got      []http.Header
	bodies   [][]byte
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.got, rc.bodies = append(rc.got, r.Header.Clone()), append(rc.bodies, body)
	status := http.StatusOK
	if len(rc.statuses) > 0 {
		status, rc.statuses = rc.statuses[0], rc.statuses[1:]
	}
	w.WriteHeader(status)
}

// verify checks a Berth-Signature header against the secret, as a receiver would.
func verify(t *testing.T, secretValue string, h http.Header, body []byte) {
	t.Helper()
	sig := h.Get("Berth-Signature")
	ts, v1, ok := strings.Cut(strings.TrimPrefix(sig, "t="), ",v1=")
	if !ok || v1 != service.Sign([]byte(secretValue), ts, body) {
		t.Errorf("Berth-Signature %q does not verify with the webhook's secret", sig)
	}
}

func TestWebhookDeliveriesAreSignedAndRetried(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rc := &receiver{statuses: []int{500}}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	hook, err := e.svc.CreateWebhook(e.ctx, e.admin, srv.URL+"/berth")
	if err != nil {
		t.Fatal(err)
	}
	a := e.connectOAuth(t, 0).Account
	pending, err := e.svc.PendingDeliveries(e.ctx, 10)
	if err != nil || len(pending) != 1 || pending[0].EventType != domain.EventAccountConnected {
		t.Fatalf("PendingDeliveries() = %+v, %v; want the connect", pending, err)
	}
	id := pending[0].ID
	if err := e.svc.Deliver(e.ctx, id, false); err == nil {
		t.Errorf("Deliver() against a 500 = nil, want an error so the job retries")
	}
	if err := e.svc.Deliver(e.ctx, id, false); err != nil {
		t.Errorf("second Deliver() = %v", err)
	}
	hooks, _ := e.svc.ListWebhooks(e.ctx, e.admin)
	d := hooks[0].Deliveries[0]
	if d.Status != domain.DeliveryDelivered || d.Attempts != 2 || d.LastStatusCode != 200 {
		t.Errorf("delivery = %+v, want delivered after 2 attempts", d)
	}
	if len(rc.got) != 2 {
		t.Fatalf("receiver got %d requests, want 2", len(rc.got))
	}
	verify(t, hook.Secret, rc.got[1], rc.bodies[1])
	var body map[string]any
	if err := json.Unmarshal(rc.bodies[1], &body); err != nil || body["type"] != "account.connected" || body["account_id"] != a.ID {
		t.Errorf("body = %s, want account.connected for the account", rc.bodies[1])
	}
	if rc.got[1].Get("Berth-Event") != "account.connected" || rc.got[1].Get("Berth-Delivery") != id {
		t.Errorf("headers = %v", rc.got[1])
	}
	if err := e.svc.Redeliver(e.ctx, e.admin, id); err != nil {
		t.Fatal(err)
	}
	if again, _ := e.svc.PendingDeliveries(e.ctx, 10); len(again) != 1 {
		t.Errorf("after Redeliver: %d pending, want 1", len(again))
	}
}

func TestWebhookFailsAfterTheLastAttempt(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(503) }))
	t.Cleanup(srv.Close)
	if _, err := e.svc.CreateWebhook(e.ctx, e.admin, srv.URL); err != nil {
		t.Fatal(err)
	}
	e.connectOAuth(t, 0)
	pending, _ := e.svc.PendingDeliveries(e.ctx, 10)
	if err := e.svc.Deliver(e.ctx, pending[0].ID, true); err == nil {
		t.Errorf("final Deliver() against a 503 = nil, want an error")
	}
	hooks, _ := e.svc.ListWebhooks(e.ctx, e.admin)
	if d := hooks[0].Deliveries[0]; d.Status != domain.DeliveryFailed || !strings.Contains(d.LastError, "503") {
		t.Errorf("delivery = %+v, want failed with the 503 named", d)
	}
	if left, _ := e.svc.PendingDeliveries(e.ctx, 10); len(left) != 0 {
		t.Errorf("a failed delivery is still pending")
	}
}

func TestWebhookValidationAndRoles(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, u := range []string{"", "ftp://x.example", "not a url", "https://user:pw@x.example"} {
		var v *domain.ValidationError
		if _, err := e.svc.CreateWebhook(e.ctx, e.admin, u); !errors.As(err, &v) || v.Field != "url" {
			t.Errorf("CreateWebhook(%q) = %v, want a validation error on url", u, err)
		}
	}
	member := e.admin
	member.Role = domain.RoleMember
	if _, err := e.svc.CreateWebhook(e.ctx, member, "https://x.example"); !errors.Is(err, domain.ErrForbidden) {
		t.Errorf("CreateWebhook(member) = %v, want ErrForbidden", err)
	}
	if err := e.svc.Redeliver(e.ctx, e.admin, "nope"); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("Redeliver(unknown) = %v, want ErrNotFound", err)
	}
}
