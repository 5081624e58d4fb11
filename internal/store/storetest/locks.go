package storetest

import (
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/store"
)

// testLockCloudAccount has workers each read a counter kept in the account's name under the
// lock and write it back plus one: without mutual exclusion, updates get lost.
func testLockCloudAccount(t *testing.T, s store.Store) {
	mustOrg(t, s, "o1")
	a := bareAccount("o1", "a1", 0)
	a.Name = "0"
	mustAccount(t, s, a, domain.Credentials{})
	id := store.GetCloudAccountParams{OrgID: "o1", ID: "a1"}
	if _, err := s.LockCloudAccount(t.Context(), id); err == nil {
		t.Errorf("LockCloudAccount outside InTx = nil, want an error")
	}
	const workers = 8
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			err := s.InTx(t.Context(), func(tx store.Store) error {
				locked, err := tx.LockCloudAccount(t.Context(), id)
				if err != nil {
					return err
				}
				n, _ := strconv.Atoi(locked.Name)
				locked.Name = strconv.Itoa(n + 1)
				_, err = tx.UpdateCloudAccount(t.Context(), locked)
				return err
			})
			if err != nil {
				t.Errorf("locked increment: %v", err)
			}
		})
	}
	wg.Wait()
	if got := getAccount(t, s, "o1", "a1").Name; got != strconv.Itoa(workers) {
		t.Errorf("after %d locked increments the counter is %s: updates were lost", workers, got)
	}
	err := s.InTx(t.Context(), func(tx store.Store) error {
		_, err := tx.LockCloudAccount(t.Context(), store.GetCloudAccountParams{OrgID: "o2", ID: "a1"})
		return err
	})
	checkErr(t, "LockCloudAccount(other org)", err, domain.ErrNotFound)
}

func testListDueCloudAccounts(t *testing.T, s store.Store) {
	mustOrg(t, s, "o1")
	mustOrg(t, s, "o2")
	now := at(0)
	oauth := func(id string, expiresIn, validatedAgo time.Duration, status domain.AccountStatus) domain.CloudAccount {
		a := fullAccount("o1", id)
		a.TeamUUID, a.IsDefault, a.Status = "team-"+id, false, status
		a.ExpiresAt, a.LastValidatedAt = ptr(now.Add(expiresIn)), ptr(now.Add(-validatedAgo))
		return a
	}
	token := bareAccount("o2", "t-never", 0) // never validated
	fresh := bareAccount("o2", "t-fresh", 0)
	fresh.LastValidatedAt = ptr(now.Add(-time.Hour))
	for _, a := range []domain.CloudAccount{
		oauth("soon", 2*24*time.Hour, time.Hour, domain.StatusActive),
		oauth("later", 20*24*time.Hour, time.Hour, domain.StatusActive),
		oauth("expired", -time.Hour, time.Hour, domain.StatusExpired),
		oauth("stale", 20*24*time.Hour, 30*time.Hour, domain.StatusActive),
		token, fresh,
	} {
		mustAccount(t, s, a, domain.Credentials{})
	}
	got, err := s.ListDueCloudAccounts(t.Context(), store.ListDueCloudAccountsParams{
		RefreshBefore: now.Add(7 * 24 * time.Hour), ValidateBefore: now.Add(-24 * time.Hour), Limit: 10,
	})
	must(t, "ListDueCloudAccounts", err)
	var ids []string
	for _, a := range got {
		ids = append(ids, a.ID)
	}
	checkEqual(t, "ListDueCloudAccounts ids", ids, []string{"t-never", "stale", "soon"})
	limited, err := s.ListDueCloudAccounts(t.Context(), store.ListDueCloudAccountsParams{
		RefreshBefore: now.Add(7 * 24 * time.Hour), ValidateBefore: now.Add(-24 * time.Hour), Limit: 1,
	})
	if err != nil || len(limited) != 1 || limited[0].ID != "t-never" {
		t.Errorf("ListDueCloudAccounts(limit 1) = %v, %v; want the never-validated account", limited, err)
	}
}
