package dosim

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Droplet creation limits and messages, as DigitalOcean answers them.
const (
	maxDropletsPerRequest = 10
	maxUserDataBytes      = 64 << 10
	msgDropletLimit       = "creating this/these droplet(s) will exceed your droplet limit"
	msgRegionUnavailable  = "Region is not available"
	msgSizeNotInRegion    = "Size is not available in this region."
	msgInvalidName        = "Only valid hostname characters are allowed. (a-z, A-Z, 0-9, . and -)"
	msgInvalidSize        = "You specified an invalid size for Droplet creation."
	msgInvalidImage       = "You specified an invalid image for Droplet creation."
	msgInvalidRegion      = "You specified an invalid region for Droplet creation."
)

// tagName is DigitalOcean's pattern for tag names (at most 255 characters).
var tagName = regexp.MustCompile(`^[a-zA-Z0-9_\-:]+$`)

// createDropletRequest is the body of POST /v2/droplets. Pointers tell absent from empty.
type createDropletRequest struct {
	Name              *string       `json:"name"`
	Names             *[]string     `json:"names"`
	Region            string        `json:"region"`
	Size              *string       `json:"size"`
	Image             *stringOrInt  `json:"image"`
	SSHKeys           []stringOrInt `json:"ssh_keys"`
	Backups           bool          `json:"backups"`
	BackupPolicy      *backupPolicy `json:"backup_policy"`
	IPv6              bool          `json:"ipv6"`
	Monitoring        bool          `json:"monitoring"`
	Tags              []string      `json:"tags"`
	UserData          string        `json:"user_data"`
	PrivateNetworking bool          `json:"private_networking"`
	Volumes           []string      `json:"volumes"`
	VPCUUID           string        `json:"vpc_uuid"`
	WithDropletAgent  bool          `json:"with_droplet_agent"`
	PublicNetworking  *bool         `json:"public_networking"`
}

// backupPolicy is the optional backup schedule of a new Droplet.
type backupPolicy struct {
	Plan    string `json:"plan"`
	Weekday string `json:"weekday"`
	Hour    *int   `json:"hour"`
}

// dropletPlan is a validated create request: everything but the names is shared.
type dropletPlan struct {
	names   []string
	region  region
	size    size
	image   image
	sshKeys []int
	volumes []*resource
	req     createDropletRequest
}

// createDroplets answers POST /v2/droplets: 202 with the new Droplet (or Droplets, for
// names) and their create actions, or 422 with DigitalOcean's message.
func (s *Server) createDroplets(w http.ResponseWriter, r *http.Request, c caller) {
	var req createDropletRequest
	if !decodeBody(w, r, &req, "tags") {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ts := s.st.teams[c.team.UUID]
	plan, msg := s.st.planDroplets(ts, req)
	if msg != "" {
		unprocessable(w, r, msg)
		return
	}
	now := s.now()
	var out []dropletJSON
	var links []actionLink
	for _, name := range plan.names {
		d := s.st.createDroplet(ts, plan, name, now, s.activeAfter)
		a := s.st.startAction(ts, "create", d, now, d.activeAt)
		out = append(out, d.json(now))
		links = append(links, actionLink{ID: a.id, Rel: "create", HREF: s.externalURL(r, fmt.Sprintf("/v2/actions/%d", a.id))})
	}
	body := map[string]any{"links": map[string][]actionLink{"actions": links}}
	if req.Names != nil {
		body["droplets"] = out
	} else {
		body["droplet"] = out[0]
	}
	writeJSON(w, http.StatusAccepted, body)
}

// actionLink points at the action that tracks a change.
type actionLink struct {
	ID   int    `json:"id"`
	Rel  string `json:"rel"`
	HREF string `json:"href"`
}

// planDroplets validates a create request in DigitalOcean's order and returns the plan,
// or the message to refuse it with.
func (st *state) planDroplets(ts *teamState, req createDropletRequest) (dropletPlan, string) {
	p := dropletPlan{req: req}
	var msg string
	checks := []func() string{
		func() string { p.names, msg = checkDropletNames(req); return msg },
		func() string { p.size, p.image, msg = checkSizeImage(req); return msg },
		func() string { p.region, msg = pickRegion(req.Region, p.size); return msg },
		func() string { p.sshKeys, msg = ts.resolveSSHKeys(req.SSHKeys); return msg },
		func() string { return checkDropletOptions(req) },
		func() string { return ts.checkVPC(req.VPCUUID, p.region) },
		func() string { p.volumes, msg = ts.checkVolumes(req.Volumes, p.region); return msg },
		func() string { return checkDropletLimit(ts, len(p.names)) },
	}
	for _, check := range checks {
		if msg := check(); msg != "" {
			return dropletPlan{}, msg
		}
	}
	return p, ""
}

// checkDropletNames returns the names to create: name, or 1 to 10 names.
func checkDropletNames(req createDropletRequest) ([]string, string) {
	var names []string
	switch {
	case req.Name != nil && req.Names != nil:
		return nil, "name and names cannot both be given"
	case req.Name != nil:
		names = []string{*req.Name}
	case req.Names != nil:
		names = *req.Names
	default:
		return nil, "name is required"
	}
	if len(names) == 0 {
		return nil, "names must list at least one name"
	}
	if len(names) > maxDropletsPerRequest {
		return nil, fmt.Sprintf("names may list at most %d names: you can create up to %d Droplets at once", maxDropletsPerRequest, maxDropletsPerRequest)
	}
	for _, n := range names {
		if len(n) > 255 {
			return nil, "name is too long (maximum is 255 characters)"
		}
		if !dropletName.MatchString(n) {
			return nil, msgInvalidName
		}
	}
	return names, ""
}

// checkSizeImage resolves the required size and image.
func checkSizeImage(req createDropletRequest) (size, image, string) {
	if req.Size == nil || *req.Size == "" {
		return size{}, image{}, "size is required"
	}
	sz, ok := findSize(*req.Size)
	if !ok {
		return size{}, image{}, msgInvalidSize
	}
	if req.Image == nil || (!req.Image.isNum && req.Image.str == "") {
		return size{}, image{}, "image is required"
	}
	im, ok := findImage(*req.Image)
	if !ok {
		return size{}, image{}, msgInvalidImage
	}
	return sz, im, ""
}

// pickRegion resolves the region, or picks one that offers the size when none is given.
func pickRegion(slug string, sz size) (region, string) {
	if slug == "" {
		if reg, _ := findRegion("nyc3"); sz.offeredIn(reg) {
			return reg, ""
		}
		reg, _ := findRegion(sz.regionsOf()[0])
		return reg, ""
	}
	reg, ok := findRegion(slug)
	switch {
	case !ok:
		return region{}, msgInvalidRegion
	case !reg.Available:
		return region{}, msgRegionUnavailable
	case !sz.offeredIn(reg):
		return region{}, msgSizeNotInRegion
	}
	return reg, ""
}

// checkDropletOptions checks tags, user data and the backup policy.
func checkDropletOptions(req createDropletRequest) string {
	for _, t := range req.Tags {
		if len(t) > 255 || !tagName.MatchString(t) {
			return fmt.Sprintf("tags: %q is not a valid tag name: use letters, numbers, colons, dashes and underscores", t)
		}
	}
	if len(req.UserData) > maxUserDataBytes {
		return "user_data must be at most 64 KiB"
	}
	if bp := req.BackupPolicy; bp != nil {
		switch {
		case !req.Backups:
			return "backup_policy requires backups to be enabled"
		case bp.Plan != "" && bp.Plan != "daily" && bp.Plan != "weekly":
			return "backup_policy.plan must be daily or weekly"
		case bp.Hour != nil && (*bp.Hour < 0 || *bp.Hour > 20 || *bp.Hour%4 != 0):
			return "backup_policy.hour must be one of 0, 4, 8, 12, 16 or 20"
		}
	}
	return ""
}

// checkVPC accepts no VPC (the default one) or the team's VPC in the region.
func (ts *teamState) checkVPC(uuid string, reg region) string {
	if uuid == "" || uuid == ts.vpc(reg.Slug) {
		return ""
	}
	return fmt.Sprintf("vpc_uuid: no VPC %s in region %s", uuid, reg.Slug)
}

// checkVolumes resolves volumes to attach: unattached volumes of the team in the region.
func (ts *teamState) checkVolumes(ids []string, reg region) ([]*resource, string) {
	var out []*resource
	for _, id := range ids {
		i := slices.IndexFunc(ts.inventory[KindVolumes], func(v *resource) bool { return v.id == id })
		if i < 0 {
			return nil, fmt.Sprintf("volumes: volume %s not found", id)
		}
		v := ts.inventory[KindVolumes][i]
		if v.region.Slug != reg.Slug || len(v.dropletIDs) > 0 {
			return nil, fmt.Sprintf("volumes: volume %s is attached or not in region %s", id, reg.Slug)
		}
		out = append(out, v)
	}
	return out, ""
}

// checkDropletLimit refuses a request that would take the team over its Droplet limit.
func checkDropletLimit(ts *teamState, n int) string {
	if len(ts.droplets)+n > ts.DropletLimit {
		return msgDropletLimit
	}
	return ""
}

// createDroplet stores one new Droplet of a plan.
func (st *state) createDroplet(ts *teamState, p dropletPlan, name string, now time.Time, activeAfter time.Duration) *droplet {
	req := p.req
	d := &droplet{
		name: name, region: p.region, size: p.size, image: p.image, status: "new",
		activeAt: now.Add(activeAfter), tags: slices.Clone(req.Tags), userData: req.UserData,
		sshKeyIDs: p.sshKeys, vpcUUID: req.VPCUUID,
		noPublic: req.PublicNetworking != nil && !*req.PublicNetworking,
	}
	d.features = dropletFeatures(req)
	st.placeDroplet(ts, d, now)
	if req.IPv6 {
		d.publicIPv6 = documentationIPv6(d.id - firstDropletID)
	}
	for _, v := range p.volumes {
		v.dropletIDs = append(v.dropletIDs, d.id)
		d.volumeIDs = append(d.volumeIDs, v.id)
	}
	return d
}

// dropletFeatures lists the features a create request turns on.
func dropletFeatures(req createDropletRequest) []string {
	out := []string{}
	for _, f := range []struct {
		on   bool
		name string
	}{{req.Backups, "backups"}, {req.IPv6, "ipv6"}, {req.Monitoring, "monitoring"},
		{req.WithDropletAgent, "droplet_agent"}, {true, "private_networking"}} {
		if f.on {
			out = append(out, f.name)
		}
	}
	return out
}

// describeKeys lists key identifiers as DigitalOcean quotes them in its message.
func describeKeys(keys []stringOrInt) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%q", k.String())
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
