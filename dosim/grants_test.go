package dosim_test

import (
	"errors"
	"net/http"
	"slices"
	"testing"

	"golang.org/x/oauth2"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/dosim/dosimtest"
)

func TestExpireToken(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	tok := login(t, sim.URL, sammyAcme, "read", "write")
	if err := sim.ExpireToken(tok.AccessToken); err != nil {
		t.Fatalf("ExpireToken: %v", err)
	}
	if res := call(t, sim.URL, tok.AccessToken, http.MethodGet, "/v2/account", nil); res.status != http.StatusUnauthorized {
		t.Errorf("GET /v2/account with an expired token = %d, want 401", res.status)
	}
	if res, _ := getTokenInfo(t, sim.URL, tok.AccessToken); res.status != http.StatusUnauthorized {
		t.Errorf("token/info of an expired token = %d, want 401", res.status)
	}
	var next tokenPair
	res := refresh(t, sim.URL, tok.RefreshToken)
	res.decode(t, &next)
	if res.status != http.StatusOK || call(t, sim.URL, next.AccessToken, http.MethodGet, "/v2/account", nil).status != http.StatusOK {
		t.Errorf("refresh after expiry = %d %s, want 200 and a working token", res.status, res.body)
	}
	for _, token := range []string{tok.RefreshToken, "doo_v1_unknown"} {
		if err := sim.ExpireToken(token); !errors.Is(err, dosim.ErrNotFound) {
			t.Errorf("ExpireToken(not an access token) = %v, want ErrNotFound", err)
		}
	}
}

func TestExpireAndRevokeOneGrant(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		act         func(sim *dosimtest.Sim, tok *oauth2.Token) error
		wantRefresh int // status of a refresh afterwards
	}{
		{"expire grant by refresh token", func(sim *dosimtest.Sim, tok *oauth2.Token) error { return sim.ExpireGrant(tok.RefreshToken) }, http.StatusOK},
		{"revoke access token", func(sim *dosimtest.Sim, tok *oauth2.Token) error { return sim.RevokeToken(tok.AccessToken) }, http.StatusBadRequest},
		{"revoke refresh token", func(sim *dosimtest.Sim, tok *oauth2.Token) error { return sim.RevokeToken(tok.RefreshToken) }, http.StatusBadRequest},
		{"revoke grant", func(sim *dosimtest.Sim, tok *oauth2.Token) error { return sim.RevokeGrant(tok.AccessToken) }, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sim, _ := start(t)
			tok := login(t, sim.URL, sammyAcme, "read")
			if err := tt.act(sim, tok); err != nil {
				t.Fatal(err)
			}
			if res := call(t, sim.URL, tok.AccessToken, http.MethodGet, "/v2/account", nil); res.status != http.StatusUnauthorized {
				t.Errorf("GET /v2/account afterwards = %d, want 401", res.status)
			}
			if res := refresh(t, sim.URL, tok.RefreshToken); res.status != tt.wantRefresh {
				t.Errorf("refresh afterwards = %d %s, want %d", res.status, res.body, tt.wantRefresh)
			}
		})
	}
}

func TestExpireAndRevokePersonalToken(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	acts := map[string]func(string) error{"ExpireGrant": sim.ExpireGrant, "RevokeToken": sim.RevokeToken, "RevokeGrant": sim.RevokeGrant}
	for name, act := range acts {
		token := acmeToken(t, sim, name)
		if err := act(token); err != nil {
			t.Fatalf("%s(personal token): %v", name, err)
		}
		if res := call(t, sim.URL, token, http.MethodGet, "/v2/account", nil); res.status != http.StatusUnauthorized {
			t.Errorf("after %s(personal token): GET /v2/account = %d, want 401", name, res.status)
		}
		if err := act("dop_v1_unknown"); !errors.Is(err, dosim.ErrNotFound) {
			t.Errorf("%s(unknown) = %v, want ErrNotFound", name, err)
		}
	}
}

func TestTeamGrants(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	sammy := login(t, sim.URL, sammyAcme, "read", "write")
	jordan := login(t, sim.URL, jordanAcme, "read")
	other := login(t, sim.URL, sammyPersonal, "read")
	pat := acmeToken(t, sim, "untouched")

	if n, err := sim.ExpireGrants(dosim.SeedTeamAcme); n != 2 || err != nil {
		t.Fatalf("ExpireGrants(Acme) = %d, %v, want 2 grants", n, err)
	}
	wantAPI(t, sim, map[string]int{sammy.AccessToken: 401, jordan.AccessToken: 401, other.AccessToken: 200, pat: 200})
	var renewed tokenPair
	refresh(t, sim.URL, sammy.RefreshToken).decode(t, &renewed)
	wantAPI(t, sim, map[string]int{renewed.AccessToken: 200})

	if n, err := sim.RevokeGrants(dosim.SeedTeamAcme); n != 2 || err != nil {
		t.Fatalf("RevokeGrants(Acme) = %d, %v, want 2 grants", n, err)
	}
	wantAPI(t, sim, map[string]int{renewed.AccessToken: 401, other.AccessToken: 200, pat: 200})
	wantOAuthError(t, "refresh of a revoked grant", refresh(t, sim.URL, jordan.RefreshToken), http.StatusBadRequest, "invalid_grant")
	if n, err := sim.RevokeGrants(dosim.SeedTeamAcme); n != 0 || err != nil {
		t.Errorf("RevokeGrants(Acme) again = %d, %v, want 0 live grants", n, err)
	}
	for name, act := range map[string]func(string) (int, error){"ExpireGrants": sim.ExpireGrants, "RevokeGrants": sim.RevokeGrants} {
		if _, err := act("no-such-team"); !errors.Is(err, dosim.ErrNotFound) {
			t.Errorf("%s(unknown team) = %v, want ErrNotFound", name, err)
		}
	}
}

// wantAPI checks the status GET /v2/account answers for each token.
func wantAPI(t *testing.T, sim *dosimtest.Sim, want map[string]int) {
	t.Helper()
	for token, status := range want {
		if res := call(t, sim.URL, token, http.MethodGet, "/v2/account", nil); res.status != status {
			t.Errorf("GET /v2/account with token %.12s… = %d, want %d", token, res.status, status)
		}
	}
}

func TestDropScope(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	tok := login(t, sim.URL, sammyAcme, "read", "write")
	if err := sim.DropScope(tok.RefreshToken, "write"); err != nil {
		t.Fatalf("DropScope: %v", err)
	}
	wantScopeEffect(t, sim, tok.AccessToken, "drop-scope.example")
	var renewed tokenPair
	refresh(t, sim.URL, tok.RefreshToken).decode(t, &renewed)
	if renewed.Scope != "read" {
		t.Errorf("refreshed scope = %q, want read", renewed.Scope)
	}
	wantScopeEffect(t, sim, renewed.AccessToken, "drop-scope-2.example")
	if err := sim.DropScope(renewed.AccessToken, "write"); err == nil || errors.Is(err, dosim.ErrNotFound) {
		t.Errorf("DropScope(a scope the grant lacks) = %v, want a validation error", err)
	}
	if err := sim.DropScope("doo_v1_unknown", "read"); !errors.Is(err, dosim.ErrNotFound) {
		t.Errorf("DropScope(unknown) = %v, want ErrNotFound", err)
	}
}

// wantScopeEffect checks that a token that lost "write" can read but not write.
func wantScopeEffect(t *testing.T, sim *dosimtest.Sim, token, domain string) {
	t.Helper()
	res := call(t, sim.URL, token, http.MethodPost, "/v2/domains", map[string]string{"name": domain})
	wantError(t, "POST /v2/domains without write", res, http.StatusForbidden, "forbidden", "")
	if res := call(t, sim.URL, token, http.MethodGet, "/v2/domains", nil); res.status != http.StatusOK {
		t.Errorf("GET /v2/domains without write = %d, want 200", res.status)
	}
	if _, info := getTokenInfo(t, sim.URL, token); !slices.Equal(info.Scopes, []string{"read"}) {
		t.Errorf("token/info scopes = %q, want [read]", info.Scopes)
	}
}

func TestDropScopeFromGrants(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	writer := login(t, sim.URL, sammyAcme, "read", "write")
	reader := login(t, sim.URL, jordanAcme, "read")
	pat := acmeToken(t, sim, "keeps-write", "read", "write")
	if n, err := sim.DropScopeFromGrants(dosim.SeedTeamAcme, "write"); n != 1 || err != nil {
		t.Fatalf("DropScopeFromGrants(Acme, write) = %d, %v, want 1 grant", n, err)
	}
	wantScopeEffect(t, sim, writer.AccessToken, "team-drop.example")
	if _, info := getTokenInfo(t, sim.URL, reader.AccessToken); !slices.Equal(info.Scopes, []string{"read"}) {
		t.Errorf("reader scopes = %q, want [read]", info.Scopes)
	}
	res := call(t, sim.URL, pat, http.MethodPost, "/v2/domains", map[string]string{"name": "pat-keeps.example"})
	if res.status != http.StatusCreated {
		t.Errorf("a personal token's write after DropScopeFromGrants = %d %s, want 201", res.status, res.body)
	}
	if _, err := sim.DropScopeFromGrants("no-such-team", "write"); !errors.Is(err, dosim.ErrNotFound) {
		t.Errorf("DropScopeFromGrants(unknown team) = %v, want ErrNotFound", err)
	}
}
