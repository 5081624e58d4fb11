package storetest

import (
	"errors"
	"testing"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/store"
)

var txTests = []test{
	{"InTx/Commit", testInTxCommit},
	{"InTx/Rollback", testInTxRollback},
	{"InTx/NestedCommit", testInTxNestedCommit},
	{"InTx/NestedRollback", testInTxNestedRollback},
	{"InTx/PanicRollsBack", testInTxPanic},
	{"InTx/SetDefaultRollsBack", testInTxSetDefault},
}

var errBoom = errors.New("boom")

// checkUserExists fails unless GetUser(id) finding the user is want.
func checkUserExists(t *testing.T, s store.Store, id string, want bool) {
	t.Helper()
	_, err := s.GetUser(t.Context(), id)
	if want {
		checkErr(t, "GetUser("+id+")", err, nil)
	} else {
		checkErr(t, "GetUser("+id+")", err, domain.ErrNotFound)
	}
}

func testInTxCommit(t *testing.T, s store.Store) {
	err := s.InTx(t.Context(), func(tx store.Store) error {
		mustUser(t, tx, "u1")
		checkUserExists(t, tx, "u1", true)
		return nil
	})
	checkErr(t, "InTx", err, nil)
	checkUserExists(t, s, "u1", true)
}

func testInTxRollback(t *testing.T, s store.Store) {
	err := s.InTx(t.Context(), func(tx store.Store) error {
		mustUser(t, tx, "u1")
		return errBoom
	})
	checkErr(t, "InTx(returning errBoom)", err, errBoom)
	checkUserExists(t, s, "u1", false)
}

func testInTxNestedCommit(t *testing.T, s store.Store) {
	err := s.InTx(t.Context(), func(tx store.Store) error {
		mustUser(t, tx, "u1")
		return tx.InTx(t.Context(), func(inner store.Store) error {
			checkUserExists(t, inner, "u1", true)
			mustUser(t, inner, "u2")
			return nil
		})
	})
	checkErr(t, "InTx(nested)", err, nil)
	checkUserExists(t, s, "u1", true)
	checkUserExists(t, s, "u2", true)
}

func testInTxNestedRollback(t *testing.T, s store.Store) {
	err := s.InTx(t.Context(), func(tx store.Store) error {
		mustUser(t, tx, "u1")
		inner := tx.InTx(t.Context(), func(inner store.Store) error {
			mustUser(t, inner, "u2")
			return nil
		})
		checkErr(t, "InTx(inner)", inner, nil)
		return errBoom
	})
	checkErr(t, "InTx(outer returning errBoom)", err, errBoom)
	checkUserExists(t, s, "u1", false)
	checkUserExists(t, s, "u2", false) // the inner call shared the outer transaction
}

func testInTxPanic(t *testing.T, s store.Store) {
	func() {
		defer func() {
			if r := recover(); r != errBoom {
				t.Errorf("InTx(panicking) recovered %v, want the panic passed on", r)
			}
		}()
		_ = s.InTx(t.Context(), func(tx store.Store) error {
			mustUser(t, tx, "u1")
			panic(errBoom)
		})
	}()
	checkUserExists(t, s, "u1", false)
	mustUser(t, s, "u2") // the store still works: the transaction was released
}

func testInTxSetDefault(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustOrg(t, s, "o1")
	first := bareAccount("o1", "a1", 0)
	first.IsDefault = true
	mustAccount(t, s, first, domain.Credentials{})
	mustAccount(t, s, bareAccount("o1", "a2", 0), domain.Credentials{})
	err := s.InTx(ctx, func(tx store.Store) error {
		p := store.SetDefaultCloudAccountParams{OrgID: "o1", ID: "a2", IsDefault: true, At: t0}
		must(t, "SetDefaultCloudAccount(a2) in InTx", tx.SetDefaultCloudAccount(ctx, p))
		checkEqual(t, "defaults inside InTx", defaults(t, tx, "o1"), []string{"a2"})
		return errBoom
	})
	checkErr(t, "InTx(returning errBoom)", err, errBoom)
	checkEqual(t, "defaults after rollback", defaults(t, s, "o1"), []string{"a1"})
}
