package dosim

import "time"

// region is one datacenter region the simulator offers.
type region struct {
	Slug     string
	Name     string
	Features []string
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
}

// image is one public distribution image.
type image struct {
	ID           int
	Slug         string
	Name         string
	Distribution string
	MinDiskSize  int
	SizeGB       float64
	CreatedAt    time.Time
}

var standardFeatures = []string{"backups", "ipv6", "metadata", "install_agent", "storage", "image_transfer"}

// regions lists the simulated regions in the order DigitalOcean lists them.
var regions = []region{
	{"nyc1", "New York 1", standardFeatures},
	{"nyc3", "New York 3", standardFeatures},
	{"sfo3", "San Francisco 3", standardFeatures},
	{"ams3", "Amsterdam 3", standardFeatures},
	{"sgp1", "Singapore 1", standardFeatures},
	{"lon1", "London 1", standardFeatures},
	{"fra1", "Frankfurt 1", standardFeatures},
	{"tor1", "Toronto 1", standardFeatures},
	{"blr1", "Bangalore 1", standardFeatures},
	{"syd1", "Sydney 1", standardFeatures},
}

// sizes lists the simulated Droplet plans, smallest first.
var sizes = []size{
	{"s-1vcpu-1gb", 1024, 1, 25, 1, 6, 0.00893, "Basic"},
	{"s-1vcpu-2gb", 2048, 1, 50, 2, 12, 0.01786, "Basic"},
	{"s-2vcpu-2gb", 2048, 2, 60, 3, 18, 0.02679, "Basic"},
	{"s-2vcpu-4gb", 4096, 2, 80, 4, 24, 0.03571, "Basic"},
	{"s-4vcpu-8gb", 8192, 4, 160, 5, 48, 0.07143, "Basic"},
}

// images lists the simulated distribution images.
var images = []image{
	{163150789, "ubuntu-24-04-x64", "24.04 (LTS) x64", "Ubuntu", 7, 2.46, time.Date(2024, 9, 3, 14, 39, 31, 0, time.UTC)},
	{160030142, "ubuntu-22-04-x64", "22.04 (LTS) x64", "Ubuntu", 7, 2.23, time.Date(2024, 7, 16, 15, 52, 4, 0, time.UTC)},
	{159651797, "debian-12-x64", "12 x64", "Debian", 7, 0.93, time.Date(2024, 7, 8, 19, 43, 18, 0, time.UTC)},
}

// findRegion returns the region with the given slug.
func findRegion(slug string) (region, bool) {
	for _, r := range regions {
		if r.Slug == slug {
			return r, true
		}
	}
	return region{}, false
}

// findSize returns the size with the given slug.
func findSize(slug string) (size, bool) {
	for _, s := range sizes {
		if s.Slug == slug {
			return s, true
		}
	}
	return size{}, false
}

// findImage returns the image with the given slug.
func findImage(slug string) (image, bool) {
	for _, im := range images {
		if im.Slug == slug {
			return im, true
		}
	}
	return image{}, false
}

// regionSlugs lists every region slug.
func regionSlugs() []string {
	out := make([]string, len(regions))
	for i, r := range regions {
		out[i] = r.Slug
	}
	return out
}

// sizeSlugs lists every size slug.
func sizeSlugs() []string {
	out := make([]string, len(sizes))
	for i, s := range sizes {
		out[i] = s.Slug
	}
	return out
}
