package digitalocean

import (
	"context"
	"testing"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/internal/domain"
)

func TestInventory(t *testing.T) {
	t.Parallel()
	sim := startSim(t, dosim.Options{})
	for _, kind := range []string{dosim.KindVolumes, dosim.KindDatabases, dosim.KindKubernetesClusters, dosim.KindLoadBalancers,
		dosim.KindReservedIPs, dosim.KindSnapshots, dosim.KindApps} {
		if err := sim.AddInventory(dosim.SeedTeamSammy, kind, 210); err != nil { // over a page each
			t.Fatalf("AddInventory(%s) = %v", kind, err)
		}
	}
	c := newTestClient(t, sim.URL, Options{})
	ctx := context.Background()

	items, err := c.Inventory(ctx, token)
	if err != nil {
		t.Fatalf("Inventory() = %v", err)
	}
	byKind := map[domain.ResourceKind]int{}
	for _, it := range items {
		byKind[it.Kind]++
		if it.ID == "" || it.Name == "" {
			t.Errorf("%s item %+v lacks an id or name", it.Kind, it)
		}
	}
	if byKind[domain.KindDroplet] != 2 {
		t.Errorf("Inventory() has %d droplets, want 2", byKind[domain.KindDroplet])
	}
	for _, kind := range domain.AllResourceKinds[1:] {
		want := 210
		switch kind {
		case domain.KindVolume, domain.KindSnapshot, domain.KindReservedIP, domain.KindApp:
			want = 211 // one seeded
		}
		if byKind[kind] != want {
			t.Errorf("Inventory() has %d of %s, want %d", byKind[kind], kind, want)
		}
	}
	for i := 1; i < len(items); i++ {
		if kindIndex(items[i].Kind) < kindIndex(items[i-1].Kind) {
			t.Fatalf("Inventory() is not in AllResourceKinds order at %d: %s after %s", i, items[i].Kind, items[i-1].Kind)
		}
	}
	if _, err := c.Resources(ctx, token, "spaceships"); invalidField(err) != "kind" {
		t.Errorf("Resources(spaceships) = %v, want invalid kind", err)
	}
	vols, err := c.Resources(ctx, readOnlyToken, domain.KindVolume)
	if err != nil || len(vols) != 211 {
		t.Errorf("Resources(volume) with a read token = %d, %v; want 211", len(vols), err)
	}
}

func kindIndex(k domain.ResourceKind) int {
	for i, kk := range domain.AllResourceKinds {
		if kk == k {
			return i
		}
	}
	return -1
}
