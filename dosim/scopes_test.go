package dosim_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/berth-dev/berth/dosim"
)

func TestScopesEnforced(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	type req struct {
		method, path string
		body         any
	}
	var (
		account    = req{http.MethodGet, "/v2/account", nil}
		droplets   = req{http.MethodGet, "/v2/droplets", nil}
		domains    = req{http.MethodGet, "/v2/domains", nil}
		keys       = req{http.MethodGet, "/v2/spaces/keys", nil}
		newDomain  = req{http.MethodPost, "/v2/domains", nil} // body filled per call
		newKeyBody = map[string]any{"name": "k", "grants": []map[string]string{{"bucket": "b", "permission": "read"}}}
		newKey     = req{http.MethodPost, "/v2/spaces/keys", newKeyBody}
	)
	tests := []struct {
		scopes  []string
		allowed []req
		denied  []req
	}{
		{[]string{"read"}, []req{account, droplets, domains, keys}, []req{newDomain, newKey}},
		{[]string{"write"}, []req{account, droplets, domains, keys, newDomain, newKey}, nil},
		{[]string{"read", "write"}, []req{account, droplets, domains, keys, newDomain, newKey}, nil},
		{[]string{"domain:read"}, []req{domains}, []req{account, droplets, keys, newDomain}},
		{[]string{"domain:create"}, []req{newDomain}, []req{domains, account}},
		{[]string{"domain:*"}, []req{domains, newDomain}, []req{droplets}},
		{[]string{"account:read", "droplet:read"}, []req{account, droplets}, []req{domains, newDomain}},
		{[]string{"spaces_key:create_credentials"}, []req{newKey}, []req{keys}},
		{[]string{"spaces_key:read"}, []req{keys}, []req{newKey}},
	}
	for i, tt := range tests {
		t.Run(strings.Join(tt.scopes, "+"), func(t *testing.T) {
			t.Parallel()
			token := fmt.Sprintf("dop_v1_scopes%02d", i)
			if err := sim.AddPersonalToken(token, dosim.SeedTeamAcme, dosim.SeedUserJordan, tt.scopes); err != nil {
				t.Fatal(err)
			}
			check := func(r req, wantAllowed bool) {
				body := r.body
				if r.path == "/v2/domains" && r.method == http.MethodPost {
					body = map[string]string{"name": fmt.Sprintf("scope-%02d-%d.example", i, len(r.path))}
				}
				res := call(t, sim.URL, token, r.method, r.path, body)
				denied := res.status == http.StatusForbidden
				if denied == wantAllowed {
					t.Errorf("%s %s with %v = %d %s, want allowed=%v", r.method, r.path, tt.scopes, res.status, res.body, wantAllowed)
				}
				if denied {
					if id, msg := res.apiError(t); id != "forbidden" || msg != "You are not authorized to perform this operation" {
						t.Errorf("403 body = %s, want id forbidden", res.body)
					}
				}
			}
			for _, r := range tt.allowed {
				check(r, true)
			}
			for _, r := range tt.denied {
				check(r, false)
			}
		})
	}
}

func TestReadOnlyOAuthTokenCannotWrite(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	tok := login(t, sim.URL, jordanAcme, "read")
	res := call(t, sim.URL, tok.AccessToken, http.MethodPost, "/v2/domains", map[string]string{"name": "ro.example"})
	if id, _ := res.apiError(t); res.status != http.StatusForbidden || id != "forbidden" {
		t.Errorf("POST /v2/domains with a read token = %d %s, want 403 forbidden", res.status, res.body)
	}
	var list domainList
	call(t, sim.URL, tok.AccessToken, http.MethodGet, "/v2/domains", nil).decode(t, &list)
	for _, d := range list.Domains {
		if d.Name == "ro.example" {
			t.Errorf("a refused create still created the domain")
		}
	}
}
