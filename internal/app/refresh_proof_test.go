package app_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/dosim/dosimtest"
	"github.com/berth-dev/berth/internal/secret"
	"github.com/berth-dev/berth/internal/service"
	"github.com/berth-dev/berth/internal/store"
	"github.com/berth-dev/berth/internal/store/postgres"
	"github.com/berth-dev/berth/internal/store/postgres/pgtest"
	"github.com/berth-dev/berth/internal/store/sqlite"
	"github.com/berth-dev/berth/internal/testkit"
)

// The proof of issue 3: connections stay alive however many replicas refresh them, and a
// crash in the middle of refreshes never leaves a connection that claims Active with dead
// tokens. Real `berth serve` processes share one database and one simulator; a grant ledger
// in front of the simulator keeps DigitalOcean's side of every token grant, and at the end
// each connection's stored (sealed) tokens are opened and compared with it.

const (
	proofClientID     = "berth-proof"
	proofClientSecret = "proof-secret"
	proofPassword     = "a long enough password"
	proofCheckEvery   = 200 * time.Millisecond
	// Every connection is made looking a day old: the ledger tells Berth its first tokens
	// expire in 29 days (the simulator issued them for 30). With a 29.5-day refresh window
	// every connection is due at once, while a refreshed 30-day token is not due again for
	// 12 hours. A 720h window would make a just-refreshed token due again at once, and
	// Berth would refresh in a loop.
	proofConnectTTL    = 29 * 24 * time.Hour
	proofRefreshWindow = 708 * time.Hour
)

func TestRefreshProof(t *testing.T) {
	t.Parallel()
	bin := buildBerth(t)
	t.Run("due_at_once/postgres", func(t *testing.T) {
		t.Parallel()
		proveDueAtOnce(t, bin, "postgres", 3, 5, 100)
	})
	t.Run("due_at_once/sqlite", func(t *testing.T) {
		t.Parallel()
		proveDueAtOnce(t, bin, "sqlite", 1, 5, 100)
	})
	t.Run("killed_mid_refresh/postgres", func(t *testing.T) {
		t.Parallel()
		proveKilledMidRefresh(t, bin, "postgres", 2, 50)
	})
	t.Run("killed_mid_refresh/sqlite", func(t *testing.T) {
		t.Parallel()
		proveKilledMidRefresh(t, bin, "sqlite", 2, 50)
	})
}

// proveDueAtOnce: replicas processes share one store; orgs*perOrg OAuth connections come due
// at once while every connection is also validated through the API of a replica. Afterwards
// every connection is Active with the tokens the simulator considers live, the simulator
// accepted exactly one refresh grant per connection, and refused none.
func proveDueAtOnce(t *testing.T, bin, engine string, replicas, orgs, perOrg int) {
	f := newProofFleet(t, bin, engine, orgs, perOrg)
	n := orgs * perOrg
	f.connectAll(perOrg)
	f.phase("%d connections made through the pages", n)
	if g := f.sim.TokenGrants(proofClientID); g.AuthorizationCode != n || g.AuthorizationCodeRejected != 0 || g.RefreshToken != 0 || g.RefreshTokenRejected != 0 {
		t.Fatalf("after connecting: simulator grants %+v, want %d authorization codes and nothing else", g, n)
	}

	// DigitalOcean takes a moment to answer a refresh, long enough for the racers below to
	// read the same credentials before either has saved new ones.
	f.ledger.setHold(20 * time.Millisecond)
	start := time.Now()
	due := f.dueVars()
	var procs []*berthProc
	for i := range replicas {
		procs = append(procs, f.start(fmt.Sprintf("replica-%d", i+1), due))
	}
	racers := f.validateThroughAPI(procs)

	// Wait until the simulator has accepted n refresh grants and refused none.
	deadline := time.Now().Add(90 * time.Second)
	for {
		g := f.sim.TokenGrants(proofClientID)
		if g.RefreshTokenRejected > 0 {
			f.fail("the simulator refused %d refresh grants (%+v); refused chains:\n%s", g.RefreshTokenRejected, g, f.badChains(1))
		}
		if g.RefreshToken >= n {
			break
		}
		if time.Now().After(deadline) {
			f.fail("after 90s the simulator has accepted %d of %d refresh grants (%+v)", g.RefreshToken, n, g)
		}
		time.Sleep(50 * time.Millisecond)
	}
	f.phase("the simulator accepted %d refresh grants", n)
	if unsettled := f.waitSettled(procs[0], start, true, 30*time.Second); len(unsettled) > 0 {
		f.fail("%d connections were not refreshed and validated:\n%s", len(unsettled), strings.Join(unsettled, "\n"))
	}
	if failures := racers(); len(failures) > 0 {
		t.Errorf("%d validations through the API failed while the jobs ran, e.g.:\n%s", len(failures), strings.Join(failures[:min(10, len(failures))], "\n"))
	}
	// Stays there: several check periods later nothing has been refreshed again.
	settled := f.sim.TokenGrants(proofClientID)
	time.Sleep(5 * proofCheckEvery)
	if g := f.sim.TokenGrants(proofClientID); g != settled {
		t.Errorf("grants went on after every connection was refreshed: %+v, then %+v", settled, g)
	}
	snap := f.snapshot(procs[0])
	for _, p := range procs {
		p.stop(t)
	}
	f.phase("every connection refreshed and validated; %d processes stopped", len(procs))

	g := f.sim.TokenGrants(proofClientID)
	if g.RefreshToken != n || g.RefreshTokenRejected != 0 {
		t.Errorf("simulator refresh grants = %d accepted, %d refused; want %d accepted (one per connection), none refused", g.RefreshToken, g.RefreshTokenRejected, n)
	}
	rows := f.audit(snap)
	for _, r := range rows {
		if r.account.Status != "active" {
			t.Errorf("%s: status %q (%s), want active", r, r.account.Status, r.account.StatusMessage)
		}
	}
	if bad := f.badChains(0); bad != "" {
		t.Errorf("connections whose refresh grants were not exactly one accepted, none refused:\n%s", bad)
	}
	var work int
	for _, p := range procs {
		work += p.countInLog("cloud account token refreshed")
		assertNoSecrets(t, p.name+" output", p.log())
	}
	if work != n {
		t.Errorf("the replicas logged %d refreshes, want %d", work, n)
	}
	for _, p := range procs {
		t.Logf("%s refreshed %d connections", p.name, p.countInLog("cloud account token refreshed"))
	}
	if v := f.ledger.view(); v.unknown > 0 || v.v2Unauth > 0 {
		t.Errorf("ledger: %d refresh grants for tokens the simulator never issued, %d API calls refused with 401; want none", v.unknown, v.v2Unauth)
	}
}

// proveKilledMidRefresh: one process starts refreshing due connections and is killed with
// SIGKILL while the simulator has rotated some tokens whose answers have not reached it (the
// ledger holds accepted refresh answers back for a moment). A fresh process then takes over.
// Every connection must end Active with the pair the simulator considers live, or Expired
// with the Reconnect remedy; a connection whose last answer was lost must end Expired.
func proveKilledMidRefresh(t *testing.T, bin, engine string, orgs, perOrg int) {
	f := newProofFleet(t, bin, engine, orgs, perOrg)
	n := orgs * perOrg
	f.connectAll(perOrg)
	f.phase("%d connections made through the pages", n)

	// The validate_account jobs the killed process was running stay "running" until River's
	// rescuer hands them to a live process, after BERTH_RESCUE_AFTER (default 5m, plus up to
	// 30s until the rescuer's next pass); meanwhile no new job for those accounts can be
	// queued. 5s keeps the proof within a test's time; the property is the same.
	vars := f.dueVars()
	vars["BERTH_RESCUE_AFTER"] = "5s"
	f.ledger.setHold(300 * time.Millisecond)
	dueSince := time.Now()
	doomed := f.start("killed-replica", vars)
	deadline := time.Now().Add(60 * time.Second)
	for {
		v := f.ledger.view()
		if v.accepted >= n/5 && v.holding > 0 {
			doomed.kill()
			f.phase("SIGKILL to %s with %d refreshes accepted by the simulator, %d answered, %d answers in flight", doomed.name, v.accepted, v.answered, v.holding)
			break
		}
		if time.Now().After(deadline) {
			f.fail("after 60s the simulator had accepted %d refreshes (%d answers in flight); want %d with one in flight before the kill", v.accepted, v.holding, n/5)
		}
		time.Sleep(2 * time.Millisecond)
	}
	f.ledger.setHold(0)

	restarted := f.start("restarted", vars)
	// A connection the killed process refreshed but had not validated yet need not be
	// validated again: its tokens are live, which the audit checks.
	unsettled := f.waitSettled(restarted, dueSince, false, 60*time.Second)
	snap := f.snapshot(restarted)
	restarted.stop(t)
	f.phase("the restarted process settled what it could")
	if len(unsettled) > 0 {
		t.Errorf("%d connections were neither refreshed nor Expired 60s after the restart; validate_account jobs: %s\n%s",
			len(unsettled), f.jobStates(), strings.Join(unsettled, "\n"))
	}

	rows := f.audit(snap)
	var lost, expired int
	for _, r := range rows {
		if !r.live {
			lost++
		}
		if r.account.Status == "expired" {
			expired++
		}
	}
	t.Logf("%d connections: %d answers lost in the kill, %d Expired, %d Active", n, lost, expired, n-expired)
	if lost == 0 {
		t.Errorf("the kill lost no refresh answer, so this run proved nothing; the ledger held %s", f.ledger.allChainsSummary())
	}
	for _, c := range f.ledger.allChains() {
		if c.accepted > 1 {
			t.Errorf("%s: the simulator accepted more than one refresh", c)
		}
		for _, e := range c.errors {
			if !strings.Contains(e, "already spent") {
				t.Errorf("%s: a refusal other than a lost answer's spent refresh token: %s", c, e)
			}
		}
	}
	if v := f.ledger.view(); v.unknown > 0 {
		t.Errorf("ledger: %d refresh grants for tokens the simulator never issued", v.unknown)
	}
	if g := f.sim.TokenGrants(proofClientID); g.RefreshToken != f.ledger.view().accepted {
		t.Errorf("simulator counted %d accepted refreshes, the ledger %d", g.RefreshToken, f.ledger.view().accepted)
	}
}

// proofFleet is a simulator, a grant ledger, one store and the Berth processes sharing them.
type proofFleet struct {
	t       *testing.T
	bin     string
	engine  string
	sim     *dosimtest.Sim
	ledger  *grantLedger
	vars    map[string]string // every process's environment
	logDir  string
	dsn     string // PostgreSQL
	dataDir string // SQLite
	sealer  *secret.Sealer
	orgs    []*proofOrg
	options []int // the consent option of each team a connection is made with
	http    *http.Client
	born    time.Time
}

// proofOrg is an organization with an API key from `berth bootstrap`.
type proofOrg struct {
	name, email, key, id string
}

// proofAccount is what the API says about a connection.
type proofAccount struct {
	ID              string     `json:"id"`
	Status          string     `json:"status"`
	StatusMessage   string     `json:"status_message"`
	TeamUUID        string     `json:"team_uuid"`
	AuthType        string     `json:"auth_type"`
	ExpiresAt       *time.Time `json:"expires_at"`
	LastValidatedAt *time.Time `json:"last_validated_at"`
}

func newProofFleet(t *testing.T, bin, engine string, orgs, perOrg int) *proofFleet {
	t.Helper()
	f := &proofFleet{t: t, bin: bin, engine: engine, logDir: t.TempDir(), http: &http.Client{Timeout: 30 * time.Second}, born: time.Now()}
	f.sim = dosimtest.Start(t, dosim.Options{Seed: true})
	// The seed offers Sammy's Team and Acme Ops; the other teams each have one new member.
	for i := range perOrg - 2 {
		u := f.sim.AddUser(dosim.User{UUID: randomHex40(t), Name: fmt.Sprintf("Person %d", i), Email: fmt.Sprintf("person%d@example.com", i), EmailVerified: true})
		team := f.sim.AddTeam(dosim.Team{UUID: randomHex40(t), Name: fmt.Sprintf("Team %03d", i)})
		if err := f.sim.AddMember(team.UUID, u.UUID); err != nil {
			t.Fatal(err)
		}
	}
	// The consent page offers every (team, member) pair in this order; connect each team once
	// through its first member, so every organization connects perOrg distinct teams.
	index := 0
	for _, team := range f.sim.Teams() {
		if members := f.sim.Members(team.UUID); len(members) > 0 {
			f.options = append(f.options, index)
			index += len(members)
		}
	}
	if len(f.options) < perOrg {
		t.Fatalf("the simulator has %d teams, want %d", len(f.options), perOrg)
	}
	f.ledger = newGrantLedger(t, f.sim)
	f.ledger.setCodeTTL(proofConnectTTL)

	key, err := secret.GenerateKey("proof1")
	if err != nil {
		t.Fatal(err)
	}
	if f.sealer, err = secret.NewSealer([]secret.Key{key}); err != nil {
		t.Fatal(err)
	}
	f.vars = map[string]string{
		"BERTH_SECRET_KEYS":  key.Encode(),
		"BERTH_DO_CLIENT_ID": proofClientID, "BERTH_DO_CLIENT_SECRET": proofClientSecret,
		"BERTH_DO_OAUTH_URL": f.ledger.URL, "BERTH_DO_API_URL": f.ledger.URL,
		"BERTH_OPEN_SIGNUP": "true", "BERTH_LOG_LEVEL": "info", "BERTH_CHECK_EVERY": proofCheckEvery.String(),
	}
	if engine == "postgres" {
		f.dsn = pgtest.URL(t)
		f.vars["BERTH_DATABASE_URL"] = f.dsn
	} else {
		f.dataDir = t.TempDir()
		f.vars["BERTH_DATA_DIR"] = f.dataDir
	}
	for i := range orgs {
		o := &proofOrg{name: fmt.Sprintf("Proof Org %d", i+1), email: fmt.Sprintf("admin%d@proof.example", i+1)}
		out := runBerth(t, bin, f.vars, "bootstrap", "--email", o.email, "--password", proofPassword, "--org", o.name)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		o.key = lines[len(lines)-1]
		if !strings.HasPrefix(o.key, "berth_") {
			t.Fatalf("berth bootstrap printed no API key:\n%s", out)
		}
		f.orgs = append(f.orgs, o)
	}
	f.phase("simulator, ledger, store and %d organizations ready", orgs)
	return f
}

// dueVars is the environment of processes for which every connection made is due.
func (f *proofFleet) dueVars() map[string]string {
	return map[string]string{"BERTH_REFRESH_WINDOW": proofRefreshWindow.String()}
}

// start runs a `berth serve` with the fleet's environment plus extra.
func (f *proofFleet) start(name string, extra map[string]string) *berthProc {
	f.t.Helper()
	vars := map[string]string{}
	for k, v := range f.vars {
		vars[k] = v
	}
	for k, v := range extra {
		vars[k] = v
	}
	return startBerthProc(f.t, f.bin, f.logDir, name, freeAddr(f.t), vars)
}

// connectAll starts a process with the default refresh window (so nothing is due) and makes
// perOrg OAuth connections for every organization through its pages and the consent page,
// one team per connection; then stops it.
func (f *proofFleet) connectAll(perOrg int) {
	t := f.t
	t.Helper()
	addr := freeAddr(t)
	f.sim.RegisterClient(dosim.Client{ID: proofClientID, Secret: proofClientSecret, RedirectURI: "http://" + addr + "/oauth/digitalocean/callback", Name: "Berth"})
	p := startBerthProc(t, f.bin, f.logDir, "connect", addr, f.vars)
	for _, o := range f.orgs {
		c := f.signIn(t, p, o)
		for k := range perOrg {
			f.connectOne(t, p, c, f.options[k])
		}
	}
	for _, o := range f.orgs {
		accts := f.accounts(p, o)
		if len(accts) != perOrg {
			t.Fatalf("%s has %d accounts after %d connections, want %d", o.name, len(accts), perOrg, perOrg)
		}
		for _, a := range accts {
			if a.Status != "active" || a.AuthType != "oauth" {
				t.Fatalf("%s: account %s is %s/%s after connecting, want active/oauth", o.name, a.ID, a.AuthType, a.Status)
			}
		}
	}
	p.stop(t)
}

// signIn signs the organization's admin in on p's pages and returns the browser.
func (f *proofFleet) signIn(t *testing.T, p *berthProc, o *proofOrg) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	resp, err := c.PostForm(p.URL+"/signin", url.Values{"email": {o.email}, "password": {proofPassword}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), "Cloud Accounts") {
		t.Fatalf("sign in as %s = %d, want the Cloud Accounts page:\n%s", o.email, resp.StatusCode, page)
	}
	return c
}

// connectOne clicks DigitalOcean, authorizes the consent option, and follows the callback.
func (f *proofFleet) connectOne(t *testing.T, p *berthProc, c *http.Client, option int) {
	t.Helper()
	noFollow := *c
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noFollow.Get(p.URL + "/oauth/digitalocean/start")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	authURL := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(authURL, f.ledger.URL+"/v1/oauth/authorize?") {
		t.Fatalf("GET /oauth/digitalocean/start = %d to %q, want a redirect to the consent page", resp.StatusCode, authURL)
	}
	callback := testkit.Consent(t, c, authURL, "authorize", option)
	resp, err = noFollow.Get(callback.String())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/settings/cloud-accounts" {
		t.Fatalf("callback = %d to %q, want 303 to /settings/cloud-accounts:\n%s", resp.StatusCode, loc, body)
	}
}

// accounts lists an organization's connections through p's API.
func (f *proofFleet) accounts(p *berthProc, o *proofOrg) []proofAccount {
	f.t.Helper()
	accts, err := f.list(p, o)
	if err != nil {
		f.fail("%v", err)
	}
	return accts
}

func (f *proofFleet) list(p *berthProc, o *proofOrg) ([]proofAccount, error) {
	var out struct {
		CloudAccounts []proofAccount `json:"cloud_accounts"`
	}
	status, body, err := f.api(p, o, http.MethodGet, "/api/v1/cloud-accounts")
	if err != nil || status != http.StatusOK {
		return nil, fmt.Errorf("GET /api/v1/cloud-accounts on %s = %d, %v: %s", p.name, status, err, body)
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, fmt.Errorf("GET /api/v1/cloud-accounts on %s: %v: %s", p.name, err, body)
	}
	return out.CloudAccounts, nil
}

func (f *proofFleet) api(p *berthProc, o *proofOrg, method, path string) (int, []byte, error) {
	req, err := http.NewRequest(method, p.URL+path, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+o.key)
	resp, err := f.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// validateThroughAPI validates every connection through the API while the jobs run: twice at
// the same moment, on two replicas in turn (on the same one when there is one), so that the
// two calls and the job race to spend the same refresh token. The returned func waits (at
// most 60s) and returns what went wrong.
func (f *proofFleet) validateThroughAPI(procs []*berthProc) func() []string {
	type call struct {
		org *proofOrg
		id  string
	}
	var calls []call
	for _, o := range f.orgs {
		for _, a := range f.accounts(procs[0], o) {
			calls = append(calls, call{o, a.ID})
		}
	}
	work := make(chan int)
	var mu sync.Mutex
	var failures []string
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := range work {
				var pair sync.WaitGroup
				for k := range 2 {
					p := procs[(i+k)%len(procs)]
					pair.Go(func() {
						status, body, err := f.api(p, calls[i].org, http.MethodPost, "/api/v1/cloud-accounts/"+calls[i].id+"/validate")
						if err != nil || status != http.StatusOK {
							mu.Lock()
							failures = append(failures, fmt.Sprintf("POST .../%s/validate on %s = %d, %v: %.300s", calls[i].id, p.name, status, err, body))
							mu.Unlock()
						}
					})
				}
				pair.Wait()
			}
		})
	}
	done := make(chan struct{})
	go func() {
		for i := range calls {
			work <- i
		}
		close(work)
		wg.Wait()
		close(done)
	}()
	return func() []string {
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			return []string{"the API validations did not finish within 60s"}
		}
		mu.Lock()
		defer mu.Unlock()
		return failures
	}
}

// waitSettled waits until every connection is either Expired, or was refreshed (its token no
// longer due) since dueSince, when processes began to find every connection due, and, with
// validated, validated since then too; it returns the connections that never were.
func (f *proofFleet) waitSettled(p *berthProc, dueSince time.Time, validated bool, limit time.Duration) []string {
	f.t.Helper()
	cutoff := dueSince.Add(proofRefreshWindow)
	deadline := time.Now().Add(limit)
	for {
		var unsettled []string
		for _, o := range f.orgs {
			for _, a := range f.accounts(p, o) {
				refreshed := a.ExpiresAt != nil && a.ExpiresAt.After(cutoff)
				if validated {
					refreshed = refreshed && a.LastValidatedAt != nil && !a.LastValidatedAt.Before(dueSince)
				}
				if a.Status != "expired" && !(a.Status == "active" && refreshed) {
					unsettled = append(unsettled, fmt.Sprintf("%s account %s (team %s): %s, expires %v, validated %v",
						o.name, a.ID, a.TeamUUID, a.Status, fmtTime(a.ExpiresAt), fmtTime(a.LastValidatedAt)))
				}
			}
		}
		if len(unsettled) == 0 || time.Now().After(deadline) {
			return unsettled
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func fmtTime(t *time.Time) string {
	if t == nil {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}

// auditRow is one connection: what Berth says, what it stores, and what the simulator says.
type auditRow struct {
	org     *proofOrg
	account proofAccount
	chain   grantChain
	live    bool // Berth stores exactly the pair the simulator considers live
}

func (r auditRow) String() string {
	return fmt.Sprintf("%s account %s (team %.8s…, %s)", r.org.name, r.account.ID, r.account.TeamUUID, r.chain)
}

// snapshot is every organization's connections as the API of p shows them.
func (f *proofFleet) snapshot(p *berthProc) map[*proofOrg][]proofAccount {
	f.t.Helper()
	out := map[*proofOrg][]proofAccount{}
	for _, o := range f.orgs {
		out[o] = f.accounts(p, o)
	}
	return out
}

// audit takes the connections as the API showed them (snap, taken before the processes
// were stopped), opens their sealed tokens in the store and holds them against the ledger.
// It reports, as errors, any connection that claims Active while DigitalOcean no longer
// honours its tokens, any Expired one whose tokens still work, and any two connections
// sharing a grant.
func (f *proofFleet) audit(snap map[*proofOrg][]proofAccount) []auditRow {
	t := f.t
	t.Helper()
	ctx := t.Context()
	st, closeStore := f.openStore()
	defer closeStore()
	var rows []auditRow
	owner := map[int]string{}
	for _, o := range f.orgs {
		org, err := st.GetOrgByName(ctx, o.name)
		if err != nil {
			t.Fatalf("GetOrgByName(%q) = %v", o.name, err)
		}
		o.id = org.ID
		for _, a := range snap[o] {
			r := auditRow{org: o, account: a}
			access, refresh := f.open(ctx, st, o.id, a.ID)
			chain, ok := f.ledger.chainOf(access)
			if !ok {
				t.Errorf("%s account %s stores an access token the simulator never issued", o.name, a.ID)
				continue
			}
			r.chain = chain
			r.live = chain.access == access && chain.refresh == refresh
			if prev, dup := owner[chain.id]; dup {
				t.Errorf("%s and %s account %s hold tokens of the same grant", prev, o.name, a.ID)
			}
			owner[chain.id] = o.name + " account " + a.ID
			switch a.Status {
			case "active":
				if !r.live {
					t.Errorf("%s claims Active, but DigitalOcean no longer honours its stored tokens (the simulator rotated them; the answer was lost)", r)
				} else if code := f.simAccountStatus(access); code != http.StatusOK || f.ledger.isSpent(refresh) {
					t.Errorf("%s claims Active, but its access token gets %d at /v2/account (refresh token spent: %v)", r, code, f.ledger.isSpent(refresh))
				}
			case "expired":
				if r.live {
					t.Errorf("%s is Expired although DigitalOcean still honours its stored tokens", r)
				}
				if want := service.NewProblem(service.CodeTokensExpired, nil).Detail; a.StatusMessage != want {
					t.Errorf("%s is Expired with message %q, want %q", r, a.StatusMessage, want)
				}
			default:
				t.Errorf("%s: status %q (%s), want active or expired", r, a.Status, a.StatusMessage)
			}
			rows = append(rows, r)
		}
	}
	if chains := len(f.ledger.allChains()); chains != len(rows) {
		t.Errorf("the simulator issued %d grants (one per connect), Berth has %d connections", chains, len(rows))
	}
	return rows
}

// openStore opens the fleet's store from the test process.
func (f *proofFleet) openStore() (store.Store, func()) {
	f.t.Helper()
	ctx := f.t.Context()
	if f.engine == "postgres" {
		db, err := postgres.Open(ctx, f.dsn)
		if err != nil {
			f.t.Fatal(err)
		}
		return db.Store, func() { db.Close() }
	}
	db, err := sqlite.Open(ctx, filepath.Join(f.dataDir, "berth.db"))
	if err != nil {
		f.t.Fatal(err)
	}
	return db.Store, func() { db.Close() }
}

// open returns an account's stored tokens, unsealed with the fleet's key, as only a test may.
func (f *proofFleet) open(ctx context.Context, st store.Store, orgID, id string) (access, refresh string) {
	f.t.Helper()
	creds, err := st.GetCredentials(ctx, store.GetCloudAccountParams{OrgID: orgID, ID: id})
	if err != nil {
		f.t.Fatalf("GetCredentials(%s) = %v", id, err)
	}
	a, err := f.sealer.Open(creds.AccessTokenSealed, secret.AAD{Table: "cloud_accounts", RowID: id, Field: "access_token"})
	if err != nil {
		f.t.Fatalf("open access token of %s: %v", id, err)
	}
	r, err := f.sealer.Open(creds.RefreshTokenSealed, secret.AAD{Table: "cloud_accounts", RowID: id, Field: "refresh_token"})
	if err != nil {
		f.t.Fatalf("open refresh token of %s: %v", id, err)
	}
	return string(a), string(r)
}

// simAccountStatus asks the simulator itself (not through the ledger) what /v2/account
// answers a token with.
func (f *proofFleet) simAccountStatus(token string) int {
	req := httptest.NewRequest(http.MethodGet, "/v2/account", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	f.sim.Server.ServeHTTP(rec, req)
	return rec.Code
}

// jobStates counts validate_account jobs by state, for diagnostics.
func (f *proofFleet) jobStates() string {
	var db *sql.DB
	ctx := f.t.Context()
	if f.engine == "postgres" {
		pg, err := postgres.Open(ctx, f.dsn)
		if err != nil {
			return err.Error()
		}
		defer pg.Close()
		db = pg.SQL
	} else {
		lite, err := sqlite.Open(ctx, filepath.Join(f.dataDir, "berth.db"))
		if err != nil {
			return err.Error()
		}
		defer lite.Close()
		db = lite.SQL
	}
	rows, err := db.QueryContext(ctx, `SELECT state, count(*) FROM river_job WHERE kind = 'validate_account' GROUP BY state ORDER BY state`)
	if err != nil {
		return err.Error()
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return err.Error()
		}
		out = append(out, fmt.Sprintf("%s %d", state, n))
	}
	return strings.Join(out, ", ")
}

// badChains describes the grants whose refreshes were not exactly one accepted and none
// refused, or (with atLeastRefused) those with at least that many refusals.
func (f *proofFleet) badChains(atLeastRefused int) string {
	var out []string
	for _, c := range f.ledger.allChains() {
		bad := c.accepted != 1 || c.rejected != 0
		if atLeastRefused > 0 {
			bad = c.rejected >= atLeastRefused
		}
		if bad {
			out = append(out, c.String())
		}
	}
	slices.Sort(out)
	if len(out) > 20 {
		out = append(out[:20], fmt.Sprintf("… and %d more", len(out)-20))
	}
	return strings.Join(out, "\n")
}

// allChainsSummary counts the ledger's chains by refreshes accepted.
func (l *grantLedger) allChainsSummary() string {
	counts := map[int]int{}
	for _, c := range l.allChains() {
		counts[c.accepted]++
	}
	return fmt.Sprintf("chains by accepted refreshes: %v", counts)
}

// phase logs a step of the proof with the time since the fleet was made.
func (f *proofFleet) phase(format string, args ...any) {
	f.t.Helper()
	f.t.Logf("%6.1fs "+format, append([]any{time.Since(f.born).Seconds()}, args...)...)
}

// fail stops the test with the ledger's and the simulator's view.
func (f *proofFleet) fail(format string, args ...any) {
	f.t.Helper()
	f.t.Fatalf(format+"\nsimulator grants: %+v; ledger: %+v", append(args, f.sim.TokenGrants(proofClientID), f.ledger.view())...)
}

func randomHex40(t *testing.T) string {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
