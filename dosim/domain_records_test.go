package dosim_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/berth-dev/berth/dosim"
)

type recordBody struct {
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

type recordList struct {
	Records []recordBody `json:"domain_records"`
	Links   struct{ Pages map[string]string }
	Meta    struct{ Total int }
}

const seedZone = "/v2/domains/sammyshark.example"

func TestGetDomain(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	var got struct {
		Domain struct {
			Name     string  `json:"name"`
			TTL      int     `json:"ttl"`
			ZoneFile *string `json:"zone_file"`
		} `json:"domain"`
	}
	res := call(t, sim.URL, dosim.SeedToken, http.MethodGet, seedZone, nil)
	res.decode(t, &got)
	if res.status != http.StatusOK || got.Domain.Name != "sammyshark.example" || got.Domain.ZoneFile == nil ||
		!strings.Contains(*got.Domain.ZoneFile, "www.sammyshark.example. 3600 IN CNAME sammyshark.example.") ||
		!strings.Contains(*got.Domain.ZoneFile, "sammyshark.example. 3600 IN MX 10 mail.sammyshark.example.") {
		t.Fatalf("GET %s = %d %s, want the zone with its records", seedZone, res.status, res.body)
	}
	for _, path := range []string{"/v2/domains/acme-ops.example", "/v2/domains/nowhere.example"} {
		wantError(t, "GET "+path, call(t, sim.URL, dosim.SeedToken, http.MethodGet, path, nil), http.StatusNotFound, "not_found", "")
	}
}

func TestListRecordsFilters(t *testing.T) {
	t.Parallel()
	sim, _ := startLenient(t)
	tests := []struct {
		query     string
		wantTypes []string // of the records listed, in order
	}{
		{"", []string{"SOA", "NS", "NS", "NS", "A", "CNAME", "TXT", "MX"}},
		{"type=A", []string{"A"}},
		{"type=NS", []string{"NS", "NS", "NS"}},
		{"name=sammyshark.example", []string{"SOA", "NS", "NS", "NS", "A", "TXT", "MX"}},
		{"name=www.sammyshark.example", []string{"CNAME"}},
		{"type=A&name=sammyshark.example", []string{"A"}},
		{"type=A&name=www.sammyshark.example", nil},
		{"name=www", nil}, // the filter takes the fully qualified name
		{"type=MX&name=sammyshark.example.", []string{"MX"}},
	}
	for _, tt := range tests {
		var got recordList
		res := call(t, sim.URL, dosim.SeedToken, http.MethodGet, seedZone+"/records?"+tt.query, nil)
		res.decode(t, &got)
		var types []string
		for _, r := range got.Records {
			types = append(types, r.Type)
		}
		if res.status != http.StatusOK || !slices.Equal(types, tt.wantTypes) || got.Meta.Total != len(tt.wantTypes) {
			t.Errorf("GET records?%s = %d %v (total %d), want %v", tt.query, res.status, types, got.Meta.Total, tt.wantTypes)
		}
	}
	wantError(t, "GET records?type=BOGUS", call(t, sim.URL, dosim.SeedToken, http.MethodGet, seedZone+"/records?type=BOGUS", nil),
		http.StatusUnprocessableEntity, "unprocessable_entity", "")
	wantError(t, "GET records of another team's zone", call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/domains/acme-ops.example/records", nil),
		http.StatusNotFound, "not_found", "")
}

func TestRecordsPaginate(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	for i := range 25 {
		res := call(t, sim.URL, dosim.SeedToken, http.MethodPost, seedZone+"/records",
			map[string]any{"type": "A", "name": fmt.Sprintf("host-%02d", i), "data": "192.0.2.10", "ttl": 60})
		if res.status != http.StatusCreated {
			t.Fatalf("create record %d = %d %s", i, res.status, res.body)
		}
	}
	var got recordList
	call(t, sim.URL, dosim.SeedToken, http.MethodGet, seedZone+"/records?type=A&per_page=10&page=3", nil).decode(t, &got)
	if len(got.Records) != 6 || got.Meta.Total != 26 || got.Links.Pages["prev"] == "" || got.Links.Pages["next"] != "" {
		t.Errorf("page 3 of A records = %d records, total %d, links %v; want 6 of 26 and no next", len(got.Records), got.Meta.Total, got.Links.Pages)
	}
}

func TestCreateRecords(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	tests := []struct {
		body map[string]any
		want recordBody
	}{
		{map[string]any{"type": "A", "name": "api", "data": "192.0.2.7"}, recordBody{Type: "A", Name: "api", Data: "192.0.2.7", TTL: 1800}},
		{map[string]any{"type": "A", "name": "godo", "data": "192.0.2.6", "priority": 0, "port": 0, "weight": 0, "flags": 0},
			recordBody{Type: "A", Name: "godo", Data: "192.0.2.6", TTL: 1800}}, // fields A lacks stay null
		{map[string]any{"type": "A", "name": "@", "data": "192.0.2.8", "ttl": 300}, recordBody{Type: "A", Name: "@", Data: "192.0.2.8", TTL: 300}},
		{map[string]any{"type": "A", "name": "abs.sammyshark.example.", "data": "192.0.2.9"}, recordBody{Type: "A", Name: "abs", Data: "192.0.2.9", TTL: 1800}},
		{map[string]any{"type": "AAAA", "name": "v6", "data": "2001:db8::5"}, recordBody{Type: "AAAA", Name: "v6", Data: "2001:db8::5", TTL: 1800}},
		{map[string]any{"type": "CNAME", "name": "docs", "data": "www.example.org."}, recordBody{Type: "CNAME", Name: "docs", Data: "www.example.org.", TTL: 1800}},
		{map[string]any{"type": "MX", "data": "mx2.example.org.", "priority": 20}, recordBody{Type: "MX", Name: "@", Data: "mx2.example.org.", TTL: 1800, Priority: new(20)}},
		{map[string]any{"type": "TXT", "name": "_dmarc", "data": "v=DMARC1; p=none", "flags": nil, "tag": nil}, recordBody{Type: "TXT", Name: "_dmarc", Data: "v=DMARC1; p=none", TTL: 1800}},
		{map[string]any{"type": "SRV", "name": "_sip._tcp", "data": "sip.example.org.", "priority": 10, "port": 5060, "weight": 5, "flags": nil, "tag": nil},
			recordBody{Type: "SRV", Name: "_sip._tcp", Data: "sip.example.org.", TTL: 1800, Priority: new(10), Port: new(5060), Weight: new(5)}},
		{map[string]any{"type": "CAA", "name": "@", "data": "letsencrypt.org", "flags": 0, "tag": "issue"},
			recordBody{Type: "CAA", Name: "@", Data: "letsencrypt.org", TTL: 1800, Flags: new(0), Tag: new("issue")}},
	}
	for _, tt := range tests {
		var got struct {
			Record recordBody `json:"domain_record"`
		}
		res := call(t, sim.URL, dosim.SeedToken, http.MethodPost, seedZone+"/records", tt.body)
		res.decode(t, &got)
		tt.want.ID = got.Record.ID
		if res.status != http.StatusCreated || got.Record.ID == 0 || !sameRecord(got.Record, tt.want) {
			t.Errorf("POST records %v = %d %s, want 201 with %+v", tt.body, res.status, res.body, tt.want)
			continue
		}
		var back struct {
			Record recordBody `json:"domain_record"`
		}
		call(t, sim.URL, dosim.SeedToken, http.MethodGet, fmt.Sprintf("%s/records/%d", seedZone, got.Record.ID), nil).decode(t, &back)
		if !sameRecord(back.Record, got.Record) {
			t.Errorf("GET record %d = %+v, want %+v", got.Record.ID, back.Record, got.Record)
		}
	}
}

// sameRecord compares records field by field, pointers by value.
func sameRecord(a, b recordBody) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

func TestCreateRecordRejects(t *testing.T) {
	t.Parallel()
	sim, _ := startLenient(t)
	tests := []struct {
		name        string
		body        any
		wantMessage string
		wantInvalid bool
	}{
		{"bad IPv4", map[string]any{"type": "A", "name": "x", "data": "300.1.1.1"}, "IP address did not match IPv4 format (e.g. 127.0.0.1).", false},
		{"IPv6 in A", map[string]any{"type": "A", "name": "x", "data": "2001:db8::1"}, "IP address did not match IPv4 format (e.g. 127.0.0.1).", false},
		{"bad IPv6", map[string]any{"type": "AAAA", "name": "x", "data": "192.0.2.1"}, "IP address did not match IPv6 format (e.g. 2001:db8::1).", false},
		{"unknown type", map[string]any{"type": "SPF", "name": "x", "data": "v=spf1"}, "", true},
		{"SOA", map[string]any{"type": "SOA", "name": "@", "data": "x", "ttl": 1800}, "SOA records cannot be created or changed", false},
		{"bad name", map[string]any{"type": "A", "name": "bad name", "data": "192.0.2.1"}, "", false},
		{"ttl too low", map[string]any{"type": "A", "name": "x", "data": "192.0.2.1", "ttl": 5}, "ttl must be at least 30 seconds", false},
		{"MX without priority", map[string]any{"type": "MX", "name": "@", "data": "mx.example.org."}, "priority is required for MX records (0 to 65535)", true},
		{"SRV without port", map[string]any{"type": "SRV", "name": "_x._tcp", "data": "h.example.org.", "priority": 1, "weight": 1, "flags": nil, "tag": nil}, "", true},
		{"CAA bad tag", map[string]any{"type": "CAA", "name": "@", "data": "ca.example", "flags": 0, "tag": "nope"}, "tag must be issue, issuewild or iodef for CAA records", false},
		{"CNAME bad target", map[string]any{"type": "CNAME", "name": "x", "data": "not a host"}, "", false},
		{"missing type", map[string]any{"name": "x", "data": "192.0.2.1"}, "type is required", true},
		{"missing data", map[string]any{"type": "A", "name": "x"}, "", true},
		{"ttl a string", map[string]any{"type": "A", "name": "x", "data": "192.0.2.1", "ttl": "60"}, "ttl has the wrong type: want an integer, got string", true},
		{"data null", map[string]any{"type": "A", "name": "x", "data": nil}, "data must not be null", true},
	}
	for _, tt := range tests {
		n := len(sim.InvalidRequests())
		res := call(t, sim.URL, dosim.SeedToken, http.MethodPost, seedZone+"/records", tt.body)
		wantError(t, tt.name, res, http.StatusUnprocessableEntity, "unprocessable_entity", tt.wantMessage)
		if got := len(sim.InvalidRequests()) > n; got != tt.wantInvalid {
			t.Errorf("%s: the harness found the request invalid = %v, want %v", tt.name, got, tt.wantInvalid)
		}
	}
	wantError(t, "POST records to another team's zone",
		call(t, sim.URL, dosim.SeedToken, http.MethodPost, "/v2/domains/acme-ops.example/records", map[string]any{"type": "A", "name": "x", "data": "192.0.2.1"}),
		http.StatusNotFound, "not_found", "")
}

func TestUpdateAndDeleteRecord(t *testing.T) {
	t.Parallel()
	sim, _ := startLenient(t)
	var created struct {
		Record recordBody `json:"domain_record"`
	}
	call(t, sim.URL, dosim.SeedToken, http.MethodPost, seedZone+"/records",
		map[string]any{"type": "A", "name": "app", "data": "192.0.2.20", "ttl": 60}).decode(t, &created)
	path := fmt.Sprintf("%s/records/%d", seedZone, created.Record.ID)
	steps := []struct {
		method   string
		body     map[string]any
		wantCode int
		want     recordBody
	}{
		{http.MethodPut, map[string]any{"type": "A", "name": "app", "data": "192.0.2.21", "ttl": 120}, 200, recordBody{Type: "A", Name: "app", Data: "192.0.2.21", TTL: 120}},
		{http.MethodPatch, map[string]any{"type": "A", "data": "192.0.2.22"}, 200, recordBody{Type: "A", Name: "app", Data: "192.0.2.22", TTL: 120}},
		{http.MethodPatch, map[string]any{"type": "A", "name": "app2"}, 200, recordBody{Type: "A", Name: "app2", Data: "192.0.2.22", TTL: 120}},
		{http.MethodPatch, map[string]any{"type": "A", "data": "nope"}, 422, recordBody{}},
		{http.MethodPatch, map[string]any{"type": "CNAME", "data": "x.example.org."}, 422, recordBody{}},
		{http.MethodPatch, map[string]any{"data": "192.0.2.23"}, 422, recordBody{}}, // the description requires type
	}
	for i, st := range steps {
		var got struct {
			Record recordBody `json:"domain_record"`
		}
		res := call(t, sim.URL, dosim.SeedToken, st.method, path, st.body)
		if res.status != st.wantCode {
			t.Fatalf("step %d: %s %v = %d %s, want %d", i, st.method, st.body, res.status, res.body, st.wantCode)
		}
		if st.wantCode != 200 {
			continue
		}
		res.decode(t, &got)
		st.want.ID = created.Record.ID
		if !sameRecord(got.Record, st.want) {
			t.Errorf("step %d: %s = %+v, want %+v", i, st.method, got.Record, st.want)
		}
	}
	var list recordList
	call(t, sim.URL, dosim.SeedToken, http.MethodGet, seedZone+"/records?name=app2.sammyshark.example", nil).decode(t, &list)
	if len(list.Records) != 1 || list.Records[0].Data != "192.0.2.22" {
		t.Errorf("list after updates = %+v, want app2 -> 192.0.2.22", list.Records)
	}
	acme := acmeToken(t, sim, "records", "read", "write")
	wantError(t, "PUT another team's record", call(t, sim.URL, acme, http.MethodPut, path, map[string]any{"type": "A", "data": "192.0.2.1"}), http.StatusNotFound, "not_found", "")
	wantError(t, "DELETE with a read token", call(t, sim.URL, acmeToken(t, sim, "records-ro", "read"), http.MethodDelete, path, nil), http.StatusForbidden, "forbidden", "")
	if res := call(t, sim.URL, dosim.SeedToken, http.MethodDelete, path, nil); res.status != http.StatusNoContent {
		t.Fatalf("DELETE %s = %d %s, want 204", path, res.status, res.body)
	}
	for _, m := range []string{http.MethodGet, http.MethodDelete} {
		wantError(t, m+" a deleted record", call(t, sim.URL, dosim.SeedToken, m, path, nil), http.StatusNotFound, "not_found", "")
	}
	wantError(t, "GET a record of an unknown zone", call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/domains/nowhere.example/records/1", nil), http.StatusNotFound, "not_found", "")
}

func TestRecordsNeedDomainScopes(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	zone := "/v2/domains/acme-ops.example/records"
	body := map[string]any{"type": "A", "name": "x", "data": "192.0.2.1"}
	tests := []struct {
		scope      string
		method     string
		wantStatus int
	}{
		{"domain:read", http.MethodGet, 200},
		{"domain:read", http.MethodPost, 403},
		{"domain:create", http.MethodPost, 201},
		{"droplet:read", http.MethodGet, 403},
	}
	for i, tt := range tests {
		token := acmeToken(t, sim, fmt.Sprintf("rec%d", i), tt.scope)
		var b any
		if tt.method == http.MethodPost {
			b = body
		}
		if res := call(t, sim.URL, token, tt.method, zone, b); res.status != tt.wantStatus {
			t.Errorf("%s %s with %s = %d, want %d", tt.method, zone, tt.scope, res.status, tt.wantStatus)
		}
	}
}
