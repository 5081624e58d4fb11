package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/service"
)

// TestFaultsEndInTheDocumentedStatus drives each simulator fault into a validation of a
// connection whose token is due a refresh, and checks status, text, the problem returned,
// and the audit log.
func TestFaultsEndInTheDocumentedStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		fault       func(sim *dosim.Server)
		wantStatus  domain.AccountStatus
		wantText    string // in the status message
		wantProblem string // returned to the caller; "" when the outcome is recorded
		wantEvent   string // the newest audit event; "" for none
	}{
		{"refresh refused (invalid_grant)", func(sim *dosim.Server) {
			sim.FailTokenRequests(dosim.TokenFailure{Grant: "refresh_token", Status: 400, Error: "invalid_grant"})
		}, domain.StatusExpired, "OAuth tokens expired and couldn't auto-refresh", "", domain.EventAccountStatusChanged},
		{"token endpoint down (500)", func(sim *dosim.Server) {
			sim.FailTokenRequests(dosim.TokenFailure{Grant: "refresh_token", Status: 500})
		}, domain.StatusActive, "", service.CodeProviderUnreachable, domain.EventAccountConnected},
		{"account locked", func(sim *dosim.Server) {
			if err := sim.LockAccount(dosim.SeedTeamSammy, "Billing problem"); err != nil {
				t.Fatal(err)
			}
		}, domain.StatusError, "DigitalOcean has locked this account: Billing problem", "", domain.EventAccountStatusChanged},
		{"grants revoked", func(sim *dosim.Server) {
			if _, err := sim.RevokeGrants(dosim.SeedTeamSammy); err != nil {
				t.Fatal(err)
			}
		}, domain.StatusExpired, "OAuth tokens expired and couldn't auto-refresh", "", domain.EventAccountStatusChanged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			a := e.connectOAuth(t, 0).Account
			e.clock.Advance(25 * 24 * time.Hour) // inside the refresh window
			tt.fault(e.sim.Server)
			got, err := e.svc.ValidateAccountAsSystem(e.ctx, a.OrgID, a.ID)
			if problemCode(err) != tt.wantProblem || (err != nil && tt.wantProblem == "") {
				t.Errorf("ValidateAccountAsSystem() error = %v, want problem %q", err, tt.wantProblem)
			}
			stored, _ := e.svc.GetAccount(e.ctx, e.admin, a.ID)
			if stored.Status != tt.wantStatus || !strings.Contains(stored.StatusMessage, tt.wantText) || got.Status != tt.wantStatus {
				t.Errorf("stored %s %q, returned %s; want %s containing %q", stored.Status, stored.StatusMessage, got.Status, tt.wantStatus, tt.wantText)
			}
			if events, _ := e.svc.AuditEvents(e.ctx, e.admin, "", 1); len(events) == 0 || events[0].Type != tt.wantEvent {
				t.Errorf("newest audit event = %+v, want %s", events, tt.wantEvent)
			}
		})
	}
}
