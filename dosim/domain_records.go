package dosim

import (
	"fmt"
	"net/http"
	"net/netip"
	"regexp"
	"slices"
	"strings"
)

// Record limits, as DigitalOcean applies them.
const (
	minRecordTTL     = 30
	defaultRecordTTL = 1800
)

// recordTypes are the types the list filter accepts; every one but SOA can be created.
var recordTypes = []string{"A", "AAAA", "CAA", "CNAME", "MX", "NS", "SOA", "SRV", "TXT"}

var (
	// recordName is "@", or host labels that may include underscores and a leading "*".
	recordName = regexp.MustCompile(`^(@|(\*\.)?[A-Za-z0-9_*]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*)$`)
	// hostName is a host name, relative or absolute (trailing dot), or "@".
	hostName = regexp.MustCompile(`^(@|[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)*\.?)$`)
)

// recordJSON is a record as the API shows it; fields its type lacks are null.
type recordJSON struct {
	ID       int     `json:"id"`
	Type     string  `json:"type"`
	Name     string  `json:"name"`
	Data     string  `json:"data"`
	Priority *int    `json:"priority"`
	Port     *int    `json:"port"`
	TTL      int     `json:"ttl"`
	Weight   *int    `json:"weight"`
	Flags    *int    `json:"flags"`
	Tag      *string `json:"tag"`
}

func (rec *domainRecord) json() recordJSON {
	return recordJSON{ID: rec.id, Type: rec.typ, Name: rec.name, Data: rec.data, Priority: rec.priority,
		Port: rec.port, TTL: rec.ttl, Weight: rec.weight, Flags: rec.flags, Tag: rec.tag}
}

// recordRequest is the body of POST, PUT and PATCH on records; absent fields are nil.
type recordRequest struct {
	Type     *string `json:"type"`
	Name     *string `json:"name"`
	Data     *string `json:"data"`
	Priority *int    `json:"priority"`
	Port     *int    `json:"port"`
	TTL      *int    `json:"ttl"`
	Weight   *int    `json:"weight"`
	Flags    *int    `json:"flags"`
	Tag      *string `json:"tag"`
}

// recordNullable are the record fields the description allows to be null.
var recordNullable = []string{"priority", "port", "weight", "flags", "tag"}

// apply copies the fields present in req onto rec. Of priority, port, weight, flags and
// tag only those the record's type has are kept; clients such as godo send them all.
func (req recordRequest) apply(rec *domainRecord) {
	for _, f := range []struct{ dst, src *string }{{&rec.typ, req.Type}, {&rec.name, req.Name}, {&rec.data, req.Data}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	if req.TTL != nil {
		rec.ttl = *req.TTL
	}
	has := func(types ...string) bool { return slices.Contains(types, rec.typ) }
	for _, f := range []struct {
		dst  **int
		src  *int
		keep bool
	}{
		{&rec.priority, req.Priority, has("MX", "SRV")}, {&rec.port, req.Port, has("SRV")},
		{&rec.weight, req.Weight, has("SRV")}, {&rec.flags, req.Flags, has("CAA")},
	} {
		if f.src != nil && f.keep {
			*f.dst = f.src
		}
	}
	if req.Tag != nil && has("CAA") {
		rec.tag = req.Tag
	}
}

// normalizeName makes an absolute name (with trailing dot) relative to the zone.
func (d *domain) normalizeName(name string) string {
	switch {
	case name == d.name+".":
		return "@"
	case strings.HasSuffix(name, "."+d.name+"."):
		return strings.TrimSuffix(name, "."+d.name+".")
	}
	return name
}

// checkRecord returns why a record cannot be stored, or "".
func checkRecord(rec *domainRecord) string {
	if rec.typ == "SOA" {
		return "SOA records cannot be created or changed"
	}
	if !slices.Contains(recordTypes, rec.typ) {
		return "type must be one of A, AAAA, CAA, CNAME, MX, NS, SRV or TXT"
	}
	if rec.name == "" || len(rec.name) > 253 || !recordName.MatchString(rec.name) {
		return "Name is invalid: use @ or a host name relative to the domain"
	}
	if rec.ttl < minRecordTTL {
		return fmt.Sprintf("ttl must be at least %d seconds", minRecordTTL)
	}
	if msg := checkRecordData(rec); msg != "" {
		return msg
	}
	return checkRecordExtras(rec)
}

// checkRecordData checks data against the record type.
func checkRecordData(rec *domainRecord) string {
	switch rec.typ {
	case "A":
		if a, err := netip.ParseAddr(rec.data); err != nil || !a.Is4() {
			return "IP address did not match IPv4 format (e.g. 127.0.0.1)."
		}
	case "AAAA":
		if a, err := netip.ParseAddr(rec.data); err != nil || !a.Is6() || a.Is4In6() {
			return "IP address did not match IPv6 format (e.g. 2001:db8::1)."
		}
	case "CNAME", "MX", "NS", "SRV":
		if len(rec.data) > 253 || !hostName.MatchString(rec.data) {
			return "data must be a host name (e.g. www.example.com.) or @"
		}
	default:
		if rec.data == "" {
			return "data is required"
		}
	}
	return ""
}

// checkRecordExtras checks the fields only some types have.
func checkRecordExtras(rec *domainRecord) string {
	inRange := func(v *int, hi int) bool { return v != nil && *v >= 0 && *v <= hi }
	switch rec.typ {
	case "MX":
		if !inRange(rec.priority, 65535) {
			return "priority is required for MX records (0 to 65535)"
		}
	case "SRV":
		if !inRange(rec.priority, 65535) || !inRange(rec.port, 65535) || !inRange(rec.weight, 65535) {
			return "priority, port and weight are required for SRV records (0 to 65535)"
		}
	case "CAA":
		if !inRange(rec.flags, 255) {
			return "flags is required for CAA records (0 to 255)"
		}
		if rec.tag == nil || !slices.Contains([]string{"issue", "issuewild", "iodef"}, *rec.tag) {
			return "tag must be issue, issuewild or iodef for CAA records"
		}
	}
	return ""
}

// zoneOf returns the caller's zone named in the path, answering 404 when it has none.
func (s *Server) zoneOf(w http.ResponseWriter, r *http.Request, c caller) (*domain, bool) {
	d, ok := s.st.teams[c.team.UUID].domain(r.PathValue("domain_name"))
	if !ok {
		notFound(w, r)
	}
	return d, ok
}

// recordOf returns the record named in the path, answering 404 when the zone or record is missing.
func (s *Server) recordOf(w http.ResponseWriter, r *http.Request, c caller) (*domain, *domainRecord, bool) {
	d, ok := s.zoneOf(w, r, c)
	if !ok {
		return nil, nil, false
	}
	id, _ := pathID(r, "domain_record_id")
	i := slices.IndexFunc(d.records, func(rec *domainRecord) bool { return rec.id == id })
	if i < 0 {
		notFound(w, r)
		return nil, nil, false
	}
	return d, d.records[i], true
}

// listRecords answers GET /v2/domains/{domain_name}/records, filtered by type and by name
// (the record's fully qualified name, as DigitalOcean filters it).
func (s *Server) listRecords(w http.ResponseWriter, r *http.Request, c caller) {
	q := r.URL.Query()
	typ, name := q.Get("type"), strings.TrimSuffix(q.Get("name"), ".")
	if typ != "" && !slices.Contains(recordTypes, typ) {
		unprocessable(w, r, "type must be one of "+strings.Join(recordTypes, ", "))
		return
	}
	s.mu.Lock()
	d, ok := s.zoneOf(w, r, c)
	var all []recordJSON
	if ok {
		for _, rec := range d.records {
			if (typ == "" || rec.typ == typ) && (name == "" || strings.TrimSuffix(d.fqdn(rec.name), ".") == name) {
				all = append(all, rec.json())
			}
		}
	}
	s.mu.Unlock()
	if !ok {
		return
	}
	items, env := paginate(s, r, all)
	writeJSON(w, http.StatusOK, struct {
		Records []recordJSON `json:"domain_records"`
		listEnvelope
	}{items, env})
}

// createRecord answers POST /v2/domains/{domain_name}/records: 201 with the record, 404, or 422.
func (s *Server) createRecord(w http.ResponseWriter, r *http.Request, c caller) {
	var req recordRequest
	if !decodeBody(w, r, &req, recordNullable...) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.zoneOf(w, r, c)
	if !ok {
		return
	}
	if req.Type == nil {
		unprocessable(w, r, "type is required")
		return
	}
	rec := &domainRecord{ttl: defaultRecordTTL}
	if *req.Type == "MX" {
		rec.name = "@"
	}
	req.apply(rec)
	rec.name = d.normalizeName(rec.name)
	if msg := checkRecord(rec); msg != "" {
		unprocessable(w, r, msg)
		return
	}
	s.st.nextRecord++
	rec.id = s.st.nextRecord
	d.records = append(d.records, rec)
	writeJSON(w, http.StatusCreated, map[string]recordJSON{"domain_record": rec.json()})
}

// getRecord answers GET /v2/domains/{domain_name}/records/{domain_record_id}.
func (s *Server) getRecord(w http.ResponseWriter, r *http.Request, c caller) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, rec, ok := s.recordOf(w, r, c); ok {
		writeJSON(w, http.StatusOK, map[string]recordJSON{"domain_record": rec.json()})
	}
}

// updateRecord answers PUT and PATCH on a record: the fields sent replace the stored ones.
// The type is required, as the description says, and cannot change.
func (s *Server) updateRecord(w http.ResponseWriter, r *http.Request, c caller) {
	var req recordRequest
	if !decodeBody(w, r, &req, recordNullable...) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, rec, ok := s.recordOf(w, r, c)
	if !ok {
		return
	}
	switch {
	case req.Type == nil:
		unprocessable(w, r, "type is required")
		return
	case *req.Type != rec.typ:
		unprocessable(w, r, "type cannot be changed: delete the record and create a new one")
		return
	}
	updated := *rec
	req.apply(&updated)
	updated.name = d.normalizeName(updated.name)
	if msg := checkRecord(&updated); msg != "" {
		unprocessable(w, r, msg)
		return
	}
	*rec = updated
	writeJSON(w, http.StatusOK, map[string]recordJSON{"domain_record": rec.json()})
}

// deleteRecord answers DELETE on a record: 204, or 404.
func (s *Server) deleteRecord(w http.ResponseWriter, r *http.Request, c caller) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, rec, ok := s.recordOf(w, r, c)
	if !ok {
		return
	}
	if rec.typ == "SOA" {
		unprocessable(w, r, "SOA records cannot be deleted")
		return
	}
	d.records = slices.DeleteFunc(d.records, func(x *domainRecord) bool { return x == rec })
	w.WriteHeader(http.StatusNoContent)
}

// deref returns *p, or 0 for nil.
func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// derefString returns *p, or "" for nil.
func derefString(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
