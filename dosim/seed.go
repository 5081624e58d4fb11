package dosim

import (
	"errors"
	"fmt"
	"time"
)

// Seed data: the people, teams and token Options.Seed creates. Sammy belongs to both
// teams and Jordan to Acme Ops, so the consent page offers three accounts. Each team also
// gets an SSH key, two Droplets, a domain with records and a few inventory resources.
const (
	SeedUserSammy  = "cc80dc04a08907d6c2709c378b3daf80cdfc3795" // Sammy Shark, sammy@example.com
	SeedUserJordan = "006e180df8cd0c8cbfc3460254cf49f2e0b8b7ae" // Jordan Rivera, jordan@example.com
	SeedTeamSammy  = "406ea25bffe21371f8527e5df95404c8951bb271" // Sammy's Team
	SeedTeamAcme   = "2c15d20d19fd325d41352b658245e813635abbdc" // Acme Ops
	// SeedToken is a personal access token with full access ("read write") for Sammy in Sammy's Team.
	SeedToken = "dop_v1_3bf7156b71d7e69692ec7191fa350ffeb5839d2cd466a16b8fea612bf1a928a4"
)

// seedTime is when the seed resources were created.
var seedTime = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

// seed fills an empty simulator with the default believable data.
func (s *Server) seed() {
	s.AddUser(User{UUID: SeedUserSammy, Name: "Sammy Shark", Email: "sammy@example.com", EmailVerified: true})
	s.AddUser(User{UUID: SeedUserJordan, Name: "Jordan Rivera", Email: "jordan@example.com", EmailVerified: true})
	s.AddTeam(Team{UUID: SeedTeamSammy, Name: "Sammy's Team"})
	s.AddTeam(Team{UUID: SeedTeamAcme, Name: "Acme Ops", DropletLimit: 50})
	must(s.AddMember(SeedTeamSammy, SeedUserSammy))
	must(s.AddMember(SeedTeamAcme, SeedUserSammy))
	must(s.AddMember(SeedTeamAcme, SeedUserJordan))
	must(s.AddPersonalToken(SeedToken, SeedTeamSammy, SeedUserSammy, []string{"read", "write"}))

	s.mu.Lock()
	defer s.mu.Unlock()
	s.seedTeam(SeedTeamSammy, "sammyshark.example", "sammy@laptop", []DropletSpec{
		{Name: "web-01", Region: "nyc3", Size: "s-1vcpu-1gb", Tags: []string{"web", "env:prod"}},
		{Name: "db-01", Region: "nyc3", Size: "s-2vcpu-4gb", Tags: []string{"db", "env:prod"}},
	})
	s.seedTeam(SeedTeamAcme, "acme-ops.example", "jordan@workstation", []DropletSpec{
		{Name: "acme-web-01", Region: "fra1", Size: "s-1vcpu-2gb", Tags: []string{"web"}},
		{Name: "acme-worker-01", Region: "ams3", Size: "s-2vcpu-2gb", Image: "debian-12-x64", Tags: []string{"worker"}},
	})
	s.seedInventory(SeedTeamSammy, "nyc3", KindVolumes, KindSnapshots, KindReservedIPs, KindApps)
	s.seedInventory(SeedTeamAcme, "fra1", KindDatabases, KindKubernetesClusters, KindLoadBalancers, KindVolumes)
}

// seedTeam adds an SSH key, droplets and a domain whose apex and www point at the first droplet.
func (s *Server) seedTeam(teamUUID, domainName, keyComment string, specs []DropletSpec) {
	ts := s.st.teams[teamUUID]
	_, msg := s.st.addSSHKey(ts, keyComment, ed25519PublicKey(teamUUID, keyComment))
	must(errorIf(msg))
	var first *droplet
	for _, spec := range specs {
		d, err := newDroplet(spec)
		must(err)
		s.st.placeDroplet(ts, d, seedTime)
		if first == nil {
			first = d
		}
	}
	dom := s.st.placeDomain(ts, domainName, first.publicIP, seedTime)
	mx := s.st.newRecord("MX", "@", "mail."+domainName+".", 3600)
	mx.priority = new(10)
	dom.records = append(dom.records, s.st.newRecord("CNAME", "www", "@", 3600),
		s.st.newRecord("TXT", "@", "v=spf1 include:_spf.example.net ~all", 3600), mx)
}

// seedInventory adds one resource of each kind in a region, tied to the team's first droplet
// where that makes sense.
func (s *Server) seedInventory(teamUUID, regionSlug string, kinds ...string) {
	ts := s.st.teams[teamUUID]
	reg, _ := findRegion(regionSlug)
	first := ts.droplets[0]
	names := map[string]string{
		KindVolumes: "data", KindSnapshots: first.name + "-before-upgrade", KindReservedIPs: "",
		KindApps: "status-page", KindDatabases: "app-db", KindKubernetesClusters: "prod-cluster",
		KindLoadBalancers: "web-lb",
	}
	for _, kind := range kinds {
		res := s.st.addResource(ts, kind, names[kind], reg, seedTime)
		switch kind {
		case KindSnapshots:
			res.snapshotOf = fmt.Sprint(first.id)
		case KindReservedIPs, KindLoadBalancers:
			res.dropletIDs = []int{first.id}
		}
	}
}

// errorIf turns a validation message into an error.
func errorIf(msg string) error {
	if msg == "" {
		return nil
	}
	return errors.New(msg)
}

// must panics on an error in data the simulator itself defines.
func must(err error) {
	if err != nil {
		panic(err)
	}
}
