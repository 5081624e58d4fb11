package app_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/berth-dev/berth/internal/testkit"
)

// person is a browser session on Berth, driven over plain HTTP.
type person struct {
	t *testing.T
	b *berth
	c *http.Client
}

func (b *berth) signUp(t *testing.T, email, org string) *person {
	t.Helper()
	p := &person{t: t, b: b, c: b.client()}
	status, page := p.post("/signup", url.Values{"email": {email}, "password": {"a long enough password"}, "organization_name": {org}})
	if status != 200 || !strings.Contains(page, "Cloud Accounts") {
		t.Fatalf("sign up = %d, want the Cloud Accounts page:\n%s", status, page)
	}
	return p
}

func (p *person) get(path string) (int, string) {
	p.t.Helper()
	resp, err := p.c.Get(p.b.URL + path)
	if err != nil {
		p.t.Fatal(err)
	}
	return readPage(p.t, resp)
}

func (p *person) post(path string, form url.Values) (int, string) {
	p.t.Helper()
	resp, err := p.c.PostForm(p.b.URL+path, form)
	if err != nil {
		p.t.Fatal(err)
	}
	return readPage(p.t, resp)
}

func readPage(t *testing.T, resp *http.Response) (int, string) {
	t.Helper()
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// startOAuth follows Berth's start link to DigitalOcean's consent page and returns its URL.
func (p *person) startOAuth(popup bool) string {
	p.t.Helper()
	noFollow := *p.c
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	path := "/oauth/digitalocean/start"
	if popup {
		path += "?popup=1"
	}
	resp, err := noFollow.Get(p.b.URL + path)
	if err != nil {
		p.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		p.t.Fatalf("GET %s = %d, want a redirect to DigitalOcean", path, resp.StatusCode)
	}
	return resp.Header.Get("Location")
}

// consent answers the consent page and follows DigitalOcean's redirect back to Berth.
func (p *person) consent(authURL, decision string) (int, string, *url.URL) {
	p.t.Helper()
	callback := testkit.Consent(p.t, p.c, authURL, decision, 0)
	resp, err := p.c.Get(callback.String())
	if err != nil {
		p.t.Fatal(err)
	}
	status, page := readPage(p.t, resp)
	return status, page, resp.Request.URL
}

func TestOAuthConnectOverHTTP(t *testing.T) {
	t.Parallel()
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			b := startBerth(t, berthOptions{engine: engine})
			p := b.signUp(t, "ada@example.com", "Analytical Engines")
			authURL := p.startOAuth(true)
			if !strings.HasPrefix(authURL, b.Sim.URL+"/v1/oauth/authorize?") || !strings.Contains(authURL, "code_challenge_method=S256") {
				t.Errorf("authorize URL = %s, want the simulator's with PKCE S256", authURL)
			}
			status, page, _ := p.consent(authURL, "authorize")
			if status != 200 || !strings.Contains(page, `data-ok="true"`) || !strings.Contains(page, "DigitalOcean connected") {
				t.Fatalf("callback page = %d:\n%s", status, page)
			}
			_, list := p.get("/settings/cloud-accounts/list")
			for _, want := range []string{"DigitalOcean", "Active", "Compute", "Storage", "DNS", "sammy@example.com", "Default"} {
				if !strings.Contains(list, want) {
					t.Errorf("account list lacks %q:\n%s", want, list)
				}
			}
			if grants := b.Sim.TokenGrants("berth-test"); grants.AuthorizationCode != 1 {
				t.Errorf("simulator saw %+v, want one authorization_code grant", grants)
			}
			id := regexp.MustCompile(`id="account-([0-9a-f-]+)"`).FindStringSubmatch(list)
			if id == nil {
				t.Fatalf("no account row id in:\n%s", list)
			}
			_, page = p.post("/settings/cloud-accounts/"+id[1]+"/disconnect", nil)
			if !strings.Contains(page, "Disconnected") || !strings.Contains(page, "DigitalOcean revoked Berth") || !strings.Contains(page, "No cloud accounts yet") {
				t.Errorf("after Disconnect:\n%s", page)
			}
		})
	}
}

func TestOAuthDenyOverHTTP(t *testing.T) {
	t.Parallel()
	b := startBerth(t, berthOptions{engine: "sqlite"})
	p := b.signUp(t, "ada@example.com", "Analytical Engines")

	_, page, _ := p.consent(p.startOAuth(true), "deny")
	if !strings.Contains(page, "Authorization Denied") || !strings.Contains(page, "Click Add Account again and click Authorize application") {
		t.Errorf("popup after Deny lacks the remedy:\n%s", page)
	}
	_, page, landed := p.consent(p.startOAuth(false), "deny")
	if landed.Path != "/settings/cloud-accounts" || landed.Query().Get("problem") != "authorization_denied" || !strings.Contains(page, "Authorization Denied") {
		t.Errorf("same-tab Deny landed on %s, want the Cloud Accounts page naming the problem:\n%s", landed, page)
	}
	if _, list := p.get("/settings/cloud-accounts/list"); !strings.Contains(list, "No cloud accounts yet") {
		t.Errorf("after Deny the list is not empty:\n%s", list)
	}
}

func TestOAuthCallbackReplayIsRefused(t *testing.T) {
	t.Parallel()
	b := startBerth(t, berthOptions{engine: "sqlite"})
	p := b.signUp(t, "ada@example.com", "Analytical Engines")
	callback := testkit.Consent(t, p.c, p.startOAuth(true), "authorize", 0)
	resp, err := p.c.Get(callback.String())
	if err != nil {
		t.Fatal(err)
	}
	readPage(t, resp)
	resp, err = p.c.Get(callback.String())
	if err != nil {
		t.Fatal(err)
	}
	if _, page := readPage(t, resp); !strings.Contains(page, "Authorization link not valid") {
		t.Errorf("replayed callback page:\n%s", page)
	}
	if grants := b.Sim.TokenGrants("berth-test"); grants.AuthorizationCode != 1 {
		t.Errorf("simulator saw %+v, want the replay refused before any token request", grants)
	}
}

func TestSignedOutVisitorsAreSentToSignIn(t *testing.T) {
	t.Parallel()
	b := startBerth(t, berthOptions{engine: "sqlite"})
	anonymous := &person{t: t, b: b, c: b.client()}
	if _, page := anonymous.get("/"); !strings.Contains(page, "Organization name") {
		t.Errorf("first visit does not offer sign-up:\n%s", page)
	}
	b.signUp(t, "ada@example.com", "Analytical Engines")
	for _, path := range []string{"/", "/settings/cloud-accounts", "/oauth/digitalocean/start"} {
		if _, page := anonymous.get(path); !strings.Contains(page, `action="/signin"`) {
			t.Errorf("GET %s signed out: not the sign-in page", path)
		}
	}
	if status, _ := anonymous.post("/signup", url.Values{"email": {"eve@example.com"}, "password": {"a long enough password"}, "organization_name": {"Eve"}}); status != http.StatusUnprocessableEntity {
		t.Errorf("second sign-up = %d, want 422 (sign-up closed)", status)
	}
}

func TestCrossOriginFormsAreRefused(t *testing.T) {
	t.Parallel()
	b := startBerth(t, berthOptions{engine: "sqlite"})
	p := b.signUp(t, "ada@example.com", "Analytical Engines")
	req, _ := http.NewRequest("POST", b.URL+"/settings/api-keys", strings.NewReader("name=evil"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := p.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST = %d, want 403", resp.StatusCode)
	}
}

func TestSandboxModeServesItsSimulator(t *testing.T) {
	t.Parallel()
	b := startBerth(t, berthOptions{engine: "sqlite", sandbox: true})
	p := b.signUp(t, "ada@example.com", "Analytical Engines")
	if _, page := p.get("/settings/cloud-accounts"); !strings.Contains(page, "Sandbox") {
		t.Errorf("sandbox page lacks the Sandbox marker")
	}
	authURL := p.startOAuth(true)
	if !strings.HasPrefix(authURL, b.URL+"/_sim/v1/oauth/authorize?") {
		t.Fatalf("sandbox authorize URL = %s, want Berth's own /_sim", authURL)
	}
	if _, page, _ := p.consent(authURL, "authorize"); !strings.Contains(page, "DigitalOcean connected") {
		t.Errorf("sandbox connect failed:\n%s", page)
	}
	if status, body := p.get("/healthz"); status != 200 || !strings.Contains(body, "ok") {
		t.Errorf("GET /healthz = %d %s", status, body)
	}
}

func TestAPIKeysFromSettings(t *testing.T) {
	t.Parallel()
	b := startBerth(t, berthOptions{engine: "sqlite"})
	p := b.signUp(t, "ada@example.com", "Analytical Engines")
	status, page := p.post("/settings/api-keys", url.Values{"name": {"deploy script"}})
	secretKey := regexp.MustCompile(`<code id="new-api-key">(berth_[^<]+)</code>`).FindStringSubmatch(page)
	if status != 200 || secretKey == nil {
		t.Fatalf("create API key = %d, want the new key shown once:\n%s", status, page)
	}
	b.shown = append(b.shown, secretKey[1]) // the page above showed the key on purpose, once
	c := &apiClient{t: t, b: b, http: b.client(), key: secretKey[1]}
	if status, _ := c.do("GET", "/api/v1/cloud-accounts", ""); status != 200 {
		t.Errorf("API with the new key = %d, want 200", status)
	}
	_, page = p.get("/settings/api-keys")
	if strings.Contains(page, secretKey[1]) || !strings.Contains(page, "deploy script") {
		t.Errorf("the key list shows the key again or lacks its name:\n%s", page)
	}
	id := regexp.MustCompile(`/settings/api-keys/([0-9a-f-]+)/revoke`).FindStringSubmatch(page)
	if id == nil {
		t.Fatalf("no Revoke button:\n%s", page)
	}
	if _, page = p.post("/settings/api-keys/"+id[1]+"/revoke", nil); !strings.Contains(page, "Revoked") {
		t.Errorf("after Revoke the list does not say Revoked:\n%s", page)
	}
	if status, body := c.do("GET", "/api/v1/cloud-accounts", ""); status != 401 {
		t.Errorf("API with the revoked key = %d %v, want 401", status, body)
	}
}
