package storetest

import (
	"fmt"
	"testing"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/store"
)

var userTests = []test{
	{"Users/RoundTrip", testUserRoundTrip},
	{"Users/NotFound", testUserNotFound},
	{"Users/Conflict", testUserConflict},
	{"Users/Count", testUserCount},
}

func testUserRoundTrip(t *testing.T, s store.Store) {
	ctx := t.Context()
	created, err := s.CreateUser(ctx, store.CreateUserParams{
		ID: "u1", Email: "Ada.Lovelace@Example.COM", PasswordHash: "$argon2id$x", CreatedAt: t0,
	})
	must(t, "CreateUser", err)
	want := domain.User{ID: "u1", Email: "ada.lovelace@example.com", PasswordHash: "$argon2id$x",
		CreatedAt: stored(t0)}
	checkEqual(t, "CreateUser", created, want)
	checkUTC(t, "CreateUser", created.CreatedAt)

	got, err := s.GetUser(ctx, "u1")
	must(t, `GetUser("u1")`, err)
	checkEqual(t, `GetUser("u1")`, got, want)
	checkUTC(t, `GetUser("u1")`, got.CreatedAt)

	for _, email := range []string{"ada.lovelace@example.com", "ADA.LOVELACE@EXAMPLE.COM", "Ada.Lovelace@example.com"} {
		got, err := s.GetUserByEmail(ctx, email)
		call := fmt.Sprintf("GetUserByEmail(%q)", email)
		must(t, call, err)
		checkEqual(t, call, got, want)
	}
}

func testUserNotFound(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustUser(t, s, "u1")
	_, err := s.GetUser(ctx, "missing")
	checkErr(t, `GetUser("missing")`, err, domain.ErrNotFound)
	_, err = s.GetUserByEmail(ctx, "nobody@example.com")
	checkErr(t, `GetUserByEmail("nobody@example.com")`, err, domain.ErrNotFound)
}

func testUserConflict(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustUser(t, s, "u1")
	tests := []struct {
		name string
		p    store.CreateUserParams
	}{
		{"same email other case", store.CreateUserParams{ID: "u2", Email: "U1@EXAMPLE.com", CreatedAt: t0}},
		{"same id", store.CreateUserParams{ID: "u1", Email: "other@example.com", CreatedAt: t0}},
	}
	for _, tt := range tests {
		_, err := s.CreateUser(ctx, tt.p)
		checkErr(t, fmt.Sprintf("CreateUser(%s: %+v)", tt.name, tt.p), err, domain.ErrConflict)
	}
}

func testUserCount(t *testing.T, s store.Store) {
	ctx := t.Context()
	for want := range 3 {
		n, err := s.CountUsers(ctx)
		must(t, "CountUsers", err)
		if n != want {
			t.Fatalf("CountUsers() = %d, want %d", n, want)
		}
		mustUser(t, s, fmt.Sprintf("u%d", want))
	}
}
