package dosim_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/dosim/dosimtest"
)

// adminCall sends body (raw when a string, else as JSON; nil for none) to an admin route.
func adminCall(t *testing.T, base, method, path string, body any) result {
	t.Helper()
	raw, ok := body.(string)
	if !ok && body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		raw = string(b)
	}
	req, err := http.NewRequest(method, base+path, stringsReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return do(t, req)
}

// adminRoutes is every admin route, for the disabled check.
var adminRoutes = [][2]string{
	{"GET", "/_admin/faults"}, {"DELETE", "/_admin/faults"},
	{"POST", "/_admin/tokens/expire"}, {"POST", "/_admin/tokens/revoke"}, {"POST", "/_admin/tokens/drop-scope"},
	{"POST", "/_admin/teams/" + dosim.SeedTeamAcme + "/expire-grants"}, {"POST", "/_admin/teams/" + dosim.SeedTeamAcme + "/revoke-grants"},
	{"POST", "/_admin/teams/" + dosim.SeedTeamAcme + "/drop-scope"}, {"PUT", "/_admin/teams/" + dosim.SeedTeamAcme + "/status"},
	{"POST", "/_admin/token-endpoint/fail"}, {"POST", "/_admin/token-endpoint/hang"}, {"POST", "/_admin/token-endpoint/lose-refresh"},
	{"POST", "/_admin/api/throttle"}, {"PUT", "/_admin/api/error-rate"}, {"PUT", "/_admin/api/latency"},
}

func TestAdminDisabledByDefault(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	for _, rt := range adminRoutes {
		if res := adminCall(t, sim.URL, rt[0], rt[1], `{"count":1}`); res.status != http.StatusNotFound {
			t.Errorf("%s %s without Options.Admin = %d %s, want 404", rt[0], rt[1], res.status, res.body)
		}
	}
	if res := call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/account", nil); res.status != http.StatusOK {
		t.Errorf("GET /v2/account after the admin attempts = %d, want 200: nothing armed", res.status)
	}
}

// adminStep is one admin request and what it must lead to.
type adminStep struct {
	name       string
	method     string
	path       string
	body       any
	wantStatus int
	wantIn     string             // a substring of the answer
	check      func(t *testing.T) // the effect, checked afterwards
}

func TestAdminRoutes(t *testing.T) {
	t.Parallel()
	sim, _ := start(t, func(o *dosim.Options) { o.Admin = true })
	a := login(t, sim.URL, sammyAcme, "read", "write")
	b := login(t, sim.URL, jordanAcme, "read", "write")
	c := login(t, sim.URL, sammyPersonal, "read", "write")
	d := login(t, sim.URL, sammyPersonal, "read")
	var steps []adminStep
	steps = append(steps, tokenSteps(t, sim, a.AccessToken, a.RefreshToken, b.AccessToken, c.AccessToken, c.RefreshToken)...)
	steps = append(steps, teamSteps(t, sim, b.AccessToken, b.RefreshToken)...)
	steps = append(steps, tokenEndpointSteps(t, sim, d.RefreshToken)...)
	steps = append(steps, apiSteps(t, sim)...)
	for _, st := range steps {
		res := adminCall(t, sim.URL, st.method, st.path, st.body)
		if res.status != st.wantStatus || !strings.Contains(string(res.body), st.wantIn) {
			t.Errorf("%s: %s %s = %d %s, want %d containing %s", st.name, st.method, st.path, res.status, res.body, st.wantStatus, st.wantIn)
		}
		if strings.Contains(string(res.body), "_v1_") {
			t.Errorf("%s: the answer shows a token: %s", st.name, res.body)
		}
		if st.check != nil {
			st.check(t)
		}
	}
}

// tokenSteps exercise /_admin/tokens/*.
func tokenSteps(t *testing.T, sim *dosimtest.Sim, aAccess, aRefresh, bAccess, cAccess, cRefresh string) []adminStep {
	t.Helper()
	return []adminStep{
		{"no faults", "GET", "/_admin/faults", nil, 200, `"token_endpoint":[]`, nil},
		{"expire token", "POST", "/_admin/tokens/expire", map[string]any{"token": aAccess}, 200, "{}",
			func(t *testing.T) { wantAPI(t, sim, map[string]int{aAccess: 401}) }},
		{"expire unknown token", "POST", "/_admin/tokens/expire", map[string]any{"token": "doo_v1_nope"}, 404, "not found", nil},
		{"malformed body", "POST", "/_admin/tokens/expire", "{", 400, "read the JSON body", nil},
		{"unknown field", "POST", "/_admin/tokens/expire", `{"tokn":"x"}`, 400, "unknown field", nil},
		{"expire grant", "POST", "/_admin/tokens/expire", map[string]any{"token": cRefresh, "grant": true}, 200, "{}",
			func(t *testing.T) { wantAPI(t, sim, map[string]int{cAccess: 401}) }},
		{"revoke token", "POST", "/_admin/tokens/revoke", map[string]any{"token": aRefresh}, 200, "{}",
			func(t *testing.T) { wantRefresh(t, sim, aRefresh, 400) }},
		{"revoke grant", "POST", "/_admin/tokens/revoke", map[string]any{"token": cAccess, "grant": true}, 200, "{}",
			func(t *testing.T) { wantRefresh(t, sim, cRefresh, 400) }},
		{"revoke unknown token", "POST", "/_admin/tokens/revoke", map[string]any{"token": "dor_v1_nope"}, 404, "not found", nil},
		{"drop scope", "POST", "/_admin/tokens/drop-scope", map[string]any{"token": bAccess, "scope": "write"}, 200, "{}",
			func(t *testing.T) { wantScopeEffect(t, sim, bAccess, "admin-drop.example") }},
		{"drop a missing scope", "POST", "/_admin/tokens/drop-scope", map[string]any{"token": bAccess, "scope": "write"}, 400, "no scope", nil},
	}
}

// teamSteps exercise /_admin/teams/*; Acme's only live grant is b's.
func teamSteps(t *testing.T, sim *dosimtest.Sim, bAccess, bRefresh string) []adminStep {
	t.Helper()
	acme := "/_admin/teams/" + dosim.SeedTeamAcme
	return []adminStep{
		{"team expire-grants", "POST", acme + "/expire-grants", nil, 200, `{"grants":1}`,
			func(t *testing.T) { wantAPI(t, sim, map[string]int{bAccess: 401}) }},
		{"team drop-scope", "POST", acme + "/drop-scope", map[string]any{"scope": "read"}, 200, `{"grants":1}`, nil},
		{"team revoke-grants", "POST", acme + "/revoke-grants", nil, 200, `{"grants":1}`,
			func(t *testing.T) { wantRefresh(t, sim, bRefresh, 400) }},
		{"unknown team", "POST", "/_admin/teams/nope/revoke-grants", nil, 404, "not found", nil},
		{"lock account", "PUT", "/_admin/teams/" + dosim.SeedTeamSammy + "/status", map[string]any{"status": "locked", "status_message": "Billing hold."}, 200, `"status":"locked"`,
			func(t *testing.T) {
				res := call(t, sim.URL, dosim.SeedToken, http.MethodPost, "/v2/domains", map[string]string{"name": "admin-locked.example"})
				wantError(t, "POST /v2/domains on a locked account", res, 403, "forbidden", "")
			}},
		{"bad status", "PUT", "/_admin/teams/" + dosim.SeedTeamSammy + "/status", map[string]any{"status": "sleepy"}, 400, "sleepy", nil},
		{"status of unknown team", "PUT", "/_admin/teams/nope/status", map[string]any{"status": "warning"}, 404, "not found", nil},
	}
}

// tokenEndpointSteps exercise /_admin/token-endpoint/*, spending refresh tokens from rt on.
func tokenEndpointSteps(t *testing.T, sim *dosimtest.Sim, rt string) []adminStep {
	t.Helper()
	current := rt
	next := func(t *testing.T) {
		var p tokenPair
		res := refresh(t, sim.URL, current)
		res.decode(t, &p)
		if res.status != http.StatusOK {
			t.Fatalf("refresh = %d %s, want 200", res.status, res.body)
		}
		current = p.RefreshToken
	}
	return []adminStep{
		{"fail token requests", "POST", "/_admin/token-endpoint/fail", map[string]any{"grant": "refresh_token", "count": 1, "status": 400, "error": "invalid_grant"}, 200, `"mode":"fail"`,
			func(t *testing.T) { wantRefresh(t, sim, current, 400); next(t) }},
		{"fail with a bad status", "POST", "/_admin/token-endpoint/fail", map[string]any{"status": 200}, 400, "status", nil},
		{"hang token requests", "POST", "/_admin/token-endpoint/hang", map[string]any{"count": 1, "max": "1ns"}, 200, `"max":"1ns"`,
			func(t *testing.T) { wantRefresh(t, sim, current, 504); next(t) }},
		{"hang with a bad duration", "POST", "/_admin/token-endpoint/hang", `{"max":5}`, 400, "duration", nil},
		{"lose refresh answers", "POST", "/_admin/token-endpoint/lose-refresh", map[string]any{"count": 1}, 200, `"mode":"lose"`,
			func(t *testing.T) {
				resp, err := noRedirects.Do(refreshRequest(t, context.Background(), sim.URL, current))
				if err == nil {
					resp.Body.Close()
					t.Errorf("refresh with a lost answer = %d, want a dropped connection", resp.StatusCode)
				}
				wantRefresh(t, sim, current, 400)
			}},
	}
}

// apiSteps exercise /_admin/api/* and the faults listing, then clear everything.
func apiSteps(t *testing.T, sim *dosimtest.Sim) []adminStep {
	t.Helper()
	pat := acmeToken(t, sim, "admin")
	return []adminStep{
		{"throttle", "POST", "/_admin/api/throttle", map[string]any{"token": pat, "count": 1, "retry_after": "5s"}, 200, `"retry_after":"5s"`,
			func(t *testing.T) {
				if res := call(t, sim.URL, pat, http.MethodGet, "/v2/account", nil); res.status != 429 || res.header.Get("Retry-After") != "5" {
					t.Errorf("throttled GET = %d (retry-after %q), want 429 (5)", res.status, res.header.Get("Retry-After"))
				}
			}},
		{"error rate", "PUT", "/_admin/api/error-rate", map[string]any{"rate": 1, "seed": 7, "statuses": []int{503}}, 200, `"statuses":[503]`,
			func(t *testing.T) { wantAPI(t, sim, map[string]int{pat: 503}) }},
		{"bad error rate", "PUT", "/_admin/api/error-rate", map[string]any{"rate": 2}, 400, "outside", nil},
		{"latency", "PUT", "/_admin/api/latency", map[string]any{"latency": "1h"}, 200, `"latency":"1h0m0s"`, nil},
		{"faults listing", "GET", "/_admin/faults", nil, 200, `"accounts":[{"team_uuid":"` + dosim.SeedTeamSammy + `","status":"locked","status_message":"Billing hold."}]`, nil},
		{"clear", "DELETE", "/_admin/faults", nil, 200, `"latency":"0s"`,
			func(t *testing.T) {
				wantAPI(t, sim, map[string]int{pat: 200, dosim.SeedToken: 200})
				var got accountBody
				call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/account", nil).decode(t, &got)
				if got.Account.Status != "active" {
					t.Errorf("account status after clear = %q, want active", got.Account.Status)
				}
			}},
		{"unknown route", "GET", "/_admin/nope", nil, 404, "no such admin route", nil},
		{"wrong method", "GET", "/_admin/tokens/expire", nil, 404, "no such admin route", nil},
	}
}

// wantRefresh checks the status a refresh with rt answers.
func wantRefresh(t *testing.T, sim *dosimtest.Sim, rt string, status int) {
	t.Helper()
	if res := refresh(t, sim.URL, rt); res.status != status {
		t.Errorf("refresh = %d %s, want %d", res.status, res.body, status)
	}
}
