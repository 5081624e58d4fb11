package dosim_test

import (
	"net/http"
	"net/netip"
	"strconv"
	"testing"
	"time"

	"github.com/berth-dev/berth/dosim"
)

type actionBody struct {
	ID           int     `json:"id"`
	Status       string  `json:"status"`
	Type         string  `json:"type"`
	StartedAt    string  `json:"started_at"`
	CompletedAt  *string `json:"completed_at"`
	ResourceID   int     `json:"resource_id"`
	ResourceType string  `json:"resource_type"`
	RegionSlug   string  `json:"region_slug"`
}

// documentationPrefixes are the IPv4 ranges public addresses must come from (RFC 5737).
var documentationPrefixes = []netip.Prefix{
	netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("198.51.100.0/24"), netip.MustParsePrefix("203.0.113.0/24"),
}

func inDocumentationRange(ip string) bool {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	for _, p := range documentationPrefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func TestDropletLifecycle(t *testing.T) {
	t.Parallel()
	sim, clk := start(t, func(o *dosim.Options) { o.DropletActiveAfter = 45 * time.Second })
	created := clk.Now()
	var got createResponse
	call(t, sim.URL, dosim.SeedToken, http.MethodPost, "/v2/droplets", createBody(map[string]any{"ipv6": true})).decode(t, &got)
	id, actionID := got.Droplet.ID, got.Links.Actions[0].ID
	steps := []struct {
		advance    time.Duration
		wantStatus string
		wantPublic bool
		wantAction string
		wantDoneAt string
	}{
		{0, "new", false, "in-progress", ""},
		{44 * time.Second, "new", false, "in-progress", ""},
		{time.Second, "active", true, "completed", created.Add(45 * time.Second).Format(time.RFC3339)},
		{time.Hour, "active", true, "completed", created.Add(45 * time.Second).Format(time.RFC3339)},
	}
	for i, st := range steps {
		clk.Advance(st.advance)
		var d struct{ Droplet dropletBody }
		res := call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/droplets/"+strconv.Itoa(id), nil)
		res.decode(t, &d)
		ip := d.Droplet.publicIPv4()
		if res.status != http.StatusOK || d.Droplet.Status != st.wantStatus || (ip != "") != st.wantPublic {
			t.Errorf("step %d: droplet = %d status %s public %q, want %s with public=%v", i, res.status, d.Droplet.Status, ip, st.wantStatus, st.wantPublic)
		}
		if st.wantPublic && (!inDocumentationRange(ip) || len(d.Droplet.Networks.V6) != 1) {
			t.Errorf("step %d: public IPv4 %q, IPv6 %+v; want a documentation address and one IPv6 address", i, ip, d.Droplet.Networks.V6)
		}
		var a struct{ Action actionBody }
		res = call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/actions/"+strconv.Itoa(actionID), nil)
		res.decode(t, &a)
		doneAt := ""
		if a.Action.CompletedAt != nil {
			doneAt = *a.Action.CompletedAt
		}
		if res.status != http.StatusOK || a.Action.Status != st.wantAction || doneAt != st.wantDoneAt ||
			a.Action.Type != "create" || a.Action.ResourceID != id || a.Action.ResourceType != "droplet" || a.Action.RegionSlug != "nyc3" {
			t.Errorf("step %d: action = %d %+v, want %s completed at %q", i, res.status, a.Action, st.wantAction, st.wantDoneAt)
		}
	}
}

func TestDefaultActiveDelay(t *testing.T) {
	t.Parallel()
	sim, clk := start(t)
	var got createResponse
	call(t, sim.URL, dosim.SeedToken, http.MethodPost, "/v2/droplets", createBody(nil)).decode(t, &got)
	for _, st := range []struct {
		advance time.Duration
		want    string
	}{{29 * time.Second, "new"}, {time.Second, "active"}} {
		clk.Advance(st.advance)
		var d struct{ Droplet dropletBody }
		call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/droplets/"+strconv.Itoa(got.Droplet.ID), nil).decode(t, &d)
		if d.Droplet.Status != st.want {
			t.Errorf("after %v more: status %s, want %s", st.advance, d.Droplet.Status, st.want)
		}
	}
}

func TestFreshDropletNotFound(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		window     time.Duration
		advance    []time.Duration
		wantStatus []int
	}{
		{"off by default", 0, []time.Duration{0}, []int{200}},
		{"on", 3 * time.Second, []time.Duration{0, 2 * time.Second, time.Second}, []int{404, 404, 200}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sim, clk := start(t, func(o *dosim.Options) { o.FreshDropletNotFound = tt.window })
			var got createResponse
			call(t, sim.URL, dosim.SeedToken, http.MethodPost, "/v2/droplets", createBody(nil)).decode(t, &got)
			for i, adv := range tt.advance {
				clk.Advance(adv)
				res := call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/droplets/"+strconv.Itoa(got.Droplet.ID), nil)
				if res.status != tt.wantStatus[i] {
					t.Errorf("step %d: GET fresh droplet = %d, want %d", i, res.status, tt.wantStatus[i])
				}
			}
			var list dropletList
			call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/droplets?name=web-02", nil).decode(t, &list)
			if list.Meta.Total != 1 {
				t.Errorf("the list does not show the fresh droplet")
			}
		})
	}
}

func TestActionsAreTeamScoped(t *testing.T) {
	t.Parallel()
	sim, _ := startLenient(t)
	var got createResponse
	call(t, sim.URL, dosim.SeedToken, http.MethodPost, "/v2/droplets", createBody(nil)).decode(t, &got)
	path := "/v2/actions/" + strconv.Itoa(got.Links.Actions[0].ID)
	wantError(t, "GET another team's action", call(t, sim.URL, acmeToken(t, sim, "actions", "read"), http.MethodGet, path, nil),
		http.StatusNotFound, "not_found", "")
	wantError(t, "GET an unknown action", call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/actions/1", nil),
		http.StatusNotFound, "not_found", "")
	wantError(t, "GET action abc", call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/actions/abc", nil),
		http.StatusNotFound, "not_found", "")
	wantError(t, "GET action without actions:read", call(t, sim.URL, acmeToken(t, sim, "noactions", "droplet:read"), http.MethodGet, path, nil),
		http.StatusForbidden, "forbidden", "")
}
