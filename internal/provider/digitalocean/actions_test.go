package digitalocean

import (
	"context"
	"testing"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/provider"
)

func TestAction(t *testing.T) {
	t.Parallel()
	sim := startSim(t, dosim.Options{})
	c := newTestClient(t, sim.URL, Options{})
	ctx := context.Background()
	created, err := c.CreateDroplets(ctx, token, provider.CreateDropletsParams{
		RequestID: "act", Names: []string{"act-1"}, Region: "nyc3", Size: "s-1vcpu-1gb", Image: "ubuntu-24-04-x64",
	})
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.Action(ctx, token, created.ActionIDs[0])
	if err != nil || a.ID != created.ActionIDs[0] || a.ResourceType != "droplet" || a.Region != "nyc3" || a.StartedAt.IsZero() {
		t.Errorf("Action(%d) = %+v, %v; want the droplet's create action in nyc3", created.ActionIDs[0], a, err)
	}
	if _, err := c.Action(ctx, token, 1); domain.ProviderErrorKindOf(err) != domain.ProviderNotFound {
		t.Errorf("Action(1) = %v, want not found", err)
	}
}
