package service_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/service"
)

// TestAuditLogTellsTheStory walks an account through its life and reads the audit log back.
func TestAuditLogTellsTheStory(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.connectOAuth(t, 0).Account
	name := "Production"
	if _, err := e.svc.UpdateAccount(e.ctx, e.admin, a.ID, service.UpdateAccountParams{Name: &name}); err != nil {
		t.Fatal(err)
	}
	access, refresh := e.tokens(t, a.OrgID, a.ID)
	e.revoke(t, refresh)
	e.revoke(t, access)
	if _, err := e.svc.ValidateAccountAsSystem(e.ctx, a.OrgID, a.ID); err != nil {
		t.Fatal(err)
	}
	reconnect := service.StartOAuthParams{AccountID: a.ID}
	if _, err := e.svc.CompleteOAuth(e.ctx, e.admin, e.consentFor(t, e.admin, reconnect, "authorize", 0)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.DisconnectAccount(e.ctx, e.admin, a.ID); err != nil {
		t.Fatal(err)
	}
	events, err := e.svc.AuditEvents(e.ctx, e.admin, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, ev := range slices.Backward(events) {
		types = append(types, ev.Type)
		if ev.Type == domain.EventAccountRefreshFailed && ev.ActorKind != domain.ActorJob {
			t.Errorf("refresh_failed by %s, want the job", ev.ActorKind)
		}
		if ev.Type == domain.EventAccountConnected && (ev.ActorLabel != "ada@example.com" || !strings.Contains(ev.Message, "Sammy's Team")) {
			t.Errorf("connected event = %+v, want ada and the team", ev)
		}
		if strings.Contains(ev.Message, "doo_v1_") || strings.Contains(ev.Message, "dor_v1_") {
			t.Errorf("event %s holds a token: %s", ev.Type, ev.Message)
		}
	}
	want := []string{domain.EventAccountConnected, domain.EventAccountUpdated, domain.EventAccountRefreshFailed,
		domain.EventAccountStatusChanged, domain.EventAccountReconnected, domain.EventAccountDisconnected}
	if !slices.Equal(types, want) {
		t.Errorf("audit log = %v, want %v", types, want)
	}
	member := e.admin
	member.Role = domain.RoleMember
	if _, err := e.svc.AuditEvents(e.ctx, member, "", 0); !errors.Is(err, domain.ErrForbidden) {
		t.Errorf("AuditEvents(member) = %v, want ErrForbidden", err)
	}
	page, _ := e.svc.AuditEvents(e.ctx, e.admin, "", 2)
	rest, _ := e.svc.AuditEvents(e.ctx, e.admin, page[1].ID, 0)
	if len(page) != 2 || len(rest) != len(events)-2 || rest[0].ID != events[2].ID {
		t.Errorf("paging the audit log: %d then %d entries, want 2 then %d", len(page), len(rest), len(events)-2)
	}
}
