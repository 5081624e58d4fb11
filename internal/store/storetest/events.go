package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/store"
)

var eventTests = []test{
	{"Events/Pages", testEventPages},
}

func testEventPages(t *testing.T, s store.Store) {
	mustOrg(t, s, "o1")
	mustOrg(t, s, "o2")
	for i := range 5 {
		e := domain.Event{ID: fmt.Sprintf("e%d", i), OrgID: "o1", Type: domain.EventAccountConnected, AccountID: "a1",
			ActorKind: domain.ActorUser, ActorID: "u1", ActorLabel: "ada@example.com", Message: "connected", CreatedAt: at(time.Duration(i) * time.Minute)}
		must(t, "CreateEvent", s.CreateEvent(t.Context(), e))
	}
	must(t, "CreateEvent(o2)", s.CreateEvent(t.Context(), domain.Event{ID: "x", OrgID: "o2", Type: "t", ActorKind: domain.ActorJob, CreatedAt: t0}))
	first, err := s.ListEvents(t.Context(), store.ListEventsParams{OrgID: "o1", Limit: 2})
	must(t, "ListEvents", err)
	next, err := s.ListEvents(t.Context(), store.ListEventsParams{OrgID: "o1", Before: first[len(first)-1].ID, Limit: 10})
	must(t, "ListEvents(before)", err)
	var ids []string
	for _, e := range append(first, next...) {
		ids = append(ids, e.ID)
	}
	checkEqual(t, "ListEvents pages", ids, []string{"e4", "e3", "e2", "e1", "e0"})
	if first[0].ActorLabel != "ada@example.com" || !first[0].CreatedAt.Equal(stored(at(4*time.Minute))) {
		t.Errorf("ListEvents()[0] = %+v", first[0])
	}
	checkErr(t, "CreateEvent(unknown org)", s.CreateEvent(t.Context(), domain.Event{ID: "y", OrgID: "o9", CreatedAt: t0}), domain.ErrNotFound)
}
