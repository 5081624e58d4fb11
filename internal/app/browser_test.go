package app_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/berth-dev/berth/dosim"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// chromiumPath finds Debian's Chromium; a missing one fails the test with what to do.
func chromiumPath(t *testing.T) string {
	t.Helper()
	path := os.Getenv("BERTH_CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(path); err != nil {
		t.Fatalf("browser tests need Chromium at %s (%v): install it with `apt-get install chromium`, run ./scripts/test which does, or set BERTH_CHROMIUM", path, err)
	}
	return path
}

// browser starts a headless Chromium for one test and returns its first tab.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-popup-blocking", false),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx, chromedp.WithErrorf(t.Logf))
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium at %s: %v", chromiumPath(t), err)
	}
	return ctx
}

// XPath helpers: people find things by their visible words, and so do these tests.
func button(text string) string {
	return fmt.Sprintf(`//button[normalize-space()=%q]`, text)
}

func field(label string) string {
	return fmt.Sprintf(`//input[@id=//label[normalize-space()=%q]/@for]`, label)
}

func link(text string) string { return fmt.Sprintf(`//a[normalize-space()=%q]`, text) }

// accountRow is the row of the account with this name.
func accountRow(name string) string {
	return fmt.Sprintf(`//tr[contains(@class,"account")][@data-account-name=%q]`, name)
}

// run does the steps in the tab, failing the test with the page's HTML when one fails.
func run(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	// People click once the page has settled; so do the tests, or htmx may not have wired up
	// what it just swapped in.
	waitJS(t, ctx, `document.readyState === "complete" && !document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")`)
	stepCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(stepCtx, actions...); err != nil {
		page, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("body")))
		t.Fatalf("%s: %v\npage:\n%s", step, err, page)
	}
}

// eval evaluates a JavaScript expression in the tab.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// clickAndLoad clicks something that loads a new page and waits until that page has
// replaced this one and finished loading.
func clickAndLoad(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	eval[bool](t, ctx, `window.berthLeaving = true`)
	run(t, ctx, "click "+sel, chromedp.Click(sel))
	waitJS(t, ctx, `window.berthLeaving !== true && document.readyState === "complete"`)
}

// screenshot saves the tab as name.png in $BERTH_SCREENSHOTS, when it is set, for people
// reviewing the UI; tests never compare pictures.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("BERTH_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
	}
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
	}
}

// waitJS polls a JavaScript condition until it holds; errors while a page loads are retried.
func waitJS(t *testing.T, ctx context.Context, cond string) {
	t.Helper()
	for range 200 {
		pollCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
		ok, err := chromedp.Run(pollCtx, chromedp.Evaluate[bool](cond))
		cancel()
		if err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("waited 20s for %s", cond)
}

// clickForTab clicks sel, which opens a tab, and returns that tab, attached.
func clickForTab(t *testing.T, ctx context.Context, sel string) (context.Context, target.ID) {
	t.Helper()
	opened := chromedp.WaitNewTarget(ctx, func(info *target.Info) bool { return info.Type == "page" })
	run(t, ctx, "click "+sel, chromedp.Click(sel))
	var id target.ID
	select {
	case id = <-opened:
	case <-ctx.Done():
		t.Fatalf("clicking %s opened no tab", sel)
	}
	tab, _ := chromedp.NewContext(ctx, chromedp.WithTargetID(id))
	// Attach on the tab's own context: the attachment lives as long as the first call's context.
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("attach to the new tab: %v", err)
	}
	return tab, id
}

// consentInNewTab clicks the DigitalOcean card, finds the tab it opens, and answers the
// consent page there with the button text, after picking the account whose label has team.
func consentInNewTab(t *testing.T, ctx context.Context, team, decision string) (context.Context, target.ID) {
	t.Helper()
	tab, id := clickForTab(t, ctx, `//button[contains(@class,"provider-card")][.//span[normalize-space()="DigitalOcean"]]`)
	option := fmt.Sprintf(`//select[@id="account"]/option[contains(., %q)]`, team)
	run(t, tab, "open the consent page", chromedp.WaitVisible(button("Authorize application")), chromedp.WaitReady(option))
	screenshot(t, tab, "consent")
	value, err := chromedp.Run(tab, chromedp.AttributeValue(option, "value"))
	if err != nil || !value.Exists {
		t.Fatalf("consent page has no account option for %s: %v", team, err)
	}
	run(t, tab, "pick "+team+" and click "+decision,
		chromedp.SetValue(`//select[@id="account"]`, value.Value),
		chromedp.Click(button(decision)),
	)
	return tab, id
}

// waitTabClosed waits until the tab is gone.
func waitTabClosed(t *testing.T, ctx context.Context, id target.ID) {
	t.Helper()
	for range 100 {
		targets, err := chromedp.Targets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		open := false
		for _, info := range targets {
			open = open || info.TargetID == id
		}
		if !open {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Errorf("the consent tab did not close itself")
}

func TestBrowserConnectRenameDefaultRefreshAndDeny(t *testing.T) {
	t.Parallel()
	b := startBerth(t, berthOptions{engine: "sqlite", sandbox: true})
	ctx := browser(t)

	run(t, ctx, "sign up",
		chromedp.Navigate(b.URL),
		chromedp.WaitVisible(field("Organization name")),
		chromedp.SendKeys(field("Email"), "ada@example.com"),
		chromedp.SendKeys(field("Password"), "a long enough password"),
		chromedp.SendKeys(field("Organization name"), "Analytical Engines"),
	)
	clickAndLoad(t, ctx, button("Sign up"))
	run(t, ctx, "see the sandbox marker", chromedp.WaitVisible(`//span[normalize-space()="Sandbox"]`))
	clickAndLoad(t, ctx, `//nav[@aria-label="Main"]`+link("Settings")[1:])
	clickAndLoad(t, ctx, link("Cloud Accounts"))
	run(t, ctx, "open Add Account",
		chromedp.Click(button("Add Account")),
		chromedp.WaitVisible(`//h3[normalize-space()="One-Click Connect (OAuth)"]`),
	)

	// One-click connect of Sammy's Team: the tab closes itself and the list updates by itself.
	_, tabID := consentInNewTab(t, ctx, "Sammy's Team", "Authorize application")
	waitTabClosed(t, ctx, tabID)
	row := accountRow("DigitalOcean")
	run(t, ctx, "see the account Active with its badges",
		chromedp.WaitVisible(row+`//span[contains(@class,"status-active")][normalize-space()="Active"]`),
		chromedp.WaitVisible(row+`//span[normalize-space()="Compute"]`),
		chromedp.WaitVisible(row+`//span[normalize-space()="Storage"]`),
		chromedp.WaitVisible(row+`//span[normalize-space()="DNS"]`),
		chromedp.WaitVisible(row+`//td[contains(., "sammy@example.com")]`),
		chromedp.WaitVisible(row+`//span[normalize-space()="Default"]`),
	)
	screenshot(t, ctx, "connected")
	if badgeColor := eval[string](t, ctx, `getComputedStyle(document.querySelector('.status-active')).color`); badgeColor != "rgb(18, 122, 60)" {
		t.Errorf("Active badge colour = %s, want green", badgeColor)
	}

	// Rename it with the pencil.
	editor := `//tr[contains(@class,"editing")]`
	run(t, ctx, "rename with the pencil",
		chromedp.Click(row+`//button[@aria-label="Edit"]`),
		chromedp.WaitVisible(editor+field("Name")),
		chromedp.Clear(editor+field("Name")),
		chromedp.SendKeys(editor+field("Name"), "Sammy Production"),
		chromedp.Click(button("Save")),
		chromedp.WaitVisible(accountRow("Sammy Production")+`//span[normalize-space()="Default"]`),
	)

	// Connect a second team, then make it the default.
	run(t, ctx, "open Add Account again", chromedp.Click(button("Add Account")))
	_, tabID = consentInNewTab(t, ctx, "Acme Ops", "Authorize application")
	waitTabClosed(t, ctx, tabID)
	acme := accountRow("DigitalOcean")
	run(t, ctx, "see the second account", chromedp.WaitVisible(acme+`//span[normalize-space()="Active"]`))
	run(t, ctx, "edit the second account", chromedp.Click(acme+`//button[@aria-label="Edit"]`))
	run(t, ctx, "tick Set as default", chromedp.WaitVisible(`//label[normalize-space()="Set as default for DigitalOcean"]`),
		chromedp.Click(`//label[normalize-space()="Set as default for DigitalOcean"]/input`))
	run(t, ctx, "save", chromedp.Click(button("Save")))
	run(t, ctx, "see the default move", chromedp.WaitVisible(acme+`//span[normalize-space()="Default"]`))
	waitJS(t, ctx, `document.querySelectorAll('tr.account .tag').length === 1`)

	// The refresh icon re-validates and the account stays Active.
	// Mark the row, so the test knows the refresh icon brought back a new one.
	eval[string](t, ctx, `document.querySelector('[data-account-name="Sammy Production"]').dataset.stale = "yes"`)
	run(t, ctx, "use the refresh icon", chromedp.Click(accountRow("Sammy Production")+`//button[@aria-label="Refresh"]`))
	waitJS(t, ctx, `(() => { const r = document.querySelector('[data-account-name="Sammy Production"]'); return !!r && r.dataset.stale !== "yes" })()`)
	run(t, ctx, "see it still Active", chromedp.WaitVisible(accountRow("Sammy Production")+`//span[normalize-space()="Active"]`))
	if row := eval[string](t, ctx, `document.querySelector('[data-account-name="Sammy Production"]').outerHTML`); strings.Contains(row, "problem-text") {
		t.Errorf("refresh showed a problem: %s", row)
	}

	// Deny: the tab explains, and so does the Cloud Accounts page.
	run(t, ctx, "open Add Account for Deny", chromedp.Click(button("Add Account")))
	tab, _ := consentInNewTab(t, ctx, "Sammy's Team", "Deny")
	run(t, tab, "see Authorization Denied in the tab",
		chromedp.WaitVisible(`//strong[normalize-space()="Authorization Denied"]`),
	)
	screenshot(t, tab, "denied-tab")
	run(t, ctx, "see Authorization Denied on the page",
		chromedp.WaitVisible(`//div[@id="flash"]//strong[normalize-space()="Authorization Denied"]`),
		chromedp.WaitVisible(`//div[@id="flash"]//p[contains(., "Click Add Account again and click Authorize application")]`),
	)
	screenshot(t, ctx, "denied-page")
	if rows := eval[int](t, ctx, `document.querySelectorAll('tr.account').length`); rows != 2 {
		t.Errorf("after Deny there are %d accounts, want 2", rows)
	}
}

func TestBrowserAPITokenFallback(t *testing.T) {
	t.Parallel()
	b := startBerth(t, berthOptions{engine: "sqlite", sandbox: true})
	ctx := browser(t)
	run(t, ctx, "sign up and open Add Account",
		chromedp.Navigate(b.URL+"/signup"),
		chromedp.SendKeys(field("Email"), "ada@example.com"),
		chromedp.SendKeys(field("Password"), "a long enough password"),
		chromedp.SendKeys(field("Organization name"), "Analytical Engines"),
	)
	clickAndLoad(t, ctx, button("Sign up"))
	run(t, ctx, "open Add Account", chromedp.Click(button("Add Account")), chromedp.WaitVisible(field("API token")))
	run(t, ctx, "a refused token is explained",
		chromedp.SendKeys(field("API token"), "dop_v1_"+strings.Repeat("0", 64)),
		chromedp.Click(button("Connect")),
		chromedp.WaitVisible(`//dialog//strong[normalize-space()="Token rejected"]`),
	)
	run(t, ctx, "a good token connects",
		chromedp.SendKeys(`//dialog`+field("Name"), "Ops token"),
		chromedp.SendKeys(field("API token"), dosim.SeedToken),
		chromedp.Click(button("Connect")),
		chromedp.WaitVisible(accountRow("Ops token")+`//span[normalize-space()="Active"]`),
		chromedp.WaitNotVisible(`//dialog[@id="add-account"]`),
	)
}

// TestBrowserExpiredRefreshReconnectAndMember revokes the sandbox account's grants at the
// simulator, as someone revoking Berth at DigitalOcean would: the refresh icon shows Expired,
// Reconnect brings it back to Active, and a member sees no Disconnect.
func TestBrowserExpiredRefreshReconnectAndMember(t *testing.T) {
	t.Parallel()
	b := startBerth(t, berthOptions{engine: "sqlite", sandbox: true})
	ctx := browser(t)
	run(t, ctx, "sign up",
		chromedp.Navigate(b.URL+"/signup"),
		chromedp.SendKeys(field("Email"), "ada@example.com"),
		chromedp.SendKeys(field("Password"), "a long enough password"),
		chromedp.SendKeys(field("Organization name"), "Analytical Engines"),
	)
	clickAndLoad(t, ctx, button("Sign up"))
	run(t, ctx, "open Add Account", chromedp.Click(button("Add Account")))
	_, tabID := consentInNewTab(t, ctx, "Sammy's Team", "Authorize application")
	waitTabClosed(t, ctx, tabID)
	row := accountRow("DigitalOcean")
	run(t, ctx, "see it Active", chromedp.WaitVisible(row+`//span[normalize-space()="Active"]`))

	if n, err := b.App.Simulator().RevokeGrants(dosim.SeedTeamSammy); err != nil || n == 0 {
		t.Fatalf("RevokeGrants() = %d, %v", n, err)
	}
	run(t, ctx, "Refresh shows Expired",
		chromedp.Click(row+`//button[@aria-label="Refresh"]`),
		chromedp.WaitVisible(row+`//span[contains(@class,"status-expired")][normalize-space()="Expired"]`),
		chromedp.WaitVisible(row+`//p[contains(., "OAuth tokens expired and couldn't auto-refresh")]`),
		chromedp.WaitVisible(row+`//button[contains(@class,"primary")][normalize-space()="Reconnect"]`),
	)
	screenshot(t, ctx, "expired")
	run(t, ctx, "Refresh again: still Expired",
		chromedp.Click(row+`//button[@aria-label="Refresh"]`),
		chromedp.WaitVisible(row+`//span[normalize-space()="Expired"]`),
	)
	tab, id := clickForTab(t, ctx, row+`//button[normalize-space()="Reconnect"]`)
	run(t, tab, "authorize the same team", chromedp.WaitVisible(button("Authorize application")), chromedp.Click(button("Authorize application")))
	waitTabClosed(t, ctx, id)
	run(t, ctx, "back to Active", chromedp.WaitVisible(row+`//span[contains(@class,"status-active")][normalize-space()="Active"]`))

	// A member, in a browser of their own, sees the account but no Disconnect.
	admin, err := b.App.Services().SignIn(t.Context(), "ada@example.com", "a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	inv, err := b.App.Services().InviteMember(t.Context(), admin.Actor, "grace@example.com", "member")
	if err != nil {
		t.Fatal(err)
	}
	memberCtx, cancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	defer cancel()
	if err := chromedp.Do(memberCtx); err != nil {
		t.Fatal(err)
	}
	run(t, memberCtx, "join as a member",
		chromedp.Navigate(b.URL+"/join?token="+inv.Token),
		chromedp.SendKeys(field("Password"), "grace's long password"),
	)
	clickAndLoad(t, memberCtx, button("Join Analytical Engines"))
	run(t, memberCtx, "see the account, Active", chromedp.WaitVisible(row+`//span[normalize-space()="Active"]`))
	if html := eval[string](t, memberCtx, `document.body.innerText`); strings.Contains(html, "Disconnect") || strings.Contains(html, "Add Account") {
		t.Errorf("a member sees Disconnect or Add Account:\n%s", html)
	}
	screenshot(t, memberCtx, "member")
}
