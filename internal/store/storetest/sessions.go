package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/store"
)

var sessionTests = []test{
	{"Sessions/RoundTrip", testSessionRoundTrip},
	{"Sessions/Expiry", testSessionExpiry},
	{"Sessions/Delete", testSessionDelete},
	{"Sessions/DeleteExpired", testDeleteExpiredSessions},
	{"Sessions/UnknownUserOrOrg", testSessionUnknownRefs},
}

// mustSession creates session id for u1 in o1, which must exist, expiring at expires.
func mustSession(t *testing.T, s store.Store, id string, expires time.Time) domain.Session {
	t.Helper()
	ss, err := s.CreateSession(t.Context(), store.CreateSessionParams{
		ID: id, UserID: "u1", OrgID: "o1", CreatedAt: t0, ExpiresAt: expires,
	})
	must(t, "CreateSession("+id+")", err)
	return ss
}

func testSessionRoundTrip(t *testing.T, s store.Store) {
	mustUser(t, s, "u1")
	mustOrg(t, s, "o1")
	created := mustSession(t, s, "s1", at(time.Hour))
	want := domain.Session{ID: "s1", UserID: "u1", OrgID: "o1", CreatedAt: stored(t0), ExpiresAt: stored(at(time.Hour))}
	checkEqual(t, "CreateSession", created, want)

	got, err := s.GetSession(t.Context(), store.GetSessionParams{ID: "s1", Now: at(time.Minute)})
	must(t, "GetSession", err)
	checkEqual(t, "GetSession", got, want)
	checkUTC(t, "GetSession", got.CreatedAt, got.ExpiresAt)
}

func testSessionExpiry(t *testing.T, s store.Store) {
	mustUser(t, s, "u1")
	mustOrg(t, s, "o1")
	mustSession(t, s, "s1", at(time.Hour))
	tests := []struct {
		now  time.Time
		want error
	}{
		{at(time.Hour - time.Microsecond), nil},
		{at(time.Hour), domain.ErrNotFound},
		{at(2 * time.Hour), domain.ErrNotFound},
	}
	for _, tt := range tests {
		_, err := s.GetSession(t.Context(), store.GetSessionParams{ID: "s1", Now: tt.now})
		checkErr(t, fmt.Sprintf("GetSession(s1, now=expiry%+v)", tt.now.Sub(at(time.Hour))), err, tt.want)
	}
	_, err := s.GetSession(t.Context(), store.GetSessionParams{ID: "missing", Now: t0})
	checkErr(t, "GetSession(missing)", err, domain.ErrNotFound)
}

func testSessionDelete(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustUser(t, s, "u1")
	mustOrg(t, s, "o1")
	mustSession(t, s, "s1", at(time.Hour))
	mustSession(t, s, "s2", at(time.Hour))
	must(t, `DeleteSession("s1")`, s.DeleteSession(ctx, "s1"))
	_, err := s.GetSession(ctx, store.GetSessionParams{ID: "s1", Now: t0})
	checkErr(t, "GetSession(deleted)", err, domain.ErrNotFound)
	_, err = s.GetSession(ctx, store.GetSessionParams{ID: "s2", Now: t0})
	checkErr(t, "GetSession(other)", err, nil)
	checkErr(t, `DeleteSession("s1") again`, s.DeleteSession(ctx, "s1"), nil)
}

func testDeleteExpiredSessions(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustUser(t, s, "u1")
	mustOrg(t, s, "o1")
	for i := 1; i <= 3; i++ {
		mustSession(t, s, fmt.Sprintf("s%d", i), at(time.Duration(i)*time.Hour))
	}
	n, err := s.DeleteExpiredSessions(ctx, at(2*time.Hour))
	if err != nil || n != 2 {
		t.Errorf("DeleteExpiredSessions(t0+2h) = %d, %v, want 2, nil", n, err)
	}
	_, err = s.GetSession(ctx, store.GetSessionParams{ID: "s3", Now: t0})
	checkErr(t, "GetSession(s3) after purge", err, nil)
	for _, id := range []string{"s1", "s2"} {
		_, err := s.GetSession(ctx, store.GetSessionParams{ID: id, Now: t0})
		checkErr(t, "GetSession("+id+") after purge, before its expiry", err, domain.ErrNotFound)
	}
	n, err = s.DeleteExpiredSessions(ctx, at(2*time.Hour))
	if err != nil || n != 0 {
		t.Errorf("DeleteExpiredSessions(t0+2h) again = %d, %v, want 0, nil", n, err)
	}
}

func testSessionUnknownRefs(t *testing.T, s store.Store) {
	mustUser(t, s, "u1")
	mustOrg(t, s, "o1")
	for _, p := range []store.CreateSessionParams{
		{ID: "s1", UserID: "missing", OrgID: "o1", CreatedAt: t0, ExpiresAt: at(time.Hour)},
		{ID: "s2", UserID: "u1", OrgID: "missing", CreatedAt: t0, ExpiresAt: at(time.Hour)},
	} {
		_, err := s.CreateSession(t.Context(), p)
		checkErr(t, fmt.Sprintf("CreateSession(%+v)", p), err, domain.ErrNotFound)
	}
	mustSession(t, s, "s3", at(time.Hour))
	_, err := s.CreateSession(t.Context(), store.CreateSessionParams{ID: "s3", UserID: "u1", OrgID: "o1", CreatedAt: t0, ExpiresAt: at(time.Hour)})
	checkErr(t, "CreateSession(s3 again)", err, domain.ErrConflict)
}
