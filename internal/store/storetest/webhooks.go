package storetest

import (
	"testing"
	"time"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/store"
)

var webhookTests = []test{
	{"Webhooks/Lifecycle", testWebhookLifecycle},
}

func delivery(id, org, webhook string, created time.Duration) domain.WebhookDelivery {
	return domain.WebhookDelivery{ID: id, OrgID: org, WebhookID: webhook, EventID: "e-" + id, EventType: domain.EventAccountConnected,
		Payload: []byte(`{"id":"e-` + id + `"}`), Status: domain.DeliveryPending, CreatedAt: at(created), UpdatedAt: at(created)}
}

func testWebhookLifecycle(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustOrg(t, s, "o1")
	mustOrg(t, s, "o2")
	w := domain.Webhook{ID: "w1", OrgID: "o1", URL: "https://hooks.example/berth", SecretSealed: []byte{1, 2, 3}, CreatedAt: t0}
	must(t, "CreateWebhook", s.CreateWebhook(ctx, w))
	got, err := s.GetWebhook(ctx, store.GetWebhookParams{OrgID: "o1", ID: "w1"})
	must(t, "GetWebhook", err)
	w.CreatedAt = stored(w.CreatedAt)
	checkEqual(t, "GetWebhook", got, w)
	_, err = s.GetWebhook(ctx, store.GetWebhookParams{OrgID: "o2", ID: "w1"})
	checkErr(t, "GetWebhook(other org)", err, domain.ErrNotFound)
	if list, _ := s.ListWebhooks(ctx, "o1"); len(list) != 1 {
		t.Errorf("ListWebhooks = %v, want one", list)
	}

	for i, id := range []string{"d1", "d2", "d3"} {
		must(t, "CreateDelivery", s.CreateDelivery(ctx, delivery(id, "o1", "w1", time.Duration(i)*time.Minute)))
	}
	d := delivery("d1", "o1", "w1", 0)
	d.Status, d.Attempts, d.LastStatusCode, d.LastError, d.UpdatedAt = domain.DeliveryDelivered, 2, 204, "", at(time.Hour)
	must(t, "UpdateDelivery", s.UpdateDelivery(ctx, d))
	gotD, err := s.GetDelivery(ctx, "d1")
	must(t, "GetDelivery", err)
	d.CreatedAt, d.UpdatedAt = stored(d.CreatedAt), stored(d.UpdatedAt)
	checkEqual(t, "GetDelivery", gotD, d)

	latest, err := s.ListDeliveries(ctx, store.ListDeliveriesParams{OrgID: "o1", WebhookID: "w1", Limit: 2})
	must(t, "ListDeliveries", err)
	if len(latest) != 2 || latest[0].ID != "d3" || latest[1].ID != "d2" {
		t.Errorf("ListDeliveries(limit 2) = %v, want d3, d2", latest)
	}
	stuck, err := s.ListStuckDeliveries(ctx, store.ListStuckDeliveriesParams{Before: at(3 * time.Minute), Limit: 10})
	must(t, "ListStuckDeliveries", err)
	if len(stuck) != 2 || stuck[0].ID != "d2" || stuck[1].ID != "d3" {
		t.Errorf("ListStuckDeliveries = %v, want d2, d3 (d1 is delivered)", stuck)
	}
	must(t, "DeleteWebhook", s.DeleteWebhook(ctx, store.GetWebhookParams{OrgID: "o1", ID: "w1"}))
	_, err = s.GetDelivery(ctx, "d2")
	checkErr(t, "GetDelivery(after DeleteWebhook)", err, domain.ErrNotFound)
}
