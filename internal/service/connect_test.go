package service_test

import (
	"bytes"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/service"
	"github.com/berth-dev/berth/internal/store"
)

func problemCode(err error) string {
	var p *service.Problem
	if errors.As(err, &p) {
		return p.Code
	}
	return ""
}

func TestOAuthConnectShowsActiveAccountWithCapabilities(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	res := e.connectOAuth(t, 0)
	a := res.Account
	if !res.Popup {
		t.Errorf("CompleteOAuth().Popup = false, want the popup flag given to StartOAuth")
	}
	want := []domain.Capability{domain.CapCompute, domain.CapStorage, domain.CapDNS}
	if a.Status != domain.StatusActive || !slices.Equal(a.Capabilities, want) || a.AuthType != domain.AuthOAuth {
		t.Errorf("account = %+v, want active oauth with %v", a, want)
	}
	if a.Name != "DigitalOcean" || a.AccountEmail == "" || a.TeamUUID == "" || a.TeamName == "" || !a.IsDefault {
		t.Errorf("account = %+v, want name DigitalOcean, email, team and default", a)
	}
	if a.ExpiresAt == nil || a.ExpiresAt.Sub(e.clock.Now()) != 30*24*time.Hour {
		t.Errorf("ExpiresAt = %v, want 30 days after %v", a.ExpiresAt, e.clock.Now())
	}
	access, refresh := e.tokens(t, e.admin.OrgID, a.ID)
	creds, _ := e.store.GetCredentials(e.ctx, store.GetCloudAccountParams{OrgID: e.admin.OrgID, ID: a.ID})
	if bytes.Contains(creds.AccessTokenSealed, []byte(access)) || bytes.Contains(creds.RefreshTokenSealed, []byte(refresh)) {
		t.Errorf("stored credentials contain the plaintext token")
	}
	if refresh == "" {
		t.Errorf("no refresh token stored")
	}
}

func TestOAuthSameTeamTwiceUpdatesTheAccount(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	first := e.connectOAuth(t, 0).Account
	renamed := "Production"
	if _, err := e.svc.UpdateAccount(e.ctx, e.admin, first.ID, service.UpdateAccountParams{Name: &renamed}); err != nil {
		t.Fatal(err)
	}
	oldAccess, _ := e.tokens(t, e.admin.OrgID, first.ID)
	second := e.connectOAuth(t, 0).Account
	newAccess, _ := e.tokens(t, e.admin.OrgID, first.ID)
	accounts, _ := e.svc.ListAccounts(e.ctx, e.admin)
	if len(accounts) != 1 || second.ID != first.ID || second.Name != renamed || oldAccess == newAccess {
		t.Errorf("after connecting the same team twice: %d accounts, id %s (was %s), name %q, token changed %v; want one updated account keeping its name",
			len(accounts), second.ID, first.ID, second.Name, oldAccess != newAccess)
	}
	other := e.connectOAuth(t, 1).Account
	if other.ID == first.ID || other.IsDefault {
		t.Errorf("another team's account = %+v, want a new, non-default account", other)
	}
}

func TestOAuthFailuresStoreNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	other := e.admin
	other.SessionID = "another-session"
	tests := []struct {
		name string
		run  func() error
		want string
	}{
		{"deny", func() error {
			_, err := e.svc.CompleteOAuth(e.ctx, e.admin, e.consent(t, e.admin, "deny", 0))
			return err
		}, service.CodeAuthorizationDenied},
		{"reused state", func() error {
			cb := e.consent(t, e.admin, "deny", 0)
			_, _ = e.svc.CompleteOAuth(e.ctx, e.admin, cb)
			_, err := e.svc.CompleteOAuth(e.ctx, e.admin, cb)
			return err
		}, service.CodeAuthorizationInvalid},
		{"missing state", func() error {
			_, err := e.svc.CompleteOAuth(e.ctx, e.admin, service.OAuthCallback{Code: "x"})
			return err
		}, service.CodeAuthorizationInvalid},
		{"other session", func() error {
			_, err := e.svc.CompleteOAuth(e.ctx, other, e.consent(t, e.admin, "authorize", 0))
			return err
		}, service.CodeWrongSessionForOAuth},
		{"forged code", func() error {
			cb := e.consent(t, e.admin, "authorize", 0)
			cb.Code = "not-a-code"
			_, err := e.svc.CompleteOAuth(e.ctx, e.admin, cb)
			return err
		}, service.CodeTokenExchangeFailed},
		{"provider error", func() error {
			cb := e.consent(t, e.admin, "deny", 0)
			cb.Error = "server_error"
			_, err := e.svc.CompleteOAuth(e.ctx, e.admin, cb)
			return err
		}, service.CodeAuthorizationFailed},
	}
	for _, tt := range tests {
		if got := problemCode(tt.run()); got != tt.want {
			t.Errorf("%s: CompleteOAuth() problem = %q, want %q", tt.name, got, tt.want)
		}
	}
	if accounts, _ := e.svc.ListAccounts(e.ctx, e.admin); len(accounts) != 0 {
		t.Errorf("after failed connects: %d accounts, want 0", len(accounts))
	}
}

func TestOAuthStateExpiresAfterTenMinutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cb := e.consent(t, e.admin, "authorize", 0)
	e.clock.Advance(10*time.Minute + time.Second)
	if _, err := e.svc.CompleteOAuth(e.ctx, e.admin, cb); problemCode(err) != service.CodeAuthorizationExpired {
		t.Errorf("CompleteOAuth() after 10 minutes = %v, want %s", err, service.CodeAuthorizationExpired)
	}
}

func TestOAuthReadOnlyGrantHasNoCapabilities(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{scopes: []string{"read"}})
	a := e.connectOAuth(t, 0).Account
	if a.Status != domain.StatusActive || len(a.Capabilities) != 0 || !slices.Equal(a.Scopes, []string{"read"}) {
		t.Errorf("read-only account = %+v, want active, scopes [read], no capabilities", a)
	}
}

func TestOnlyAdminsConnectAndEdit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acct := e.connectOAuth(t, 0).Account
	member := e.admin
	member.Role = domain.RoleMember
	name := "x"
	if _, err := e.svc.StartOAuth(e.ctx, member, service.StartOAuthParams{Popup: true}); !errors.Is(err, domain.ErrForbidden) {
		t.Errorf("StartOAuth(member) = %v, want ErrForbidden", err)
	}
	if _, err := e.svc.ConnectToken(e.ctx, member, service.ConnectTokenParams{Provider: domain.ProviderDigitalOcean, Token: dosim.SeedToken}); !errors.Is(err, domain.ErrForbidden) {
		t.Errorf("ConnectToken(member) = %v, want ErrForbidden", err)
	}
	if _, err := e.svc.UpdateAccount(e.ctx, member, acct.ID, service.UpdateAccountParams{Name: &name}); !errors.Is(err, domain.ErrForbidden) {
		t.Errorf("UpdateAccount(member) = %v, want ErrForbidden", err)
	}
	if _, err := e.svc.ValidateAccount(e.ctx, member, acct.ID); err != nil {
		t.Errorf("ValidateAccount(member) = %v, want members to validate", err)
	}
}
