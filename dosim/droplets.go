package dosim

import (
	"cmp"
	"fmt"
	"net/http"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"time"
)

// dropletName is DigitalOcean's pattern for Droplet names (at most 255 characters).
var dropletName = regexp.MustCompile(`^[a-zA-Z0-9]?[a-z0-9A-Z.\-]*[a-z0-9A-Z]$`)

// firstDropletID is the id of the first Droplet a simulator creates.
const firstDropletID = 480000001

// DropletSpec describes a Droplet a test adds with AddDroplet. Empty fields get defaults.
type DropletSpec struct {
	Name   string   // required; DigitalOcean's name pattern
	Region string   // default nyc3
	Size   string   // default s-1vcpu-1gb
	Image  string   // default ubuntu-24-04-x64
	Tags   []string // default none
	Status string   // new, active, off or archive; default active. "new" stays new.
}

// droplet is a stored Droplet.
type droplet struct {
	id         int
	name       string
	region     region
	size       size
	image      image
	status     string    // as stored; "new" turns "active" at activeAt when that is set
	activeAt   time.Time // zero: status never changes by itself
	created    time.Time // exact, for billing and the fresh-Droplet 404
	tags       []string
	features   []string
	volumeIDs  []string
	publicIP   string
	publicIPv6 string // empty unless created with ipv6
	noPublic   bool   // created with public_networking false
	privateIP  string
	vpcUUID    string
	userData   string
	sshKeyIDs  []int
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
	im, ok := imageBySlug(cmp.Or(spec.Image, "ubuntu-24-04-x64"))
	if !ok {
		return nil, fmt.Errorf("unknown image %q", spec.Image)
	}
	status := cmp.Or(spec.Status, "active")
	if !slices.Contains([]string{"new", "active", "off", "archive"}, status) {
		return nil, fmt.Errorf("invalid droplet status %q", status)
	}
	return &droplet{name: spec.Name, region: reg, size: sz, image: im, status: status,
		tags: slices.Clone(spec.Tags), features: []string{"monitoring", "private_networking"}}, nil
}

// placeDroplet gives d an id, addresses and a VPC, and stores it in the team.
func (st *state) placeDroplet(ts *teamState, d *droplet, now time.Time) {
	d.id = st.nextDroplet
	st.nextDroplet++
	n := d.id - firstDropletID
	d.publicIP = documentationIPv4(n)
	m := n + 2
	d.privateIP = fmt.Sprintf("10.%d.%d.%d", 108+(m>>16)&0x7f, (m>>8)&0xff, m&0xff)
	if d.vpcUUID == "" {
		d.vpcUUID = ts.vpc(d.region.Slug)
	}
	d.created = now
	ts.droplets = append(ts.droplets, d)
}

// documentationRanges are the IPv4 ranges reserved for documentation (RFC 5737).
var documentationRanges = [...]string{"192.0.2", "198.51.100", "203.0.113"}

// documentationIPv4 returns the n-th address of the documentation ranges (.2 to .254 of
// each), starting over when they are used up.
func documentationIPv4(n int) string {
	const perRange = 253
	return fmt.Sprintf("%s.%d", documentationRanges[(n/perRange)%len(documentationRanges)], n%perRange+2)
}

// documentationIPv6 returns the n-th address of 2001:db8:d0::/64 (RFC 3849).
func documentationIPv6(n int) string {
	b := netip.MustParseAddr("2001:db8:d0::").As16()
	v := uint32(n + 2)
	b[12], b[13], b[14], b[15] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
	return netip.AddrFrom16(b).String()
}

// vpc returns the UUID of the team's default VPC in a region.
func (ts *teamState) vpc(regionSlug string) string {
	return nameUUID("vpc/" + ts.UUID + "/" + regionSlug)
}

// statusAt returns the Droplet's status at now.
func (d *droplet) statusAt(now time.Time) string {
	if d.status == "new" && !d.activeAt.IsZero() && !now.Before(d.activeAt) {
		return "active"
	}
	return d.status
}

// droplet returns the team's Droplet with the given id.
func (ts *teamState) droplet(id int) (*droplet, bool) {
	i := slices.IndexFunc(ts.droplets, func(d *droplet) bool { return d.id == id })
	if i < 0 {
		return nil, false
	}
	return ts.droplets[i], true
}

// removeDroplet deletes a Droplet from the team, keeping what it cost and freeing its volumes.
func (ts *teamState) removeDroplet(d *droplet, now time.Time) {
	ts.droplets = slices.DeleteFunc(ts.droplets, func(x *droplet) bool { return x == d })
	ts.ended = append(ts.ended, usage{size: d.size, from: d.created, to: now})
	for _, v := range ts.inventory[KindVolumes] {
		v.dropletIDs = slices.DeleteFunc(v.dropletIDs, func(id int) bool { return id == d.id })
	}
}

// listDroplets answers GET /v2/droplets, optionally filtered by tag_name or name.
func (s *Server) listDroplets(w http.ResponseWriter, r *http.Request, c caller) {
	q := r.URL.Query()
	tag, name, kind := q.Get("tag_name"), q.Get("name"), q.Get("type")
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []*droplet
	if kind != "gpus" { // the simulator has no GPU Droplets
		for _, d := range s.st.teams[c.team.UUID].droplets {
			if (tag == "" || slices.Contains(d.tags, tag)) && (name == "" || d.name == name) {
				all = append(all, d)
			}
		}
	}
	page, env := paginate(s, r, all)
	now := s.now()
	out := make([]dropletJSON, len(page))
	for i, d := range page {
		out[i] = d.json(now)
	}
	writeJSON(w, http.StatusOK, struct {
		Droplets []dropletJSON `json:"droplets"`
		listEnvelope
	}{out, env})
}

// pathID reads a positive integer path parameter, reporting false when it is not one.
func pathID(r *http.Request, name string) (int, bool) {
	id, err := strconv.Atoi(r.PathValue(name))
	return id, err == nil && id > 0
}

// getDroplet answers GET /v2/droplets/{droplet_id}. With Options.FreshDropletNotFound a
// Droplet is not found for that long after it was created.
func (s *Server) getDroplet(w http.ResponseWriter, r *http.Request, c caller) {
	id, _ := pathID(r, "droplet_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	d, ok := s.st.teams[c.team.UUID].droplet(id)
	if !ok || now.Before(d.created.Add(s.freshNotFound)) {
		notFound(w, r)
		return
	}
	writeJSON(w, http.StatusOK, map[string]dropletJSON{"droplet": d.json(now)})
}

// deleteDroplet answers DELETE /v2/droplets/{droplet_id}: 204, or 404.
func (s *Server) deleteDroplet(w http.ResponseWriter, r *http.Request, c caller) {
	id, _ := pathID(r, "droplet_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	ts := s.st.teams[c.team.UUID]
	d, ok := ts.droplet(id)
	if !ok {
		notFound(w, r)
		return
	}
	ts.removeDroplet(d, s.now())
	w.WriteHeader(http.StatusNoContent)
}

// deleteDropletsByTag answers DELETE /v2/droplets?tag_name=X: 204, even when none match.
func (s *Server) deleteDropletsByTag(w http.ResponseWriter, r *http.Request, c caller) {
	tag := r.URL.Query().Get("tag_name")
	if tag == "" {
		unprocessable(w, r, "tag_name is required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ts := s.st.teams[c.team.UUID]
	now := s.now()
	for _, d := range slices.Clone(ts.droplets) {
		if slices.Contains(d.tags, tag) {
			ts.removeDroplet(d, now)
		}
	}
	w.WriteHeader(http.StatusNoContent)
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
	V6 []networkV6JSON `json:"v6"`
}

type networkV4JSON struct {
	IPAddress string `json:"ip_address"`
	Netmask   string `json:"netmask"`
	Gateway   string `json:"gateway"`
	Type      string `json:"type"`
}

type networkV6JSON struct {
	IPAddress string `json:"ip_address"`
	Netmask   int    `json:"netmask"`
	Gateway   string `json:"gateway"`
	Type      string `json:"type"`
}

// json renders a Droplet as of now. A new Droplet has no public addresses yet.
func (d *droplet) json(now time.Time) dropletJSON {
	disk := diskInfoJSON{Type: "local"}
	disk.Size.Amount, disk.Size.Unit = d.size.Disk, "gib"
	status := d.statusAt(now)
	return dropletJSON{
		ID: d.id, Name: d.name, Memory: d.size.Memory, VCPUs: d.size.VCPUs, Disk: d.size.Disk,
		DiskInfo: []diskInfoJSON{disk}, Status: status,
		CreatedAt: d.created.UTC().Format(time.RFC3339),
		Features:  nonNil(d.features),
		BackupIDs: []int{}, NextBackupWindow: nextBackupWindow(now), SnapshotIDs: []int{},
		VolumeIDs: nonNil(d.volumeIDs),
		Image:     imageJSONOf(d.image), Size: sizeJSONOf(d.size), SizeSlug: d.size.Slug,
		Networks: d.networks(status != "new"),
		Region:   regionJSONOf(d.region), Tags: nonNil(d.tags), VPCUUID: d.vpcUUID,
	}
}

// networks lists the Droplet's addresses; public ones only once it has them.
func (d *droplet) networks(public bool) networksJSON {
	n := networksJSON{
		V4: []networkV4JSON{{IPAddress: d.privateIP, Netmask: "255.255.240.0", Gateway: "nil", Type: "private"}},
		V6: []networkV6JSON{},
	}
	if !public || d.noPublic {
		return n
	}
	n.V4 = append(n.V4, networkV4JSON{IPAddress: d.publicIP, Netmask: "255.255.255.0",
		Gateway: publicGateway(d.publicIP), Type: "public"})
	if d.publicIPv6 != "" {
		n.V6 = append(n.V6, networkV6JSON{IPAddress: d.publicIPv6, Netmask: 64,
			Gateway: "2001:db8:d0::1", Type: "public"})
	}
	return n
}

// publicGateway is the .1 address of the /24 a public address sits in.
func publicGateway(ip string) string {
	a := netip.MustParseAddr(ip).As4()
	a[3] = 1
	return netip.AddrFrom4(a).String()
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
	desc := im.Distribution + " " + im.Name
	if im.Application {
		desc = im.Name
	}
	return imageJSON{
		ID: im.ID, Name: im.Name, Distribution: im.Distribution, Slug: im.Slug, Public: true,
		Regions: availableRegionSlugs(), CreatedAt: im.CreatedAt.Format(time.RFC3339), Type: "base",
		MinDiskSize: im.MinDiskSize, SizeGB: im.SizeGB, Description: desc,
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
		PriceMonthly: s.PriceMonthly, PriceHourly: s.PriceHourly, Regions: s.regionsOf(),
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
	return regionJSON{Name: r.Name, Slug: r.Slug, Features: r.Features, Available: r.Available, Sizes: r.sizesIn()}
}

// nonNil returns s, or an empty slice when s is nil, so JSON shows [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
