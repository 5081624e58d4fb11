package dosim_test

import (
	"net/http"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/berth-dev/berth/dosim"
)

type grant struct {
	Bucket     string `json:"bucket"`
	Permission string `json:"permission"`
}

type spacesKeyBody struct {
	Name      string  `json:"name"`
	AccessKey string  `json:"access_key"`
	SecretKey *string `json:"secret_key"`
	Grants    []grant `json:"grants"`
	CreatedAt string  `json:"created_at"`
}

var accessKeyRe = regexp.MustCompile(`^DO[A-Z2-7]{18}$`)

func TestSpacesKeys(t *testing.T) {
	t.Parallel()
	sim, clk := start(t)
	var empty struct {
		Keys []spacesKeyBody `json:"keys"`
		Meta struct{ Total int }
	}
	call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/spaces/keys", nil).decode(t, &empty)
	if empty.Keys == nil || len(empty.Keys) != 0 || empty.Meta.Total != 0 {
		t.Fatalf("initial spaces keys = %+v, want an empty list", empty)
	}
	creates := []struct {
		name   string
		grants []grant
	}{
		{"backups", []grant{{"berth-backups", "readwrite"}}},
		{"everything", []grant{{"", "fullaccess"}}},
		{"reader", []grant{{"berth-backups", "read"}, {"logs", "read"}}},
	}
	for _, c := range creates {
		clk.Advance(time.Second)
		res := call(t, sim.URL, dosim.SeedToken, http.MethodPost, "/v2/spaces/keys", map[string]any{"name": c.name, "grants": c.grants})
		var got struct{ Key spacesKeyBody }
		res.decode(t, &got)
		if res.status != http.StatusCreated || got.Key.Name != c.name || !accessKeyRe.MatchString(got.Key.AccessKey) ||
			got.Key.SecretKey == nil || len(*got.Key.SecretKey) < 40 || len(got.Key.Grants) != len(c.grants) {
			t.Fatalf("create %s = %d %s, want 201 with an access key and a secret", c.name, res.status, res.body)
		}
		if secret, ok := sim.SpacesKeySecret(got.Key.AccessKey); !ok || secret != *got.Key.SecretKey {
			t.Errorf("SpacesKeySecret(%s) does not return the secret the API returned", got.Key.AccessKey)
		}
	}
	filters := []struct {
		query     string
		wantNames []string
	}{
		{"", []string{"reader", "everything", "backups"}}, // newest first
		{"sort=name&sort_direction=asc", []string{"backups", "everything", "reader"}},
		{"bucket=berth-backups", []string{"reader", "backups"}},
		{"permission=fullaccess", []string{"everything"}},
		{"name=read", []string{"reader"}},
	}
	for _, f := range filters {
		var got struct{ Keys []spacesKeyBody }
		call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/spaces/keys?"+f.query, nil).decode(t, &got)
		var names []string
		for _, k := range got.Keys {
			names = append(names, k.Name)
			if k.SecretKey != nil {
				t.Errorf("list shows the secret of %s", k.Name)
			}
		}
		if !slices.Equal(names, f.wantNames) {
			t.Errorf("GET /v2/spaces/keys?%s = %v, want %v", f.query, names, f.wantNames)
		}
	}
}

func TestCreateSpacesKeyRejects(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	tests := []struct {
		name string
		body map[string]any
	}{
		{"no name", map[string]any{"grants": []grant{}}},
		{"mixed fullaccess", map[string]any{"name": "k", "grants": []grant{{"", "fullaccess"}, {"b", "read"}}}},
		{"fullaccess on a bucket", map[string]any{"name": "k", "grants": []grant{{"b", "fullaccess"}}}},
		{"unknown permission", map[string]any{"name": "k", "grants": []grant{{"b", "write"}}}},
		{"read without bucket", map[string]any{"name": "k", "grants": []grant{{"", "read"}}}},
	}
	for _, tt := range tests {
		res := call(t, sim.URL, dosim.SeedToken, http.MethodPost, "/v2/spaces/keys", tt.body)
		if id, _ := res.apiError(t); res.status != http.StatusBadRequest || id != "bad_request" {
			t.Errorf("%s: POST /v2/spaces/keys = %d %s, want 400 bad_request", tt.name, res.status, res.body)
		}
	}
}

func TestGetAndDeleteSpacesKey(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	var created struct{ Key spacesKeyBody }
	call(t, sim.URL, dosim.SeedToken, http.MethodPost, "/v2/spaces/keys",
		map[string]any{"name": "backups", "grants": []grant{{"berth-backups", "readwrite"}, {"logs", "read"}}}).decode(t, &created)
	ak := created.Key.AccessKey
	k, ok := sim.SpacesKey(ak)
	want := dosim.SpacesKey{Name: "backups", AccessKey: ak, SecretKey: *created.Key.SecretKey, TeamUUID: dosim.SeedTeamSammy,
		Grants: []dosim.SpacesGrant{{Bucket: "berth-backups", Permission: "readwrite"}, {Bucket: "logs", Permission: "read"}}}
	if !ok || k.Name != want.Name || k.SecretKey != want.SecretKey || k.TeamUUID != want.TeamUUID || !slices.Equal(k.Grants, want.Grants) {
		t.Errorf("SpacesKey(%s) = %+v, %v; want %+v", ak, k, ok, want)
	}
	var got struct{ Key spacesKeyBody }
	res := call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/spaces/keys/"+ak, nil)
	res.decode(t, &got)
	if res.status != http.StatusOK || got.Key.AccessKey != ak || got.Key.SecretKey != nil || len(got.Key.Grants) != 2 {
		t.Errorf("GET /v2/spaces/keys/%s = %d %s, want the key without its secret", ak, res.status, res.body)
	}
	acme := acmeToken(t, sim, "spaces", "read", "write")
	for _, m := range []string{http.MethodGet, http.MethodDelete} {
		wantError(t, m+" another team's key", call(t, sim.URL, acme, m, "/v2/spaces/keys/"+ak, nil), http.StatusNotFound, "not_found", "")
	}
	wantError(t, "DELETE with spaces_key:read", call(t, sim.URL, acmeToken(t, sim, "spaces-ro", "spaces_key:read"), http.MethodDelete, "/v2/spaces/keys/"+ak, nil),
		http.StatusForbidden, "forbidden", "")
	if res := call(t, sim.URL, dosim.SeedToken, http.MethodDelete, "/v2/spaces/keys/"+ak, nil); res.status != http.StatusNoContent {
		t.Fatalf("DELETE /v2/spaces/keys/%s = %d %s, want 204", ak, res.status, res.body)
	}
	if _, ok := sim.SpacesKey(ak); ok {
		t.Errorf("SpacesKey finds a deleted key")
	}
	if _, ok := sim.SpacesKeySecret(ak); ok {
		t.Errorf("SpacesKeySecret finds a deleted key")
	}
	for _, m := range []string{http.MethodGet, http.MethodDelete} {
		wantError(t, m+" a deleted key", call(t, sim.URL, dosim.SeedToken, m, "/v2/spaces/keys/"+ak, nil), http.StatusNotFound, "not_found", "")
	}
}
