package service_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/provider/digitalocean"
	"github.com/berth-dev/berth/internal/secret"
	"github.com/berth-dev/berth/internal/service"
	"github.com/berth-dev/berth/internal/store"
	"github.com/berth-dev/berth/internal/store/postgres/pgtest"
	"github.com/berth-dev/berth/internal/store/sqlite"
	"github.com/berth-dev/berth/internal/testkit"
)

const (
	// benchConnections OAuth connections come due at once (1,000 with -short).
	benchConnections = 10000
	// benchTeams teams are connected by every organization, so there are
	// benchConnections/benchTeams organizations, each with benchTeams accounts.
	benchTeams = 100
	// benchWorkers refresh at once: what one `berth serve` runs (River's MaxWorkers).
	benchWorkers  = 10
	benchClientID = "berth-bench"
	benchRedirect = "https://berth.bench/oauth/digitalocean/callback"
)

// BenchmarkRefreshDue refreshes 10,000 OAuth connections that are all due, on each store:
// each iteration advances the clock 25 days (5 days before the 30-day tokens expire, inside
// the 7-day window), lists the due accounts as the scheduler does, and validates every one
// with benchWorkers at once, which refreshes it under its lock. It reports refreshes per
// second, store calls (each one query, or one statement batch) and transactions per refresh.
// The simulator runs in-process over loopback HTTP, without API validation, so the figures
// are Berth's and its store's cost, not DigitalOcean's latency.
//
//	go test ./internal/service -run '^$' -bench RefreshDue -benchtime 1x
func BenchmarkRefreshDue(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) { benchmarkRefreshDue(b, engine) })
	}
}

func benchmarkRefreshDue(b *testing.B, engine string) {
	n := benchConnections
	if testing.Short() {
		n = 1000
	}
	ctx := b.Context()
	clock := testkit.NewClock(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
	sim := dosim.New(dosim.Options{
		Now: clock.Now, RateLimitPerMinute: 1 << 30, RateLimitPerHour: 1 << 30,
		Clients: []dosim.Client{{ID: benchClientID, Secret: "bench-secret", RedirectURI: benchRedirect, Name: "Berth"}},
	})
	var accounts []string // consent values, team:user
	for i := range benchTeams {
		u := sim.AddUser(dosim.User{UUID: fmt.Sprintf("%040x", i+1), Name: fmt.Sprintf("Person %d", i), Email: fmt.Sprintf("person%d@example.com", i)})
		team := sim.AddTeam(dosim.Team{UUID: fmt.Sprintf("%040x", 1<<20+i), Name: fmt.Sprintf("Team %d", i)})
		if err := sim.AddMember(team.UUID, u.UUID); err != nil {
			b.Fatal(err)
		}
		accounts = append(accounts, team.UUID+":"+u.UUID)
	}
	ts := httptest.NewServer(sim)
	b.Cleanup(ts.Close)
	httpClient := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 4 * benchWorkers}}

	var st store.Store
	if engine == "postgres" {
		st = pgtest.NewDB(b).Store
	} else {
		db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "berth.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		if err := db.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		st = db.Store
	}
	counter := &storeCounter{calls: map[string]int{}}
	if missing := uncountedMethods(); len(missing) > 0 {
		b.Logf("store methods the counter does not see (not on the refresh path today): %s", strings.Join(missing, ", "))
	}
	key, err := secret.GenerateKey("b1")
	if err != nil {
		b.Fatal(err)
	}
	sealer, err := secret.NewSealer([]secret.Key{key})
	if err != nil {
		b.Fatal(err)
	}
	do := digitalocean.New(digitalocean.Options{
		OAuthURL: ts.URL, APIURL: ts.URL, ClientID: benchClientID, ClientSecret: "bench-secret",
		RedirectURL: benchRedirect, HTTPClient: httpClient,
	})
	svc := service.New(service.Deps{
		Store: countedStore{Store: st, c: counter}, Sealer: sealer, OAuth: do, Accounts: do,
		Logger: slog.New(slog.DiscardHandler), Now: clock.Now, OpenSignup: true,
	})

	setup := time.Now()
	admins := make([]service.Actor, n/benchTeams)
	parallel(b, len(admins), benchWorkers, func(i int) error {
		grant, err := svc.SignUp(ctx, service.SignUpParams{
			Email: fmt.Sprintf("admin%d@bench.example", i), Password: "a long enough password", OrganizationName: fmt.Sprintf("Bench %d", i),
		})
		admins[i] = grant.Actor
		return err
	})
	// Each organization's first connection first: two first connections of one organization
	// at once race to become its default, and on PostgreSQL the loser fails with a conflict.
	parallel(b, len(admins), benchWorkers, func(i int) error {
		return benchConnect(ctx, svc, ts.URL, admins[i], accounts[0])
	})
	parallel(b, n-len(admins), benchWorkers, func(i int) error {
		org, team := i/(benchTeams-1), 1+i%(benchTeams-1)
		return benchConnect(ctx, svc, ts.URL, admins[org], accounts[team])
	})
	if g := sim.TokenGrants(benchClientID); g.AuthorizationCode != n {
		b.Fatalf("after connecting: simulator grants %+v, want %d authorization codes", g, n)
	}
	b.Logf("%s: %d connections in %d organizations made in %s", engine, n, len(admins), time.Since(setup).Round(time.Millisecond))

	before := sim.TokenGrants(benchClientID)
	counter.reset()
	rounds := 0
	for b.Loop() {
		clock.Advance(25 * 24 * time.Hour)
		due, err := svc.DueAccounts(ctx, 2*n)
		if err != nil || len(due) != n {
			b.Fatalf("DueAccounts() = %d accounts, %v; want all %d", len(due), err, n)
		}
		parallel(b, len(due), benchWorkers, func(i int) error {
			got, err := svc.ValidateAccountAsSystem(ctx, due[i].OrgID, due[i].ID)
			if err == nil && (got.Status != domain.StatusActive || got.ExpiresAt == nil || !got.ExpiresAt.After(clock.Now().Add(29*24*time.Hour))) {
				err = fmt.Errorf("account %s after validation: %s, expires %v; want active and refreshed", due[i].ID, got.Status, got.ExpiresAt)
			}
			return err
		})
		rounds++
	}
	refreshes := rounds * n
	g := sim.TokenGrants(benchClientID)
	if got := g.RefreshToken - before.RefreshToken; got != refreshes || g.RefreshTokenRejected != 0 {
		b.Fatalf("the simulator accepted %d refreshes and refused %d, want %d and none", got, g.RefreshTokenRejected, refreshes)
	}
	calls, txs, byMethod := counter.snapshot()
	b.ReportMetric(float64(refreshes)/b.Elapsed().Seconds(), "refreshes/s")
	b.ReportMetric(float64(calls)/float64(refreshes), "queries/refresh")
	b.ReportMetric(float64(txs)/float64(refreshes), "tx/refresh")
	b.Logf("%s: %d refreshes in %d rounds; store calls per round: %s", engine, refreshes, rounds, byMethod)
}

// benchConnect runs the one-click connect for a consent value (team:user) as admin, posting
// the simulator's consent form directly.
func benchConnect(ctx context.Context, svc *service.Services, simURL string, admin service.Actor, account string) error {
	authURL, err := svc.StartOAuth(ctx, admin, service.StartOAuthParams{})
	if err != nil {
		return err
	}
	u, err := url.Parse(authURL)
	if err != nil {
		return err
	}
	form := u.Query()
	form.Set("decision", "authorize")
	form.Set("account", account)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.PostForm(simURL+"/v1/oauth/authorize", form)
	if err != nil {
		return err
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound {
		return fmt.Errorf("consent = %d to %q (%v), want a redirect with a code", resp.StatusCode, resp.Header.Get("Location"), err)
	}
	q := loc.Query()
	_, err = svc.CompleteOAuth(ctx, admin, service.OAuthCallback{State: q.Get("state"), Code: q.Get("code")})
	return err
}

// parallel runs fn(0..n-1) on workers goroutines and fails b with the first error.
func parallel(b *testing.B, n, workers int, fn func(i int) error) {
	b.Helper()
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
		next  = make(chan int)
	)
	for range workers {
		wg.Go(func() {
			for i := range next {
				if err := fn(i); err != nil {
					once.Do(func() { first = fmt.Errorf("item %d: %w", i, err) })
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	if first != nil {
		b.Fatal(first)
	}
}

// storeCounter counts store calls by method, and transactions.
type storeCounter struct {
	mu    sync.Mutex
	calls map[string]int
	txs   int
}

func (c *storeCounter) add(method string) {
	c.mu.Lock()
	c.calls[method]++
	c.mu.Unlock()
}

func (c *storeCounter) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls, c.txs = map[string]int{}, 0
}

// snapshot returns the calls (transactions not included), the transactions, and the calls by method.
func (c *storeCounter) snapshot() (calls, txs int, byMethod string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var parts []string
	for m, k := range c.calls {
		calls += k
		parts = append(parts, fmt.Sprintf("%s %d", m, k))
	}
	slices.Sort(parts)
	return calls, c.txs, strings.Join(append(parts, fmt.Sprintf("(InTx %d)", c.txs)), ", ")
}

// uncountedMethods lists the methods of store.Store that countedStore passes through without
// counting: it calls each on a countedStore over no store and sees whether it counted first.
func uncountedMethods() []string {
	c := &storeCounter{calls: map[string]int{}}
	v := reflect.ValueOf(countedStore{c: c})
	iface := reflect.TypeFor[store.Store]()
	var missing []string
	for i := range iface.NumMethod() {
		m := iface.Method(i)
		if m.Name == "InTx" {
			continue
		}
		fn := v.MethodByName(m.Name)
		args := make([]reflect.Value, fn.Type().NumIn())
		for k := range args {
			args[k] = reflect.Zero(fn.Type().In(k))
		}
		args[0] = reflect.ValueOf(context.Background())
		func() {
			defer func() { _ = recover() }() // the missing store panics once the call is counted
			fn.Call(args)
		}()
		if c.calls[m.Name] == 0 {
			missing = append(missing, m.Name)
		}
	}
	return missing
}

// countedStore is a store.Store that counts every call before passing it on. Methods it does
// not override pass through uncounted; uncountedMethods names them.
type countedStore struct {
	store.Store
	c *storeCounter
}

func (s countedStore) InTx(ctx context.Context, fn func(tx store.Store) error) error {
	s.c.mu.Lock()
	s.c.txs++
	s.c.mu.Unlock()
	return s.Store.InTx(ctx, func(tx store.Store) error { return fn(countedStore{Store: tx, c: s.c}) })
}

func (s countedStore) CreateUser(ctx context.Context, p store.CreateUserParams) (domain.User, error) {
	s.c.add("CreateUser")
	return s.Store.CreateUser(ctx, p)
}

func (s countedStore) GetUser(ctx context.Context, id string) (domain.User, error) {
	s.c.add("GetUser")
	return s.Store.GetUser(ctx, id)
}

func (s countedStore) GetUserByEmail(ctx context.Context, email string) (domain.User, error) {
	s.c.add("GetUserByEmail")
	return s.Store.GetUserByEmail(ctx, email)
}

func (s countedStore) CountUsers(ctx context.Context) (int, error) {
	s.c.add("CountUsers")
	return s.Store.CountUsers(ctx)
}

func (s countedStore) CreateOrg(ctx context.Context, p store.CreateOrgParams) (domain.Organization, error) {
	s.c.add("CreateOrg")
	return s.Store.CreateOrg(ctx, p)
}

func (s countedStore) GetOrg(ctx context.Context, id string) (domain.Organization, error) {
	s.c.add("GetOrg")
	return s.Store.GetOrg(ctx, id)
}

func (s countedStore) GetOrgByName(ctx context.Context, name string) (domain.Organization, error) {
	s.c.add("GetOrgByName")
	return s.Store.GetOrgByName(ctx, name)
}

func (s countedStore) AddMember(ctx context.Context, p store.AddMemberParams) (domain.Membership, error) {
	s.c.add("AddMember")
	return s.Store.AddMember(ctx, p)
}

func (s countedStore) GetMembership(ctx context.Context, p store.GetMembershipParams) (domain.Membership, error) {
	s.c.add("GetMembership")
	return s.Store.GetMembership(ctx, p)
}

func (s countedStore) CreateSession(ctx context.Context, p store.CreateSessionParams) (domain.Session, error) {
	s.c.add("CreateSession")
	return s.Store.CreateSession(ctx, p)
}

func (s countedStore) GetSession(ctx context.Context, p store.GetSessionParams) (domain.Session, error) {
	s.c.add("GetSession")
	return s.Store.GetSession(ctx, p)
}

func (s countedStore) CreateOAuthState(ctx context.Context, p domain.OAuthState) error {
	s.c.add("CreateOAuthState")
	return s.Store.CreateOAuthState(ctx, p)
}

func (s countedStore) ConsumeOAuthState(ctx context.Context, id string) (domain.OAuthState, error) {
	s.c.add("ConsumeOAuthState")
	return s.Store.ConsumeOAuthState(ctx, id)
}

func (s countedStore) CreateCloudAccount(ctx context.Context, p store.CreateCloudAccountParams) (domain.CloudAccount, error) {
	s.c.add("CreateCloudAccount")
	return s.Store.CreateCloudAccount(ctx, p)
}

func (s countedStore) GetCloudAccount(ctx context.Context, p store.GetCloudAccountParams) (domain.CloudAccount, error) {
	s.c.add("GetCloudAccount")
	return s.Store.GetCloudAccount(ctx, p)
}

func (s countedStore) FindCloudAccountByTeam(ctx context.Context, p store.FindCloudAccountByTeamParams) (domain.CloudAccount, error) {
	s.c.add("FindCloudAccountByTeam")
	return s.Store.FindCloudAccountByTeam(ctx, p)
}

func (s countedStore) ListCloudAccounts(ctx context.Context, orgID string) ([]domain.CloudAccount, error) {
	s.c.add("ListCloudAccounts")
	return s.Store.ListCloudAccounts(ctx, orgID)
}

func (s countedStore) UpdateCloudAccount(ctx context.Context, a domain.CloudAccount) (domain.CloudAccount, error) {
	s.c.add("UpdateCloudAccount")
	return s.Store.UpdateCloudAccount(ctx, a)
}

func (s countedStore) SetDefaultCloudAccount(ctx context.Context, p store.SetDefaultCloudAccountParams) error {
	s.c.add("SetDefaultCloudAccount")
	return s.Store.SetDefaultCloudAccount(ctx, p)
}

func (s countedStore) LockCloudAccount(ctx context.Context, p store.GetCloudAccountParams) (domain.CloudAccount, error) {
	s.c.add("LockCloudAccount")
	return s.Store.LockCloudAccount(ctx, p)
}

func (s countedStore) ListDueCloudAccounts(ctx context.Context, p store.ListDueCloudAccountsParams) ([]domain.CloudAccount, error) {
	s.c.add("ListDueCloudAccounts")
	return s.Store.ListDueCloudAccounts(ctx, p)
}

func (s countedStore) GetCredentials(ctx context.Context, p store.GetCloudAccountParams) (domain.Credentials, error) {
	s.c.add("GetCredentials")
	return s.Store.GetCredentials(ctx, p)
}

func (s countedStore) SaveCredentials(ctx context.Context, p store.SaveCredentialsParams) error {
	s.c.add("SaveCredentials")
	return s.Store.SaveCredentials(ctx, p)
}

func (s countedStore) DeleteCloudAccount(ctx context.Context, p store.GetCloudAccountParams) error {
	s.c.add("DeleteCloudAccount")
	return s.Store.DeleteCloudAccount(ctx, p)
}

func (s countedStore) CreateEvent(ctx context.Context, e domain.Event) error {
	s.c.add("CreateEvent")
	return s.Store.CreateEvent(ctx, e)
}

func (s countedStore) ListWebhooks(ctx context.Context, orgID string) ([]domain.Webhook, error) {
	s.c.add("ListWebhooks")
	return s.Store.ListWebhooks(ctx, orgID)
}

func (s countedStore) CreateDelivery(ctx context.Context, d domain.WebhookDelivery) error {
	s.c.add("CreateDelivery")
	return s.Store.CreateDelivery(ctx, d)
}
