package service_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/service"
)

func TestValidateRefreshesNearExpiry(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.connectOAuth(t, 0).Account
	oldAccess, oldRefresh := e.tokens(t, e.admin.OrgID, a.ID)
	e.clock.Advance(24 * 24 * time.Hour) // 6 days left: inside the 7-day window
	got, err := e.svc.ValidateAccount(e.ctx, e.admin, a.ID)
	if err != nil {
		t.Fatalf("ValidateAccount() = %v", err)
	}
	access, refresh := e.tokens(t, e.admin.OrgID, a.ID)
	if grants := e.sim.TokenGrants(testClientID); grants.RefreshToken != 1 || grants.RefreshTokenRejected != 0 {
		t.Errorf("refresh grants = %+v, want exactly one accepted", grants)
	}
	if access == oldAccess || refresh == oldRefresh {
		t.Errorf("tokens did not rotate")
	}
	if got.Status != domain.StatusActive || got.ExpiresAt == nil || !got.ExpiresAt.Equal(e.clock.Now().Add(30*24*time.Hour)) {
		t.Errorf("after refresh: %+v, want active expiring 30 days from now", got)
	}
	if got.LastValidatedAt == nil || !got.LastValidatedAt.Equal(e.clock.Now()) {
		t.Errorf("LastValidatedAt = %v, want %v", got.LastValidatedAt, e.clock.Now())
	}
	// Far from expiry, validation does not refresh again.
	if _, err := e.svc.ValidateAccount(e.ctx, e.admin, a.ID); err != nil || e.sim.TokenGrants(testClientID).RefreshToken != 1 {
		t.Errorf("second ValidateAccount() = %v with %d refreshes, want no new refresh", err, e.sim.TokenGrants(testClientID).RefreshToken)
	}
}

func TestValidateExpiresWhenRefreshFails(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.connectOAuth(t, 0).Account
	access, refresh := e.tokens(t, e.admin.OrgID, a.ID)
	e.revoke(t, refresh)
	e.revoke(t, access)
	got, err := e.svc.ValidateAccount(e.ctx, e.admin, a.ID)
	if err != nil {
		t.Fatalf("ValidateAccount() = %v, want the outcome recorded without error", err)
	}
	if got.Status != domain.StatusExpired || got.StatusMessage != service.NewProblem(service.CodeTokensExpired, nil).Detail {
		t.Errorf("after revocation: status %q message %q, want expired with the remedy", got.Status, got.StatusMessage)
	}
	stored, _ := e.svc.GetAccount(e.ctx, e.admin, a.ID)
	if stored.Status != domain.StatusExpired {
		t.Errorf("stored status = %q, want expired", stored.Status)
	}
}

func TestValidateRevokedAPIToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const token = "dop_v1_1111111111111111111111111111111111111111111111111111111111111111"
	if err := e.sim.AddPersonalToken(token, dosim.SeedTeamSammy, dosim.SeedUserSammy, []string{"read", "write"}); err != nil {
		t.Fatal(err)
	}
	a, err := e.svc.ConnectToken(e.ctx, e.admin, service.ConnectTokenParams{Provider: domain.ProviderDigitalOcean, Token: token})
	if err != nil {
		t.Fatal(err)
	}
	e.revoke(t, token)
	got, err := e.svc.ValidateAccount(e.ctx, e.admin, a.ID)
	if err != nil || got.Status != domain.StatusExpired || got.StatusMessage != service.NewProblem(service.CodeTokenRejected, nil).Detail {
		t.Errorf("ValidateAccount(revoked token) = %+v, %v; want expired with the token remedy", got, err)
	}
	if e.sim.TokenGrants(testClientID).RefreshToken != 0 {
		t.Errorf("an API token account tried to refresh")
	}
}

func TestUpdateAccountRenamesAndMovesDefault(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	first := e.connectOAuth(t, 0).Account
	second := e.connectOAuth(t, 1).Account
	yes, no, empty := true, false, "  "
	if _, err := e.svc.UpdateAccount(e.ctx, e.admin, second.ID, service.UpdateAccountParams{IsDefault: &yes}); err != nil {
		t.Fatal(err)
	}
	accounts, _ := e.svc.ListAccounts(e.ctx, e.admin)
	if accounts[0].IsDefault || !accounts[1].IsDefault {
		t.Errorf("defaults after moving = %v,%v; want only the second", accounts[0].IsDefault, accounts[1].IsDefault)
	}
	if _, err := e.svc.UpdateAccount(e.ctx, e.admin, second.ID, service.UpdateAccountParams{IsDefault: &no}); err != nil {
		t.Fatal(err)
	}
	if a, _ := e.svc.GetAccount(e.ctx, e.admin, second.ID); a.IsDefault {
		t.Errorf("default not cleared")
	}
	var v *domain.ValidationError
	if _, err := e.svc.UpdateAccount(e.ctx, e.admin, first.ID, service.UpdateAccountParams{Name: &empty}); !errors.As(err, &v) || v.Field != "name" {
		t.Errorf("UpdateAccount(empty name) = %v, want a validation error on name", err)
	}
	if _, err := e.svc.UpdateAccount(e.ctx, e.admin, "no-such-id", service.UpdateAccountParams{Name: &empty}); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("UpdateAccount(unknown) = %v, want ErrNotFound", err)
	}
}

func TestAccountsAreScopedToTheOrganization(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.connectOAuth(t, 0).Account
	key, err := e.svc.Bootstrap(e.ctx, service.BootstrapParams{Email: "eve@example.com", Password: "another long password", OrganizationName: "Elsewhere"})
	if err != nil {
		t.Fatal(err)
	}
	eve, err := e.svc.APIKeyActor(e.ctx, key.Secret)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.GetAccount(e.ctx, eve, a.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("GetAccount(other org) = %v, want ErrNotFound", err)
	}
	if _, err := e.svc.ValidateAccount(e.ctx, eve, a.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("ValidateAccount(other org) = %v, want ErrNotFound", err)
	}
	if list, _ := e.svc.ListAccounts(e.ctx, eve); len(list) != 0 {
		t.Errorf("ListAccounts(other org) = %d accounts, want 0", len(list))
	}
}

func TestConcurrentValidationsRefreshOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.connectOAuth(t, 0).Account
	e.clock.Advance(25 * 24 * time.Hour)
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			if got, err := e.svc.ValidateAccountAsSystem(e.ctx, a.OrgID, a.ID); err != nil || got.Status != domain.StatusActive {
				t.Errorf("ValidateAccountAsSystem() = %s, %v; want active", got.Status, err)
			}
		})
	}
	wg.Wait()
	if grants := e.sim.TokenGrants(testClientID); grants.RefreshToken != 1 || grants.RefreshTokenRejected != 0 {
		t.Errorf("10 concurrent validations made refresh grants %+v, want exactly one accepted and none refused", grants)
	}
}

func TestDueAccounts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.connectOAuth(t, 0).Account
	if due, _ := e.svc.DueAccounts(e.ctx, 10); len(due) != 0 {
		t.Errorf("fresh account is due: %+v", due)
	}
	e.clock.Advance(25 * time.Hour) // not validated for a day
	if due, _ := e.svc.DueAccounts(e.ctx, 10); len(due) != 1 || due[0].ID != a.ID {
		t.Errorf("after a day DueAccounts() = %+v, want the account", due)
	}
	if _, err := e.svc.ValidateAccountAsSystem(e.ctx, a.OrgID, a.ID); err != nil {
		t.Fatal(err)
	}
	if due, _ := e.svc.DueAccounts(e.ctx, 10); len(due) != 0 {
		t.Errorf("just validated account is due: %+v", due)
	}
	e.clock.Advance(23 * 24 * time.Hour) // token within the 7-day window, validated hours ago
	if _, err := e.svc.ValidateAccountAsSystem(e.ctx, a.OrgID, a.ID); err != nil {
		t.Fatal(err)
	}
	if due, _ := e.svc.DueAccounts(e.ctx, 10); len(due) != 0 {
		t.Errorf("refreshed account is still due: %+v", due)
	}
}

func TestLostScopeTakesTheBadgeAway(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.connectOAuth(t, 0).Account
	if a.StatusMessage != "" {
		t.Errorf("a full grant has status message %q, want none", a.StatusMessage)
	}
	if n, err := e.sim.DropScopeFromGrants(dosim.SeedTeamSammy, "write"); err != nil || n == 0 {
		t.Fatalf("DropScopeFromGrants() = %d, %v", n, err)
	}
	got, err := e.svc.ValidateAccount(e.ctx, e.admin, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Capabilities) != 0 || got.Status != domain.StatusActive ||
		got.StatusMessage != service.NewProblem(service.CodeInsufficientScope, nil).Detail+" (not allowed now: Compute, Storage, DNS)" {
		t.Errorf("after losing write: %v %s %q, want no badges, active, and the Member-role remedy", got.Capabilities, got.Status, got.StatusMessage)
	}
}
