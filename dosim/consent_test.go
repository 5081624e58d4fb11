package dosim_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/oauth2"

	"github.com/berth-dev/berth/dosim"
)

func TestConsentPage(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	conf := oauthConfig(sim.URL, oauth2.AuthStyleInParams, "read", "droplet:create")
	authURL := conf.AuthCodeURL(`a"b<c>`, oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))
	res := do(t, mustRequest(t, http.MethodGet, authURL))
	page := string(res.body)
	if res.status != http.StatusOK || !strings.HasPrefix(res.header.Get("Content-Type"), "text/html") {
		t.Fatalf("consent page = %d %s", res.status, res.header.Get("Content-Type"))
	}
	f := parseConsent(t, authURL, page)
	wantAccounts := []string{sammyPersonal, sammyAcme, jordanAcme}
	for _, a := range wantAccounts {
		if _, ok := f.accounts[a]; !ok {
			t.Errorf("account %q not offered; offered %v", a, f.accounts)
		}
	}
	checks := []struct {
		what string
		ok   bool
	}{
		{"names the application", strings.Contains(page, "Authorize "+testAppName)},
		{"has a visible Account label", slices.Contains(f.labels, "Account") && strings.Contains(page, `<label for="account">`)},
		{"has the Authorize application button", f.buttons["Authorize application"] == "authorize"},
		{"has the Deny button", f.buttons["Deny"] == "deny"},
		{"posts to the authorize endpoint", f.action == sim.URL+"/v1/oauth/authorize"},
		{"carries the state verbatim", f.hidden.Get("state") == `a"b<c>`},
		{"carries the PKCE challenge", f.hidden.Get("code_challenge") != "" && f.hidden.Get("code_challenge_method") == "S256"},
		{"describes read in words", strings.Contains(page, "view every resource")},
		{"describes droplet:create in words", strings.Contains(page, "Droplet: create")},
		{"loads nothing external", !regexp.MustCompile(`(?i)(src|href)=|<script|<link|@import|url\(`).MatchString(page)},
		{"is not framable", res.header.Get("X-Frame-Options") == "DENY"},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("consent page %s: it does not", c.what)
		}
	}
}

func TestConsentWithoutAccounts(t *testing.T) {
	t.Parallel()
	sim, _ := start(t, func(o *dosim.Options) { o.Seed = false })
	res := do(t, mustRequest(t, http.MethodGet, oauthConfig(sim.URL, oauth2.AuthStyleInParams).AuthCodeURL("s")))
	if res.status != http.StatusOK || !strings.Contains(string(res.body), "No simulated accounts exist") {
		t.Errorf("consent page with no people = %d, want 200 saying no accounts exist", res.status)
	}
}

func TestConsentRejectsForgedAccount(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	authURL := oauthConfig(sim.URL, oauth2.AuthStyleInParams).AuthCodeURL("s")
	f := parseConsent(t, authURL, string(do(t, mustRequest(t, http.MethodGet, authURL)).body))
	form := f.hidden
	form.Set("account", dosim.SeedTeamSammy+":"+dosim.SeedUserJordan) // Jordan is not in Sammy's Team
	form.Set("decision", "authorize")
	if res := postForm(t, f.action, form, "", ""); res.status != http.StatusBadRequest || res.header.Get("Location") != "" {
		t.Errorf("authorize as a non-member = %d (Location %q), want a 400 page", res.status, res.header.Get("Location"))
	}
}

// TestMountedUnderPrefix runs the flow as sandbox mode mounts the simulator: under a path
// prefix with http.StripPrefix and BaseURL set.
func TestMountedUnderPrefix(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	srv := dosim.New(dosim.Options{Seed: true, BaseURL: ts.URL + "/_sim",
		Clients: []dosim.Client{{ID: testClientID, Secret: testSecret, RedirectURI: testRedirect}}})
	mux.Handle("/_sim/", http.StripPrefix("/_sim", srv))

	base := ts.URL + "/_sim"
	tok := login(t, base, sammyAcme, "read")
	res := call(t, base, tok.AccessToken, http.MethodGet, "/v2/droplets?per_page=1", nil)
	var got dropletList
	res.decode(t, &got)
	if want := base + "/v2/droplets?page=2&per_page=1"; got.Links.Pages["next"] != want {
		t.Errorf("next link = %q, want %q", got.Links.Pages["next"], want)
	}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestLogsNeverContainTokens(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	sim, _ := start(t, func(o *dosim.Options) { o.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	code, verifier := authorizeCode(t, sim.URL, sammyPersonal, "read")
	tok, err := oauthConfig(sim.URL, oauth2.AuthStyleInHeader, "read").Exchange(context.Background(), code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	call(t, sim.URL, tok.AccessToken, http.MethodGet, "/v2/account", nil)
	refresh(t, sim.URL, tok.RefreshToken)
	out := logs.String()
	if !strings.Contains(out, "/v1/oauth/token") {
		t.Fatalf("expected request logs, got %q", out)
	}
	for _, secret := range []string{code, verifier, tok.AccessToken, tok.RefreshToken, testSecret} {
		if strings.Contains(out, secret) {
			t.Errorf("logs contain a secret value")
		}
	}
}
