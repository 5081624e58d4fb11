package dosim

import (
	"cmp"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"time"
)

// dropletName is DigitalOcean's pattern for Droplet names (at most 255 characters).
var dropletName = regexp.MustCompile(`^[a-zA-Z0-9]?[a-z0-9A-Z.\-]*[a-z0-9A-Z]$`)

// DropletSpec describes a Droplet a test adds with AddDroplet. Empty fields get defaults.
type DropletSpec struct {
	Name   string   // required; DigitalOcean's name pattern
	Region string   // default nyc3
	Size   string   // default s-1vcpu-1gb
	Image  string   // default ubuntu-24-04-x64
	Tags   []string // default none
	Status string   // new, active, off or archive; default active
}

// droplet is a stored Droplet.
type droplet struct {
	id        int
	name      string
	region    region
	size      size
	image     image
	status    string
	tags      []string
	createdAt time.Time
	publicIP  string
	privateIP string
	vpcUUID   string
}

// AddDroplet adds a Droplet to a team, as if it had been created earlier, and returns its id.
func (s *Server) AddDroplet(teamUUID string, spec DropletSpec) (int, error) {
	d, err := newDroplet(spec)
	if err != nil {
		return 0, fmt.Errorf("add droplet: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ts, err := s.st.team(teamUUID)
	if err != nil {
		return 0, fmt.Errorf("add droplet: %w", err)
	}
	s.st.placeDroplet(ts, d, s.now())
	return d.id, nil
}

// newDroplet validates spec and fills in its defaults.
func newDroplet(spec DropletSpec) (*droplet, error) {
	if len(spec.Name) > 255 || !dropletName.MatchString(spec.Name) {
		return nil, fmt.Errorf("invalid droplet name %q", spec.Name)
	}
	reg, ok := findRegion(cmp.Or(spec.Region, "nyc3"))
	if !ok {
		return nil, fmt.Errorf("unknown region %q", spec.Region)
	}
	sz, ok := findSize(cmp.Or(spec.Size, "s-1vcpu-1gb"))
	if !ok {
		return nil, fmt.Errorf("unknown size %q", spec.Size)
	}
	im, ok := findImage(cmp.Or(spec.Image, "ubuntu-24-04-x64"))
	if !ok {
		return nil, fmt.Errorf("unknown image %q", spec.Image)
	}
	status := cmp.Or(spec.Status, "active")
	if !slices.Contains([]string{"new", "active", "off", "archive"}, status) {
		return nil, fmt.Errorf("invalid droplet status %q", status)
	}
	return &droplet{name: spec.Name, region: reg, size: sz, image: im, status: status,
		tags: slices.Clone(spec.Tags)}, nil
}

// placeDroplet gives d an id, addresses and a VPC, and stores it in the team.
func (st *state) placeDroplet(ts *teamState, d *droplet, now time.Time) {
	d.id = st.nextDroplet
	st.nextDroplet++
	n := d.id - 480000001 + 2
	d.publicIP = fmt.Sprintf("198.%d.%d.%d", 18+(n>>16)&1, (n>>8)&0xff, n&0xff)
	d.privateIP = fmt.Sprintf("10.%d.%d.%d", 108+(n>>16)&0x7f, (n>>8)&0xff, n&0xff)
	d.vpcUUID = ts.vpc(d.region.Slug)
	d.createdAt = now.UTC().Truncate(time.Second)
	ts.droplets = append(ts.droplets, d)
}

// vpc returns the UUID of the team's default VPC in a region.
func (ts *teamState) vpc(regionSlug string) string {
	return nameUUID("vpc/" + ts.UUID + "/" + regionSlug)
}

// listDroplets answers GET /v2/droplets, optionally filtered by tag_name or name.
func (s *Server) listDroplets(w http.ResponseWriter, r *http.Request, c caller) {
	q := r.URL.Query()
	tag, name, kind := q.Get("tag_name"), q.Get("name"), q.Get("type")
	s.mu.Lock()
	now := s.now()
	var all []dropletJSON
	if kind != "gpus" { // the simulator has no GPU Droplets
		for _, d := range s.st.teams[c.team.UUID].droplets {
			if (tag == "" || slices.Contains(d.tags, tag)) && (name == "" || d.name == name) {
				all = append(all, d.json(now))
			}
		}
	}
	s.mu.Unlock()
	items, env := paginate(s, r, all)
	writeJSON(w, http.StatusOK, struct {
		Droplets []dropletJSON `json:"droplets"`
		listEnvelope
	}{items, env})
}

// dropletJSON is a Droplet as the API shows it.
type dropletJSON struct {
	ID               int            `json:"id"`
	Name             string         `json:"name"`
	Memory           int            `json:"memory"`
	VCPUs            int            `json:"vcpus"`
	Disk             int            `json:"disk"`
	DiskInfo         []diskInfoJSON `json:"disk_info"`
	Locked           bool           `json:"locked"`
	Status           string         `json:"status"`
	Kernel           *struct{}      `json:"kernel"`
	CreatedAt        string         `json:"created_at"`
	Features         []string       `json:"features"`
	BackupIDs        []int          `json:"backup_ids"`
	NextBackupWindow backupWindow   `json:"next_backup_window"`
	SnapshotIDs      []int          `json:"snapshot_ids"`
	Image            imageJSON      `json:"image"`
	VolumeIDs        []string       `json:"volume_ids"`
	Size             sizeJSON       `json:"size"`
	SizeSlug         string         `json:"size_slug"`
	Networks         networksJSON   `json:"networks"`
	Region           regionJSON     `json:"region"`
	Tags             []string       `json:"tags"`
	VPCUUID          string         `json:"vpc_uuid"`
}

// backupWindow is when the next backup may run. DigitalOcean's description does not allow
// null here, so the simulator always names the next day's window.
type backupWindow struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// nextBackupWindow returns the window of the day after now.
func nextBackupWindow(now time.Time) backupWindow {
	day := now.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	return backupWindow{Start: day.Format(time.RFC3339), End: day.Add(23 * time.Hour).Format(time.RFC3339)}
}

type diskInfoJSON struct {
	Type string `json:"type"`
	Size struct {
		Amount int    `json:"amount"`
		Unit   string `json:"unit"`
	} `json:"size"`
}

type networksJSON struct {
	V4 []networkV4JSON `json:"v4"`
	V6 []struct{}      `json:"v6"`
}

type networkV4JSON struct {
	IPAddress string `json:"ip_address"`
	Netmask   string `json:"netmask"`
	Gateway   string `json:"gateway"`
	Type      string `json:"type"`
}

// json renders a Droplet as of now. A new Droplet has no public address yet.
func (d *droplet) json(now time.Time) dropletJSON {
	disk := diskInfoJSON{Type: "local"}
	disk.Size.Amount, disk.Size.Unit = d.size.Disk, "gib"
	v4 := []networkV4JSON{{IPAddress: d.privateIP, Netmask: "255.255.240.0", Gateway: "nil", Type: "private"}}
	if d.status != "new" {
		v4 = append(v4, networkV4JSON{IPAddress: d.publicIP, Netmask: "255.255.240.0",
			Gateway: publicGateway(d.publicIP), Type: "public"})
	}
	return dropletJSON{
		ID: d.id, Name: d.name, Memory: d.size.Memory, VCPUs: d.size.VCPUs, Disk: d.size.Disk,
		DiskInfo: []diskInfoJSON{disk}, Status: d.status,
		CreatedAt: d.createdAt.Format(time.RFC3339),
		Features:  []string{"monitoring", "private_networking"},
		BackupIDs: []int{}, NextBackupWindow: nextBackupWindow(now), SnapshotIDs: []int{}, VolumeIDs: []string{},
		Image: imageJSONOf(d.image), Size: sizeJSONOf(d.size), SizeSlug: d.size.Slug,
		Networks: networksJSON{V4: v4, V6: []struct{}{}},
		Region:   regionJSONOf(d.region), Tags: nonNil(d.tags), VPCUUID: d.vpcUUID,
	}
}

// publicGateway is the .1 address of the /20 a public address sits in.
func publicGateway(ip string) string {
	var a, b, c, d int
	_, _ = fmt.Sscanf(ip, "%d.%d.%d.%d", &a, &b, &c, &d)
	return fmt.Sprintf("%d.%d.%d.1", a, b, c&^15)
}

type imageJSON struct {
	ID           int      `json:"id"`
	Name         string   `json:"name"`
	Distribution string   `json:"distribution"`
	Slug         string   `json:"slug"`
	Public       bool     `json:"public"`
	Regions      []string `json:"regions"`
	CreatedAt    string   `json:"created_at"`
	Type         string   `json:"type"`
	MinDiskSize  int      `json:"min_disk_size"`
	SizeGB       float64  `json:"size_gigabytes"`
	Description  string   `json:"description"`
	Tags         []string `json:"tags"`
	Status       string   `json:"status"`
	ErrorMessage string   `json:"error_message"`
}

func imageJSONOf(im image) imageJSON {
	return imageJSON{
		ID: im.ID, Name: im.Name, Distribution: im.Distribution, Slug: im.Slug, Public: true,
		Regions: regionSlugs(), CreatedAt: im.CreatedAt.Format(time.RFC3339), Type: "base",
		MinDiskSize: im.MinDiskSize, SizeGB: im.SizeGB, Description: im.Distribution + " " + im.Name,
		Tags: []string{}, Status: "available",
	}
}

type sizeJSON struct {
	Slug         string   `json:"slug"`
	Memory       int      `json:"memory"`
	VCPUs        int      `json:"vcpus"`
	Disk         int      `json:"disk"`
	Transfer     float64  `json:"transfer"`
	PriceMonthly float64  `json:"price_monthly"`
	PriceHourly  float64  `json:"price_hourly"`
	Regions      []string `json:"regions"`
	Available    bool     `json:"available"`
	Description  string   `json:"description"`
}

func sizeJSONOf(s size) sizeJSON {
	return sizeJSON{
		Slug: s.Slug, Memory: s.Memory, VCPUs: s.VCPUs, Disk: s.Disk, Transfer: s.Transfer,
		PriceMonthly: s.PriceMonthly, PriceHourly: s.PriceHourly, Regions: regionSlugs(),
		Available: true, Description: s.Description,
	}
}

type regionJSON struct {
	Name      string   `json:"name"`
	Slug      string   `json:"slug"`
	Features  []string `json:"features"`
	Available bool     `json:"available"`
	Sizes     []string `json:"sizes"`
}

func regionJSONOf(r region) regionJSON {
	return regionJSON{Name: r.Name, Slug: r.Slug, Features: r.Features, Available: true, Sizes: sizeSlugs()}
}

// nonNil returns s, or an empty slice when s is nil, so JSON shows [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
