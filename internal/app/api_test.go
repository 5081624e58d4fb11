package app_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/internal/service"
)

// apiClient calls Berth's REST API with one API key.
type apiClient struct {
	t    *testing.T
	b    *berth
	http *http.Client
	key  string
}

func (b *berth) apiClient(t *testing.T, org string) *apiClient {
	t.Helper()
	key, err := b.App.Services().Bootstrap(t.Context(), service.BootstrapParams{
		Email: "admin@" + strings.ToLower(org) + ".example", Password: "a long enough password", OrganizationName: org,
	})
	if err != nil {
		t.Fatalf("Bootstrap(%s) = %v", org, err)
	}
	return &apiClient{t: t, b: b, http: b.client(), key: key.Secret}
}

// do sends a request and decodes the JSON answer into a map.
func (c *apiClient) do(method, path, body string) (int, map[string]any) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.b.URL+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		c.t.Errorf("%s %s: Content-Type %q, want application/json", method, path, ct)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		c.t.Fatalf("%s %s = %d with a body that is not JSON: %s", method, path, resp.StatusCode, raw)
	}
	return resp.StatusCode, out
}

func errorCode(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

func TestAPICloudAccounts(t *testing.T) {
	t.Parallel()
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			b := startBerth(t, berthOptions{engine: engine})
			c := b.apiClient(t, "Acme")

			status, body := c.do("POST", "/api/v1/cloud-accounts", `{"provider":"digitalocean","token":"`+dosim.SeedToken+`","name":"Ops"}`)
			if status != http.StatusCreated {
				t.Fatalf("POST cloud-accounts = %d %v, want 201", status, body)
			}
			acct := body["cloud_account"].(map[string]any)
			id := acct["id"].(string)
			for field, want := range map[string]any{
				"provider": "digitalocean", "name": "Ops", "status": "active", "auth_type": "token",
				"account_email": "sammy@example.com", "team_name": "Sammy's Team", "team_uuid": dosim.SeedTeamSammy, "is_default": true,
			} {
				if acct[field] != want {
					t.Errorf("created account %s = %v, want %v", field, acct[field], want)
				}
			}
			if caps, _ := json.Marshal(acct["capabilities"]); string(caps) != `["compute","storage","dns"]` {
				t.Errorf("capabilities = %s, want compute, storage, dns", caps)
			}
			for _, field := range []string{"status_message", "scopes", "expires_at", "last_validated_at", "created_at", "updated_at"} {
				if _, ok := acct[field]; !ok {
					t.Errorf("account lacks %q", field)
				}
			}

			status, body = c.do("GET", "/api/v1/cloud-accounts", "")
			if list, _ := body["cloud_accounts"].([]any); status != 200 || len(list) != 1 {
				t.Errorf("GET cloud-accounts = %d %v, want one account", status, body)
			}
			if status, body = c.do("GET", "/api/v1/cloud-accounts/"+id, ""); status != 200 || body["cloud_account"].(map[string]any)["id"] != id {
				t.Errorf("GET cloud-accounts/%s = %d %v", id, status, body)
			}
			status, body = c.do("PATCH", "/api/v1/cloud-accounts/"+id, `{"name":"Production","is_default":false}`)
			if got := body["cloud_account"].(map[string]any); status != 200 || got["name"] != "Production" || got["is_default"] != false {
				t.Errorf("PATCH = %d %v, want renamed, not default", status, body)
			}
			status, body = c.do("POST", "/api/v1/cloud-accounts/"+id+"/validate", "")
			if got := body["cloud_account"].(map[string]any); status != 200 || got["status"] != "active" {
				t.Errorf("validate = %d %v, want the active account", status, body)
			}
			status, body = c.do("POST", "/api/v1/cloud-accounts/"+id+"/refresh", "")
			if got := body["cloud_account"].(map[string]any); status != 200 || got["status"] != "active" {
				t.Errorf("refresh = %d %v, want the active account", status, body)
			}
			status, body = c.do("DELETE", "/api/v1/cloud-accounts/"+id, "")
			if status != 200 || body["disconnected"] != true || body["revoked"] != false || body["message"] == "" {
				t.Errorf("DELETE = %d %v, want disconnected, not revoked (an API token), with a message", status, body)
			}
			if status, _ = c.do("GET", "/api/v1/cloud-accounts/"+id, ""); status != 404 {
				t.Errorf("GET after DELETE = %d, want 404", status)
			}
			status, body = c.do("GET", "/api/v1/audit-events?limit=2", "")
			events, _ := body["audit_events"].([]any)
			if status != 200 || len(events) != 2 || body["next_before"] == nil {
				t.Fatalf("GET audit-events?limit=2 = %d %v, want two events and a cursor", status, body)
			}
			latest := events[0].(map[string]any)
			who := latest["actor"].(map[string]any)
			if latest["type"] != "account.disconnected" || latest["account_id"] != id || who["kind"] != "api_key" {
				t.Errorf("latest audit event = %v, want account.disconnected by an API key", latest)
			}
			_, body = c.do("GET", "/api/v1/audit-events?before="+body["next_before"].(string), "")
			if older, _ := body["audit_events"].([]any); len(older) == 0 || older[len(older)-1].(map[string]any)["type"] != "account.connected" {
				t.Errorf("older audit events = %v, want them to end with account.connected", body)
			}
			if status, body = c.do("GET", "/api/v1/audit-events?limit=500", ""); status != 400 {
				t.Errorf("GET audit-events?limit=500 = %d %v, want 400", status, body)
			}
		})
	}
}

func TestAPIErrors(t *testing.T) {
	t.Parallel()
	b := startBerth(t, berthOptions{engine: "sqlite"})
	c := b.apiClient(t, "Acme")
	_, created := c.do("POST", "/api/v1/cloud-accounts", `{"provider":"digitalocean","token":"`+dosim.SeedToken+`"}`)
	id := created["cloud_account"].(map[string]any)["id"].(string)
	other := b.apiClient(t, "Elsewhere")
	anonymous := &apiClient{t: t, b: b, http: b.client()}
	wrongKey := &apiClient{t: t, b: b, http: b.client(), key: "berth_" + strings.Repeat("x", 40)}
	bad := "dop_v1_" + strings.Repeat("0", 64)

	tests := []struct {
		c                  *apiClient
		method, path, body string
		wantStatus         int
		wantCode           string
	}{
		{anonymous, "GET", "/api/v1/cloud-accounts", "", 401, "unauthorized"},
		{wrongKey, "GET", "/api/v1/cloud-accounts", "", 401, "unauthorized"},
		{other, "GET", "/api/v1/cloud-accounts/" + id, "", 404, "not_found"},
		{other, "PATCH", "/api/v1/cloud-accounts/" + id, `{"name":"mine"}`, 404, "not_found"},
		{other, "POST", "/api/v1/cloud-accounts/" + id + "/validate", "", 404, "not_found"},
		{other, "POST", "/api/v1/cloud-accounts/" + id + "/refresh", "", 404, "not_found"},
		{other, "DELETE", "/api/v1/cloud-accounts/" + id, "", 404, "not_found"},
		{c, "GET", "/api/v1/cloud-accounts/nope", "", 404, "not_found"},
		{c, "POST", "/api/v1/cloud-accounts", `{"provider":"digitalocean","token":"` + bad + `"}`, 422, "token_rejected"},
		{c, "POST", "/api/v1/cloud-accounts", `{"provider":"aws","token":"x"}`, 422, "validation_failed"},
		{c, "POST", "/api/v1/cloud-accounts", `{"provider":"digitalocean"}`, 422, "validation_failed"},
		{c, "POST", "/api/v1/cloud-accounts", `{"provider":`, 400, "bad_request"},
		{c, "POST", "/api/v1/cloud-accounts", `{"provider":"digitalocean","token":"x","extra":1}`, 400, "bad_request"},
		{c, "PATCH", "/api/v1/cloud-accounts/" + id, `{"name":""}`, 422, "validation_failed"},
		{c, "GET", "/api/v1/nothing-here", "", 404, "not_found"},
	}
	for _, tt := range tests {
		status, body := tt.c.do(tt.method, tt.path, tt.body)
		if status != tt.wantStatus || errorCode(body) != tt.wantCode {
			t.Errorf("%s %s %s = %d %v, want %d %s", tt.method, tt.path, tt.body, status, body, tt.wantStatus, tt.wantCode)
		}
		if msg, _ := body["error"].(map[string]any)["message"].(string); msg == "" {
			t.Errorf("%s %s: error without a message: %v", tt.method, tt.path, body)
		}
	}
	if _, body := c.do("GET", "/api/v1/cloud-accounts", ""); len(body["cloud_accounts"].([]any)) != 1 {
		t.Errorf("after the bad requests: %v, want the one account unchanged", body)
	}
}
