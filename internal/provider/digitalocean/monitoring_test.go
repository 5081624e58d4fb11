package digitalocean

import (
	"context"
	"testing"
	"time"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/internal/domain"
)

func TestDropletCPU(t *testing.T) {
	t.Parallel()
	sim := startSim(t, dosim.Options{})
	c := newTestClient(t, sim.URL, Options{})
	ctx := context.Background()
	droplets, err := c.Droplets(ctx, token)
	if err != nil || len(droplets) == 0 {
		t.Fatalf("Droplets() = %v, %v", droplets, err)
	}
	end := time.Now().Truncate(time.Minute)
	start := end.Add(-time.Hour)

	series, err := c.DropletCPU(ctx, token, droplets[0].ID, start, end)
	if err != nil {
		t.Fatalf("DropletCPU() = %v", err)
	}
	if len(series) == 0 {
		t.Fatal("DropletCPU() returned no series")
	}
	for _, s := range series {
		if s.Labels["mode"] == "" || len(s.Points) == 0 {
			t.Errorf("series %v has no mode label or no points", s.Labels)
		}
		for _, p := range s.Points {
			if p.Time.Before(start) || p.Time.After(end) || p.Value < 0 {
				t.Errorf("point %+v outside [%s, %s] or negative", p, start, end)
				break
			}
		}
	}
	again, err := c.DropletCPU(ctx, token, droplets[0].ID, start, end)
	if err != nil || len(again) != len(series) || again[0].Points[0] != series[0].Points[0] {
		t.Errorf("DropletCPU() twice differs: metrics should be deterministic per droplet")
	}
	if _, err := c.DropletCPU(ctx, token, 1, start, end); domain.ProviderErrorKindOf(err) == "" {
		t.Errorf("DropletCPU(no such droplet) = %v, want a provider error", err)
	}
}
