package dosim_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/dosim/dosimtest"
)

// dropletList is the part of GET /v2/droplets these tests read.
type dropletList struct {
	Droplets []struct {
		ID       int
		Name     string
		Status   string
		Tags     []string
		Networks struct {
			V4 []struct {
				IPAddress string `json:"ip_address"`
				Type      string
			}
		}
	}
	Links struct {
		Pages map[string]string
	}
	Meta struct{ Total int }
}

// manyDroplets serves a simulator with one team holding n droplets named d-0001...
func manyDroplets(t *testing.T, n int, baseURL string) (*dosimtest.Sim, string) {
	t.Helper()
	sim := dosimtest.Start(t, dosim.Options{BaseURL: baseURL})
	sim.AddUser(dosim.User{UUID: "u1", Name: "Pat", Email: "pat@example.com"})
	sim.AddTeam(dosim.Team{UUID: "t1", Name: "Big Team"})
	if err := sim.AddMember("t1", "u1"); err != nil {
		t.Fatal(err)
	}
	const token = "dop_v1_many"
	if err := sim.AddPersonalToken(token, "t1", "u1", []string{"read"}); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		tags := []string{"all"}
		if i%10 == 0 {
			tags = append(tags, "tenth")
		}
		if _, err := sim.AddDroplet("t1", dosim.DropletSpec{Name: fmt.Sprintf("d-%04d", i), Tags: tags}); err != nil {
			t.Fatal(err)
		}
	}
	return sim, token
}

func TestDropletPagination(t *testing.T) {
	t.Parallel()
	const n = 450
	sim, token := manyDroplets(t, n, "")
	link := func(q string) string { return sim.URL + "/v2/droplets?" + q }
	tests := []struct {
		query     string
		wantCount int
		wantFirst string
		wantLinks map[string]string
	}{
		{"", 20, "d-0001", map[string]string{"next": link("page=2"), "last": link("page=23")}},
		{"per_page=200", 200, "d-0001", map[string]string{"next": link("page=2&per_page=200"), "last": link("page=3&per_page=200")}},
		{"page=2&per_page=200", 200, "d-0201", map[string]string{
			"first": link("page=1&per_page=200"), "prev": link("page=1&per_page=200"),
			"next": link("page=3&per_page=200"), "last": link("page=3&per_page=200")}},
		{"page=3&per_page=200", 50, "d-0401", map[string]string{"first": link("page=1&per_page=200"), "prev": link("page=2&per_page=200")}},
		{"page=9&per_page=200", 0, "", map[string]string{"first": link("page=1&per_page=200"), "prev": link("page=3&per_page=200")}},
		{"tag_name=tenth&per_page=40", 40, "d-0010", map[string]string{
			"next": link("page=2&per_page=40&tag_name=tenth"), "last": link("page=2&per_page=40&tag_name=tenth")}},
		{"name=d-0007", 1, "d-0007", nil},
		{"type=gpus", 0, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			res := call(t, sim.URL, token, http.MethodGet, "/v2/droplets?"+tt.query, nil)
			var got dropletList
			res.decode(t, &got)
			if res.status != http.StatusOK || len(got.Droplets) != tt.wantCount {
				t.Fatalf("GET ?%s = %d with %d droplets, want 200 with %d", tt.query, res.status, len(got.Droplets), tt.wantCount)
			}
			if tt.wantCount > 0 && got.Droplets[0].Name != tt.wantFirst {
				t.Errorf("first droplet = %s, want %s", got.Droplets[0].Name, tt.wantFirst)
			}
			if !mapsEqual(got.Links.Pages, tt.wantLinks) {
				t.Errorf("links.pages = %v, want %v", got.Links.Pages, tt.wantLinks)
			}
			wantTotal := n
			switch {
			case strings.Contains(tt.query, "tag_name"):
				wantTotal = n / 10
			case strings.Contains(tt.query, "name="):
				wantTotal = 1
			case strings.Contains(tt.query, "gpus"):
				wantTotal = 0
			}
			if got.Meta.Total != wantTotal {
				t.Errorf("meta.total = %d, want %d", got.Meta.Total, wantTotal)
			}
		})
	}
}

func TestDropletWalkAllPages(t *testing.T) {
	t.Parallel()
	const n = 403
	sim, token := manyDroplets(t, n, "")
	seen := map[int]bool{}
	next := sim.URL + "/v2/droplets?per_page=200"
	for pages := 0; next != ""; pages++ {
		if pages > 3 {
			t.Fatalf("more pages than expected; next = %s", next)
		}
		u, err := url.Parse(next)
		if err != nil {
			t.Fatal(err)
		}
		res := call(t, sim.URL, token, http.MethodGet, u.RequestURI(), nil)
		var got dropletList
		res.decode(t, &got)
		for _, d := range got.Droplets {
			if seen[d.ID] {
				t.Errorf("droplet %d listed twice", d.ID)
			}
			seen[d.ID] = true
		}
		next = got.Links.Pages["next"]
	}
	if len(seen) != n {
		t.Errorf("walked %d droplets, want %d", len(seen), n)
	}
}

func TestPaginationLinksUseBaseURL(t *testing.T) {
	t.Parallel()
	const base = "http://127.0.0.1:8080/_sim"
	sim, token := manyDroplets(t, 3, base)
	res := call(t, sim.URL, token, http.MethodGet, "/v2/droplets?per_page=1&page=2", nil)
	var got dropletList
	res.decode(t, &got)
	want := map[string]string{
		"first": base + "/v2/droplets?page=1&per_page=1", "prev": base + "/v2/droplets?page=1&per_page=1",
		"next": base + "/v2/droplets?page=3&per_page=1", "last": base + "/v2/droplets?page=3&per_page=1",
	}
	if !mapsEqual(got.Links.Pages, want) {
		t.Errorf("links.pages = %v, want %v", got.Links.Pages, want)
	}
}

// TestPerPageOutOfRange checks that the simulator, like DigitalOcean, caps per_page at 200
// and treats nonsense as the default. Such requests violate the description, so they go
// straight to the handler and only the response is validated.
func TestPerPageOutOfRange(t *testing.T) {
	t.Parallel()
	sim, token := manyDroplets(t, 250, "")
	tests := []struct {
		query     string
		wantCount int
	}{
		{"per_page=1000", 200},
		{"per_page=0", 20},
		{"per_page=abc&page=-1", 20},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(http.MethodGet, "/v2/droplets?"+tt.query, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		sim.Server.ServeHTTP(rec, req)
		var got dropletList
		result{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}.decode(t, &got)
		if rec.Code != http.StatusOK || len(got.Droplets) != tt.wantCount {
			t.Errorf("GET ?%s = %d with %d droplets, want 200 with %d", tt.query, rec.Code, len(got.Droplets), tt.wantCount)
		}
		if err := dosimtest.ValidateResponse(req, rec.Code, rec.Header(), rec.Body.Bytes()); err != nil {
			t.Errorf("GET ?%s: %v", tt.query, err)
		}
		if err := dosimtest.ValidateRequest(req, nil); err == nil {
			t.Errorf("GET ?%s: the description allows it; move it to TestDropletPagination", tt.query)
		}
	}
}

func TestSeedDroplets(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	res := call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/droplets", nil)
	var got dropletList
	res.decode(t, &got)
	if got.Meta.Total < 2 {
		t.Fatalf("seed team has %d droplets, want at least 2", got.Meta.Total)
	}
	for _, d := range got.Droplets {
		public := ""
		for _, n := range d.Networks.V4 {
			if n.Type == "public" {
				public = n.IPAddress
			}
		}
		if d.Status != "active" || public == "" {
			t.Errorf("seed droplet %s: status %s public IPv4 %q, want active with a public address", d.Name, d.Status, public)
		}
	}
}

func TestAddDropletRejects(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	tests := []dosim.DropletSpec{
		{Name: "bad name!"},
		{Name: strings.Repeat("a", 256)},
		{Name: "ok", Region: "mars1"},
		{Name: "ok", Size: "huge"},
		{Name: "ok", Image: "windows"},
		{Name: "ok", Status: "exploded"},
	}
	for _, spec := range tests {
		if _, err := sim.AddDroplet(dosim.SeedTeamSammy, spec); err == nil {
			t.Errorf("AddDroplet(%+v) = nil error, want one", spec)
		}
	}
	if _, err := sim.AddDroplet("no-such-team", dosim.DropletSpec{Name: "ok"}); err == nil {
		t.Errorf("AddDroplet to an unknown team = nil error, want one")
	}
}

func TestGetAndDeleteDroplet(t *testing.T) {
	t.Parallel()
	sim, _ := startLenient(t)
	var list dropletList
	call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/droplets?name=web-01", nil).decode(t, &list)
	path := fmt.Sprintf("/v2/droplets/%d", list.Droplets[0].ID)
	var got struct{ Droplet dropletBody }
	res := call(t, sim.URL, dosim.SeedToken, http.MethodGet, path, nil)
	res.decode(t, &got)
	if res.status != http.StatusOK || got.Droplet.Name != "web-01" || !inDocumentationRange(got.Droplet.publicIPv4()) {
		t.Fatalf("GET %s = %d %s, want web-01 with a documentation address", path, res.status, res.body)
	}
	acme := acmeToken(t, sim, "droplets", "read", "write")
	wantError(t, "GET another team's droplet", call(t, sim.URL, acme, http.MethodGet, path, nil), http.StatusNotFound, "not_found", "")
	wantError(t, "DELETE another team's droplet", call(t, sim.URL, acme, http.MethodDelete, path, nil), http.StatusNotFound, "not_found", "")
	wantError(t, "DELETE with a read token", call(t, sim.URL, acmeToken(t, sim, "reader", "read"), http.MethodDelete, path, nil),
		http.StatusForbidden, "forbidden", "")
	wantError(t, "GET /v2/droplets/abc", call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/droplets/abc", nil), http.StatusNotFound, "not_found", "")
	if res := call(t, sim.URL, dosim.SeedToken, http.MethodDelete, path, nil); res.status != http.StatusNoContent || len(res.body) != 0 {
		t.Fatalf("DELETE %s = %d %s, want 204 with no body", path, res.status, res.body)
	}
	wantError(t, "GET a deleted droplet", call(t, sim.URL, dosim.SeedToken, http.MethodGet, path, nil), http.StatusNotFound, "not_found", "")
	wantError(t, "DELETE a deleted droplet", call(t, sim.URL, dosim.SeedToken, http.MethodDelete, path, nil), http.StatusNotFound, "not_found", "")
}

func TestDeleteDropletsByTag(t *testing.T) {
	t.Parallel()
	sim, _ := startLenient(t)
	call(t, sim.URL, dosim.SeedToken, http.MethodPost, "/v2/droplets",
		createBody(map[string]any{"name": nil, "names": []string{"b-1", "b-2", "b-3"}, "tags": []string{"berth:batch-7"}}))
	acme := acmeToken(t, sim, "bytag", "read", "write")
	if _, err := sim.AddDroplet(dosim.SeedTeamAcme, dosim.DropletSpec{Name: "acme-batch", Tags: []string{"berth:batch-7"}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query      string
		wantStatus int
		wantLeft   int // droplets left with the tag in the seed team
	}{
		{"tag_name=no-such-tag", http.StatusNoContent, 3},
		{"tag_name=berth:batch-7", http.StatusNoContent, 0},
		{"tag_name=berth:batch-7", http.StatusNoContent, 0},
		{"", http.StatusUnprocessableEntity, 0},
	}
	for _, tt := range tests {
		res := call(t, sim.URL, dosim.SeedToken, http.MethodDelete, "/v2/droplets?"+tt.query, nil)
		if res.status != tt.wantStatus {
			t.Errorf("DELETE /v2/droplets?%s = %d %s, want %d", tt.query, res.status, res.body, tt.wantStatus)
		}
		var list dropletList
		call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/droplets?tag_name=berth:batch-7", nil).decode(t, &list)
		if list.Meta.Total != tt.wantLeft {
			t.Errorf("after DELETE ?%s: %d tagged droplets left, want %d", tt.query, list.Meta.Total, tt.wantLeft)
		}
	}
	var all dropletList
	call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/droplets", nil).decode(t, &all)
	if all.Meta.Total != 2 {
		t.Errorf("seed team droplets = %d, want the 2 untagged seed droplets", all.Meta.Total)
	}
	var other dropletList
	call(t, sim.URL, acme, http.MethodGet, "/v2/droplets?tag_name=berth:batch-7", nil).decode(t, &other)
	if other.Meta.Total != 1 {
		t.Errorf("another team's tagged droplet was deleted too")
	}
}
