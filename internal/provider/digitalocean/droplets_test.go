package digitalocean

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/provider"
)

func TestDropletLifecycle(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(t0)
	sim := startSim(t, dosim.Options{Now: clock.Now, DropletActiveAfter: time.Minute})
	c := newTestClient(t, sim.URL, Options{})
	ctx := context.Background()
	line, fp := newPublicKey(t, "deploy")
	if _, err := c.CreateSSHKey(ctx, token, "deploy", line); err != nil {
		t.Fatal(err)
	}

	one, err := c.CreateDroplets(ctx, token, provider.CreateDropletsParams{
		RequestID: "job-1", Names: []string{"api-1"}, Region: "fra1", Size: "s-1vcpu-2gb", Image: "debian-12-x64",
		SSHKeys: []string{fp}, Tags: []string{"api", "env:prod"}, UserData: "#cloud-config\nruncmd: [echo hi]\n", Monitoring: true,
	})
	if err != nil {
		t.Fatalf("CreateDroplets(one) = %v", err)
	}
	d := one.Droplets[0]
	if len(one.Droplets) != 1 || d.Name != "api-1" || d.Status != "new" || d.Region != "fra1" || d.Size != "s-1vcpu-2gb" || d.Image != "debian-12-x64" {
		t.Errorf("CreateDroplets(one) = %+v, want new api-1 in fra1", one.Droplets)
	}
	if want := []string{"api", "berth-req-job-1", "env:prod"}; !slices.Equal(d.Tags, want) {
		t.Errorf("tags = %v, want %v", d.Tags, want)
	}
	if d.PublicIPv4 != "" {
		t.Errorf("a new droplet has public IPv4 %q, want none yet", d.PublicIPv4)
	}
	if len(one.ActionIDs) != 1 {
		t.Fatalf("CreateDroplets(one) action ids = %v, want one", one.ActionIDs)
	}

	many, err := c.CreateDroplets(ctx, token, provider.CreateDropletsParams{
		RequestID: "job-2", Names: []string{"w-1", "w-2", "w-3"}, Region: "nyc3", Size: "s-1vcpu-1gb", Image: "ubuntu-24-04-x64", Tags: []string{"worker"},
	})
	if err != nil || len(many.Droplets) != 3 || len(many.ActionIDs) != 3 {
		t.Fatalf("CreateDroplets(names) = %+v, %v; want 3 droplets and 3 actions", many, err)
	}

	a, err := c.Action(ctx, token, one.ActionIDs[0])
	if err != nil || a.Status != domain.ActionInProgress || a.Type != "create" || a.ResourceID != d.ID {
		t.Errorf("Action() = %+v, %v; want create in progress for droplet %d", a, err, d.ID)
	}
	clock.Advance(2 * time.Minute)
	a, err = c.Action(ctx, token, one.ActionIDs[0])
	if err != nil || a.Status != domain.ActionCompleted || a.CompletedAt == nil {
		t.Errorf("Action() later = %+v, %v; want completed", a, err)
	}
	got, err := c.Droplet(ctx, token, d.ID)
	if err != nil || got.Status != "active" || got.PublicIPv4 == "" || got.PrivateIPv4 == "" {
		t.Errorf("Droplet() = %+v, %v; want active with a public IPv4", got, err)
	}

	workers, err := c.DropletsByTag(ctx, token, "worker")
	if err != nil || len(workers) != 3 {
		t.Errorf("DropletsByTag(worker) = %d, %v; want 3", len(workers), err)
	}
	if err := c.DeleteDropletsByTag(ctx, token, "worker"); err != nil {
		t.Errorf("DeleteDropletsByTag(worker) = %v", err)
	}
	if err := c.DeleteDroplet(ctx, token, d.ID); err != nil {
		t.Errorf("DeleteDroplet() = %v", err)
	}
	if err := c.DeleteDroplet(ctx, token, d.ID); domain.ProviderErrorKindOf(err) != domain.ProviderNotFound {
		t.Errorf("DeleteDroplet(again) = %v, want not found: only a retry may find it gone", err)
	}
	all, err := c.Droplets(ctx, token)
	if err != nil || len(all) != 2 {
		t.Errorf("Droplets() after the deletes = %d, %v; want the 2 seeded", len(all), err)
	}
}

func TestCreateDropletsValidates(t *testing.T) {
	t.Parallel()
	c := New(Options{APIURL: "http://api.invalid"})
	ok := provider.CreateDropletsParams{RequestID: "r", Names: []string{"a"}, Region: "nyc3", Size: "s-1vcpu-1gb", Image: "ubuntu-24-04-x64"}
	tests := []struct {
		field string
		edit  func(*provider.CreateDropletsParams)
	}{
		{"request_id", func(p *provider.CreateDropletsParams) { p.RequestID = "" }},
		{"request_id", func(p *provider.CreateDropletsParams) { p.RequestID = "has space" }},
		{"names", func(p *provider.CreateDropletsParams) { p.Names = nil }},
		{"names", func(p *provider.CreateDropletsParams) { p.Names = make([]string, 11) }},
		{"region", func(p *provider.CreateDropletsParams) { p.Region = "" }},
		{"size", func(p *provider.CreateDropletsParams) { p.Size = "" }},
		{"image", func(p *provider.CreateDropletsParams) { p.Image = "" }},
	}
	for _, tt := range tests {
		p := ok
		tt.edit(&p)
		_, err := c.CreateDroplets(context.Background(), token, p)
		if field := invalidField(err); field != tt.field {
			t.Errorf("CreateDroplets(%+v) = %v, want invalid %s", p, err, tt.field)
		}
	}
}
