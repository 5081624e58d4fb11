package digitalocean

import (
	"context"
	"slices"
	"testing"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/internal/domain"
)

func TestAccount(t *testing.T) {
	t.Parallel()
	sim := startSim(t, dosim.Options{})
	c := newTestClient(t, sim.URL, Options{})

	info, err := c.Account(context.Background(), token)
	if err != nil {
		t.Fatalf("Account() = %v", err)
	}
	if info.Email != "sammy@example.com" || info.TeamUUID != dosim.SeedTeamSammy || info.Status != "active" || info.DropletLimit != dosim.DefaultDropletLimit {
		t.Errorf("Account() = %+v, want Sammy's active account in Sammy's Team", info)
	}
}

func TestCapabilitiesFromScopes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		scopes []string
		want   []domain.Capability
	}{
		{[]string{"read", "write"}, domain.AllCapabilities},
		{[]string{"read"}, []domain.Capability{}},
		{[]string{"droplet:create", "domain:create"}, []domain.Capability{domain.CapCompute, domain.CapDNS}},
	}
	for _, tt := range tests {
		if got := CapabilitiesFromScopes(tt.scopes); !slices.Equal(got, tt.want) {
			t.Errorf("CapabilitiesFromScopes(%v) = %v, want %v", tt.scopes, got, tt.want)
		}
	}
}

func TestOneClientPerToken(t *testing.T) {
	t.Parallel()
	c := New(Options{APIURL: "http://api.invalid"})
	a, _ := c.tokenClient("dop_v1_a")
	b, _ := c.tokenClient("dop_v1_b")
	a2, _ := c.tokenClient("dop_v1_a")
	if a != a2 || a == b || a.pacer == b.pacer {
		t.Error("tokenClient() must share one client and pacer per token, and only per token")
	}
	for key := range c.tokens {
		if string(key[:]) == "dop_v1_a" {
			t.Error("tokens are kept in clear")
		}
	}
}
