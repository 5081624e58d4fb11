package dosimtest_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/dosim/dosimtest"
)

// recordingTB keeps the errors the harness reports instead of failing the test.
type recordingTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, format)
}

func get(t *testing.T, url, token string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func TestHarnessReportsViolations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		path   string
		token  string
		wantIn string // a substring of the one reported violation; "" for none
	}{
		{"conforming exchange", "/v2/droplets?per_page=2", dosim.SeedToken, ""},
		{"query outside the description", "/v2/droplets?per_page=500", dosim.SeedToken, "GET /v2/droplets: request"},
		{"path the description lacks", "/v2/no-such-thing", dosim.SeedToken, "no such operation"},
		{"no bearer token", "/v2/account", "", "no bearer token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := &recordingTB{TB: t}
			sim := dosimtest.Start(rec, dosim.Options{Seed: true})
			get(t, sim.URL+tt.path, tt.token)
			got := sim.Violations()
			switch {
			case tt.wantIn == "" && len(got) != 0:
				t.Errorf("violations = %q, want none", got)
			case tt.wantIn != "" && (len(got) != 1 || !strings.Contains(got[0], tt.wantIn)):
				t.Errorf("violations = %q, want one containing %q", got, tt.wantIn)
			}
			if len(rec.errs) != len(got) {
				t.Errorf("reported %d errors for %d violations", len(rec.errs), len(got))
			}
		})
	}
}

func TestValidateResponse(t *testing.T) {
	t.Parallel()
	good := http.Header{"Content-Type": {"application/json"}, "Ratelimit-Limit": {"5000"},
		"Ratelimit-Remaining": {"4999"}, "Ratelimit-Reset": {"1700000000"},
		"X-Request-Id": {"7f540d92-8357-49d3-ba41-221377abf737"}}
	tests := []struct {
		name    string
		status  int
		header  http.Header
		body    string
		wantErr bool
	}{
		{"valid account", 200, good, `{"account":{"droplet_limit":25,"floating_ip_limit":3,"email":"a@b.c","uuid":"x","email_verified":true,"status":"active","status_message":""}}`, false},
		{"missing required field", 200, good, `{"account":{"droplet_limit":25}}`, true},
		{"bad enum", 200, good, `{"account":{"droplet_limit":25,"floating_ip_limit":3,"email":"a@b.c","uuid":"x","email_verified":true,"status":"sleepy","status_message":""}}`, true},
		{"error body without message", 401, good, `{"id":"unauthorized"}`, true},
		{"missing rate-limit headers", 200, http.Header{"Content-Type": {"application/json"}}, `{"account":{"droplet_limit":25,"floating_ip_limit":3,"email":"a@b.c","uuid":"x","email_verified":true,"status":"active","status_message":""}}`, true},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(http.MethodGet, "/v2/account", nil)
		req.Header.Set("Authorization", "Bearer x")
		err := dosimtest.ValidateResponse(req, tt.status, tt.header, []byte(tt.body))
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: ValidateResponse = %v, want error %v", tt.name, err, tt.wantErr)
		}
	}
}

func TestDocumentIsShared(t *testing.T) {
	t.Parallel()
	a, err := dosimtest.Document()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := dosimtest.Document()
	if a != b || a.Info == nil || a.Info.License == nil || len(a.Servers) != 0 {
		t.Errorf("Document() should load once, keep the license and drop servers")
	}
}

func TestAllowInvalidRequests(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		method, path  string
		body          string
		wantInvalid   int
		wantViolation string // a substring of the one violation; "" for none
	}{
		{"valid request", "GET", "/v2/droplets", "", 0, ""},
		{"invalid request refused", "POST", "/v2/droplets", `{"name":"a","image":"ubuntu-24-04-x64"}`, 1, ""},
		{"invalid request accepted", "GET", "/v2/droplets?per_page=500", "", 1, "yet the simulator answered 200"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := &recordingTB{TB: t}
			sim := dosimtest.Start(rec, dosim.Options{Seed: true}, dosimtest.Options{AllowInvalidRequests: true})
			req, err := http.NewRequest(tt.method, sim.URL+tt.path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+dosim.SeedToken)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := sim.InvalidRequests(); len(got) != tt.wantInvalid {
				t.Errorf("InvalidRequests() = %q, want %d", got, tt.wantInvalid)
			}
			got := sim.Violations()
			switch {
			case tt.wantViolation == "" && len(got) != 0:
				t.Errorf("violations = %q, want none", got)
			case tt.wantViolation != "" && (len(got) != 1 || !strings.Contains(got[0], tt.wantViolation)):
				t.Errorf("violations = %q, want one containing %q", got, tt.wantViolation)
			}
		})
	}
}

func TestCoverage(t *testing.T) {
	t.Parallel()
	sim := dosimtest.Start(t, dosim.Options{Seed: true})
	get(t, sim.URL+"/v2/droplets/1", dosim.SeedToken)
	statuses := dosimtest.Coverage()[dosimtest.Route{Method: "GET", Path: "/v2/droplets/{droplet_id}"}]
	if !slices.Contains(statuses, http.StatusNotFound) {
		t.Errorf("Coverage() for GET /v2/droplets/{droplet_id} = %v, want it to include 404", statuses)
	}
}

func TestStartClosesTheSimulator(t *testing.T) {
	t.Parallel()
	var sim *dosimtest.Sim
	t.Run("serve", func(t *testing.T) { sim = dosimtest.Start(t, dosim.Options{Seed: true}) })
	sim.HangTokenRequests("", 1, time.Hour)
	req := httptest.NewRequest(http.MethodPost, "/v1/oauth/token", strings.NewReader("grant_type=refresh_token"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	sim.Server.ServeHTTP(rec, req) // a closed simulator holds nothing back
	if rec.Code != http.StatusGatewayTimeout {
		t.Errorf("hanging token request after cleanup = %d, want 504 at once", rec.Code)
	}
}

func TestFaultAnswersConform(t *testing.T) {
	t.Parallel()
	rec := &recordingTB{TB: t}
	sim := dosimtest.Start(rec, dosim.Options{Seed: true})
	sim.ThrottleAPI("", 1, 0)
	get(t, sim.URL+"/v2/account", dosim.SeedToken)
	if err := sim.SetErrorRate(1, 1, 500, 502, 503); err != nil {
		t.Fatal(err)
	}
	for range 4 {
		get(t, sim.URL+"/v2/droplets", dosim.SeedToken)
	}
	sim.ClearFaults()
	if err := sim.LockAccount(dosim.SeedTeamSammy, ""); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, sim.URL+"/v2/domains", strings.NewReader(`{"name":"locked.example"}`))
	req.Header.Set("Authorization", "Bearer "+dosim.SeedToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST /v2/domains on a locked account = %d, want 403", resp.StatusCode)
	}
	if got := sim.Violations(); len(got) != 0 {
		t.Errorf("violations = %q, want none: injected faults answer as DigitalOcean does", got)
	}
}
