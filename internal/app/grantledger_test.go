package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/berth-dev/berth/dosim/dosimtest"
)

// grantLedger stands between Berth and the simulator and keeps the simulator's side of every
// OAuth token grant, so that a test can tell, per connection, which tokens DigitalOcean
// considers live. Every other request passes through untouched (and /v2 traffic is still
// checked against DigitalOcean's API description by dosimtest).
//
// A chain is everything issued from one authorization code: one connection. The ledger
// follows it through each refresh, so it knows the chain's live pair (the last one issued)
// and how many refresh grants the simulator accepted and refused for it.
type grantLedger struct {
	URL string

	proxy *httputil.ReverseProxy

	mu        sync.Mutex
	chains    []*grantChain
	byAccess  map[string]*grantChain
	byRefresh map[string]*grantChain
	spent     map[string]bool // refresh tokens the simulator accepted
	unknown   []string        // refresh grants for tokens the ledger never saw issued
	codeTTL   int             // when positive, expires_in of authorization_code answers is rewritten to it
	hold      time.Duration   // accepted refresh answers wait this long before Berth gets them
	holding   int             // accepted refresh answers waiting right now
	answered  int             // accepted refresh answers handed on to Berth
	v2Unauth  int             // API v2 requests the simulator refused with 401
}

// grantChain is one connection as the simulator sees it.
type grantChain struct {
	id       int
	team     string
	access   string // the live pair: the last one the simulator issued
	refresh  string
	accepted int // refresh grants the simulator accepted
	rejected int // refresh grants it refused (invalid_grant and the like)
	errors   []string
}

// newGrantLedger serves a ledger in front of sim until the test ends.
func newGrantLedger(t testing.TB, sim *dosimtest.Sim) *grantLedger {
	t.Helper()
	target, err := url.Parse(sim.URL)
	if err != nil {
		t.Fatal(err)
	}
	l := &grantLedger{
		proxy:     httputil.NewSingleHostReverseProxy(target),
		byAccess:  map[string]*grantChain{},
		byRefresh: map[string]*grantChain{},
		spent:     map[string]bool{},
	}
	ts := httptest.NewServer(l)
	t.Cleanup(ts.Close)
	l.URL = ts.URL
	return l
}

func (l *grantLedger) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && r.URL.Path == "/v1/oauth/token" {
		l.token(w, r)
		return
	}
	if !strings.HasPrefix(r.URL.Path, "/v2/") {
		l.proxy.ServeHTTP(w, r)
		return
	}
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	l.proxy.ServeHTTP(rec, r)
	if rec.status == http.StatusUnauthorized {
		l.mu.Lock()
		l.v2Unauth++
		l.mu.Unlock()
	}
}

// token passes a token request to the simulator and records what it answered.
func (l *grantLedger) token(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	form, _ := url.ParseQuery(string(body))
	r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	rec := httptest.NewRecorder()
	l.proxy.ServeHTTP(rec, r)
	answer := rec.Body.Bytes()

	var tok struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		Error        string `json:"error"`
		Info         struct {
			TeamUUID string `json:"team_uuid"`
		} `json:"info"`
	}
	_ = json.Unmarshal(answer, &tok)
	ok := rec.Code == http.StatusOK && tok.AccessToken != ""
	var hold time.Duration
	l.mu.Lock()
	switch form.Get("grant_type") {
	case "authorization_code":
		if ok {
			c := &grantChain{id: len(l.chains), team: tok.Info.TeamUUID}
			l.chains = append(l.chains, c)
			l.issue(c, tok.AccessToken, tok.RefreshToken)
			if l.codeTTL > 0 {
				answer = withExpiresIn(answer, l.codeTTL)
			}
		}
	case "refresh_token":
		used := form.Get("refresh_token")
		c := l.byRefresh[used]
		switch {
		case c == nil:
			l.unknown = append(l.unknown, fmt.Sprintf("%d %s", rec.Code, tok.Error))
		case ok:
			c.accepted++
			l.spent[used] = true
			l.issue(c, tok.AccessToken, tok.RefreshToken)
			hold = l.hold
		default:
			c.rejected++
			reason := tok.Error
			if l.spent[used] {
				reason += " (refresh token already spent)"
			}
			c.errors = append(c.errors, reason)
		}
	}
	if hold > 0 {
		l.holding++
	}
	l.mu.Unlock()

	if hold > 0 {
		// The simulator has rotated the tokens; the answer is on its way. A Berth killed
		// now never learns the new pair: the answer is lost.
		time.Sleep(hold)
		l.mu.Lock()
		l.holding--
		l.mu.Unlock()
	}
	for k, vs := range rec.Header() {
		if k != "Content-Length" {
			w.Header()[k] = vs
		}
	}
	w.WriteHeader(rec.Code)
	if _, err := w.Write(answer); err == nil && ok && form.Get("grant_type") == "refresh_token" {
		l.mu.Lock()
		l.answered++
		l.mu.Unlock()
	}
}

// issue records a pair issued to chain c, which becomes its live pair. Called with l.mu held.
func (l *grantLedger) issue(c *grantChain, access, refresh string) {
	c.access, c.refresh = access, refresh
	l.byAccess[access] = c
	l.byRefresh[refresh] = c
}

// withExpiresIn rewrites expires_in of a token answer.
func withExpiresIn(answer []byte, seconds int) []byte {
	var m map[string]any
	if err := json.Unmarshal(answer, &m); err != nil {
		return answer
	}
	m["expires_in"] = seconds
	out, err := json.Marshal(m)
	if err != nil {
		return answer
	}
	return out
}

// setCodeTTL makes Berth believe that tokens from authorization codes expire after d (the
// simulator still issued them for its own lifetime): as if every connection had been made
// some time ago.
func (l *grantLedger) setCodeTTL(d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.codeTTL = int(d.Seconds())
}

// setHold delays every accepted refresh answer by d from now on.
func (l *grantLedger) setHold(d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.hold = d
}

// ledgerView is a consistent copy of the ledger's counters.
type ledgerView struct {
	chains, accepted, rejected, holding, answered, unknown, v2Unauth int
}

func (l *grantLedger) view() ledgerView {
	l.mu.Lock()
	defer l.mu.Unlock()
	v := ledgerView{chains: len(l.chains), holding: l.holding, answered: l.answered, unknown: len(l.unknown), v2Unauth: l.v2Unauth}
	for _, c := range l.chains {
		v.accepted += c.accepted
		v.rejected += c.rejected
	}
	return v
}

// chainOf returns a copy of the chain that issued an access token, or false.
func (l *grantLedger) chainOf(access string) (grantChain, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.byAccess[access]
	if !ok {
		return grantChain{}, false
	}
	cp := *c
	cp.errors = append([]string(nil), c.errors...)
	return cp, true
}

// allChains returns a copy of every chain.
func (l *grantLedger) allChains() []grantChain {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]grantChain, len(l.chains))
	for i, c := range l.chains {
		out[i] = *c
		out[i].errors = append([]string(nil), c.errors...)
	}
	return out
}

// isSpent reports whether the simulator already accepted a refresh token.
func (l *grantLedger) isSpent(refresh string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.spent[refresh]
}

func (c grantChain) String() string {
	return fmt.Sprintf("chain %d (team %.8s…): %d refresh accepted, %d refused %v", c.id, c.team, c.accepted, c.rejected, c.errors)
}

// statusRecorder remembers the status of a response it passes through.
type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
