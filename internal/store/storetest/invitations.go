package storetest

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/store"
)

var invitationTests = []test{
	{"Invitations/RoundTrip", testInvitationRoundTrip},
	{"Invitations/AcceptOnce", testAcceptInvitationOnce},
	{"Invitations/Pending", testPendingInvitations},
	{"Orgs/ListMembers", testListMembers},
	{"ConnectLinks/UseOnce", testConnectLinkUseOnce},
}

func testConnectLinkUseOnce(t *testing.T, s store.Store) {
	mustOrg(t, s, "o1")
	l := domain.ConnectLink{ID: "l1", OrgID: "o1", CreatedBy: "u1", AccountID: "a1", CreatedAt: t0, ExpiresAt: at(time.Hour)}
	must(t, "CreateConnectLink", s.CreateConnectLink(t.Context(), l))
	got, err := s.GetConnectLink(t.Context(), "l1")
	must(t, "GetConnectLink", err)
	l.CreatedAt, l.ExpiresAt = stored(l.CreatedAt), stored(l.ExpiresAt)
	checkEqual(t, "GetConnectLink", got, l)
	must(t, "UseConnectLink", s.UseConnectLink(t.Context(), store.UseConnectLinkParams{ID: "l1", At: at(time.Minute)}))
	checkErr(t, "UseConnectLink(again)", s.UseConnectLink(t.Context(), store.UseConnectLinkParams{ID: "l1", At: at(time.Minute)}), domain.ErrNotFound)
	_, err = s.GetConnectLink(t.Context(), "nope")
	checkErr(t, "GetConnectLink(unknown)", err, domain.ErrNotFound)
}

func invitation(id, org string, created, expires time.Duration) domain.Invitation {
	return domain.Invitation{ID: id, OrgID: org, Email: "New.Person@Example.com", Role: domain.RoleMember,
		InvitedBy: "u1", CreatedAt: at(created), ExpiresAt: at(expires)}
}

func testInvitationRoundTrip(t *testing.T, s store.Store) {
	mustOrg(t, s, "o1")
	must(t, "CreateInvitation", s.CreateInvitation(t.Context(), invitation("i1", "o1", 0, time.Hour)))
	got, err := s.GetInvitation(t.Context(), "i1")
	must(t, "GetInvitation", err)
	want := invitation("i1", "o1", 0, time.Hour)
	want.Email, want.CreatedAt, want.ExpiresAt = "new.person@example.com", stored(want.CreatedAt), stored(want.ExpiresAt)
	checkEqual(t, "GetInvitation", got, want)
	_, err = s.GetInvitation(t.Context(), "nope")
	checkErr(t, "GetInvitation(unknown)", err, domain.ErrNotFound)
	checkErr(t, "CreateInvitation(same id)", s.CreateInvitation(t.Context(), invitation("i1", "o1", 0, time.Hour)), domain.ErrConflict)
	checkErr(t, "CreateInvitation(unknown org)", s.CreateInvitation(t.Context(), invitation("i2", "o9", 0, time.Hour)), domain.ErrNotFound)
}

func testAcceptInvitationOnce(t *testing.T, s store.Store) {
	mustOrg(t, s, "o1")
	must(t, "CreateInvitation", s.CreateInvitation(t.Context(), invitation("i1", "o1", 0, time.Hour)))
	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if s.AcceptInvitation(t.Context(), store.AcceptInvitationParams{ID: "i1", At: at(time.Minute)}) == nil {
				wins.Add(1)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Errorf("8 concurrent AcceptInvitation calls: %d succeeded, want exactly 1", wins.Load())
	}
	got, _ := s.GetInvitation(t.Context(), "i1")
	if got.AcceptedAt == nil || !got.AcceptedAt.Equal(stored(at(time.Minute))) {
		t.Errorf("AcceptedAt = %v, want %v", got.AcceptedAt, stored(at(time.Minute)))
	}
}

func testPendingInvitations(t *testing.T, s store.Store) {
	mustOrg(t, s, "o1")
	mustOrg(t, s, "o2")
	for _, inv := range []domain.Invitation{
		invitation("old", "o1", 0, 2*time.Hour), invitation("new", "o1", time.Minute, 2*time.Hour),
		invitation("expired", "o1", 0, time.Minute), invitation("used", "o1", 0, 2*time.Hour),
		invitation("other", "o2", 0, 2*time.Hour),
	} {
		must(t, "CreateInvitation("+inv.ID+")", s.CreateInvitation(t.Context(), inv))
	}
	must(t, "AcceptInvitation", s.AcceptInvitation(t.Context(), store.AcceptInvitationParams{ID: "used", At: at(time.Minute)}))
	got, err := s.ListPendingInvitations(t.Context(), store.ListPendingInvitationsParams{OrgID: "o1", Now: at(time.Hour)})
	must(t, "ListPendingInvitations", err)
	var ids []string
	for _, inv := range got {
		ids = append(ids, inv.ID)
	}
	checkEqual(t, "ListPendingInvitations ids", ids, []string{"new", "old"})
}

func testListMembers(t *testing.T, s store.Store) {
	mustOrg(t, s, "o1")
	mustUser(t, s, "u1")
	mustUser(t, s, "u2")
	for i, u := range []string{"u2", "u1"} {
		_, err := s.AddMember(t.Context(), store.AddMemberParams{OrgID: "o1", UserID: u, Role: domain.RoleMember, CreatedAt: at(time.Duration(i) * time.Minute)})
		must(t, "AddMember("+u+")", err)
	}
	got, err := s.ListMembers(t.Context(), "o1")
	must(t, "ListMembers", err)
	if len(got) != 2 || got[0].UserID != "u2" || got[1].UserID != "u1" || got[0].Email == "" {
		t.Errorf("ListMembers = %+v, want u2 then u1 with emails", got)
	}
}
