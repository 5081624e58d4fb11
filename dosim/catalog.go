package dosim

import (
	"net/http"
	"slices"
	"time"
)

// region is one datacenter region the simulator knows.
type region struct {
	Slug      string
	Name      string
	Features  []string
	Available bool // false: listed, but new Droplets cannot be created there
}

// size is one Droplet plan.
type size struct {
	Slug         string
	Memory       int // MiB
	VCPUs        int
	Disk         int // GiB
	Transfer     float64
	PriceMonthly float64
	PriceHourly  float64
	Description  string
	Regions      []string // where it is offered; nil means every available region
}

// image is one public image: a distribution, or a 1-Click application.
type image struct {
	ID           int
	Slug         string
	Name         string
	Distribution string
	MinDiskSize  int
	SizeGB       float64
	CreatedAt    time.Time
	Application  bool
}

var standardFeatures = []string{"backups", "ipv6", "metadata", "install_agent", "storage", "image_transfer"}

// regions lists the simulated regions in the order DigitalOcean lists them.
var regions = []region{
	{"nyc1", "New York 1", standardFeatures, true},
	{"nyc2", "New York 2", []string{"backups", "ipv6", "metadata"}, false},
	{"nyc3", "New York 3", standardFeatures, true},
	{"sfo2", "San Francisco 2", standardFeatures, true},
	{"sfo3", "San Francisco 3", standardFeatures, true},
	{"ams2", "Amsterdam 2", []string{"backups", "ipv6", "metadata"}, false},
	{"ams3", "Amsterdam 3", standardFeatures, true},
	{"sgp1", "Singapore 1", standardFeatures, true},
	{"lon1", "London 1", standardFeatures, true},
	{"fra1", "Frankfurt 1", standardFeatures, true},
	{"tor1", "Toronto 1", standardFeatures, true},
	{"blr1", "Bangalore 1", standardFeatures, true},
	{"syd1", "Sydney 1", standardFeatures, true},
}

// sizes lists the simulated Droplet plans, smallest first within each family.
var sizes = []size{
	{"s-1vcpu-1gb", 1024, 1, 25, 1, 6, 0.00893, "Basic", nil},
	{"s-1vcpu-2gb", 2048, 1, 50, 2, 12, 0.01786, "Basic", nil},
	{"s-2vcpu-2gb", 2048, 2, 60, 3, 18, 0.02679, "Basic", nil},
	{"s-2vcpu-4gb", 4096, 2, 80, 4, 24, 0.03571, "Basic", nil},
	{"s-4vcpu-8gb", 8192, 4, 160, 5, 48, 0.07143, "Basic", nil},
	{"s-8vcpu-16gb", 16384, 8, 320, 6, 96, 0.14286, "Basic", nil},
	{"c-2", 4096, 2, 25, 4, 42, 0.0625, "CPU-Optimized",
		[]string{"nyc1", "nyc3", "sfo3", "ams3", "sgp1", "lon1", "fra1", "tor1"}},
	{"g-2vcpu-8gb", 8192, 2, 25, 4, 63, 0.09375, "General Purpose",
		[]string{"nyc1", "nyc3", "sfo3", "ams3", "lon1", "fra1", "tor1"}},
	{"m-2vcpu-16gb", 16384, 2, 50, 4, 84, 0.125, "Memory-Optimized",
		[]string{"nyc3", "sfo3", "ams3", "fra1"}},
}

// images lists the simulated public images.
var images = []image{
	{163150789, "ubuntu-24-04-x64", "24.04 (LTS) x64", "Ubuntu", 7, 2.46, time.Date(2024, 9, 3, 14, 39, 31, 0, time.UTC), false},
	{160030142, "ubuntu-22-04-x64", "22.04 (LTS) x64", "Ubuntu", 7, 2.23, time.Date(2024, 7, 16, 15, 52, 4, 0, time.UTC), false},
	{159651797, "debian-12-x64", "12 x64", "Debian", 7, 0.93, time.Date(2024, 7, 8, 19, 43, 18, 0, time.UTC), false},
	{161207154, "fedora-40-x64", "40 x64", "Fedora", 7, 1.41, time.Date(2024, 8, 1, 11, 2, 47, 0, time.UTC), false},
	{158922813, "rockylinux-9-x64", "9 x64", "Rocky Linux", 7, 1.12, time.Date(2024, 6, 20, 16, 21, 9, 0, time.UTC), false},
	{162704255, "docker-20-04", "Docker on Ubuntu 22.04", "Ubuntu", 25, 4.81, time.Date(2024, 8, 27, 9, 12, 40, 0, time.UTC), true},
	{161904332, "wordpress-22-04", "WordPress on Ubuntu 22.04", "Ubuntu", 25, 5.37, time.Date(2024, 8, 12, 13, 45, 2, 0, time.UTC), true},
}

// findRegion returns the region with the given slug.
func findRegion(slug string) (region, bool) {
	i := slices.IndexFunc(regions, func(r region) bool { return r.Slug == slug })
	if i < 0 {
		return region{}, false
	}
	return regions[i], true
}

// findSize returns the size with the given slug.
func findSize(slug string) (size, bool) {
	i := slices.IndexFunc(sizes, func(s size) bool { return s.Slug == slug })
	if i < 0 {
		return size{}, false
	}
	return sizes[i], true
}

// findImage returns the image with the given slug or id.
func findImage(ref stringOrInt) (image, bool) {
	i := slices.IndexFunc(images, func(im image) bool {
		return (ref.isNum && im.ID == ref.num) || (!ref.isNum && im.Slug == ref.str)
	})
	if i < 0 {
		return image{}, false
	}
	return images[i], true
}

// imageBySlug returns the image with the given slug.
func imageBySlug(slug string) (image, bool) { return findImage(stringOrInt{str: slug}) }

// offeredIn reports whether the size can be created in the region.
func (sz size) offeredIn(r region) bool {
	return r.Available && (sz.Regions == nil || slices.Contains(sz.Regions, r.Slug))
}

// regionsOf lists the slugs of the regions that offer the size.
func (sz size) regionsOf() []string {
	out := []string{}
	for _, r := range regions {
		if sz.offeredIn(r) {
			out = append(out, r.Slug)
		}
	}
	return out
}

// sizesIn lists the slugs of the sizes the region offers: none when it is unavailable.
func (r region) sizesIn() []string {
	out := []string{}
	for _, sz := range sizes {
		if sz.offeredIn(r) {
			out = append(out, sz.Slug)
		}
	}
	return out
}

// availableRegionSlugs lists the regions where Droplets can be created.
func availableRegionSlugs() []string {
	var out []string
	for _, r := range regions {
		if r.Available {
			out = append(out, r.Slug)
		}
	}
	return out
}

// listRegions answers GET /v2/regions.
func (s *Server) listRegions(w http.ResponseWriter, r *http.Request, _ caller) {
	all := make([]regionJSON, len(regions))
	for i, reg := range regions {
		all[i] = regionJSONOf(reg)
	}
	items, env := paginate(s, r, all)
	writeJSON(w, http.StatusOK, struct {
		Regions []regionJSON `json:"regions"`
		listEnvelope
	}{items, env})
}

// listSizes answers GET /v2/sizes.
func (s *Server) listSizes(w http.ResponseWriter, r *http.Request, _ caller) {
	all := make([]sizeJSON, len(sizes))
	for i, sz := range sizes {
		all[i] = sizeJSONOf(sz)
	}
	items, env := paginate(s, r, all)
	writeJSON(w, http.StatusOK, struct {
		Sizes []sizeJSON `json:"sizes"`
		listEnvelope
	}{items, env})
}

// listImages answers GET /v2/images: public images filtered by type (distribution or
// application). The simulator keeps no private images, so private=true and tag_name,
// which select private images, list none.
func (s *Server) listImages(w http.ResponseWriter, r *http.Request, _ caller) {
	q := r.URL.Query()
	kind := q.Get("type")
	if kind != "" && kind != "distribution" && kind != "application" {
		unprocessable(w, r, "type must be distribution or application")
		return
	}
	all := []imageJSON{}
	if q.Get("private") != "true" && q.Get("tag_name") == "" {
		for _, im := range images {
			if kind == "" || (kind == "application") == im.Application {
				all = append(all, imageJSONOf(im))
			}
		}
	}
	items, env := paginate(s, r, all)
	writeJSON(w, http.StatusOK, struct {
		Images []imageJSON `json:"images"`
		listEnvelope
	}{items, env})
}
