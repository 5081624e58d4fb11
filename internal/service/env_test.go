package service_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/dosim/dosimtest"
	"github.com/berth-dev/berth/internal/provider/digitalocean"
	"github.com/berth-dev/berth/internal/secret"
	"github.com/berth-dev/berth/internal/service"
	"github.com/berth-dev/berth/internal/store"
	"github.com/berth-dev/berth/internal/store/sqlite"
	"github.com/berth-dev/berth/internal/testkit"
)

const (
	testClientID    = "berth-test"
	testRedirectURI = "https://berth.test/oauth/digitalocean/callback"
)

// env is one Berth service layer on a fresh SQLite store, talking to a fresh simulator.
type env struct {
	offline *atomic.Bool // true: every request to DigitalOcean fails as if the network were down
	svc     *service.Services
	sim     *dosimtest.Sim
	clock   *testkit.Clock
	store   store.Store
	sealer  *secret.Sealer
	admin   service.Actor
	ctx     context.Context
}

type envOptions struct {
	scopes []string
	apiURL string // where Berth thinks DigitalOcean's API is; default the simulator
}

func newEnv(t *testing.T, opts ...envOptions) *env {
	t.Helper()
	var o envOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	ctx := t.Context()
	clock := testkit.NewClock(time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC))
	sim := dosimtest.Start(t, dosim.Options{Seed: true, Now: clock.Now, Clients: []dosim.Client{
		{ID: testClientID, Secret: "test-secret", RedirectURI: testRedirectURI, Name: "Berth"},
	}})
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "berth.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	key, err := secret.GenerateKey("t1")
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := secret.NewSealer([]secret.Key{key})
	if err != nil {
		t.Fatal(err)
	}
	if o.apiURL == "" {
		o.apiURL = sim.URL
	}
	offline := &atomic.Bool{}
	do := digitalocean.New(digitalocean.Options{
		OAuthURL: sim.URL, APIURL: o.apiURL, ClientID: testClientID, ClientSecret: "test-secret",
		RedirectURL: testRedirectURI, Scopes: o.scopes, HTTPClient: &http.Client{Transport: switchable{offline}},
		// Retry reads of a dead network quickly: these tests are about what Berth records.
		Retry: digitalocean.RetryOptions{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond},
	})
	svc := service.New(service.Deps{Store: db.Store, Sealer: sealer, OAuth: do, Accounts: do, Now: clock.Now})
	grant, err := svc.SignUp(ctx, service.SignUpParams{Email: "ada@example.com", Password: "correct horse battery", OrganizationName: "Analytical Engines"})
	if err != nil {
		t.Fatalf("SignUp() = %v", err)
	}
	return &env{offline: offline, svc: svc, sim: sim, clock: clock, store: db.Store, sealer: sealer, admin: grant.Actor, ctx: ctx}
}

// consent starts the OAuth flow as actor, answers the simulator's consent page with decision
// for the account option at index, and returns the callback DigitalOcean would send.
func (e *env) consent(t *testing.T, actor service.Actor, decision string, index int) service.OAuthCallback {
	t.Helper()
	return e.consentFor(t, actor, service.StartOAuthParams{Popup: true}, decision, index)
}

// consentFor is consent with the flow's parameters (a reconnect names the account).
func (e *env) consentFor(t *testing.T, actor service.Actor, p service.StartOAuthParams, decision string, index int) service.OAuthCallback {
	t.Helper()
	authURL, err := e.svc.StartOAuth(e.ctx, actor, p)
	if err != nil {
		t.Fatalf("StartOAuth() = %v", err)
	}
	jar, _ := cookiejar.New(nil)
	redirect := testkit.Consent(t, &http.Client{Jar: jar}, authURL, decision, index)
	if got := redirect.Scheme + "://" + redirect.Host + redirect.Path; got != testRedirectURI {
		t.Fatalf("consent redirected to %s, want %s", got, testRedirectURI)
	}
	return callbackFrom(redirect)
}

func callbackFrom(u *url.URL) service.OAuthCallback {
	q := u.Query()
	return service.OAuthCallback{State: q.Get("state"), Code: q.Get("code"), Error: q.Get("error"), ErrorDescription: q.Get("error_description")}
}

// connectOAuth runs the whole one-click connect for the account option at index.
func (e *env) connectOAuth(t *testing.T, index int) service.OAuthResult {
	t.Helper()
	res, err := e.svc.CompleteOAuth(e.ctx, e.admin, e.consent(t, e.admin, "authorize", index))
	if err != nil {
		t.Fatalf("CompleteOAuth() = %v", err)
	}
	return res
}

// tokens opens the account's sealed tokens, as only a test may.
func (e *env) tokens(t *testing.T, orgID, id string) (access, refresh string) {
	t.Helper()
	creds, err := e.store.GetCredentials(e.ctx, store.GetCloudAccountParams{OrgID: orgID, ID: id})
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.sealer.Open(creds.AccessTokenSealed, secret.AAD{Table: "cloud_accounts", RowID: id, Field: "access_token"})
	if err != nil {
		t.Fatal(err)
	}
	if len(creds.RefreshTokenSealed) > 0 {
		r, err := e.sealer.Open(creds.RefreshTokenSealed, secret.AAD{Table: "cloud_accounts", RowID: id, Field: "refresh_token"})
		if err != nil {
			t.Fatal(err)
		}
		refresh = string(r)
	}
	return string(a), refresh
}

// revoke revokes a token at the simulator, as a person would at DigitalOcean.
func (e *env) revoke(t *testing.T, token string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.sim.URL+"/v1/oauth/revoke", strings.NewReader(url.Values{"token": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("revoke at simulator = %d, want 200", resp.StatusCode)
	}
}

// accountStatusAtSimulator is the status /v2/account answers a token with.
func (e *env) accountStatusAtSimulator(t *testing.T, token string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.sim.URL+"/v2/account", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// switchable is the default transport, or a dead network while off is true.
type switchable struct{ off *atomic.Bool }

func (s switchable) RoundTrip(r *http.Request) (*http.Response, error) {
	if s.off.Load() {
		return nil, errors.New("dial tcp: connect: network is unreachable")
	}
	return http.DefaultTransport.RoundTrip(r)
}
