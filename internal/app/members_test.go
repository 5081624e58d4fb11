package app_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestMembersSeeButDoNotChange invites a member through Settings > Members, has them join
// through the link, and checks every UI endpoint against the member's role.
func TestMembersSeeButDoNotChange(t *testing.T) {
	t.Parallel()
	b := startBerth(t, berthOptions{engine: "sqlite"})
	admin := b.signUp(t, "ada@example.com", "Analytical Engines")
	_, page, _ := admin.consent(admin.startOAuth(true), "authorize")
	if !strings.Contains(page, "DigitalOcean connected") {
		t.Fatalf("connect failed:\n%s", page)
	}
	_, list := admin.get("/settings/cloud-accounts/list")
	id := regexp.MustCompile(`id="account-([0-9a-f-]+)"`).FindStringSubmatch(list)[1]

	status, page := admin.post("/settings/members", url.Values{"email": {"grace@example.com"}, "role": {"member"}})
	link := regexp.MustCompile(`<code id="invitation-link">([^<]+)</code>`).FindStringSubmatch(page)
	if status != 200 || link == nil {
		t.Fatalf("invite = %d, want the link shown once:\n%s", status, page)
	}
	joinURL, err := url.Parse(strings.ReplaceAll(link[1], "&amp;", "&"))
	if err != nil {
		t.Fatal(err)
	}
	member := &person{t: t, b: b, c: b.client()}
	if _, page := member.get(joinURL.RequestURI()); !strings.Contains(page, "Analytical Engines") || !strings.Contains(page, "Choose a password") {
		t.Fatalf("invitation page:\n%s", page)
	}
	status, page = member.post("/join", url.Values{"token": {joinURL.Query().Get("token")}, "password": {"grace's long password"}})
	if status != 200 || !strings.Contains(page, "grace@example.com") || !strings.Contains(page, "Active") {
		t.Fatalf("join = %d, want the Cloud Accounts page as grace:\n%s", status, page)
	}
	for _, hidden := range []string{"Add Account", "Disconnect", "Reconnect", `aria-label="Edit"`, `href="/settings/members"`, `href="/settings/api-keys"`} {
		if strings.Contains(page, hidden) {
			t.Errorf("a member's Cloud Accounts page shows %s", hidden)
		}
	}
	if !strings.Contains(page, `aria-label="Refresh"`) {
		t.Errorf("a member's page lacks the refresh icon")
	}
	base := "/settings/cloud-accounts/" + id
	tests := []struct {
		method, path string
		want         int
	}{
		{"GET", "/settings/cloud-accounts/list", 200},
		{"POST", base + "/validate", 200},
		{"GET", base + "/row", 200},
		{"GET", base + "/edit", 403},
		{"POST", base, 403},
		{"POST", base + "/disconnect", 403},
		{"POST", "/settings/cloud-accounts/token", 403},
		{"GET", "/oauth/digitalocean/start", 403},
		{"GET", "/settings/members", 403},
		{"POST", "/settings/members", 403},
		{"GET", "/settings/api-keys", 403},
		{"POST", "/settings/api-keys", 403},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, b.URL+tt.path, strings.NewReader("name=x&email=x@example.com&role=admin&token=x"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := member.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("member %s %s = %d, want %d", tt.method, tt.path, resp.StatusCode, tt.want)
		}
	}
	if _, page := admin.get("/settings/members"); !strings.Contains(page, "grace@example.com") || strings.Contains(page, "(invited)") {
		t.Errorf("members page after joining:\n%s", page)
	}
	if _, page := admin.get("/settings/audit"); !strings.Contains(page, "member.joined") || !strings.Contains(page, "grace@example.com joined as member") {
		t.Errorf("audit log lacks the join:\n%s", page)
	}
	if status, _ := member.get("/settings/audit"); status != 403 {
		t.Errorf("member GET /settings/audit = %d, want 403", status)
	}
	if _, page := member.get(joinURL.RequestURI()); !strings.Contains(page, "Invitation not valid") {
		t.Errorf("a used invitation link still offers to join:\n%s", page)
	}
}
