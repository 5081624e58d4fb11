package digitalocean

import (
	"context"
	"slices"
	"testing"

	"github.com/berth-dev/berth/dosim"
)

func TestCatalog(t *testing.T) {
	t.Parallel()
	sim := startSim(t, dosim.Options{})
	c := newTestClient(t, sim.URL, Options{})
	ctx := context.Background()

	regions, err := c.Regions(ctx, token)
	if err != nil {
		t.Fatalf("Regions() = %v", err)
	}
	i := slices.IndexFunc(regions, func(r regionT) bool { return r.Slug == "nyc3" })
	if i < 0 || !regions[i].Available || len(regions[i].Sizes) == 0 || regions[i].Name == "" {
		t.Errorf("Regions() = %+v, want an available nyc3 with sizes", regions)
	}
	sizes, err := c.Sizes(ctx, token)
	if err != nil {
		t.Fatalf("Sizes() = %v", err)
	}
	j := slices.IndexFunc(sizes, func(s sizeT) bool { return s.Slug == "s-1vcpu-1gb" })
	if j < 0 || sizes[j].PriceMonthly <= 0 || sizes[j].MemoryMB != 1024 || sizes[j].VCPUs != 1 {
		t.Errorf("Sizes() = %+v, want s-1vcpu-1gb with 1 vCPU, 1024 MB and a price", sizes)
	}
	images, err := c.DistributionImages(ctx, token)
	if err != nil {
		t.Fatalf("DistributionImages() = %v", err)
	}
	for _, im := range images {
		if im.Slug == "docker-20-04" {
			t.Errorf("DistributionImages() includes the application image %q", im.Slug)
		}
	}
	if !slices.ContainsFunc(images, func(im imageT) bool { return im.Slug == "ubuntu-24-04-x64" && im.Distribution == "Ubuntu" }) {
		t.Errorf("DistributionImages() = %+v, want ubuntu-24-04-x64", images)
	}
	if q := c.count.Seen("GET /v2/images")[0].Query; q != "page=1&per_page=200&type=distribution" {
		t.Errorf("GET /v2/images query = %q, want type=distribution with per_page=200", q)
	}
}
