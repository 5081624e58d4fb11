package dosim_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/berth-dev/berth/dosim"
)

// domainList is the body of GET /v2/domains.
type domainList struct {
	Domains []struct {
		Name     string  `json:"name"`
		TTL      int     `json:"ttl"`
		ZoneFile *string `json:"zone_file"`
	} `json:"domains"`
	Meta struct{ Total int }
}

func TestCreateDomain(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	res := call(t, sim.URL, dosim.SeedToken, http.MethodPost, "/v2/domains",
		map[string]string{"name": "new.example", "ip_address": "192.0.2.10"})
	var created struct {
		Domain struct {
			Name     string  `json:"name"`
			TTL      int     `json:"ttl"`
			ZoneFile *string `json:"zone_file"`
		} `json:"domain"`
	}
	res.decode(t, &created)
	if res.status != http.StatusCreated || created.Domain.Name != "new.example" || created.Domain.TTL != 1800 || created.Domain.ZoneFile != nil {
		t.Fatalf("POST /v2/domains = %d %s, want 201 with name, ttl 1800 and a null zone_file", res.status, res.body)
	}
	var list domainList
	call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/domains", nil).decode(t, &list)
	found := false
	for _, d := range list.Domains {
		if d.Name == "new.example" {
			found = d.ZoneFile != nil && strings.Contains(*d.ZoneFile, "new.example. 1800 IN A 192.0.2.10") &&
				strings.Contains(*d.ZoneFile, "IN NS ns1.digitalocean.com.")
		}
	}
	if !found || list.Meta.Total != 2 {
		t.Errorf("GET /v2/domains after create = %+v, want the seed domain and new.example with its A and NS records", list)
	}
	var acme domainList
	call(t, sim.URL, login(t, sim.URL, jordanAcme, "read").AccessToken, http.MethodGet, "/v2/domains", nil).decode(t, &acme)
	for _, d := range acme.Domains {
		if d.Name == "new.example" {
			t.Errorf("another team sees new.example")
		}
	}
}

func TestCreateDomainRejects(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	tests := []struct {
		name string
		body map[string]string
	}{
		{"blank name", map[string]string{"name": ""}},
		{"single label", map[string]string{"name": "localhost"}},
		{"invalid characters", map[string]string{"name": "under_score.example"}},
		{"taken by this team", map[string]string{"name": "sammyshark.example"}},
		{"taken by another team", map[string]string{"name": "acme-ops.example"}},
		{"bad ip", map[string]string{"name": "fine.example", "ip_address": "300.1.2.3"}},
	}
	for _, tt := range tests {
		res := call(t, sim.URL, dosim.SeedToken, http.MethodPost, "/v2/domains", tt.body)
		if id, msg := res.apiError(t); res.status != http.StatusUnprocessableEntity || id != "unprocessable_entity" || msg == "" {
			t.Errorf("%s: POST /v2/domains = %d %s, want 422 unprocessable_entity", tt.name, res.status, res.body)
		}
	}
}

func TestAddDomain(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	if err := sim.AddDomain(dosim.SeedTeamAcme, "added.example", ""); err != nil {
		t.Fatalf("AddDomain: %v", err)
	}
	if err := sim.AddDomain(dosim.SeedTeamSammy, "added.example", ""); err == nil {
		t.Errorf("AddDomain of a taken name = nil error, want one")
	}
	if err := sim.AddDomain("no-team", "other.example", ""); err == nil {
		t.Errorf("AddDomain to an unknown team = nil error, want one")
	}
}
