package dosim_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/berth-dev/berth/dosim"
)

var (
	accessTokenRe  = regexp.MustCompile(`^doo_v1_[0-9a-f]{64}$`)
	refreshTokenRe = regexp.MustCompile(`^dor_v1_[0-9a-f]{64}$`)
)

func TestCodeFlowWithPKCE(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		style    oauth2.AuthStyle
		account  string
		scopes   []string
		wantUser string
		wantTeam string
		wantScop string
	}{
		{"form credentials, default scope", oauth2.AuthStyleInParams, sammyPersonal, nil, dosim.SeedUserSammy, dosim.SeedTeamSammy, "read"},
		{"basic credentials, read write", oauth2.AuthStyleInHeader, jordanAcme, []string{"read", "write"}, dosim.SeedUserJordan, dosim.SeedTeamAcme, "read write"},
		{"granular scopes", oauth2.AuthStyleInParams, sammyAcme, []string{"account:read", "droplet:*"}, dosim.SeedUserSammy, dosim.SeedTeamAcme, "account:read droplet:*"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sim, _ := start(t)
			conf := oauthConfig(sim.URL, tt.style, tt.scopes...)
			verifier := oauth2.GenerateVerifier()
			state := `st&<"'> ü`
			loc := consent(t, conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier)), tt.account, "Authorize application")

			if got := loc.Scheme + "://" + loc.Host + loc.Path; got != "https://berth.example/oauth/callback" {
				t.Errorf("redirected to %s, want the registered callback", got)
			}
			q := loc.Query()
			if q.Get("state") != state || q.Get("from") != "do" || len(q.Get("code")) != 64 {
				t.Errorf("callback query = %v, want state %q verbatim, from=do and a code", q, state)
			}
			tok, err := conf.Exchange(context.Background(), q.Get("code"), oauth2.VerifierOption(verifier))
			if err != nil {
				t.Fatalf("Exchange: %v", err)
			}
			if !accessTokenRe.MatchString(tok.AccessToken) || !refreshTokenRe.MatchString(tok.RefreshToken) {
				t.Errorf("tokens do not look like doo_v1_/dor_v1_ tokens")
			}
			if tok.TokenType != "bearer" || tok.Extra("scope") != tt.wantScop {
				t.Errorf("token_type %q scope %v, want bearer and %q", tok.TokenType, tok.Extra("scope"), tt.wantScop)
			}
			info, _ := tok.Extra("info").(map[string]any)
			if info["uuid"] != tt.wantUser || info["team_uuid"] != tt.wantTeam {
				t.Errorf("info = %v, want user %s team %s", info, tt.wantUser, tt.wantTeam)
			}
			if got := sim.TokenGrants(testClientID); got.AuthorizationCode != 1 {
				t.Errorf("TokenGrants = %+v, want one authorization_code grant", got)
			}
			res := call(t, sim.URL, tok.AccessToken, http.MethodGet, "/v2/account", nil)
			var body struct{ Account struct{ UUID, Email string } }
			res.decode(t, &body)
			if res.status != http.StatusOK || body.Account.UUID != tt.wantUser {
				t.Errorf("GET /v2/account = %d %s, want 200 for %s", res.status, res.body, tt.wantUser)
			}
		})
	}
}

func TestTokenResponseShape(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	code, verifier := authorizeCode(t, sim.URL, sammyAcme, "read", "write")
	res := postForm(t, sim.URL+"/v1/oauth/token", url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {testRedirect},
		"code_verifier": {verifier},
	}, testClientID, testSecret)
	if res.status != http.StatusOK || res.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("token = %d, Cache-Control %q; want 200 and no-store:\n%s", res.status, res.header.Get("Cache-Control"), res.body)
	}
	var raw map[string]json.RawMessage
	res.decode(t, &raw)
	var keys []string
	for k := range raw {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"access_token", "expires_in", "info", "refresh_token", "scope", "token_type"}
	if !slices.Equal(keys, want) {
		t.Errorf("token response keys = %v, want %v", keys, want)
	}
	var body struct {
		ExpiresIn int    `json:"expires_in"`
		Scope     string `json:"scope"`
		Info      map[string]string
	}
	res.decode(t, &body)
	wantInfo := map[string]string{"name": "Sammy Shark", "email": "sammy@example.com",
		"uuid": dosim.SeedUserSammy, "team_uuid": dosim.SeedTeamAcme, "team_name": "Acme Ops"}
	if body.ExpiresIn != 2592000 || body.Scope != "read write" || !mapsEqual(body.Info, wantInfo) {
		t.Errorf("token response = %s, want expires_in 2592000, scope read write, info %v", res.body, wantInfo)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestAuthorizeRejects(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	good := url.Values{"client_id": {testClientID}, "redirect_uri": {testRedirect},
		"response_type": {"code"}, "state": {"xyz"}}
	with := func(k, v string) url.Values {
		q := url.Values{}
		for kk, vv := range good {
			q[kk] = vv
		}
		q.Set(k, v)
		return q
	}
	tests := []struct {
		name      string
		query     url.Values
		wantPage  bool   // an HTML error page, never a redirect
		wantError string // the error in the redirect otherwise
	}{
		{"unknown client", with("client_id", "nope"), true, ""},
		{"redirect uri differs", with("redirect_uri", "https://berth.example/oauth/callback"), true, ""},
		{"redirect uri elsewhere", with("redirect_uri", "https://evil.example/cb"), true, ""},
		{"response type token", with("response_type", "token"), false, "unsupported_response_type"},
		{"response type missing", with("response_type", ""), false, "invalid_request"},
		{"unknown scope", with("scope", "read admin"), false, "invalid_scope"},
		{"malformed granular scope", with("scope", "Droplet:Create"), false, "invalid_scope"},
		{"unsupported challenge method", with("code_challenge_method", "S512"), false, "invalid_request"},
		{"prompt none", with("prompt", "none"), false, "login_required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := do(t, mustRequest(t, http.MethodGet, sim.URL+"/v1/oauth/authorize?"+tt.query.Encode()))
			if tt.wantPage {
				if res.status != http.StatusBadRequest || res.header.Get("Location") != "" ||
					!strings.HasPrefix(res.header.Get("Content-Type"), "text/html") {
					t.Errorf("status %d Location %q type %q; want a 400 HTML page and no redirect",
						res.status, res.header.Get("Location"), res.header.Get("Content-Type"))
				}
				return
			}
			loc, _ := url.Parse(res.header.Get("Location"))
			if res.status != http.StatusFound || loc.Query().Get("error") != tt.wantError || loc.Query().Get("state") != "xyz" {
				t.Errorf("status %d Location %q; want 302 with error=%s and state=xyz", res.status, loc, tt.wantError)
			}
		})
	}
}

func TestDeny(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	conf := oauthConfig(sim.URL, oauth2.AuthStyleInParams, "read")
	loc := consent(t, conf.AuthCodeURL("keep-me"), sammyPersonal, "Deny")
	q := loc.Query()
	if q.Get("error") != "access_denied" || q.Get("error_description") == "" || q.Get("state") != "keep-me" || q.Has("code") {
		t.Errorf("deny redirect query = %v, want access_denied with a description and state, no code", q)
	}
}

func TestCodeExchangeRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		edit       func(form url.Values, clk *clock)
		basic      bool
		wantStatus int
		wantError  string
	}{
		{"wrong verifier", func(f url.Values, _ *clock) { f.Set("code_verifier", oauth2.GenerateVerifier()) }, false, 400, "invalid_grant"},
		{"missing verifier", func(f url.Values, _ *clock) { f.Del("code_verifier") }, false, 400, "invalid_grant"},
		{"wrong redirect uri", func(f url.Values, _ *clock) { f.Set("redirect_uri", "https://berth.example/oauth/callback") }, false, 400, "invalid_grant"},
		{"unknown code", func(f url.Values, _ *clock) { f.Set("code", strings.Repeat("ab", 32)) }, false, 400, "invalid_grant"},
		{"missing code", func(f url.Values, _ *clock) { f.Del("code") }, false, 400, "invalid_request"},
		{"expired code", func(_ url.Values, c *clock) { c.Advance(10*time.Minute + time.Second) }, false, 400, "invalid_grant"},
		{"wrong secret", func(f url.Values, _ *clock) { f.Set("client_secret", "guess") }, false, 401, "invalid_client"},
		{"unknown client", func(f url.Values, _ *clock) { f.Set("client_id", "other") }, false, 401, "invalid_client"},
		{"no client authentication", func(f url.Values, _ *clock) { f.Del("client_id"); f.Del("client_secret") }, false, 401, "invalid_client"},
		{"two authentication methods", func(_ url.Values, _ *clock) {}, true, 400, "invalid_request"},
		{"unsupported grant type", func(f url.Values, _ *clock) { f.Set("grant_type", "password") }, false, 400, "unsupported_grant_type"},
		{"missing grant type", func(f url.Values, _ *clock) { f.Del("grant_type") }, false, 400, "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sim, clk := start(t)
			code, verifier := authorizeCode(t, sim.URL, sammyPersonal)
			form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {testRedirect},
				"code_verifier": {verifier}, "client_id": {testClientID}, "client_secret": {testSecret}}
			tt.edit(form, clk)
			var res result
			if tt.basic {
				res = postForm(t, sim.URL+"/v1/oauth/token", form, testClientID, testSecret)
			} else {
				res = postForm(t, sim.URL+"/v1/oauth/token", form, "", "")
			}
			if got := oauthErr(t, res); res.status != tt.wantStatus || got != tt.wantError {
				t.Errorf("token = %d %s, want %d %s", res.status, got, tt.wantStatus, tt.wantError)
			}
		})
	}
}

func TestCodeIsBoundToClient(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	sim.RegisterClient(dosim.Client{ID: "other", Secret: "other-secret", RedirectURI: testRedirect})
	code, verifier := authorizeCode(t, sim.URL, sammyPersonal)
	res := postForm(t, sim.URL+"/v1/oauth/token", url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {testRedirect}, "code_verifier": {verifier}}, "other", "other-secret")
	if got := oauthErr(t, res); res.status != http.StatusBadRequest || got != "invalid_grant" {
		t.Errorf("another client's exchange = %d %s, want 400 invalid_grant", res.status, got)
	}
}

func TestReusedCodeRevokesItsTokens(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	code, verifier := authorizeCode(t, sim.URL, sammyPersonal, "read", "write")
	conf := oauthConfig(sim.URL, oauth2.AuthStyleInParams, "read", "write")
	tok, err := conf.Exchange(context.Background(), code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("first Exchange: %v", err)
	}
	if res := call(t, sim.URL, tok.AccessToken, http.MethodGet, "/v2/account", nil); res.status != http.StatusOK {
		t.Fatalf("account before replay = %d, want 200", res.status)
	}
	_, err = conf.Exchange(context.Background(), code, oauth2.VerifierOption(verifier))
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Fatalf("second Exchange error = %v, want invalid_grant", err)
	}
	res := call(t, sim.URL, tok.AccessToken, http.MethodGet, "/v2/account", nil)
	if id, _ := res.apiError(t); res.status != http.StatusUnauthorized || id != "unauthorized" {
		t.Errorf("account after replay = %d %s, want 401 unauthorized", res.status, id)
	}
	if res := refresh(t, sim.URL, tok.RefreshToken); oauthErr(t, res) != "invalid_grant" {
		t.Errorf("refresh after replay = %d %s, want invalid_grant", res.status, res.body)
	}
	if got := sim.TokenGrants(testClientID); got.AuthorizationCode != 1 || got.AuthorizationCodeRejected != 1 {
		t.Errorf("TokenGrants = %+v, want 1 issued and 1 rejected", got)
	}
}

func TestRevoke(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		revoke func(tok *oauth2.Token) (token, bearer string)
	}{
		{"access token with itself as bearer", func(tok *oauth2.Token) (string, string) { return tok.AccessToken, tok.AccessToken }},
		{"refresh token with the access token as bearer", func(tok *oauth2.Token) (string, string) { return tok.RefreshToken, tok.AccessToken }},
		{"refresh token with itself as bearer", func(tok *oauth2.Token) (string, string) { return tok.RefreshToken, tok.RefreshToken }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sim, _ := start(t)
			tok := login(t, sim.URL, sammyPersonal, "read")
			token, bearer := tt.revoke(tok)
			req, err := http.NewRequest(http.MethodPost, sim.URL+"/v1/oauth/revoke", strings.NewReader("token="+url.QueryEscape(token)))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Authorization", "Bearer "+bearer)
			if res := do(t, req); res.status != http.StatusOK || strings.TrimSpace(string(res.body)) != "{}" {
				t.Fatalf("revoke = %d %s, want 200 {}", res.status, res.body)
			}
			if res := call(t, sim.URL, tok.AccessToken, http.MethodGet, "/v2/account", nil); res.status != http.StatusUnauthorized {
				t.Errorf("account after revoke = %d, want 401", res.status)
			}
			if res := refresh(t, sim.URL, tok.RefreshToken); res.status != http.StatusBadRequest || oauthErr(t, res) != "invalid_grant" {
				t.Errorf("refresh after revoke = %d %s, want 400 invalid_grant", res.status, res.body)
			}
		})
	}
}

func TestRevokePersonalToken(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	const pat = "dop_v1_revokeme"
	if err := sim.AddPersonalToken(pat, dosim.SeedTeamSammy, dosim.SeedUserSammy, nil); err != nil {
		t.Fatal(err)
	}
	tok := login(t, sim.URL, sammyPersonal, "read")
	steps := []struct {
		name        string
		bearer      string
		wantRevoked bool
	}{
		{"an OAuth application's token cannot revoke a personal token", tok.AccessToken, false},
		{"the personal token revokes itself", pat, true},
	}
	for _, st := range steps {
		req, err := http.NewRequest(http.MethodPost, sim.URL+"/v1/oauth/revoke", strings.NewReader("token="+pat))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+st.bearer)
		if res := do(t, req); res.status != http.StatusOK {
			t.Fatalf("%s: revoke = %d %s, want 200", st.name, res.status, res.body)
		}
		got := call(t, sim.URL, pat, http.MethodGet, "/v2/account", nil).status == http.StatusUnauthorized
		if got != st.wantRevoked {
			t.Errorf("%s: revoked = %v, want %v", st.name, got, st.wantRevoked)
		}
	}
}

func TestRevokeNeedsAuthentication(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	tok := login(t, sim.URL, sammyPersonal, "read")
	res := postForm(t, sim.URL+"/v1/oauth/revoke", url.Values{"token": {tok.AccessToken}}, "", "")
	if res.status != http.StatusUnauthorized {
		t.Errorf("unauthenticated revoke = %d, want 401", res.status)
	}
	if res := call(t, sim.URL, tok.AccessToken, http.MethodGet, "/v2/droplets", nil); res.status != http.StatusOK {
		t.Errorf("token after refused revoke = %d, want 200", res.status)
	}
}
