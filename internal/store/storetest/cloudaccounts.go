package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/store"
)

var cloudAccountTests = []test{
	{"CloudAccounts/RoundTrip", testCloudAccountRoundTrip},
	{"CloudAccounts/List", testListCloudAccounts},
	{"CloudAccounts/Credentials", testCredentials},
	{"CloudAccounts/ScopedByOrg", testCloudAccountScopedByOrg},
	{"CloudAccounts/FindByTeam", testFindCloudAccountByTeam},
	{"CloudAccounts/TeamConflict", testCloudAccountTeamConflict},
	{"CloudAccounts/Update", testUpdateCloudAccount},
	{"CloudAccounts/SetDefault", testSetDefaultCloudAccount},
	{"CloudAccounts/Delete", testDeleteCloudAccount},
	{"CloudAccounts/UnknownOrg", testCloudAccountUnknownOrg},
	{"CloudAccounts/Lock", testLockCloudAccount},
	{"CloudAccounts/Due", testListDueCloudAccounts},
}

// fullAccount has every field set.
func fullAccount(org, id string) domain.CloudAccount {
	return domain.CloudAccount{
		ID: id, OrgID: org, Provider: domain.ProviderDigitalOcean, Name: "Production " + id,
		Status: domain.StatusActive, StatusMessage: "all good",
		Capabilities: []domain.Capability{domain.CapStorage, domain.CapCompute, domain.CapDNS},
		AccountEmail: "ops@example.com", TeamName: "Team " + id, TeamUUID: "team-" + id,
		AuthType: domain.AuthOAuth, Scopes: []string{"read", "write", "droplet:create"},
		IsDefault: true, ExpiresAt: ptr(at(time.Hour)), LastValidatedAt: ptr(at(time.Minute)), FailingSince: ptr(at(2 * time.Minute)),
		CreatedAt: t0, UpdatedAt: at(time.Second),
	}
}

// bareAccount has only the required fields: no team, no times, no capabilities or scopes.
func bareAccount(org, id string, d time.Duration) domain.CloudAccount {
	return domain.CloudAccount{
		ID: id, OrgID: org, Provider: domain.ProviderDigitalOcean, Name: "Token " + id,
		Status: domain.StatusError, Capabilities: []domain.Capability{}, AuthType: domain.AuthToken,
		Scopes: []string{}, CreatedAt: at(d), UpdatedAt: at(d),
	}
}

func fullCredentials() domain.Credentials {
	return domain.Credentials{AccessTokenSealed: []byte{1, 2, 3, 0, 255}, RefreshTokenSealed: []byte("refresh"),
		ExpiresAt: ptr(at(time.Hour))}
}

// storedAccount is a as a store returns it.
func storedAccount(a domain.CloudAccount) domain.CloudAccount {
	a.ExpiresAt, a.LastValidatedAt, a.FailingSince = storedPtr(a.ExpiresAt), storedPtr(a.LastValidatedAt), storedPtr(a.FailingSince)
	a.CreatedAt, a.UpdatedAt = stored(a.CreatedAt), stored(a.UpdatedAt)
	if a.Capabilities == nil {
		a.Capabilities = []domain.Capability{}
	}
	if a.Scopes == nil {
		a.Scopes = []string{}
	}
	return a
}

// mustAccount creates a; credentials without an expiry take the account's, which the store
// keeps in one place.
func mustAccount(t *testing.T, s store.Store, a domain.CloudAccount, c domain.Credentials) domain.CloudAccount {
	t.Helper()
	if c.ExpiresAt == nil {
		c.ExpiresAt = a.ExpiresAt
	}
	got, err := s.CreateCloudAccount(t.Context(), store.CreateCloudAccountParams{Account: a, Credentials: c})
	must(t, "CreateCloudAccount("+a.ID+")", err)
	return got
}

func getAccount(t *testing.T, s store.Store, org, id string) domain.CloudAccount {
	t.Helper()
	a, err := s.GetCloudAccount(t.Context(), store.GetCloudAccountParams{OrgID: org, ID: id})
	must(t, fmt.Sprintf("GetCloudAccount(%s, %s)", org, id), err)
	return a
}

func testCloudAccountRoundTrip(t *testing.T, s store.Store) {
	mustOrg(t, s, "o1")
	nilSlices := bareAccount("o1", "a3", 0)
	nilSlices.Capabilities, nilSlices.Scopes = nil, nil
	for _, a := range []domain.CloudAccount{fullAccount("o1", "a1"), bareAccount("o1", "a2", 0), nilSlices} {
		want := storedAccount(a)
		created := mustAccount(t, s, a, domain.Credentials{})
		checkEqual(t, "CreateCloudAccount("+a.ID+")", created, want)
		got := getAccount(t, s, "o1", a.ID)
		checkEqual(t, "GetCloudAccount("+a.ID+")", got, want)
		checkUTC(t, "GetCloudAccount("+a.ID+")", got.CreatedAt, got.UpdatedAt)
	}
}

func testListCloudAccounts(t *testing.T, s store.Store) {
	mustOrg(t, s, "o1")
	mustOrg(t, s, "o2")
	mustAccount(t, s, bareAccount("o1", "a1", 2*time.Hour), domain.Credentials{})
	mustAccount(t, s, fullAccount("o1", "a2"), domain.Credentials{}) // created at t0
	mustAccount(t, s, bareAccount("o1", "a3", time.Hour), domain.Credentials{})
	mustAccount(t, s, bareAccount("o2", "a4", 0), domain.Credentials{})

	got, err := s.ListCloudAccounts(t.Context(), "o1")
	must(t, `ListCloudAccounts("o1")`, err)
	want := []domain.CloudAccount{storedAccount(fullAccount("o1", "a2")),
		storedAccount(bareAccount("o1", "a3", time.Hour)), storedAccount(bareAccount("o1", "a1", 2*time.Hour))}
	checkEqual(t, `ListCloudAccounts("o1")`, got, want)

	none, err := s.ListCloudAccounts(t.Context(), "o3")
	if err != nil || len(none) != 0 {
		t.Errorf(`ListCloudAccounts("o3") = %+v, %v, want none`, none, err)
	}
}

func testCredentials(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustOrg(t, s, "o1")
	mustAccount(t, s, fullAccount("o1", "a1"), fullCredentials())
	id := store.GetCloudAccountParams{OrgID: "o1", ID: "a1"}
	got, err := s.GetCredentials(ctx, id)
	must(t, "GetCredentials", err)
	want := fullCredentials()
	want.ExpiresAt = storedPtr(want.ExpiresAt)
	checkEqual(t, "GetCredentials", got, want)

	tokenOnly := domain.Credentials{AccessTokenSealed: []byte("token")}
	must(t, "SaveCredentials", s.SaveCredentials(ctx, store.SaveCredentialsParams{
		OrgID: "o1", ID: "a1", Credentials: tokenOnly, At: at(time.Hour)}))
	got, err = s.GetCredentials(ctx, id)
	must(t, "GetCredentials after SaveCredentials", err)
	checkEqual(t, "GetCredentials after SaveCredentials", got, tokenOnly)
	a := getAccount(t, s, "o1", "a1")
	if !a.UpdatedAt.Equal(at(time.Hour).Truncate(time.Microsecond)) {
		t.Errorf("UpdatedAt after SaveCredentials(At: t0+1h) = %v, want %v", a.UpdatedAt, stored(at(time.Hour)))
	}
	if a.ExpiresAt != nil {
		t.Errorf("account ExpiresAt after SaveCredentials(no expiry) = %v, want nil: it is the credentials' expiry", a.ExpiresAt)
	}
	refreshed := fullCredentials()
	refreshed.ExpiresAt = ptr(at(48 * time.Hour))
	must(t, "SaveCredentials", s.SaveCredentials(ctx, store.SaveCredentialsParams{OrgID: "o1", ID: "a1", Credentials: refreshed, At: at(2 * time.Hour)}))
	if a := getAccount(t, s, "o1", "a1"); a.ExpiresAt == nil || !a.ExpiresAt.Equal(stored(at(48*time.Hour))) {
		t.Errorf("account ExpiresAt after SaveCredentials = %v, want %v", a.ExpiresAt, stored(at(48*time.Hour)))
	}
}

func testCloudAccountScopedByOrg(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustOrg(t, s, "o1")
	mustOrg(t, s, "o2")
	want := mustAccount(t, s, fullAccount("o1", "a1"), fullCredentials())
	other := store.GetCloudAccountParams{OrgID: "o2", ID: "a1"}

	_, err := s.GetCloudAccount(ctx, other)
	checkErr(t, "GetCloudAccount(o2, a1)", err, domain.ErrNotFound)
	moved := fullAccount("o2", "a1")
	moved.Name = "stolen"
	_, err = s.UpdateCloudAccount(ctx, moved)
	checkErr(t, "UpdateCloudAccount(o2, a1)", err, domain.ErrNotFound)
	_, err = s.GetCredentials(ctx, other)
	checkErr(t, "GetCredentials(o2, a1)", err, domain.ErrNotFound)
	err = s.SaveCredentials(ctx, store.SaveCredentialsParams{OrgID: "o2", ID: "a1", At: t0})
	checkErr(t, "SaveCredentials(o2, a1)", err, domain.ErrNotFound)
	err = s.SetDefaultCloudAccount(ctx, store.SetDefaultCloudAccountParams{OrgID: "o2", ID: "a1", IsDefault: true, At: t0})
	checkErr(t, "SetDefaultCloudAccount(o2, a1, true)", err, domain.ErrNotFound)
	err = s.SetDefaultCloudAccount(ctx, store.SetDefaultCloudAccountParams{OrgID: "o2", ID: "a1", IsDefault: false, At: t0})
	checkErr(t, "SetDefaultCloudAccount(o2, a1, false)", err, domain.ErrNotFound)
	checkErr(t, "DeleteCloudAccount(o2, a1)", s.DeleteCloudAccount(ctx, other), domain.ErrNotFound)

	checkEqual(t, "GetCloudAccount(o1, a1) after other org's calls", getAccount(t, s, "o1", "a1"), want)
	creds, err := s.GetCredentials(ctx, store.GetCloudAccountParams{OrgID: "o1", ID: "a1"})
	if err != nil || string(creds.AccessTokenSealed) != string(fullCredentials().AccessTokenSealed) {
		t.Errorf("GetCredentials(o1, a1) after other org's calls = %+v, %v, want unchanged", creds, err)
	}
}

func testFindCloudAccountByTeam(t *testing.T, s store.Store) {
	mustOrg(t, s, "o1")
	mustOrg(t, s, "o2")
	want := mustAccount(t, s, fullAccount("o1", "a1"), domain.Credentials{})
	mustAccount(t, s, bareAccount("o1", "a2", 0), domain.Credentials{})
	tests := []struct {
		p    store.FindCloudAccountByTeamParams
		want error
	}{
		{store.FindCloudAccountByTeamParams{OrgID: "o1", Provider: domain.ProviderDigitalOcean, TeamUUID: "team-a1"}, nil},
		{store.FindCloudAccountByTeamParams{OrgID: "o2", Provider: domain.ProviderDigitalOcean, TeamUUID: "team-a1"}, domain.ErrNotFound},
		{store.FindCloudAccountByTeamParams{OrgID: "o1", Provider: "other", TeamUUID: "team-a1"}, domain.ErrNotFound},
		{store.FindCloudAccountByTeamParams{OrgID: "o1", Provider: domain.ProviderDigitalOcean, TeamUUID: "team-x"}, domain.ErrNotFound},
		{store.FindCloudAccountByTeamParams{OrgID: "o1", Provider: domain.ProviderDigitalOcean, TeamUUID: ""}, domain.ErrNotFound},
	}
	for _, tt := range tests {
		got, err := s.FindCloudAccountByTeam(t.Context(), tt.p)
		call := fmt.Sprintf("FindCloudAccountByTeam(%+v)", tt.p)
		checkErr(t, call, err, tt.want)
		if err == nil {
			checkEqual(t, call, got, want)
		}
	}
}

func testCloudAccountTeamConflict(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustOrg(t, s, "o1")
	mustOrg(t, s, "o2")
	first := fullAccount("o1", "a1")
	first.IsDefault = false
	mustAccount(t, s, first, domain.Credentials{})

	sameTeam := bareAccount("o1", "a2", 0)
	sameTeam.TeamUUID = first.TeamUUID
	_, err := s.CreateCloudAccount(ctx, store.CreateCloudAccountParams{Account: sameTeam})
	checkErr(t, "CreateCloudAccount(same org, provider and team)", err, domain.ErrConflict)

	otherOrg := sameTeam
	otherOrg.OrgID = "o2"
	mustAccount(t, s, otherOrg, domain.Credentials{})
	mustAccount(t, s, bareAccount("o1", "a3", 0), domain.Credentials{})
	mustAccount(t, s, bareAccount("o1", "a4", 0), domain.Credentials{}) // two accounts without a team

	steal := getAccount(t, s, "o1", "a3")
	steal.TeamUUID = first.TeamUUID
	_, err = s.UpdateCloudAccount(ctx, steal)
	checkErr(t, "UpdateCloudAccount(a3 to a1's team)", err, domain.ErrConflict)

	_, err = s.CreateCloudAccount(ctx, store.CreateCloudAccountParams{Account: bareAccount("o1", "a1", 0)})
	checkErr(t, "CreateCloudAccount(same id)", err, domain.ErrConflict)
}

func testUpdateCloudAccount(t *testing.T, s store.Store) {
	mustOrg(t, s, "o1")
	before := mustAccount(t, s, bareAccount("o1", "a1", 0), domain.Credentials{})
	update := fullAccount("o1", "a1")
	update.CreatedAt = at(-time.Hour) // ignored: CreatedAt never changes
	update.IsDefault = true           // ignored: only SetDefaultCloudAccount changes it
	update.UpdatedAt = at(time.Hour)  // ExpiresAt is ignored too: only SaveCredentials changes it
	got, err := s.UpdateCloudAccount(t.Context(), update)
	must(t, "UpdateCloudAccount", err)
	want := storedAccount(update)
	want.CreatedAt, want.IsDefault, want.ExpiresAt = before.CreatedAt, false, nil
	checkEqual(t, "UpdateCloudAccount", got, want)
	checkEqual(t, "GetCloudAccount after UpdateCloudAccount", getAccount(t, s, "o1", "a1"), want)

	cleared := bareAccount("o1", "a1", 0)
	cleared.UpdatedAt = at(2 * time.Hour)
	got, err = s.UpdateCloudAccount(t.Context(), cleared)
	must(t, "UpdateCloudAccount(clear fields)", err)
	checkEqual(t, "UpdateCloudAccount(clear fields)", got, storedAccount(cleared))

	_, err = s.UpdateCloudAccount(t.Context(), bareAccount("o1", "missing", 0))
	checkErr(t, "UpdateCloudAccount(missing)", err, domain.ErrNotFound)
}

// defaults returns the ids of org's default accounts.
func defaults(t *testing.T, s store.Store, org string) []string {
	t.Helper()
	accounts, err := s.ListCloudAccounts(t.Context(), org)
	must(t, "ListCloudAccounts("+org+")", err)
	ids := []string{}
	for _, a := range accounts {
		if a.IsDefault {
			ids = append(ids, a.ID)
		}
	}
	return ids
}

func testSetDefaultCloudAccount(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustOrg(t, s, "o1")
	mustOrg(t, s, "o2")
	first := bareAccount("o1", "a1", 0)
	first.IsDefault = true
	mustAccount(t, s, first, domain.Credentials{})
	mustAccount(t, s, bareAccount("o1", "a2", time.Second), domain.Credentials{})
	otherProvider := bareAccount("o1", "a3", 2*time.Second)
	otherProvider.Provider, otherProvider.IsDefault = "other", true
	mustAccount(t, s, otherProvider, domain.Credentials{})
	otherOrg := bareAccount("o2", "a4", 0)
	otherOrg.IsDefault = true
	mustAccount(t, s, otherOrg, domain.Credentials{})

	second := bareAccount("o1", "a5", 0)
	second.IsDefault = true
	_, err := s.CreateCloudAccount(ctx, store.CreateCloudAccountParams{Account: second})
	checkErr(t, "CreateCloudAccount(second default)", err, domain.ErrConflict)

	steps := []struct {
		p    store.SetDefaultCloudAccountParams
		want []string // o1's defaults afterwards
	}{
		{store.SetDefaultCloudAccountParams{OrgID: "o1", ID: "a2", IsDefault: true, At: at(time.Hour)}, []string{"a2", "a3"}},
		{store.SetDefaultCloudAccountParams{OrgID: "o1", ID: "a2", IsDefault: true, At: at(time.Hour)}, []string{"a2", "a3"}},
		{store.SetDefaultCloudAccountParams{OrgID: "o1", ID: "a1", IsDefault: true, At: at(time.Hour)}, []string{"a1", "a3"}},
		{store.SetDefaultCloudAccountParams{OrgID: "o1", ID: "a1", IsDefault: false, At: at(time.Hour)}, []string{"a3"}},
	}
	for _, step := range steps {
		must(t, fmt.Sprintf("SetDefaultCloudAccount(%+v)", step.p), s.SetDefaultCloudAccount(ctx, step.p))
		checkEqual(t, fmt.Sprintf("defaults after SetDefaultCloudAccount(%+v)", step.p), defaults(t, s, "o1"), step.want)
	}
	checkEqual(t, "o2's defaults", defaults(t, s, "o2"), []string{"a4"})
	if a := getAccount(t, s, "o1", "a2"); !a.UpdatedAt.Equal(at(time.Hour).Truncate(time.Microsecond)) {
		t.Errorf("a2.UpdatedAt after being cleared at t0+1h = %v, want %v", a.UpdatedAt, stored(at(time.Hour)))
	}
	err = s.SetDefaultCloudAccount(ctx, store.SetDefaultCloudAccountParams{OrgID: "o1", ID: "missing", IsDefault: true, At: t0})
	checkErr(t, "SetDefaultCloudAccount(missing)", err, domain.ErrNotFound)
	checkEqual(t, "defaults after SetDefaultCloudAccount(missing)", defaults(t, s, "o1"), []string{"a3"})
}

func testDeleteCloudAccount(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustOrg(t, s, "o1")
	mustAccount(t, s, fullAccount("o1", "a1"), fullCredentials())
	mustAccount(t, s, bareAccount("o1", "a2", 0), fullCredentials())
	id := store.GetCloudAccountParams{OrgID: "o1", ID: "a1"}
	must(t, "DeleteCloudAccount(a1)", s.DeleteCloudAccount(ctx, id))
	_, err := s.GetCloudAccount(ctx, id)
	checkErr(t, "GetCloudAccount(deleted)", err, domain.ErrNotFound)
	_, err = s.GetCredentials(ctx, id)
	checkErr(t, "GetCredentials(deleted)", err, domain.ErrNotFound)
	checkErr(t, "DeleteCloudAccount(deleted)", s.DeleteCloudAccount(ctx, id), domain.ErrNotFound)
	getAccount(t, s, "o1", "a2")

	// The team and the default are free again.
	mustAccount(t, s, fullAccount("o1", "a1"), domain.Credentials{})
}

func testCloudAccountUnknownOrg(t *testing.T, s store.Store) {
	_, err := s.CreateCloudAccount(t.Context(), store.CreateCloudAccountParams{Account: bareAccount("missing", "a1", 0)})
	checkErr(t, "CreateCloudAccount(unknown org)", err, domain.ErrNotFound)
}
