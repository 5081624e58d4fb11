package dosim

import (
	"fmt"
	"net/http"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"time"
)

// defaultDomainTTL is the TTL DigitalOcean gives a new zone.
const defaultDomainTTL = 1800

// domainNamePattern accepts a lowercase DNS name with at least two labels.
var domainNamePattern = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$`)

// domain is a stored DNS zone.
type domain struct {
	name      string
	ttl       int
	createdAt time.Time
	records   []*domainRecord
}

// domainRecord is one record of a zone.
type domainRecord struct {
	id       int
	typ      string
	name     string // relative to the zone; "@" is the apex
	data     string
	ttl      int
	priority *int // MX and SRV
	port     *int // SRV
	weight   *int // SRV
	flags    *int // CAA
	tag      *string
}

// AddDomain adds a zone to a team, with an A record for the apex when ipv4 is not empty.
func (s *Server) AddDomain(teamUUID, name, ipv4 string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ts, err := s.st.team(teamUUID)
	if err != nil {
		return fmt.Errorf("add domain: %w", err)
	}
	if msg := s.st.checkNewDomain(name, ipv4); msg != "" {
		return fmt.Errorf("add domain %q: %s", name, msg)
	}
	s.st.placeDomain(ts, name, ipv4, s.now())
	return nil
}

// checkNewDomain returns why a zone cannot be created, or "".
func (st *state) checkNewDomain(name, ipv4 string) string {
	switch {
	case name == "":
		return "Name can't be blank"
	case len(name) > 253 || !domainNamePattern.MatchString(name):
		return "Name is invalid"
	case st.domainOwner[name] != "":
		return "Name already exists"
	}
	if ipv4 != "" {
		if a, err := netip.ParseAddr(ipv4); err != nil || !a.Is4() {
			return "IP address is invalid"
		}
	}
	return ""
}

// placeDomain stores a new zone with DigitalOcean's default SOA and NS records.
func (st *state) placeDomain(ts *teamState, name, ipv4 string, now time.Time) *domain {
	d := &domain{name: name, ttl: defaultDomainTTL, createdAt: now}
	d.records = append(d.records, st.newRecord("SOA", "@", "1800", defaultDomainTTL))
	for _, ns := range []string{"ns1", "ns2", "ns3"} {
		d.records = append(d.records, st.newRecord("NS", "@", ns+".digitalocean.com", defaultDomainTTL))
	}
	if ipv4 != "" {
		d.records = append(d.records, st.newRecord("A", "@", ipv4, defaultDomainTTL))
	}
	ts.domains = append(ts.domains, d)
	st.domainOwner[name] = ts.UUID
	return d
}

// newRecord returns a record with a fresh id.
func (st *state) newRecord(typ, name, data string, ttl int) *domainRecord {
	st.nextRecord++
	return &domainRecord{id: st.nextRecord, typ: typ, name: name, data: data, ttl: ttl}
}

// zoneFile renders the zone in the BIND format DigitalOcean shows.
func (d *domain) zoneFile() string {
	var b strings.Builder
	fmt.Fprintf(&b, "$ORIGIN %s.\n$TTL %d\n", d.name, d.ttl)
	fmt.Fprintf(&b, "%s. IN SOA ns1.digitalocean.com. hostmaster.%s. %d 10800 3600 604800 1800\n",
		d.name, d.name, d.createdAt.Unix())
	for _, r := range d.records {
		if r.typ == "SOA" {
			continue
		}
		fmt.Fprintf(&b, "%s %d IN %s %s\n", d.fqdn(r.name), r.ttl, r.typ, d.zoneRData(r))
	}
	return b.String()
}

// fqdn turns a relative record name into an absolute one with a trailing dot.
func (d *domain) fqdn(name string) string {
	if name == "@" {
		return d.name + "."
	}
	return name + "." + d.name + "."
}

// zoneRData is a record's data with the fields its type puts before it.
func (d *domain) zoneRData(r *domainRecord) string {
	data := d.zoneData(r)
	switch r.typ {
	case "MX":
		return fmt.Sprintf("%d %s", deref(r.priority), data)
	case "SRV":
		return fmt.Sprintf("%d %d %d %s", deref(r.priority), deref(r.weight), deref(r.port), data)
	case "CAA":
		return fmt.Sprintf("%d %s %q", deref(r.flags), derefString(r.tag), data)
	case "TXT":
		return fmt.Sprintf("%q", data)
	}
	return data
}

// zoneData is a record's data as written in a zone file: host names are absolute.
func (d *domain) zoneData(r *domainRecord) string {
	switch {
	case r.typ != "NS" && r.typ != "CNAME" && r.typ != "MX" && r.typ != "SRV":
		return r.data
	case r.data == "@":
		return d.name + "."
	case strings.HasSuffix(r.data, "."):
		return r.data
	}
	return r.data + "."
}

// domainJSON is a zone as the API shows it.
type domainJSON struct {
	Name     string  `json:"name"`
	TTL      *int    `json:"ttl"`
	ZoneFile *string `json:"zone_file"`
}

// listDomains answers GET /v2/domains.
func (s *Server) listDomains(w http.ResponseWriter, r *http.Request, c caller) {
	s.mu.Lock()
	var all []domainJSON
	for _, d := range s.st.teams[c.team.UUID].domains {
		all = append(all, d.json())
	}
	s.mu.Unlock()
	items, env := paginate(s, r, all)
	writeJSON(w, http.StatusOK, struct {
		Domains []domainJSON `json:"domains"`
		listEnvelope
	}{items, env})
}

// domain returns the team's zone with the given name.
func (ts *teamState) domain(name string) (*domain, bool) {
	i := slices.IndexFunc(ts.domains, func(d *domain) bool { return d.name == name })
	if i < 0 {
		return nil, false
	}
	return ts.domains[i], true
}

// json renders the zone with its zone file.
func (d *domain) json() domainJSON {
	ttl, zone := d.ttl, d.zoneFile()
	return domainJSON{Name: d.name, TTL: &ttl, ZoneFile: &zone}
}

// getDomain answers GET /v2/domains/{domain_name}; a zone of another team is not found.
func (s *Server) getDomain(w http.ResponseWriter, r *http.Request, c caller) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.st.teams[c.team.UUID].domain(r.PathValue("domain_name"))
	if !ok {
		notFound(w, r)
		return
	}
	writeJSON(w, http.StatusOK, map[string]domainJSON{"domain": d.json()})
}

// createDomainRequest is the body of POST /v2/domains.
type createDomainRequest struct {
	Name      string `json:"name"`
	IPAddress string `json:"ip_address"`
}

// createDomain answers POST /v2/domains: 201 with the new zone (its zone file not yet
// rendered, as on DigitalOcean), or 422 when the name is missing, invalid or taken.
func (s *Server) createDomain(w http.ResponseWriter, r *http.Request, c caller) {
	var req createDomainRequest
	if !decodeBody(w, r, &req) {
		return
	}
	name := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(req.Name)), ".")
	s.mu.Lock()
	msg := s.st.checkNewDomain(name, req.IPAddress)
	if msg == "" {
		s.st.placeDomain(s.st.teams[c.team.UUID], name, req.IPAddress, s.now())
	}
	s.mu.Unlock()
	if msg != "" {
		unprocessable(w, r, msg)
		return
	}
	ttl := defaultDomainTTL
	writeJSON(w, http.StatusCreated, map[string]domainJSON{"domain": {Name: name, TTL: &ttl}})
}
