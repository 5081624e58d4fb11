// Package testkit holds helpers shared by Berth's tests: a fake clock and a consent-page driver.
package testkit

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// Clock is a fake clock that tests advance by hand; safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock stopped at start.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

var (
	hiddenInput = regexp.MustCompile(`<input type="hidden" name="([a-z_]+)" value="([^"]*)">`)
	option      = regexp.MustCompile(`<option value="([^"]*)">`)
	formAction  = regexp.MustCompile(`<form method="post" action="([^"]*)">`)
)

// Consent loads a simulator consent page with c, submits it with decision ("authorize" or
// "deny") for the account option at index, and returns where the simulator redirects to.
func Consent(t testing.TB, c *http.Client, authorizeURL, decision string, index int) *url.URL {
	t.Helper()
	page, pageURL := get(t, c, authorizeURL)
	form := url.Values{"decision": {decision}}
	for _, m := range hiddenInput.FindAllStringSubmatch(page, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	options := option.FindAllStringSubmatch(page, -1)
	if index >= len(options) {
		t.Fatalf("consent page at %s has %d account options, want more than %d", authorizeURL, len(options), index)
	}
	form.Set("account", html.UnescapeString(options[index][1]))
	action := formAction.FindStringSubmatch(page)
	if action == nil {
		t.Fatalf("consent page at %s has no form:\n%s", authorizeURL, page)
	}
	target, err := pageURL.Parse(html.UnescapeString(action[1]))
	if err != nil {
		t.Fatal(err)
	}
	return postNoRedirect(t, c, target.String(), form)
}

func get(t testing.TB, c *http.Client, raw string) (string, *url.URL) {
	t.Helper()
	resp, err := c.Get(raw)
	if err != nil {
		t.Fatalf("GET %s: %v", raw, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d, want 200:\n%s", raw, resp.StatusCode, body)
	}
	return string(body), resp.Request.URL
}

func postNoRedirect(t testing.TB, c *http.Client, target string, form url.Values) *url.URL {
	t.Helper()
	noFollow := *c
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noFollow.Post(target, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatalf("POST %s: %v", target, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusFound && resp.StatusCode != http.StatusSeeOther {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("POST %s = %d, want a redirect:\n%s", target, resp.StatusCode, body)
	}
	loc, err := resp.Request.URL.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
