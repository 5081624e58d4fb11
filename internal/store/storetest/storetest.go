// Package storetest is the conformance suite every store.Store implementation runs.
package storetest

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/store"
)

// Run runs the whole suite; open returns a fresh, migrated, empty store for one subtest.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	groups := [][]test{userTests, orgTests, sessionTests, apiKeyTests, oauthStateTests,
		cloudAccountTests, invitationTests, eventTests, webhookTests, txTests}
	for _, group := range groups {
		for _, tt := range group {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				tt.fn(t, open(t))
			})
		}
	}
}

// test is one subtest of the suite, run against a fresh store.
type test struct {
	name string
	fn   func(t *testing.T, s store.Store)
}

// t0 has nanoseconds and a non-UTC zone, so tests see stores normalize to UTC microseconds.
var t0 = time.Date(2025, 3, 4, 5, 6, 7, 123456789, time.FixedZone("UTC+2", 2*60*60))

// at is t0 plus d.
func at(d time.Duration) time.Time { return t0.Add(d) }

// ptr returns a pointer to t.
func ptr(t time.Time) *time.Time { return &t }

// stored is t as a store must return it: UTC, truncated to microseconds.
func stored(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// storedPtr is stored for a nullable time.
func storedPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	return ptr(stored(*t))
}

// checkErr fails unless err matches want (nil means success), quoting call.
func checkErr(t *testing.T, call string, err, want error) {
	t.Helper()
	if want == nil && err != nil || want != nil && !errors.Is(err, want) {
		t.Errorf("%s = %v, want %v", call, err, want)
	}
}

// must stops the test unless err is nil.
func must(t *testing.T, call string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s = %v, want success", call, err)
	}
}

// checkEqual fails unless got deeply equals want, quoting call.
func checkEqual[T any](t *testing.T, call string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s =\n  %+v\nwant\n  %+v", call, got, want)
	}
}

// checkUTC fails unless every time in ts is in UTC, the location stores return.
func checkUTC(t *testing.T, call string, ts ...time.Time) {
	t.Helper()
	for _, tm := range ts {
		if tm.Location() != time.UTC {
			t.Errorf("%s returned time %v in %v, want UTC", call, tm, tm.Location())
		}
	}
}

// mustUser creates user id with email id@example.com.
func mustUser(t *testing.T, s store.Store, id string) domain.User {
	t.Helper()
	u, err := s.CreateUser(t.Context(), store.CreateUserParams{
		ID: id, Email: id + "@example.com", PasswordHash: "hash-" + id, CreatedAt: t0,
	})
	must(t, "CreateUser("+id+")", err)
	return u
}

// mustOrg creates organization id named "Org id".
func mustOrg(t *testing.T, s store.Store, id string) domain.Organization {
	t.Helper()
	o, err := s.CreateOrg(t.Context(), store.CreateOrgParams{ID: id, Name: "Org " + id, CreatedAt: t0})
	must(t, "CreateOrg("+id+")", err)
	return o
}
