package digitalocean

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/berth-dev/berth/dosim"
)

func TestListsReadEveryPageOf200(t *testing.T) {
	t.Parallel()
	sim := startSim(t, dosim.Options{})
	addDroplets(t, sim, "fleet", 450, "fleet")
	c := newTestClient(t, sim.URL, Options{})
	ctx := context.Background()

	all, err := c.Droplets(ctx, token)
	if err != nil {
		t.Fatalf("Droplets() = %v", err)
	}
	if len(all) != 452 { // 450 added, 2 seeded
		t.Errorf("Droplets() returned %d droplets, want 452", len(all))
	}
	tagged, err := c.DropletsByTag(ctx, token, "fleet")
	if err != nil || len(tagged) != 450 {
		t.Errorf("DropletsByTag(fleet) = %d droplets, %v; want 450", len(tagged), err)
	}
	seen := map[int]bool{}
	for _, d := range all {
		if seen[d.ID] {
			t.Errorf("droplet %d listed twice", d.ID)
		}
		seen[d.ID] = true
	}

	reqs := c.count.Seen("GET /v2/droplets")
	if len(reqs) != 6 {
		t.Fatalf("GET /v2/droplets sent %d times, want 6 (3 pages per list)", len(reqs))
	}
	pages := map[string]int{}
	for _, r := range reqs {
		q, _ := url.ParseQuery(r.Query)
		if q.Get("per_page") != "200" {
			t.Errorf("query %q, want per_page=200", r.Query)
		}
		pages[q.Get("tag_name")+" page "+q.Get("page")]++
	}
	for _, list := range []string{"", "fleet"} {
		for _, p := range []string{"1", "2", "3"} {
			if n := pages[list+" page "+p]; n != 1 {
				t.Errorf("list %q read page %s %d times, want once", list, p, n)
			}
		}
	}
}

func TestListThatGrowsWhileReadIsReadToTheEnd(t *testing.T) {
	t.Parallel()
	sim := startSim(t, dosim.Options{})
	addDroplets(t, sim, "grow", 398) // 400 with the seeded two: 2 pages
	c := newTestClient(t, sim.URL, Options{})
	grown := false
	c.count.onSend = func(ex exchange) {
		if !grown && strings.Contains(ex.Query, "page=2") {
			grown = true
			addDroplets(t, sim, "late", 5)
		}
	}
	all, err := c.Droplets(context.Background(), token)
	if err != nil || len(all) != 405 {
		t.Errorf("Droplets() while 5 are added = %d, %v; want 405", len(all), err)
	}
}
