package dosim_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/berth-dev/berth/dosim"
)

type regionBody struct {
	Slug      string   `json:"slug"`
	Available bool     `json:"available"`
	Sizes     []string `json:"sizes"`
}

type sizeBody struct {
	Slug         string   `json:"slug"`
	PriceMonthly float64  `json:"price_monthly"`
	PriceHourly  float64  `json:"price_hourly"`
	Regions      []string `json:"regions"`
}

func TestRegions(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	var got struct {
		Regions []regionBody `json:"regions"`
		Meta    struct{ Total int }
	}
	res := call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/regions?per_page=200", nil)
	res.decode(t, &got)
	if res.status != http.StatusOK || len(got.Regions) < 5 || got.Meta.Total != len(got.Regions) {
		t.Fatalf("GET /v2/regions = %d %s, want 200 with several regions", res.status, res.body)
	}
	byslug := map[string]regionBody{}
	for _, r := range got.Regions {
		byslug[r.Slug] = r
	}
	tests := []struct {
		slug          string
		wantAvailable bool
		wantSize      string // a size it offers; "" for none
		wantNotSize   string // a size it does not offer
	}{
		{"nyc3", true, "m-2vcpu-16gb", ""},
		{"blr1", true, "s-1vcpu-1gb", "c-2"},
		{"nyc2", false, "", "s-1vcpu-1gb"},
		{"ams2", false, "", "s-1vcpu-1gb"},
	}
	for _, tt := range tests {
		r, ok := byslug[tt.slug]
		if !ok || r.Available != tt.wantAvailable {
			t.Errorf("region %s = %+v, want available=%v", tt.slug, r, tt.wantAvailable)
		}
		if tt.wantSize != "" && !slices.Contains(r.Sizes, tt.wantSize) {
			t.Errorf("region %s sizes %v, want %s among them", tt.slug, r.Sizes, tt.wantSize)
		}
		if tt.wantNotSize != "" && slices.Contains(r.Sizes, tt.wantNotSize) {
			t.Errorf("region %s sizes %v, want no %s", tt.slug, r.Sizes, tt.wantNotSize)
		}
	}
}

func TestSizes(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	var got struct {
		Sizes []sizeBody `json:"sizes"`
	}
	res := call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/sizes?per_page=200", nil)
	res.decode(t, &got)
	if res.status != http.StatusOK || len(got.Sizes) < 5 {
		t.Fatalf("GET /v2/sizes = %d %s, want 200 with several sizes", res.status, res.body)
	}
	for _, s := range got.Sizes {
		if s.PriceHourly <= 0 || s.PriceMonthly < s.PriceHourly*600 || len(s.Regions) == 0 {
			t.Errorf("size %s: hourly %v monthly %v regions %v, want believable prices and regions", s.Slug, s.PriceHourly, s.PriceMonthly, s.Regions)
		}
		if slices.Contains(s.Regions, "nyc2") {
			t.Errorf("size %s is offered in the unavailable region nyc2", s.Slug)
		}
		if s.Slug == "c-2" && slices.Contains(s.Regions, "blr1") {
			t.Errorf("c-2 regions %v, want no blr1", s.Regions)
		}
	}
}

func TestImages(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	tests := []struct {
		query     string
		wantSlugs []string // a subset that must be listed
		wantNot   string   // a slug that must not be listed
		wantTotal int      // -1: any positive total
	}{
		{"type=distribution", []string{"ubuntu-24-04-x64", "debian-12-x64"}, "docker-20-04", -1},
		{"type=application", []string{"docker-20-04"}, "ubuntu-24-04-x64", -1},
		{"", []string{"ubuntu-24-04-x64", "docker-20-04"}, "", -1},
		{"private=true", nil, "ubuntu-24-04-x64", 0},
		{"tag_name=base", nil, "ubuntu-24-04-x64", 0},
	}
	for _, tt := range tests {
		var got struct {
			Images []struct {
				Slug string `json:"slug"`
				Type string `json:"type"`
			} `json:"images"`
			Meta struct{ Total int }
		}
		res := call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/images?"+tt.query, nil)
		res.decode(t, &got)
		var slugs []string
		for _, im := range got.Images {
			slugs = append(slugs, im.Slug)
		}
		if res.status != http.StatusOK || (tt.wantTotal >= 0 && got.Meta.Total != tt.wantTotal) || (tt.wantTotal < 0 && got.Meta.Total == 0) {
			t.Errorf("GET /v2/images?%s = %d, total %d, want 200 and total %d", tt.query, res.status, got.Meta.Total, tt.wantTotal)
		}
		for _, want := range tt.wantSlugs {
			if !slices.Contains(slugs, want) {
				t.Errorf("GET /v2/images?%s = %v, want %s", tt.query, slugs, want)
			}
		}
		if tt.wantNot != "" && slices.Contains(slugs, tt.wantNot) {
			t.Errorf("GET /v2/images?%s = %v, want no %s", tt.query, slugs, tt.wantNot)
		}
	}
}

func TestImagesPaginate(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	var got struct {
		Images []struct{ Slug string } `json:"images"`
		Links  struct{ Pages map[string]string }
		Meta   struct{ Total int }
	}
	call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/images?type=distribution&per_page=2", nil).decode(t, &got)
	if len(got.Images) != 2 || got.Meta.Total <= 2 || got.Links.Pages["next"] == "" {
		t.Errorf("GET /v2/images?type=distribution&per_page=2 = %+v, want 2 images and a next page", got)
	}
}

func TestCatalogNeedsScopes(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	token := acmeToken(t, sim, "catalog", "regions:read")
	if res := call(t, sim.URL, token, http.MethodGet, "/v2/regions", nil); res.status != http.StatusOK {
		t.Errorf("GET /v2/regions with regions:read = %d, want 200", res.status)
	}
	for _, path := range []string{"/v2/sizes", "/v2/images"} {
		wantError(t, "GET "+path+" with regions:read", call(t, sim.URL, token, http.MethodGet, path, nil),
			http.StatusForbidden, "forbidden", "")
	}
}
