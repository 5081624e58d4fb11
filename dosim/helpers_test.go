package dosim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/berth-dev/berth/internal/testkit"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/dosim/dosimtest"
)

const (
	testClientID = "berth-test"
	testSecret   = "s3cret/with+odd=chars"
	testRedirect = "https://berth.example/oauth/callback?from=do"
	testAppName  = "Berth"
)

// clock is the fake clock tests advance by hand.
type clock = testkit.Clock

func newClock() *clock { return testkit.NewClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) }

// start serves a seeded simulator with the test client registered and a fake clock.
func start(t *testing.T, mods ...func(*dosim.Options)) (*dosimtest.Sim, *clock) {
	t.Helper()
	clk := newClock()
	opts := dosim.Options{
		Seed:    true,
		Now:     clk.Now,
		Clients: []dosim.Client{{ID: testClientID, Secret: testSecret, RedirectURI: testRedirect, Name: testAppName}},
	}
	for _, m := range mods {
		m(&opts)
	}
	return dosimtest.Start(t, opts), clk
}

// result is one HTTP exchange.
type result struct {
	status int
	header http.Header
	body   []byte
}

// decode parses the body as JSON into v.
func (r result) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// apiError parses an API v2 error body.
func (r result) apiError(t *testing.T) (id, message string) {
	t.Helper()
	var e struct{ ID, Message, RequestID string }
	r.decode(t, &e)
	if r.header.Get("X-Request-Id") == "" {
		t.Errorf("error response lacks X-Request-Id")
	}
	return e.ID, e.Message
}

// noRedirects is a client that returns redirects instead of following them.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// do sends one request and reads the whole response.
func do(t *testing.T, req *http.Request) result {
	t.Helper()
	resp, err := noRedirects.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s %s: %v", req.Method, req.URL, err)
	}
	return result{status: resp.StatusCode, header: resp.Header, body: b}
}

// call sends an API request with a bearer token; body, when not nil, is sent as JSON.
func call(t *testing.T, base, token, method, path string, body any) result {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return do(t, req)
}

// postForm posts a form, optionally with HTTP Basic client credentials.
func postForm(t *testing.T, target string, form url.Values, basicID, basicSecret string) result {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basicID != "" {
		req.SetBasicAuth(url.QueryEscape(basicID), url.QueryEscape(basicSecret))
	}
	return do(t, req)
}

// oauthConfig is golang.org/x/oauth2's view of the simulator.
func oauthConfig(base string, style oauth2.AuthStyle, scopes ...string) *oauth2.Config {
	return &oauth2.Config{
		ClientID: testClientID, ClientSecret: testSecret, RedirectURL: testRedirect, Scopes: scopes,
		Endpoint: oauth2.Endpoint{
			AuthURL: base + "/v1/oauth/authorize", TokenURL: base + "/v1/oauth/token", AuthStyle: style,
		},
	}
}

// consentForm is what a person sees on the consent page.
type consentForm struct {
	action   string
	hidden   url.Values
	accounts map[string]string // option label -> value
	buttons  map[string]string // button text -> value
	labels   []string
}

var (
	inputTag  = regexp.MustCompile(`<input\b[^>]*>`)
	attrRe    = regexp.MustCompile(`([a-z_-]+)="([^"]*)"`)
	formTag   = regexp.MustCompile(`<form\b[^>]*>`)
	optionTag = regexp.MustCompile(`<option value="([^"]*)"[^>]*>([^<]*)</option>`)
	buttonTag = regexp.MustCompile(`<button\b[^>]*name="decision" value="([^"]*)"[^>]*>([^<]*)</button>`)
	labelTag  = regexp.MustCompile(`<label\b[^>]*>([^<]*)</label>`)
)

// attrs returns the attributes of one tag, unescaped.
func attrs(tag string) map[string]string {
	out := map[string]string{}
	for _, m := range attrRe.FindAllStringSubmatch(tag, -1) {
		out[m[1]] = html.UnescapeString(m[2])
	}
	return out
}

// parseConsent reads the consent page served at pageURL.
func parseConsent(t *testing.T, pageURL string, page string) consentForm {
	t.Helper()
	f := consentForm{hidden: url.Values{}, accounts: map[string]string{}, buttons: map[string]string{}}
	ft := formTag.FindString(page)
	if ft == "" {
		t.Fatalf("no form on the consent page:\n%s", page)
	}
	base, _ := url.Parse(pageURL)
	action, err := base.Parse(attrs(ft)["action"])
	if err != nil {
		t.Fatalf("form action: %v", err)
	}
	f.action = action.String()
	for _, tag := range inputTag.FindAllString(page, -1) {
		a := attrs(tag)
		if a["type"] == "hidden" {
			f.hidden.Set(a["name"], a["value"])
		}
	}
	for _, m := range optionTag.FindAllStringSubmatch(page, -1) {
		f.accounts[html.UnescapeString(m[2])] = html.UnescapeString(m[1])
	}
	for _, m := range buttonTag.FindAllStringSubmatch(page, -1) {
		f.buttons[html.UnescapeString(m[2])] = m[1]
	}
	for _, m := range labelTag.FindAllStringSubmatch(page, -1) {
		f.labels = append(f.labels, m[1])
	}
	return f
}

// consent opens authURL, picks the account with the given label, presses the button with
// the given text and returns where the browser is sent.
func consent(t *testing.T, authURL, account, button string) *url.URL {
	t.Helper()
	page := do(t, mustRequest(t, http.MethodGet, authURL))
	if page.status != http.StatusOK {
		t.Fatalf("GET %s = %d, want 200:\n%s", authURL, page.status, page.body)
	}
	f := parseConsent(t, authURL, string(page.body))
	form := f.hidden
	value, ok := f.accounts[account]
	if !ok {
		t.Fatalf("consent page offers no account %q; offers %v", account, f.accounts)
	}
	form.Set("account", value)
	decision, ok := f.buttons[button]
	if !ok {
		t.Fatalf("consent page has no button %q; has %v", button, f.buttons)
	}
	form.Set("decision", decision)
	res := postForm(t, f.action, form, "", "")
	if res.status != http.StatusFound {
		t.Fatalf("POST %s = %d, want 302:\n%s", f.action, res.status, res.body)
	}
	loc, err := url.Parse(res.header.Get("Location"))
	if err != nil {
		t.Fatalf("Location: %v", err)
	}
	return loc
}

// stringsReader is a request body, or nil for none.
func stringsReader(s string) io.Reader {
	if s == "" {
		return nil
	}
	return strings.NewReader(s)
}

func mustRequest(t *testing.T, method, target string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// Labels of the seed accounts on the consent page.
const (
	sammyPersonal = "Sammy's Team — sammy@example.com"
	sammyAcme     = "Acme Ops — sammy@example.com"
	jordanAcme    = "Acme Ops — jordan@example.com"
)

// authorizeCode runs the consent page with PKCE and returns the code and its verifier.
func authorizeCode(t *testing.T, base, account string, scopes ...string) (code, verifier string) {
	t.Helper()
	verifier = oauth2.GenerateVerifier()
	conf := oauthConfig(base, oauth2.AuthStyleInParams, scopes...)
	loc := consent(t, conf.AuthCodeURL("st-1", oauth2.S256ChallengeOption(verifier)), account, "Authorize application")
	code = loc.Query().Get("code")
	if code == "" {
		t.Fatalf("redirect %s has no code", loc)
	}
	return code, verifier
}

// login runs the whole code flow and returns the token.
func login(t *testing.T, base, account string, scopes ...string) *oauth2.Token {
	t.Helper()
	code, verifier := authorizeCode(t, base, account, scopes...)
	tok, err := oauthConfig(base, oauth2.AuthStyleInParams, scopes...).
		Exchange(context.Background(), code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	return tok
}

// refresh posts a refresh_token grant with form client credentials.
func refresh(t *testing.T, base, refreshToken string) result {
	t.Helper()
	return postForm(t, base+"/v1/oauth/token", url.Values{
		"grant_type": {"refresh_token"}, "refresh_token": {refreshToken},
		"client_id": {testClientID}, "client_secret": {testSecret},
	}, "", "")
}

// oauthErr parses an OAuth error body.
func oauthErr(t *testing.T, r result) string {
	t.Helper()
	var e struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	r.decode(t, &e)
	if e.Description == "" {
		t.Errorf("OAuth error %q has no error_description", e.Error)
	}
	return e.Error
}

// startLenient is start for tests that send requests DigitalOcean's description does not
// allow, on purpose: the harness records them and checks that the simulator refuses them.
func startLenient(t *testing.T, mods ...func(*dosim.Options)) (*dosimtest.Sim, *clock) {
	t.Helper()
	clk := newClock()
	opts := dosim.Options{Seed: true, Now: clk.Now}
	for _, m := range mods {
		m(&opts)
	}
	return dosimtest.Start(t, opts, dosimtest.Options{AllowInvalidRequests: true}), clk
}

// Names of the empty team emptyTeam serves.
const (
	emptyTeamUUID = "7d3e2a51c0b94f6e8a1d5c2b9f0e4a37"
	emptyUserUUID = "0b5f1c9e7a2d4e83b6c4a1f09d8e2c75"
	emptyToken    = "dop_v1_emptyteam"
)

// emptyTeam serves an unseeded simulator holding one team with one member and a
// full-access token, on a fake clock.
func emptyTeam(t *testing.T, mods ...func(*dosim.Options)) (*dosimtest.Sim, *clock, string) {
	t.Helper()
	clk := newClock()
	opts := dosim.Options{Now: clk.Now}
	for _, m := range mods {
		m(&opts)
	}
	sim := dosimtest.Start(t, opts)
	sim.AddUser(dosim.User{UUID: emptyUserUUID, Name: "Robin", Email: "robin@example.com", EmailVerified: true})
	sim.AddTeam(dosim.Team{UUID: emptyTeamUUID, Name: "Empty Team"})
	if err := sim.AddMember(emptyTeamUUID, emptyUserUUID); err != nil {
		t.Fatal(err)
	}
	if err := sim.AddPersonalToken(emptyToken, emptyTeamUUID, emptyUserUUID, nil); err != nil {
		t.Fatal(err)
	}
	return sim, clk, emptyToken
}

// acmeToken adds a token for Jordan in Acme Ops with the given scopes and returns it.
func acmeToken(t *testing.T, sim *dosimtest.Sim, name string, scopes ...string) string {
	t.Helper()
	token := "dop_v1_acme_" + name
	if err := sim.AddPersonalToken(token, dosim.SeedTeamAcme, dosim.SeedUserJordan, scopes); err != nil {
		t.Fatal(err)
	}
	return token
}

// wantError checks that res is an API error with the given status, id and message; an
// empty message matches any non-empty one.
func wantError(t *testing.T, what string, res result, status int, id, message string) {
	t.Helper()
	gotID, gotMsg := res.apiError(t)
	if res.status != status || gotID != id || gotMsg == "" || (message != "" && gotMsg != message) {
		t.Errorf("%s = %d %s, want %d %s %q", what, res.status, res.body, status, id, message)
	}
}

// nopBody is a request body holding s.
func nopBody(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }
