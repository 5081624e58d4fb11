package digitalocean

import (
	"context"
	"net/http"
	"testing"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/internal/domain"
)

func TestDomains(t *testing.T) {
	t.Parallel()
	sim := startSim(t, dosim.Options{})
	c := newTestClient(t, sim.URL, Options{})
	ctx := context.Background()

	created, err := c.CreateDomain(ctx, token, "berth-test.example", "192.0.2.10")
	if err != nil || created.Name != "berth-test.example" {
		t.Fatalf("CreateDomain() = %+v, %v", created, err)
	}
	got, err := c.Domain(ctx, token, "berth-test.example")
	if err != nil || got.Name != "berth-test.example" || got.TTL == 0 || got.ZoneFile == "" {
		t.Errorf("Domain() = %+v, %v; want the zone with a TTL and zone file", got, err)
	}
	all, err := c.Domains(ctx, token)
	if err != nil || len(all) != 2 { // seeded sammyshark.example and ours
		t.Errorf("Domains() = %+v, %v; want 2", all, err)
	}
	if _, err := c.Domain(ctx, token, "acme-ops.example"); domain.ProviderErrorKindOf(err) != domain.ProviderNotFound {
		t.Errorf("Domain(another team's) = %v, want not found", err)
	}
	_, err = c.CreateDomain(ctx, token, "berth-test.example", "")
	if pe := providerErr(err); pe == nil || pe.Kind != domain.ProviderUnprocessable || pe.Message == "" {
		t.Errorf("CreateDomain(taken) = %v, want unprocessable with DigitalOcean's message", err)
	}
}

func TestCreateDomainRecoversALostAnswer(t *testing.T) {
	t.Parallel()
	sim := startSim(t, dosim.Options{})
	lost := &fault{match: "POST /v2/domains", times: 1, status: http.StatusInternalServerError, after: true}
	c := newTestClient(t, inject(t, sim.URL, lost), Options{})

	d, err := c.CreateDomain(context.Background(), token, "lost-answer.example", "")
	if err != nil || d.Name != "lost-answer.example" {
		t.Errorf("CreateDomain() after a lost answer = %+v, %v; want the zone the first attempt made", d, err)
	}
	if n := len(c.count.Seen("POST /v2/domains")); n != 1 {
		t.Errorf("POST /v2/domains sent %d times, want 1", n)
	}
}
