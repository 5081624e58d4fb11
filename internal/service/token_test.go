package service_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/service"
)

func TestConnectTokenValidatesWithDigitalOcean(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a, err := e.svc.ConnectToken(e.ctx, e.admin, service.ConnectTokenParams{Provider: domain.ProviderDigitalOcean, Token: " " + dosim.SeedToken + "\n", Name: "Ops token"})
	if err != nil {
		t.Fatalf("ConnectToken(seed token) = %v", err)
	}
	want := []domain.Capability{domain.CapCompute, domain.CapStorage, domain.CapDNS}
	if a.AuthType != domain.AuthToken || a.Name != "Ops token" || a.Status != domain.StatusActive || !slices.Equal(a.Capabilities, want) || a.ExpiresAt != nil {
		t.Errorf("ConnectToken() = %+v, want an active token account named Ops token with %v and no expiry", a, want)
	}
	if access, _ := e.tokens(t, e.admin.OrgID, a.ID); access != dosim.SeedToken {
		t.Errorf("stored token is not the trimmed token")
	}
}

func TestConnectTokenRejections(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		p         service.ConnectTokenParams
		wantField string
		wantCode  string
	}{
		{service.ConnectTokenParams{Provider: "aws", Token: dosim.SeedToken}, "provider", ""},
		{service.ConnectTokenParams{Provider: domain.ProviderDigitalOcean, Token: "  "}, "token", ""},
		{service.ConnectTokenParams{Provider: domain.ProviderDigitalOcean, Token: "dop_v1_a b"}, "token", ""},
		{service.ConnectTokenParams{Provider: domain.ProviderDigitalOcean, Token: dosim.SeedToken, Name: strings.Repeat("n", 101)}, "name", ""},
		{service.ConnectTokenParams{Provider: domain.ProviderDigitalOcean, Token: "dop_v1_" + strings.Repeat("0", 64)}, "", service.CodeTokenRejected},
	}
	for _, tt := range tests {
		_, err := e.svc.ConnectToken(e.ctx, e.admin, tt.p)
		var v *domain.ValidationError
		gotField := ""
		if errors.As(err, &v) {
			gotField = v.Field
		}
		if gotField != tt.wantField || problemCode(err) != tt.wantCode {
			t.Errorf("ConnectToken(%q, name of %d) = %v, want field %q problem %q", tt.p.Token, len(tt.p.Name), err, tt.wantField, tt.wantCode)
		}
	}
	if accounts, _ := e.svc.ListAccounts(e.ctx, e.admin); len(accounts) != 0 {
		t.Errorf("after rejected tokens: %d accounts, want 0", len(accounts))
	}
}

func TestUnreachableDigitalOceanStoresNothing(t *testing.T) {
	t.Parallel()
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close() // nothing listens there any more
	e := newEnv(t, envOptions{apiURL: dead.URL})
	_, err := e.svc.ConnectToken(e.ctx, e.admin, service.ConnectTokenParams{Provider: domain.ProviderDigitalOcean, Token: dosim.SeedToken})
	if problemCode(err) != service.CodeProviderUnreachable {
		t.Errorf("ConnectToken(unreachable) = %v, want %s", err, service.CodeProviderUnreachable)
	}
	_, err = e.svc.CompleteOAuth(e.ctx, e.admin, e.consent(t, e.admin, "authorize", 0))
	if problemCode(err) != service.CodeProviderUnreachable {
		t.Errorf("CompleteOAuth(API unreachable) = %v, want %s", err, service.CodeProviderUnreachable)
	}
	if accounts, _ := e.svc.ListAccounts(e.ctx, e.admin); len(accounts) != 0 {
		t.Errorf("after failures: %d accounts, want 0", len(accounts))
	}
}
