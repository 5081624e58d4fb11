package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/store"
)

var oauthStateTests = []test{
	{"OAuthStates/RoundTrip", testOAuthStateRoundTrip},
	{"OAuthStates/SingleUse", testOAuthStateSingleUse},
	{"OAuthStates/ConcurrentConsumers", testOAuthStateConcurrentConsumers},
	{"OAuthStates/DeleteExpired", testDeleteExpiredOAuthStates},
}

func oauthState(id string, expires time.Time) domain.OAuthState {
	return domain.OAuthState{ID: id, Provider: domain.ProviderDigitalOcean, OrgID: "o1", UserID: "u1",
		SessionID: "s1", VerifierSealed: []byte("sealed-" + id), AccountID: "a-" + id, LinkID: "l-" + id, CreatedAt: t0, ExpiresAt: expires}
}

func testOAuthStateRoundTrip(t *testing.T, s store.Store) {
	full := oauthState("st1", at(10*time.Minute))
	full.Popup = true
	bare := domain.OAuthState{ID: "st2", Provider: domain.ProviderDigitalOcean, CreatedAt: t0, ExpiresAt: t0}
	for _, st := range []domain.OAuthState{full, bare} {
		must(t, "CreateOAuthState("+st.ID+")", s.CreateOAuthState(t.Context(), st))
		got, err := s.ConsumeOAuthState(t.Context(), st.ID)
		call := fmt.Sprintf("ConsumeOAuthState(%q)", st.ID)
		must(t, call, err)
		want := st
		want.CreatedAt, want.ExpiresAt = stored(st.CreatedAt), stored(st.ExpiresAt)
		checkEqual(t, call, got, want)
		checkUTC(t, call, got.CreatedAt, got.ExpiresAt)
	}
}

func testOAuthStateSingleUse(t *testing.T, s store.Store) {
	ctx := t.Context()
	st := oauthState("st1", at(-time.Minute)) // expired states are still returned once
	must(t, "CreateOAuthState", s.CreateOAuthState(ctx, st))
	checkErr(t, "CreateOAuthState(same id)", s.CreateOAuthState(ctx, st), domain.ErrConflict)
	_, err := s.ConsumeOAuthState(ctx, "st1")
	checkErr(t, `ConsumeOAuthState("st1")`, err, nil)
	_, err = s.ConsumeOAuthState(ctx, "st1")
	checkErr(t, `ConsumeOAuthState("st1") again`, err, domain.ErrNotFound)
	_, err = s.ConsumeOAuthState(ctx, "never-issued")
	checkErr(t, `ConsumeOAuthState("never-issued")`, err, domain.ErrNotFound)
}

func testOAuthStateConcurrentConsumers(t *testing.T, s store.Store) {
	const consumers = 16
	must(t, "CreateOAuthState", s.CreateOAuthState(t.Context(), oauthState("st1", at(time.Minute))))
	errs := make([]error, consumers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range consumers {
		wg.Go(func() {
			<-start
			_, errs[i] = s.ConsumeOAuthState(t.Context(), "st1")
		})
	}
	close(start) // release every consumer at once
	wg.Wait()
	wins := 0
	for i, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, domain.ErrNotFound):
			t.Errorf("consumer %d: ConsumeOAuthState = %v, want nil or %v", i, err, domain.ErrNotFound)
		}
	}
	if wins != 1 {
		t.Errorf("%d concurrent ConsumeOAuthState calls succeeded %d times, want exactly 1", consumers, wins)
	}
}

func testDeleteExpiredOAuthStates(t *testing.T, s store.Store) {
	ctx := t.Context()
	for i := 1; i <= 3; i++ {
		st := oauthState(fmt.Sprintf("st%d", i), at(time.Duration(i)*time.Minute))
		must(t, "CreateOAuthState("+st.ID+")", s.CreateOAuthState(ctx, st))
	}
	n, err := s.DeleteExpiredOAuthStates(ctx, at(2*time.Minute))
	if err != nil || n != 2 {
		t.Errorf("DeleteExpiredOAuthStates(t0+2m) = %d, %v, want 2, nil", n, err)
	}
	for id, want := range map[string]error{"st1": domain.ErrNotFound, "st2": domain.ErrNotFound, "st3": nil} {
		_, err := s.ConsumeOAuthState(ctx, id)
		checkErr(t, fmt.Sprintf("ConsumeOAuthState(%q) after purge", id), err, want)
	}
}
