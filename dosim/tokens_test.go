package dosim_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/berth-dev/berth/dosim"
)

// tokenPair is the part of a token response these tests need.
type tokenPair struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
	ExpiresIn    int    `json:"expires_in"`
}

func TestRefreshRotates(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	first := login(t, sim.URL, sammyAcme, "read", "write")

	res := refresh(t, sim.URL, first.RefreshToken)
	if res.status != http.StatusOK || res.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("refresh = %d (Cache-Control %q), want 200 no-store:\n%s", res.status, res.header.Get("Cache-Control"), res.body)
	}
	var second tokenPair
	res.decode(t, &second)
	if !accessTokenRe.MatchString(second.AccessToken) || !refreshTokenRe.MatchString(second.RefreshToken) ||
		second.AccessToken == first.AccessToken || second.RefreshToken == first.RefreshToken {
		t.Fatalf("refresh did not issue a new pair")
	}
	if second.Scope != "read write" || second.ExpiresIn != 2592000 {
		t.Errorf("refreshed scope %q expires_in %d, want read write and 2592000", second.Scope, second.ExpiresIn)
	}

	steps := []struct {
		name  string
		token string
		want  int
	}{
		{"old access token", first.AccessToken, http.StatusUnauthorized},
		{"new access token", second.AccessToken, http.StatusOK},
	}
	for _, st := range steps {
		if got := call(t, sim.URL, st.token, http.MethodGet, "/v2/account", nil); got.status != st.want {
			t.Errorf("%s: GET /v2/account = %d, want %d", st.name, got.status, st.want)
		}
	}
	reuse := refresh(t, sim.URL, first.RefreshToken)
	if got := oauthErr(t, reuse); reuse.status != http.StatusBadRequest || got != "invalid_grant" {
		t.Errorf("reusing the old refresh token = %d %s, want 400 invalid_grant", reuse.status, got)
	}
	if third := refresh(t, sim.URL, second.RefreshToken); third.status != http.StatusOK {
		t.Errorf("refreshing with the new refresh token = %d, want 200", third.status)
	}
	if got := sim.TokenGrants(testClientID); got.RefreshToken != 2 || got.RefreshTokenRejected != 1 {
		t.Errorf("TokenGrants = %+v, want 2 refreshes and 1 rejected", got)
	}
}

func TestRefreshNarrowsScope(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	tests := []struct {
		scope      string
		wantStatus int
		wantScope  string
	}{
		{"read", http.StatusOK, "read"},
		{"read write admin:everything", http.StatusBadRequest, ""},
	}
	for _, tt := range tests {
		tok := login(t, sim.URL, sammyPersonal, "read", "write")
		res := postForm(t, sim.URL+"/v1/oauth/token", map[string][]string{
			"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}, "scope": {tt.scope},
		}, testClientID, testSecret)
		var got tokenPair
		res.decode(t, &got)
		if res.status != tt.wantStatus || got.Scope != tt.wantScope {
			t.Errorf("refresh with scope %q = %d %q, want %d %q", tt.scope, res.status, got.Scope, tt.wantStatus, tt.wantScope)
		}
	}
}

func TestConcurrentRefreshOneWins(t *testing.T) {
	t.Parallel()
	const workers = 8
	sim, _ := start(t)
	tok := login(t, sim.URL, sammyPersonal, "read")
	statuses := make([]int, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = refresh(t, sim.URL, tok.RefreshToken).status
		}()
	}
	wg.Wait()
	ok := 0
	for _, s := range statuses {
		if s == http.StatusOK {
			ok++
		} else if s != http.StatusBadRequest {
			t.Errorf("a losing refresh answered %d, want 400", s)
		}
	}
	if ok != 1 {
		t.Errorf("%d of %d concurrent refreshes succeeded, want exactly 1", ok, workers)
	}
	if got := sim.TokenGrants(testClientID); got.RefreshToken != 1 || got.RefreshTokenRejected != workers-1 {
		t.Errorf("TokenGrants = %+v, want 1 refresh and %d rejected", got, workers-1)
	}
}

// tokenInfo is the body of GET /v1/oauth/token/info.
type tokenInfo struct {
	ResourceOwnerID  int      `json:"resource_owner_id"`
	Scopes           []string `json:"scopes"`
	ExpiresInSeconds *int     `json:"expires_in_seconds"`
	Application      struct {
		UID string `json:"uid"`
	} `json:"application"`
	CreatedAt int64 `json:"created_at"`
}

func getTokenInfo(t *testing.T, base, token string) (result, tokenInfo) {
	t.Helper()
	req := mustRequest(t, http.MethodGet, base+"/v1/oauth/token/info")
	req.Header.Set("Authorization", "Bearer "+token)
	res := do(t, req)
	var info tokenInfo
	if res.status == http.StatusOK {
		res.decode(t, &info)
	}
	return res, info
}

func TestAccessTokenExpires(t *testing.T) {
	t.Parallel()
	sim, clk := start(t)
	issued := clk.Now()
	tok := login(t, sim.URL, sammyPersonal, "read")
	sammy := sim.Users()[0]
	steps := []struct {
		advance     time.Duration
		wantAccount int
		wantExpires int // expires_in_seconds; -1 when token/info must answer 401
	}{
		{0, http.StatusOK, 2592000},
		{10 * 24 * time.Hour, http.StatusOK, 1728000},
		{20*24*time.Hour - time.Second, http.StatusOK, 1},
		{time.Second, http.StatusUnauthorized, -1},
	}
	for i, st := range steps {
		clk.Advance(st.advance)
		if got := call(t, sim.URL, tok.AccessToken, http.MethodGet, "/v2/account", nil); got.status != st.wantAccount {
			t.Errorf("step %d: GET /v2/account = %d, want %d", i, got.status, st.wantAccount)
		}
		res, info := getTokenInfo(t, sim.URL, tok.AccessToken)
		if st.wantExpires < 0 {
			if res.status != http.StatusUnauthorized || oauthErr(t, res) != "invalid_token" {
				t.Errorf("step %d: token/info = %d %s, want 401 invalid_token", i, res.status, res.body)
			}
			continue
		}
		if res.status != http.StatusOK || info.ExpiresInSeconds == nil || *info.ExpiresInSeconds != st.wantExpires {
			t.Errorf("step %d: token/info = %d %s, want expires_in_seconds %d", i, res.status, res.body, st.wantExpires)
		}
		if info.ResourceOwnerID != sammy.ID || info.Application.UID != testClientID ||
			info.CreatedAt != issued.Unix() || len(info.Scopes) != 1 || info.Scopes[0] != "read" {
			t.Errorf("step %d: token/info = %+v, want owner %d, app %s, created %d, scopes [read]",
				i, info, sammy.ID, testClientID, issued.Unix())
		}
	}
	if res := refresh(t, sim.URL, tok.RefreshToken); res.status != http.StatusOK {
		t.Errorf("refresh after the access token expired = %d, want 200", res.status)
	}
}

func TestPersonalTokenInfo(t *testing.T) {
	t.Parallel()
	sim, clk := start(t)
	clk.Advance(365 * 24 * time.Hour)
	res, info := getTokenInfo(t, sim.URL, dosim.SeedToken)
	if res.status != http.StatusOK || info.ExpiresInSeconds != nil || info.Application.UID != "" ||
		info.ResourceOwnerID != sim.Users()[0].ID || len(info.Scopes) != 2 {
		t.Errorf("token/info for the seed token = %d %s, want no expiry, no application, Sammy, read write", res.status, res.body)
	}
}

func TestAddPersonalTokenRejects(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	tests := []struct {
		name, token, team, user string
		scopes                  []string
	}{
		{"wrong prefix", "doo_v1_abc", dosim.SeedTeamSammy, dosim.SeedUserSammy, nil},
		{"not a member", "dop_v1_abc", dosim.SeedTeamSammy, dosim.SeedUserJordan, nil},
		{"unknown team", "dop_v1_abc", "nope", dosim.SeedUserSammy, nil},
		{"bad scope", "dop_v1_abc", dosim.SeedTeamSammy, dosim.SeedUserSammy, []string{"everything"}},
	}
	for _, tt := range tests {
		if err := sim.AddPersonalToken(tt.token, tt.team, tt.user, tt.scopes); err == nil {
			t.Errorf("AddPersonalToken(%s) = nil, want an error", tt.name)
		}
	}
}
