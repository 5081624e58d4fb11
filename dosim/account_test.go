package dosim_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/dosim/dosimtest"
)

// accountBody is the body of GET /v2/account.
type accountBody struct {
	Account struct {
		DropletLimit    int     `json:"droplet_limit"`
		FloatingIPLimit int     `json:"floating_ip_limit"`
		VolumeLimit     int     `json:"volume_limit"`
		Email           string  `json:"email"`
		Name            string  `json:"name"`
		UUID            string  `json:"uuid"`
		EmailVerified   bool    `json:"email_verified"`
		Status          string  `json:"status"`
		StatusMessage   *string `json:"status_message"`
		Team            struct{ UUID, Name string }
	}
}

func TestAccount(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	const jordanPAT = "dop_v1_0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab"
	if err := sim.AddPersonalToken(jordanPAT, dosim.SeedTeamAcme, dosim.SeedUserJordan, []string{"account:read"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name         string
		token        func(t *testing.T) string
		wantEmail    string
		wantTeam     string
		wantTeamName string
		wantLimit    int
	}{
		{"seed personal token", func(*testing.T) string { return dosim.SeedToken }, "sammy@example.com", dosim.SeedTeamSammy, "Sammy's Team", 25},
		{"granular personal token", func(*testing.T) string { return jordanPAT }, "jordan@example.com", dosim.SeedTeamAcme, "Acme Ops", 50},
		{"oauth token", func(t *testing.T) string { return login(t, sim.URL, sammyAcme, "read").AccessToken }, "sammy@example.com", dosim.SeedTeamAcme, "Acme Ops", 50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := call(t, sim.URL, tt.token(t), http.MethodGet, "/v2/account", nil)
			var got accountBody
			res.decode(t, &got)
			a := got.Account
			if res.status != http.StatusOK || a.Email != tt.wantEmail || a.Team.UUID != tt.wantTeam ||
				a.Team.Name != tt.wantTeamName || a.DropletLimit != tt.wantLimit || a.Status != "active" ||
				a.StatusMessage == nil || !a.EmailVerified || a.FloatingIPLimit == 0 || a.VolumeLimit == 0 {
				t.Errorf("GET /v2/account = %d %s, want %s in %s (%s) with droplet_limit %d",
					res.status, res.body, tt.wantEmail, tt.wantTeamName, tt.wantTeam, tt.wantLimit)
			}
		})
	}
}

func TestUnauthenticated(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	tests := []struct {
		name  string
		token string
	}{
		{"unknown token", "dop_v1_" + "00000000000000000000000000000000"},
		{"malformed token", "hello"},
	}
	for _, tt := range tests {
		res := call(t, sim.URL, tt.token, http.MethodGet, "/v2/account", nil)
		id, msg := res.apiError(t)
		if res.status != http.StatusUnauthorized || id != "unauthorized" || msg != "Unable to authenticate you" {
			t.Errorf("%s: GET /v2/account = %d %s, want 401 unauthorized", tt.name, res.status, res.body)
		}
	}
}

// TestRequestsOutsideTheDescription sends requests the harness would flag, straight to the
// handler, and checks the simulator answers them as DigitalOcean does.
func TestRequestsOutsideTheDescription(t *testing.T) {
	t.Parallel()
	srv := dosim.New(dosim.Options{Seed: true})
	tests := []struct {
		name                string
		method, path, token string
		body                string
		wantStatus          int
		wantID              string
		validateAgainstSpec bool
	}{
		{"no token", http.MethodGet, "/v2/account", "", "", http.StatusUnauthorized, "unauthorized", true},
		{"unknown path", http.MethodGet, "/v2/nothing-here", dosim.SeedToken, "", http.StatusNotFound, "not_found", false},
		{"unknown path without token", http.MethodGet, "/v2/nothing-here", "", "", http.StatusUnauthorized, "unauthorized", false},
		{"method not implemented", http.MethodDelete, "/v2/account", dosim.SeedToken, "", http.StatusNotFound, "not_found", false},
		{"malformed JSON body", http.MethodPost, "/v2/domains", dosim.SeedToken, `{"name":`, http.StatusBadRequest, "bad_request", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(tt.method, tt.path, stringsReader(tt.body))
			if tt.token != "" {
				req.Header.Set("Authorization", "Bearer "+tt.token)
			}
			if tt.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			res := result{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
			if id, _ := res.apiError(t); res.status != tt.wantStatus || id != tt.wantID {
				t.Errorf("%s %s = %d %s, want %d %s", tt.method, tt.path, res.status, res.body, tt.wantStatus, tt.wantID)
			}
			if tt.validateAgainstSpec {
				if err := dosimtest.ValidateResponse(req, rec.Code, rec.Header(), rec.Body.Bytes()); err != nil {
					t.Errorf("response does not match DigitalOcean's description: %v", err)
				}
			}
		})
	}
}
