package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/store"
)

var apiKeyTests = []test{
	{"APIKeys/RoundTrip", testAPIKeyRoundTrip},
	{"APIKeys/List", testListAPIKeys},
	{"APIKeys/Revoke", testRevokeAPIKey},
	{"APIKeys/Touch", testTouchAPIKey},
	{"APIKeys/Conflict", testAPIKeyConflict},
}

// mustAPIKey creates key id in org, created d after t0, with hash "hash-"+id.
func mustAPIKey(t *testing.T, s store.Store, org, id string, d time.Duration) domain.APIKey {
	t.Helper()
	k, err := s.CreateAPIKey(t.Context(), store.CreateAPIKeyParams{
		ID: id, OrgID: org, Name: "key " + id, Prefix: "bk_" + id, Hash: "hash-" + id,
		CreatedBy: "u1", CreatedAt: at(d),
	})
	must(t, "CreateAPIKey("+id+")", err)
	return k
}

func testAPIKeyRoundTrip(t *testing.T, s store.Store) {
	mustOrg(t, s, "o1")
	created := mustAPIKey(t, s, "o1", "k1", 0)
	want := domain.APIKey{ID: "k1", OrgID: "o1", Name: "key k1", Prefix: "bk_k1", Hash: "hash-k1",
		CreatedBy: "u1", CreatedAt: stored(t0)}
	checkEqual(t, "CreateAPIKey", created, want)

	got, err := s.GetAPIKeyByHash(t.Context(), "hash-k1")
	must(t, `GetAPIKeyByHash("hash-k1")`, err)
	checkEqual(t, `GetAPIKeyByHash("hash-k1")`, got, want)
	_, err = s.GetAPIKeyByHash(t.Context(), "hash-missing")
	checkErr(t, `GetAPIKeyByHash("hash-missing")`, err, domain.ErrNotFound)
}

func testListAPIKeys(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustOrg(t, s, "o1")
	mustOrg(t, s, "o2")
	mustAPIKey(t, s, "o1", "k1", time.Hour)
	mustAPIKey(t, s, "o1", "k2", 3*time.Hour)
	mustAPIKey(t, s, "o1", "k3", 2*time.Hour)
	mustAPIKey(t, s, "o2", "k4", 0)
	must(t, "RevokeAPIKey(k2)", s.RevokeAPIKey(ctx, store.RevokeAPIKeyParams{OrgID: "o1", ID: "k2", At: at(4 * time.Hour)}))

	keys, err := s.ListAPIKeys(ctx, "o1")
	must(t, `ListAPIKeys("o1")`, err)
	var ids []string
	for _, k := range keys {
		ids = append(ids, k.ID)
	}
	checkEqual(t, `ListAPIKeys("o1") ids`, ids, []string{"k2", "k3", "k1"})
	if len(keys) > 0 {
		checkEqual(t, `ListAPIKeys("o1")[0].RevokedAt`, keys[0].RevokedAt, ptr(stored(at(4*time.Hour))))
	}

	none, err := s.ListAPIKeys(ctx, "o3")
	if err != nil || len(none) != 0 {
		t.Errorf(`ListAPIKeys("o3") = %+v, %v, want none`, none, err)
	}
}

func testRevokeAPIKey(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustOrg(t, s, "o1")
	mustOrg(t, s, "o2")
	mustAPIKey(t, s, "o1", "k1", 0)
	mustAPIKey(t, s, "o1", "k2", 0)
	tests := []struct {
		p    store.RevokeAPIKeyParams
		want error
	}{
		{store.RevokeAPIKeyParams{OrgID: "o2", ID: "k1", At: at(time.Hour)}, domain.ErrNotFound},
		{store.RevokeAPIKeyParams{OrgID: "o1", ID: "missing", At: at(time.Hour)}, domain.ErrNotFound},
		{store.RevokeAPIKeyParams{OrgID: "o1", ID: "k1", At: at(time.Hour)}, nil},
		{store.RevokeAPIKeyParams{OrgID: "o1", ID: "k1", At: at(2 * time.Hour)}, domain.ErrNotFound},
	}
	for _, tt := range tests {
		checkErr(t, fmt.Sprintf("RevokeAPIKey(%+v)", tt.p), s.RevokeAPIKey(ctx, tt.p), tt.want)
	}
	_, err := s.GetAPIKeyByHash(ctx, "hash-k1")
	checkErr(t, "GetAPIKeyByHash(revoked)", err, domain.ErrNotFound)
	_, err = s.GetAPIKeyByHash(ctx, "hash-k2")
	checkErr(t, "GetAPIKeyByHash(not revoked)", err, nil)

	keys, err := s.ListAPIKeys(ctx, "o1")
	must(t, "ListAPIKeys", err)
	for _, k := range keys {
		if k.ID == "k1" {
			checkEqual(t, "ListAPIKeys k1.RevokedAt", k.RevokedAt, ptr(stored(at(time.Hour))))
		}
	}
}

func testTouchAPIKey(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustOrg(t, s, "o1")
	want := mustAPIKey(t, s, "o1", "k1", 0)
	must(t, "TouchAPIKey(k1)", s.TouchAPIKey(ctx, store.TouchAPIKeyParams{ID: "k1", At: at(time.Minute)}))
	want.LastUsedAt = ptr(stored(at(time.Minute)))
	got, err := s.GetAPIKeyByHash(ctx, "hash-k1")
	must(t, "GetAPIKeyByHash", err)
	checkEqual(t, "GetAPIKeyByHash after TouchAPIKey", got, want)
	checkUTC(t, "GetAPIKeyByHash", *got.LastUsedAt)

	err = s.TouchAPIKey(ctx, store.TouchAPIKeyParams{ID: "missing", At: t0})
	checkErr(t, "TouchAPIKey(missing)", err, domain.ErrNotFound)
}

func testAPIKeyConflict(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustOrg(t, s, "o1")
	mustAPIKey(t, s, "o1", "k1", 0)
	tests := []struct {
		p    store.CreateAPIKeyParams
		want error
	}{
		{store.CreateAPIKeyParams{ID: "k2", OrgID: "o1", Hash: "hash-k1", CreatedAt: t0}, domain.ErrConflict},
		{store.CreateAPIKeyParams{ID: "k1", OrgID: "o1", Hash: "hash-new", CreatedAt: t0}, domain.ErrConflict},
		{store.CreateAPIKeyParams{ID: "k3", OrgID: "missing", Hash: "hash-k3", CreatedAt: t0}, domain.ErrNotFound},
	}
	for _, tt := range tests {
		_, err := s.CreateAPIKey(ctx, tt.p)
		checkErr(t, fmt.Sprintf("CreateAPIKey(%+v)", tt.p), err, tt.want)
	}
}
