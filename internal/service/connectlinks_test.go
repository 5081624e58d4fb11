package service_test

import (
	"errors"
	"net/http"
	"net/http/cookiejar"
	"testing"
	"time"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/service"
	"github.com/berth-dev/berth/internal/testkit"
)

// consentFromLink runs a connect link's flow in a browser holding cookie.
func (e *env) consentFromLink(t *testing.T, token, cookie string, index int) service.OAuthCallback {
	t.Helper()
	authURL, err := e.svc.StartLinkedOAuth(e.ctx, token, cookie)
	if err != nil {
		t.Fatalf("StartLinkedOAuth() = %v", err)
	}
	jar, _ := cookiejar.New(nil)
	return callbackFrom(testkit.Consent(t, &http.Client{Jar: jar}, authURL, "authorize", index))
}

func TestConnectLinkLetsTheDigitalOceanAdminConnect(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	link, err := e.svc.CreateConnectLink(e.ctx, e.admin, "")
	if err != nil {
		t.Fatal(err)
	}
	view, err := e.svc.ConnectLink(e.ctx, link.Token)
	if err != nil || view.OrgName != "Analytical Engines" || view.AccountName != "" {
		t.Errorf("ConnectLink() = %+v, %v; want the organization", view, err)
	}
	cb := e.consentFromLink(t, link.Token, "browser-cookie", 0)
	if _, err := e.svc.CompleteOAuthIn(e.ctx, service.Browser{LinkCookie: "another-browser"}, cb); problemCode(err) != service.CodeWrongSessionForOAuth {
		t.Errorf("callback in another browser = %v, want %s", err, service.CodeWrongSessionForOAuth)
	}
	cb = e.consentFromLink(t, link.Token, "browser-cookie", 0)
	res, err := e.svc.CompleteOAuthIn(e.ctx, service.Browser{LinkCookie: "browser-cookie"}, cb)
	if err != nil || res.Account.OrgID != e.admin.OrgID || res.Account.Status != domain.StatusActive {
		t.Fatalf("CompleteOAuthIn(link) = %+v, %v; want an active account in the organization", res.Account, err)
	}
	if _, err := e.svc.ConnectLink(e.ctx, link.Token); problemCode(err) != service.CodeConnectLinkInvalid {
		t.Errorf("ConnectLink(used) = %v, want %s", err, service.CodeConnectLinkInvalid)
	}
	if _, err := e.svc.StartLinkedOAuth(e.ctx, link.Token, "browser-cookie"); problemCode(err) != service.CodeConnectLinkInvalid {
		t.Errorf("StartLinkedOAuth(used) = %v, want %s", err, service.CodeConnectLinkInvalid)
	}
	events, _ := e.svc.AuditEvents(e.ctx, e.admin, "", 1)
	if events[0].Type != domain.EventAccountConnected || events[0].ActorLabel != "ada@example.com" {
		t.Errorf("latest event = %+v, want the connect on behalf of the link's admin", events[0])
	}
}

func TestReconnectLinkAndExpiry(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.connectOAuth(t, 0).Account
	link, err := e.svc.CreateConnectLink(e.ctx, e.admin, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if view, _ := e.svc.ConnectLink(e.ctx, link.Token); view.AccountName != a.Name {
		t.Errorf("reconnect link view = %+v, want the account's name", view)
	}
	res, err := e.svc.CompleteOAuthIn(e.ctx, service.Browser{LinkCookie: "c"}, e.consentFromLink(t, link.Token, "c", 0))
	if err != nil || res.Account.ID != a.ID {
		t.Errorf("reconnect through a link = %+v, %v; want the same account", res.Account, err)
	}
	late, _ := e.svc.CreateConnectLink(e.ctx, e.admin, "")
	e.clock.Advance(7 * 24 * time.Hour)
	if _, err := e.svc.ConnectLink(e.ctx, late.Token); problemCode(err) != service.CodeConnectLinkInvalid {
		t.Errorf("ConnectLink(after 7 days) = %v, want %s", err, service.CodeConnectLinkInvalid)
	}
	member := e.admin
	member.Role = domain.RoleMember
	if _, err := e.svc.CreateConnectLink(e.ctx, member, ""); !errors.Is(err, domain.ErrForbidden) {
		t.Errorf("CreateConnectLink(member) = %v, want ErrForbidden", err)
	}
	if _, err := e.svc.CreateConnectLink(e.ctx, e.admin, "nope"); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("CreateConnectLink(unknown account) = %v, want ErrNotFound", err)
	}
}
