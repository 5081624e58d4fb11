package dosim_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/berth-dev/berth/dosim"
)

// dropletBody is the part of a Droplet these tests read.
type dropletBody struct {
	ID       int      `json:"id"`
	Name     string   `json:"name"`
	Status   string   `json:"status"`
	Tags     []string `json:"tags"`
	Features []string `json:"features"`
	SizeSlug string   `json:"size_slug"`
	VPCUUID  string   `json:"vpc_uuid"`
	Region   struct {
		Slug string `json:"slug"`
	} `json:"region"`
	Networks struct {
		V4 []struct {
			IPAddress string `json:"ip_address"`
			Type      string `json:"type"`
		} `json:"v4"`
		V6 []struct {
			IPAddress string `json:"ip_address"`
		} `json:"v6"`
	} `json:"networks"`
}

// publicIPv4 returns the Droplet's public address, or "".
func (d dropletBody) publicIPv4() string {
	for _, n := range d.Networks.V4 {
		if n.Type == "public" {
			return n.IPAddress
		}
	}
	return ""
}

// createResponse is the 202 body of POST /v2/droplets.
type createResponse struct {
	Droplet  *dropletBody  `json:"droplet"`
	Droplets []dropletBody `json:"droplets"`
	Links    struct {
		Actions []struct {
			ID   int    `json:"id"`
			Rel  string `json:"rel"`
			HREF string `json:"href"`
		} `json:"actions"`
	} `json:"links"`
}

// createBody is a valid single-Droplet create request with the given changes.
func createBody(changes map[string]any) map[string]any {
	b := map[string]any{"name": "web-02", "region": "nyc3", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64", "ssh_keys": []int{}}
	for k, v := range changes {
		if v == nil {
			delete(b, k)
			continue
		}
		b[k] = v
	}
	return b
}

func TestCreateDroplet(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	var keys struct {
		SSHKeys []sshKeyBody `json:"ssh_keys"`
	}
	call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/account/keys", nil).decode(t, &keys)
	key := keys.SSHKeys[0]
	res := call(t, sim.URL, dosim.SeedToken, http.MethodPost, "/v2/droplets", createBody(map[string]any{
		"tags": []string{"berth:req-1", "web"}, "user_data": "#cloud-config\n", "monitoring": true, "ipv6": true,
		"backups": true, "ssh_keys": []any{key.ID, key.Fingerprint}, "image": 163150789,
	}))
	var got createResponse
	res.decode(t, &got)
	if res.status != http.StatusAccepted || got.Droplet == nil || got.Droplets != nil || len(got.Links.Actions) != 1 {
		t.Fatalf("POST /v2/droplets = %d %s, want 202 with one droplet and one action", res.status, res.body)
	}
	d, a := *got.Droplet, got.Links.Actions[0]
	if d.Name != "web-02" || d.Status != "new" || d.publicIPv4() != "" || !slices.Equal(d.Tags, []string{"berth:req-1", "web"}) {
		t.Errorf("created droplet = %+v, want web-02, new, no public address yet, with its tags", d)
	}
	for _, f := range []string{"monitoring", "ipv6", "backups", "private_networking"} {
		if !slices.Contains(d.Features, f) {
			t.Errorf("features %v lack %s", d.Features, f)
		}
	}
	if a.Rel != "create" || a.HREF != sim.URL+"/v2/actions/"+strconv.Itoa(a.ID) {
		t.Errorf("links.actions[0] = %+v, want rel create and an href to the action", a)
	}
}

func TestCreateDropletsByNames(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	names := []string{"worker-1", "worker-2", "worker-3"}
	res := call(t, sim.URL, dosim.SeedToken, http.MethodPost, "/v2/droplets",
		createBody(map[string]any{"name": nil, "names": names, "tags": []string{"batch"}}))
	var got createResponse
	res.decode(t, &got)
	if res.status != http.StatusAccepted || got.Droplet != nil || len(got.Droplets) != 3 || len(got.Links.Actions) != 3 {
		t.Fatalf("POST /v2/droplets with names = %d %s, want 202 with three droplets and actions", res.status, res.body)
	}
	for i, d := range got.Droplets {
		if d.Name != names[i] || got.Links.Actions[i].Rel != "create" {
			t.Errorf("droplet %d = %s (action %+v), want %s with a create action", i, d.Name, got.Links.Actions[i], names[i])
		}
	}
	var list dropletList
	call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/droplets?tag_name=batch", nil).decode(t, &list)
	if list.Meta.Total != 3 {
		t.Errorf("GET /v2/droplets?tag_name=batch total = %d, want 3", list.Meta.Total)
	}
}

func TestCreateDropletPicksRegion(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	tests := []struct {
		size, wantRegion string
	}{
		{"s-1vcpu-1gb", "nyc3"},
		{"m-2vcpu-16gb", "nyc3"},
	}
	for _, tt := range tests {
		var got createResponse
		res := call(t, sim.URL, dosim.SeedToken, http.MethodPost, "/v2/droplets", createBody(map[string]any{"region": nil, "size": tt.size}))
		res.decode(t, &got)
		if res.status != http.StatusAccepted || got.Droplet.Region.Slug != tt.wantRegion {
			t.Errorf("create %s without region = %d %s, want 202 in %s", tt.size, res.status, res.body, tt.wantRegion)
		}
	}
}

func TestCreateDropletRejects(t *testing.T) {
	t.Parallel()
	sim, _ := startLenient(t)
	eleven := make([]string, 11)
	for i := range eleven {
		eleven[i] = fmt.Sprintf("n-%d", i)
	}
	tests := []struct {
		name        string
		body        any
		wantMessage string // "" for any
		wantInvalid bool   // the description itself does not allow the request
	}{
		{"unavailable region", createBody(map[string]any{"region": "nyc2"}), "Region is not available", false},
		{"unknown region", createBody(map[string]any{"region": "mars1"}), "You specified an invalid region for Droplet creation.", false},
		{"size not in region", createBody(map[string]any{"region": "blr1", "size": "c-2"}), "Size is not available in this region.", false},
		{"unknown size", createBody(map[string]any{"size": "s-64vcpu-1tb"}), "You specified an invalid size for Droplet creation.", false},
		{"unknown image", createBody(map[string]any{"image": "windows-11"}), "You specified an invalid image for Droplet creation.", false},
		{"unknown image id", createBody(map[string]any{"image": 7}), "You specified an invalid image for Droplet creation.", false},
		{"unknown ssh keys", createBody(map[string]any{"ssh_keys": []any{123, "aa:bb"}}), `["123", "aa:bb"] are invalid key identifiers for Droplet creation.`, false},
		{"eleven names", createBody(map[string]any{"name": nil, "names": eleven}), "names may list at most 10 names: you can create up to 10 Droplets at once", false},
		{"no names", createBody(map[string]any{"name": nil, "names": []string{}}), "names must list at least one name", false},
		{"bad tag", createBody(map[string]any{"tags": []string{"has space"}}), "", false},
		{"user_data too long", createBody(map[string]any{"user_data": strings.Repeat("x", 65537)}), "user_data must be at most 64 KiB", false},
		{"foreign vpc", createBody(map[string]any{"vpc_uuid": "5a4981aa-9653-4bd1-bef5-d6bff52042e4"}), "", false},
		{"unknown volume", createBody(map[string]any{"volumes": []string{"5a4981aa-9653-4bd1-bef5-d6bff52042e4"}}), "", false},
		{"backup policy without backups", createBody(map[string]any{"backup_policy": map[string]any{"plan": "daily", "hour": 4}}), "backup_policy requires backups to be enabled", false},
		{"ssh_keys null", createBody(map[string]any{"ssh_keys": nil}), "", false}, // see below
		{"ssh_keys JSON null", json.RawMessage(`{"name":"a","size":"s-1vcpu-1gb","image":"ubuntu-24-04-x64","ssh_keys":null}`), "ssh_keys must not be null", true},
		{"user_data JSON null", json.RawMessage(`{"name":"a","size":"s-1vcpu-1gb","image":"ubuntu-24-04-x64","user_data":null}`), "user_data must not be null", true},
		{"missing size", createBody(map[string]any{"size": nil}), "size is required", true},
		{"missing image", createBody(map[string]any{"image": nil}), "image is required", true},
		{"missing name", createBody(map[string]any{"name": nil}), "name is required", true},
		{"name and names", createBody(map[string]any{"names": []string{"a"}}), "name and names cannot both be given", true},
		{"bad name", createBody(map[string]any{"name": "web_01!"}), "Only valid hostname characters are allowed. (a-z, A-Z, 0-9, . and -)", true},
		{"bad name in names", createBody(map[string]any{"name": nil, "names": []string{"ok", "bad_name"}}), "Only valid hostname characters are allowed. (a-z, A-Z, 0-9, . and -)", true},
		{"long name", createBody(map[string]any{"name": strings.Repeat("a", 256)}), "name is too long (maximum is 255 characters)", true},
		{"size not a string", createBody(map[string]any{"size": 1}), "size has the wrong type: want a string, got number", true},
		{"ipv6 not a boolean", createBody(map[string]any{"ipv6": "yes"}), "ipv6 has the wrong type: want a boolean, got string", true},
		{"image an object", createBody(map[string]any{"image": map[string]string{"slug": "x"}}), "image has the wrong type: want a string or an integer, got object", true},
		{"ssh key a boolean", createBody(map[string]any{"ssh_keys": []any{true}}), "ssh_keys has the wrong type: want a string or an integer, got bool", true},
		{"tags not strings", createBody(map[string]any{"tags": []any{1}}), "tags has the wrong type: want a string, got number", true},
		{"not an object", []string{"web"}, "the request body must be a JSON object", true},
	}
	var before dropletList
	call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/droplets", nil).decode(t, &before)
	for _, tt := range tests {
		if tt.name == "ssh_keys null" {
			continue // createBody drops nil keys; the raw JSON case covers it
		}
		n := len(sim.InvalidRequests())
		res := call(t, sim.URL, dosim.SeedToken, http.MethodPost, "/v2/droplets", tt.body)
		wantError(t, tt.name, res, http.StatusUnprocessableEntity, "unprocessable_entity", tt.wantMessage)
		if got := len(sim.InvalidRequests()) > n; got != tt.wantInvalid {
			t.Errorf("%s: the harness found the request invalid = %v, want %v", tt.name, got, tt.wantInvalid)
		}
	}
	var after dropletList
	call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/droplets", nil).decode(t, &after)
	if after.Meta.Total != before.Meta.Total {
		t.Errorf("refused creates changed the droplet count from %d to %d", before.Meta.Total, after.Meta.Total)
	}
}

func TestMalformedBody(t *testing.T) {
	t.Parallel()
	sim, _ := startLenient(t)
	req := mustRequest(t, http.MethodPost, sim.URL+"/v2/droplets")
	req.Header.Set("Authorization", "Bearer "+dosim.SeedToken)
	req.Header.Set("Content-Type", "application/json")
	req.Body = nopBody(`{"name": "a",`)
	wantError(t, "POST /v2/droplets with truncated JSON", do(t, req), http.StatusBadRequest, "bad_request", "error parsing request body")
}

func TestDropletLimit(t *testing.T) {
	t.Parallel()
	sim, _, token := emptyTeam(t)
	sim.AddTeam(dosim.Team{UUID: emptyTeamUUID, Name: "Empty Team", DropletLimit: 3})
	steps := []struct {
		names      []string
		wantStatus int
	}{
		{[]string{"a1", "a2"}, http.StatusAccepted},
		{[]string{"b1", "b2"}, http.StatusUnprocessableEntity}, // 2 + 2 > 3
		{[]string{"c1"}, http.StatusAccepted},
		{[]string{"d1"}, http.StatusUnprocessableEntity},
	}
	for i, st := range steps {
		res := call(t, sim.URL, token, http.MethodPost, "/v2/droplets", createBody(map[string]any{"name": nil, "names": st.names}))
		if st.wantStatus == http.StatusAccepted {
			if res.status != st.wantStatus {
				t.Fatalf("step %d: create %v = %d %s, want 202", i, st.names, res.status, res.body)
			}
			continue
		}
		wantError(t, fmt.Sprintf("step %d: create %v", i, st.names), res, st.wantStatus, "unprocessable_entity",
			"creating this/these droplet(s) will exceed your droplet limit")
	}
	var list dropletList
	call(t, sim.URL, token, http.MethodGet, "/v2/droplets", nil).decode(t, &list)
	if list.Meta.Total != 3 {
		t.Errorf("droplets after the limit = %d, want 3", list.Meta.Total)
	}
	if res := call(t, sim.URL, token, http.MethodDelete, "/v2/droplets/"+strconv.Itoa(list.Droplets[0].ID), nil); res.status != http.StatusNoContent {
		t.Fatalf("DELETE = %d, want 204", res.status)
	}
	if res := call(t, sim.URL, token, http.MethodPost, "/v2/droplets", createBody(nil)); res.status != http.StatusAccepted {
		t.Errorf("create after a delete freed a slot = %d %s, want 202", res.status, res.body)
	}
}

func TestCreateDropletWithVPCAndVolume(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	var vols struct {
		Volumes []struct {
			ID         string `json:"id"`
			DropletIDs []int  `json:"droplet_ids"`
			Region     struct{ Slug string }
		} `json:"volumes"`
	}
	call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/volumes", nil).decode(t, &vols)
	if len(vols.Volumes) != 1 || vols.Volumes[0].Region.Slug != "nyc3" {
		t.Fatalf("seed volumes = %+v, want one in nyc3", vols.Volumes)
	}
	var existing dropletList
	call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/droplets?name=web-01", nil).decode(t, &existing)
	var web01 struct{ Droplet dropletBody }
	call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/droplets/"+strconv.Itoa(existing.Droplets[0].ID), nil).decode(t, &web01)
	res := call(t, sim.URL, dosim.SeedToken, http.MethodPost, "/v2/droplets", createBody(map[string]any{
		"vpc_uuid": web01.Droplet.VPCUUID, "volumes": []string{vols.Volumes[0].ID}, "public_networking": false}))
	var got createResponse
	res.decode(t, &got)
	if res.status != http.StatusAccepted || got.Droplet.VPCUUID != web01.Droplet.VPCUUID {
		t.Fatalf("create in web-01's VPC with the volume = %d %s, want 202", res.status, res.body)
	}
	call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/volumes", nil).decode(t, &vols)
	if !slices.Equal(vols.Volumes[0].DropletIDs, []int{got.Droplet.ID}) {
		t.Errorf("volume droplet_ids = %v, want [%d]", vols.Volumes[0].DropletIDs, got.Droplet.ID)
	}
	wantError(t, "attach the same volume again",
		call(t, sim.URL, dosim.SeedToken, http.MethodPost, "/v2/droplets", createBody(map[string]any{"volumes": []string{vols.Volumes[0].ID}})),
		http.StatusUnprocessableEntity, "unprocessable_entity", "")
}

func TestCreateDropletNeedsScope(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	for _, scopes := range [][]string{{"read"}, {"droplet:read"}} {
		token := acmeToken(t, sim, "create-"+strings.Join(scopes, "-"), scopes...)
		wantError(t, fmt.Sprintf("POST /v2/droplets with %v", scopes),
			call(t, sim.URL, token, http.MethodPost, "/v2/droplets", createBody(nil)), http.StatusForbidden, "forbidden", "")
	}
	token := acmeToken(t, sim, "creator", "droplet:create")
	if res := call(t, sim.URL, token, http.MethodPost, "/v2/droplets", createBody(nil)); res.status != http.StatusAccepted {
		t.Errorf("POST /v2/droplets with droplet:create = %d %s, want 202", res.status, res.body)
	}
}
