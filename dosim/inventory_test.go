package dosim_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/berth-dev/berth/dosim"
)

// inventoryPaths maps each inventory kind to its list path.
var inventoryPaths = map[string]string{
	dosim.KindVolumes: "/v2/volumes", dosim.KindDatabases: "/v2/databases",
	dosim.KindKubernetesClusters: "/v2/kubernetes/clusters", dosim.KindLoadBalancers: "/v2/load_balancers",
	dosim.KindReservedIPs: "/v2/reserved_ips", dosim.KindSnapshots: "/v2/snapshots", dosim.KindApps: "/v2/apps",
}

// inventoryPage is a list of any kind: its items stay raw.
type inventoryPage struct {
	items []json.RawMessage
	raw   map[string]json.RawMessage
	total int
	pages map[string]string
}

func listInventory(t *testing.T, base, token, kind, query string) (int, inventoryPage) {
	t.Helper()
	res := call(t, base, token, http.MethodGet, inventoryPaths[kind]+query, nil)
	var p inventoryPage
	res.decode(t, &p.raw)
	if err := json.Unmarshal(p.raw[kind], &p.items); err != nil || p.items == nil {
		t.Fatalf("GET %s%s: %q is %s, want an array", inventoryPaths[kind], query, kind, p.raw[kind])
	}
	var meta struct{ Total int }
	var links struct{ Pages map[string]string }
	_ = json.Unmarshal(p.raw["meta"], &meta)
	_ = json.Unmarshal(p.raw["links"], &links)
	p.total, p.pages = meta.Total, links.Pages
	return res.status, p
}

func TestInventoryEmpty(t *testing.T) {
	t.Parallel()
	sim, _, token := emptyTeam(t)
	for kind := range inventoryPaths {
		status, p := listInventory(t, sim.URL, token, kind, "")
		_, hasMeta := p.raw["meta"]
		wantMeta := kind != dosim.KindDatabases // databases are not paginated
		if status != http.StatusOK || len(p.items) != 0 || hasMeta != wantMeta {
			t.Errorf("GET %s on an empty team = %d %v, want 200, [] and meta %v", inventoryPaths[kind], status, p.raw, wantMeta)
		}
	}
}

func TestInventorySeeded(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	acme := acmeToken(t, sim, "inventory", "read")
	for kind := range inventoryPaths {
		_, sammy := listInventory(t, sim.URL, dosim.SeedToken, kind, "")
		_, other := listInventory(t, sim.URL, acme, kind, "")
		if len(sammy.items)+len(other.items) == 0 {
			t.Errorf("no seed team has any %s", kind)
		}
	}
	_, rips := listInventory(t, sim.URL, dosim.SeedToken, dosim.KindReservedIPs, "")
	var rip struct {
		IP      string `json:"ip"`
		Droplet *struct{ Name string }
	}
	if err := json.Unmarshal(rips.items[0], &rip); err != nil || rip.Droplet == nil || rip.Droplet.Name != "web-01" || !inDocumentationRange(rip.IP) {
		t.Errorf("seed reserved IP = %s, want one assigned to web-01", rips.items[0])
	}
}

func TestAddInventoryPaginates(t *testing.T) {
	t.Parallel()
	sim, _, token := emptyTeam(t)
	for kind := range inventoryPaths {
		if err := sim.AddInventory(emptyTeamUUID, kind, 450); err != nil {
			t.Fatalf("AddInventory(%s): %v", kind, err)
		}
	}
	for kind := range inventoryPaths {
		if kind == dosim.KindDatabases {
			status, p := listInventory(t, sim.URL, token, kind, "")
			if status != http.StatusOK || len(p.items) != 450 {
				t.Errorf("GET /v2/databases = %d with %d, want all 450 on one page", status, len(p.items))
			}
			continue
		}
		seen := 0
		for page, query := 1, "?per_page=200"; query != ""; page++ {
			status, p := listInventory(t, sim.URL, token, kind, query)
			if status != http.StatusOK || p.total != 450 || page > 3 {
				t.Fatalf("GET %s%s = %d, total %d", inventoryPaths[kind], query, status, p.total)
			}
			seen += len(p.items)
			query = ""
			if next := p.pages["next"]; next != "" {
				query = next[len(sim.URL)+len(inventoryPaths[kind]):]
			}
		}
		if seen != 450 {
			t.Errorf("walked %d %s, want 450", seen, kind)
		}
	}
	if err := sim.AddInventory(emptyTeamUUID, "floppies", 1); err == nil {
		t.Errorf("AddInventory of an unknown kind = nil error, want one")
	}
	if err := sim.AddInventory("no-team", dosim.KindVolumes, 1); err == nil {
		t.Errorf("AddInventory to an unknown team = nil error, want one")
	}
}

func TestInventoryFilters(t *testing.T) {
	t.Parallel()
	sim, _, token := emptyTeam(t)
	for _, kind := range []string{dosim.KindVolumes, dosim.KindSnapshots, dosim.KindDatabases} {
		if err := sim.AddInventory(emptyTeamUUID, kind, 22); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		kind, query string
		wantTotal   int
	}{
		{dosim.KindVolumes, "?region=nyc3", 2}, // 22 volumes over 11 available regions
		{dosim.KindVolumes, "?name=volume-000007", 1},
		{dosim.KindVolumes, "?name=volume-000007&region=fra1", 0},
		{dosim.KindSnapshots, "?resource_type=droplet", 22},
		{dosim.KindSnapshots, "?resource_type=volume", 0},
		{dosim.KindDatabases, "?tag_name=prod", 0},
	}
	for _, tt := range tests {
		status, p := listInventory(t, sim.URL, token, tt.kind, tt.query)
		got := p.total
		if tt.kind == dosim.KindDatabases {
			got = len(p.items)
		}
		if status != http.StatusOK || got != tt.wantTotal {
			t.Errorf("GET %s%s = %d with %d, want %d", inventoryPaths[tt.kind], tt.query, status, got, tt.wantTotal)
		}
	}
}

func TestInventoryScopes(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	token := acmeToken(t, sim, "volumes-only", "block_storage:read")
	for kind, path := range inventoryPaths {
		res := call(t, sim.URL, token, http.MethodGet, path, nil)
		if want := kind == dosim.KindVolumes; (res.status == http.StatusOK) != want {
			t.Errorf("GET %s with block_storage:read = %d, want allowed=%v", path, res.status, want)
		}
	}
}
