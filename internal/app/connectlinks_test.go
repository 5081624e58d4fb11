package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/berth-dev/berth/internal/testkit"
)

// TestConnectLinkForTheDigitalOceanAdmin has a program make a connect link over the API and a
// person who is not signed in to Berth use it to connect their DigitalOcean team.
func TestConnectLinkForTheDigitalOceanAdmin(t *testing.T) {
	t.Parallel()
	b := startBerth(t, berthOptions{engine: "sqlite"})
	c := b.apiClient(t, "Acme")
	status, body := c.do("POST", "/api/v1/cloud-accounts/connect-links", `{"provider":"digitalocean"}`)
	link, _ := body["url"].(string)
	if status != 201 || !strings.HasPrefix(link, b.URL+"/connect?token=") || body["expires_at"] == nil {
		t.Fatalf("POST connect-links = %d %v, want a link and its expiry", status, body)
	}
	doAdmin := &person{t: t, b: b, c: b.client()} // not signed in to Berth
	u, _ := url.Parse(link)
	if _, page := doAdmin.get(u.RequestURI()); !strings.Contains(page, "Acme") || !strings.Contains(page, "Continue to DigitalOcean") {
		t.Fatalf("connect link page:\n%s", page)
	}
	noFollow := *doAdmin.c
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noFollow.PostForm(b.URL+"/connect", url.Values{"token": {u.Query().Get("token")}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	authURL := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(authURL, b.Sim.URL) {
		t.Fatalf("POST /connect = %d to %q, want DigitalOcean's consent page", resp.StatusCode, authURL)
	}
	callback := testkit.Consent(t, doAdmin.c, authURL, "authorize", 1)
	resp, err = doAdmin.c.Get(callback.String())
	if err != nil {
		t.Fatal(err)
	}
	if _, page := readPage(t, resp); !strings.Contains(page, "is connected to Berth") {
		t.Fatalf("after consent the DigitalOcean admin sees:\n%s", page)
	}
	_, body = c.do("GET", "/api/v1/cloud-accounts", "")
	accounts, _ := body["cloud_accounts"].([]any)
	if len(accounts) != 1 || accounts[0].(map[string]any)["team_name"] != "Acme Ops" {
		t.Fatalf("accounts after the link = %v, want Acme Ops", body)
	}
	if _, page := doAdmin.get(u.RequestURI()); !strings.Contains(page, "Connect link not valid") {
		t.Errorf("a used link still offers to connect:\n%s", page)
	}
	id := accounts[0].(map[string]any)["id"].(string)
	if status, body = c.do("POST", "/api/v1/cloud-accounts/"+id+"/reconnect", ""); status != 201 || body["url"] == nil {
		t.Errorf("POST reconnect = %d %v, want a link", status, body)
	}
	if status, _ = c.do("POST", "/api/v1/cloud-accounts/nope/reconnect", ""); status != 404 {
		t.Errorf("POST reconnect (unknown) = %d, want 404", status)
	}
	if status, _ = c.do("POST", "/api/v1/cloud-accounts/connect-links", `{"provider":"aws"}`); status != 422 {
		t.Errorf("POST connect-links (aws) = %d, want 422", status)
	}
}
