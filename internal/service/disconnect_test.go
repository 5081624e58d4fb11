package service_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/service"
)

func TestReconnectKeepsTheAccount(t *testing.T) {
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
	if got, _ := e.svc.ValidateAccount(e.ctx, e.admin, a.ID); got.Status != domain.StatusExpired {
		t.Fatalf("after revocation status = %s, want expired", got.Status)
	}
	reconnect := service.StartOAuthParams{Popup: true, AccountID: a.ID}
	// Options 0 and 1 are Sammy's Team and Acme Ops: the wrong team is refused, nothing changes.
	_, err := e.svc.CompleteOAuth(e.ctx, e.admin, e.consentFor(t, e.admin, reconnect, "authorize", 1))
	if problemCode(err) != service.CodeReconnectWrongTeam {
		t.Errorf("reconnect with another team = %v, want %s", err, service.CodeReconnectWrongTeam)
	}
	if got, _ := e.svc.GetAccount(e.ctx, e.admin, a.ID); got.Status != domain.StatusExpired || got.TeamUUID != a.TeamUUID {
		t.Errorf("after the refused reconnect: %+v, want it unchanged", got)
	}
	res, err := e.svc.CompleteOAuth(e.ctx, e.admin, e.consentFor(t, e.admin, reconnect, "authorize", 0))
	if err != nil {
		t.Fatalf("reconnect = %v", err)
	}
	got := res.Account
	if got.ID != a.ID || got.Name != name || !got.IsDefault || got.Status != domain.StatusActive || got.StatusMessage != "" {
		t.Errorf("reconnected account = %+v, want the same record, named %s, default, active", got, name)
	}
	if list, _ := e.svc.ListAccounts(e.ctx, e.admin); len(list) != 1 {
		t.Errorf("after reconnect there are %d accounts, want 1", len(list))
	}
	if _, err := e.svc.StartOAuth(e.ctx, e.admin, service.StartOAuthParams{AccountID: "nope"}); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("StartOAuth(reconnect unknown account) = %v, want ErrNotFound", err)
	}
}

func TestDisconnect(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.connectOAuth(t, 0).Account
	access, _ := e.tokens(t, a.OrgID, a.ID)
	member := e.admin
	member.Role = domain.RoleMember
	if _, err := e.svc.DisconnectAccount(e.ctx, member, a.ID); !errors.Is(err, domain.ErrForbidden) {
		t.Errorf("DisconnectAccount(member) = %v, want ErrForbidden", err)
	}
	got, err := e.svc.DisconnectAccount(e.ctx, e.admin, a.ID)
	if err != nil || !got.Revoked {
		t.Fatalf("DisconnectAccount() = %+v, %v; want revoked", got, err)
	}
	if _, err := e.svc.GetAccount(e.ctx, e.admin, a.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("GetAccount(disconnected) = %v, want ErrNotFound", err)
	}
	if status := e.accountStatusAtSimulator(t, access); status != http.StatusUnauthorized {
		t.Errorf("the revoked token gets %d from /v2/account, want 401", status)
	}
	tokenAcct, err := e.svc.ConnectToken(e.ctx, e.admin, service.ConnectTokenParams{Provider: domain.ProviderDigitalOcean, Token: dosim.SeedToken})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := e.svc.DisconnectAccount(e.ctx, e.admin, tokenAcct.ID); err != nil || got.Revoked || !strings.Contains(got.Detail, "API > Tokens") {
		t.Errorf("DisconnectAccount(token) = %+v, %v; want disconnected, not revoked, with where to delete the token", got, err)
	}
}

func TestDisconnectWhenDigitalOceanIsUnreachable(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.connectOAuth(t, 0).Account
	e.offline.Store(true) // DigitalOcean goes away
	got, err := e.svc.DisconnectAccount(e.ctx, e.admin, a.ID)
	if err != nil || got.Revoked || !strings.Contains(got.Detail, "Authorized Applications") {
		t.Errorf("DisconnectAccount(unreachable) = %+v, %v; want disconnected locally with where to revoke by hand", got, err)
	}
	if _, err := e.svc.GetAccount(e.ctx, e.admin, a.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("GetAccount(disconnected) = %v, want ErrNotFound", err)
	}
}

func TestUnreachableValidationKeepsTheStatus(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.connectOAuth(t, 0).Account
	e.offline.Store(true)
	_, err := e.svc.ValidateAccount(e.ctx, e.admin, a.ID)
	if problemCode(err) != service.CodeProviderUnreachable {
		t.Errorf("ValidateAccount(unreachable) = %v, want %s", err, service.CodeProviderUnreachable)
	}
	if got, _ := e.svc.GetAccount(e.ctx, e.admin, a.ID); got.Status != domain.StatusActive || got.FailingSince == nil {
		t.Errorf("after an unreachable validation: %s failing since %v, want it kept active and the failure remembered", got.Status, got.FailingSince)
	}
	e.clock.Advance(71 * time.Hour)
	if got, _ := e.svc.ValidateAccount(e.ctx, e.admin, a.ID); got.Status != domain.StatusActive {
		t.Errorf("after 71h without DigitalOcean the status is %s, want active still", got.Status)
	}
	e.clock.Advance(time.Hour)
	if got, _ := e.svc.ValidateAccount(e.ctx, e.admin, a.ID); got.Status != domain.StatusError || !strings.Contains(got.StatusMessage, "has not answered Berth since") {
		t.Errorf("after 72h without DigitalOcean: %s %q, want error saying since when", got.Status, got.StatusMessage)
	}
	e.offline.Store(false)
	if got, err := e.svc.ValidateAccount(e.ctx, e.admin, a.ID); err != nil || got.Status != domain.StatusActive || got.FailingSince != nil || got.StatusMessage != "" {
		t.Errorf("once DigitalOcean answers again: %+v, %v; want active, failure forgotten", got, err)
	}
}

func TestRefreshAccountNow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.connectOAuth(t, 0).Account
	got, err := e.svc.RefreshAccount(e.ctx, e.admin, a.ID)
	if err != nil || got.Status != domain.StatusActive || e.sim.TokenGrants(testClientID).RefreshToken != 1 {
		t.Errorf("RefreshAccount() = %s, %v with %d refreshes; want active after one refresh", got.Status, err, e.sim.TokenGrants(testClientID).RefreshToken)
	}
}
