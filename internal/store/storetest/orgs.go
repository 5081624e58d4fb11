package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/store"
)

var orgTests = []test{
	{"Orgs/RoundTrip", testOrgRoundTrip},
	{"Orgs/NotFound", testOrgNotFound},
	{"Orgs/NameConflict", testOrgNameConflict},
	{"Orgs/Membership", testMembership},
	{"Orgs/MembershipErrors", testMembershipErrors},
	{"Orgs/ListMembershipsByUser", testListMembershipsByUser},
}

func testOrgRoundTrip(t *testing.T, s store.Store) {
	ctx := t.Context()
	created, err := s.CreateOrg(ctx, store.CreateOrgParams{ID: "o1", Name: "Acme Corp", CreatedAt: t0})
	must(t, "CreateOrg", err)
	want := domain.Organization{ID: "o1", Name: "Acme Corp", CreatedAt: stored(t0)}
	checkEqual(t, "CreateOrg", created, want)

	got, err := s.GetOrg(ctx, "o1")
	must(t, `GetOrg("o1")`, err)
	checkEqual(t, `GetOrg("o1")`, got, want)
	checkUTC(t, `GetOrg("o1")`, got.CreatedAt)

	for _, name := range []string{"Acme Corp", "acme corp", "ACME CORP"} {
		got, err := s.GetOrgByName(ctx, name)
		call := fmt.Sprintf("GetOrgByName(%q)", name)
		must(t, call, err)
		checkEqual(t, call, got, want)
	}
}

func testOrgNotFound(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustOrg(t, s, "o1")
	_, err := s.GetOrg(ctx, "missing")
	checkErr(t, `GetOrg("missing")`, err, domain.ErrNotFound)
	_, err = s.GetOrgByName(ctx, "Org o2")
	checkErr(t, `GetOrgByName("Org o2")`, err, domain.ErrNotFound)
}

func testOrgNameConflict(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustOrg(t, s, "o1")
	for _, p := range []store.CreateOrgParams{
		{ID: "o2", Name: "ORG O1", CreatedAt: t0},
		{ID: "o1", Name: "Another", CreatedAt: t0},
	} {
		_, err := s.CreateOrg(ctx, p)
		checkErr(t, fmt.Sprintf("CreateOrg(%+v)", p), err, domain.ErrConflict)
	}
}

func testMembership(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustUser(t, s, "u1")
	mustOrg(t, s, "o1")
	p := store.AddMemberParams{OrgID: "o1", UserID: "u1", Role: domain.RoleAdmin, CreatedAt: t0}
	created, err := s.AddMember(ctx, p)
	must(t, "AddMember", err)
	want := domain.Membership{OrgID: "o1", UserID: "u1", Role: domain.RoleAdmin, CreatedAt: stored(t0)}
	checkEqual(t, "AddMember", created, want)

	got, err := s.GetMembership(ctx, store.GetMembershipParams{OrgID: "o1", UserID: "u1"})
	must(t, "GetMembership", err)
	checkEqual(t, "GetMembership", got, want)

	_, err = s.AddMember(ctx, store.AddMemberParams{OrgID: "o1", UserID: "u1", Role: domain.RoleMember, CreatedAt: t0})
	checkErr(t, "AddMember(again)", err, domain.ErrConflict)
}

func testMembershipErrors(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustUser(t, s, "u1")
	mustOrg(t, s, "o1")
	for _, p := range []store.AddMemberParams{
		{OrgID: "o1", UserID: "missing", Role: domain.RoleMember, CreatedAt: t0},
		{OrgID: "missing", UserID: "u1", Role: domain.RoleMember, CreatedAt: t0},
	} {
		_, err := s.AddMember(ctx, p)
		checkErr(t, fmt.Sprintf("AddMember(%+v)", p), err, domain.ErrNotFound)
	}
	_, err := s.GetMembership(ctx, store.GetMembershipParams{OrgID: "o1", UserID: "u1"})
	checkErr(t, "GetMembership(not a member)", err, domain.ErrNotFound)
}

func testListMembershipsByUser(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustUser(t, s, "u1")
	mustUser(t, s, "u2")
	offsets := map[string]time.Duration{"o1": 2 * time.Hour, "o2": 0, "o3": time.Hour}
	for _, id := range []string{"o1", "o2", "o3"} {
		mustOrg(t, s, id)
		_, err := s.AddMember(ctx, store.AddMemberParams{OrgID: id, UserID: "u1", Role: domain.RoleMember, CreatedAt: at(offsets[id])})
		must(t, "AddMember("+id+")", err)
	}
	_, err := s.AddMember(ctx, store.AddMemberParams{OrgID: "o1", UserID: "u2", Role: domain.RoleAdmin, CreatedAt: t0})
	must(t, "AddMember(o1, u2)", err)

	got, err := s.ListMembershipsByUser(ctx, "u1")
	must(t, `ListMembershipsByUser("u1")`, err)
	var orgs []string
	for _, m := range got {
		orgs = append(orgs, m.OrgID)
	}
	checkEqual(t, `ListMembershipsByUser("u1") orgs`, orgs, []string{"o2", "o3", "o1"})

	none, err := s.ListMembershipsByUser(ctx, "nobody")
	must(t, `ListMembershipsByUser("nobody")`, err)
	if len(none) != 0 {
		t.Errorf(`ListMembershipsByUser("nobody") = %+v, want none`, none)
	}
}
