package digitalocean

import (
	"context"
	"net/http"
	"testing"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/provider"
)

func TestDomainRecords(t *testing.T) {
	t.Parallel()
	sim := startSim(t, dosim.Options{})
	c := newTestClient(t, sim.URL, Options{})
	ctx := context.Background()
	const zone = "sammyshark.example"

	rec, err := c.CreateDomainRecord(ctx, token, zone, domain.DomainRecord{Type: "A", Name: "api", Data: "192.0.2.20", TTL: 300})
	if err != nil || rec.ID == 0 || rec.Name != "api" || rec.Data != "192.0.2.20" || rec.TTL != 300 {
		t.Fatalf("CreateDomainRecord() = %+v, %v", rec, err)
	}
	filtered, err := c.DomainRecords(ctx, token, zone, provider.RecordFilter{Type: "A", Name: "api." + zone})
	if err != nil || len(filtered) != 1 || filtered[0].ID != rec.ID {
		t.Errorf("DomainRecords(A api) = %+v, %v; want only record %d", filtered, err, rec.ID)
	}
	if q := c.count.Seen("GET /v2/domains/" + zone + "/records")[0].Query; q != "name=api."+zone+"&page=1&per_page=200&type=A" {
		t.Errorf("records query = %q, want type, name and per_page=200", q)
	}
	all, err := c.DomainRecords(ctx, token, zone, provider.RecordFilter{})
	if err != nil || len(all) < 6 { // SOA, 3 NS, apex A, www CNAME, and ours
		t.Errorf("DomainRecords() = %d records, %v; want the zone's records", len(all), err)
	}

	rec.Data, rec.TTL = "192.0.2.21", 600
	updated, err := c.UpdateDomainRecord(ctx, token, zone, rec)
	if err != nil || updated.Data != "192.0.2.21" || updated.TTL != 600 {
		t.Errorf("UpdateDomainRecord() = %+v, %v; want the new data and TTL", updated, err)
	}
	if err := c.DeleteDomainRecord(ctx, token, zone, rec.ID); err != nil {
		t.Errorf("DeleteDomainRecord() = %v", err)
	}
	left, _ := c.DomainRecords(ctx, token, zone, provider.RecordFilter{Type: "A", Name: "api." + zone})
	if len(left) != 0 {
		t.Errorf("after the delete: %+v, want none", left)
	}
	if _, err := c.DomainRecords(ctx, token, "not-ours.example", provider.RecordFilter{}); domain.ProviderErrorKindOf(err) != domain.ProviderNotFound {
		t.Errorf("DomainRecords(not our zone) = %v, want not found", err)
	}
	_, err = c.CreateDomainRecord(ctx, token, zone, domain.DomainRecord{Type: "A", Name: "bad", Data: "not-an-ip", TTL: 300})
	if pe := providerErr(err); pe == nil || pe.Kind != domain.ProviderUnprocessable || pe.Message == "" {
		t.Errorf("CreateDomainRecord(bad data) = %v, want unprocessable with a message", err)
	}
}

func TestDomainRecordTypesConform(t *testing.T) {
	t.Parallel()
	sim := startSim(t, dosim.Options{})
	c := newTestClient(t, sim.URL, Options{})
	ctx := context.Background()
	records := []domain.DomainRecord{
		{Type: "AAAA", Name: "v6", Data: "2001:db8::1", TTL: 300},
		{Type: "CNAME", Name: "docs", Data: "@", TTL: 300},
		{Type: "MX", Name: "@", Data: "mail.sammyshark.example.", Priority: 10, TTL: 300},
		{Type: "TXT", Name: "@", Data: "v=spf1 -all", TTL: 300},
		{Type: "CAA", Name: "@", Data: "letsencrypt.org.", Flags: 0, Tag: "issue", TTL: 300},
		{Type: "SRV", Name: "_sip._tcp", Data: "sip.sammyshark.example.", Priority: 10, Port: 5060, Weight: 5, TTL: 300},
	}
	for _, r := range records {
		got, err := c.CreateDomainRecord(ctx, token, "sammyshark.example", r)
		if err != nil {
			t.Errorf("CreateDomainRecord(%s %s) = %v", r.Type, r.Name, err)
			continue
		}
		r.ID = got.ID
		if got != r {
			t.Errorf("CreateDomainRecord(%s %s) = %+v, want %+v", r.Type, r.Name, got, r)
		}
	}
}

func TestCreateDomainRecordRecoversALostAnswer(t *testing.T) {
	t.Parallel()
	sim := startSim(t, dosim.Options{})
	lost := &fault{match: "POST /v2/domains/sammyshark.example/records", times: 1, status: http.StatusBadGateway, after: true}
	c := newTestClient(t, inject(t, sim.URL, lost), Options{})
	ctx := context.Background()

	rec, err := c.CreateDomainRecord(ctx, token, "sammyshark.example", domain.DomainRecord{Type: "A", Name: "once", Data: "192.0.2.30", TTL: 300})
	if err != nil || rec.ID == 0 {
		t.Fatalf("CreateDomainRecord() after a lost answer = %+v, %v", rec, err)
	}
	recs, _ := c.DomainRecords(ctx, token, "sammyshark.example", provider.RecordFilter{Type: "A", Name: "once.sammyshark.example"})
	if len(recs) != 1 {
		t.Errorf("records named once: %d, want exactly 1", len(recs))
	}
}

func TestDeleteDomainRecordAnsweredLate(t *testing.T) {
	t.Parallel()
	sim := startSim(t, dosim.Options{})
	c0 := newTestClient(t, sim.URL, Options{})
	rec, err := c0.CreateDomainRecord(context.Background(), token, "sammyshark.example", domain.DomainRecord{Type: "TXT", Name: "gone", Data: "bye", TTL: 300})
	if err != nil {
		t.Fatal(err)
	}
	lost := &fault{match: "DELETE /v2/domains/", times: 1, status: http.StatusServiceUnavailable, after: true}
	c := newTestClient(t, inject(t, sim.URL, lost), Options{})
	if err := c.DeleteDomainRecord(context.Background(), token, "sammyshark.example", rec.ID); err != nil {
		t.Errorf("DeleteDomainRecord() after a lost answer = %v, want nil", err)
	}
}

func TestUpdateDomainRecordIsRetriedWithItsBody(t *testing.T) {
	t.Parallel()
	sim := startSim(t, dosim.Options{})
	c0 := newTestClient(t, sim.URL, Options{})
	rec, err := c0.CreateDomainRecord(context.Background(), token, "sammyshark.example", domain.DomainRecord{Type: "A", Name: "upd", Data: "192.0.2.40", TTL: 300})
	if err != nil {
		t.Fatal(err)
	}
	lost := &fault{match: "PUT /v2/domains/", times: 1, status: http.StatusInternalServerError, after: true}
	c := newTestClient(t, inject(t, sim.URL, lost), Options{})
	rec.Data = "192.0.2.41"
	got, err := c.UpdateDomainRecord(context.Background(), token, "sammyshark.example", rec)
	if err != nil || got.Data != "192.0.2.41" {
		t.Errorf("UpdateDomainRecord() after a 500 = %+v, %v; want the new data", got, err)
	}
	if n := len(c.count.Seen("PUT /v2/domains/")); n != 2 {
		t.Errorf("PUT sent %d times, want 2 (a PUT is idempotent)", n)
	}
}
