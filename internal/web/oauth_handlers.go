package web

import (
	"net/http"

	"github.com/berth-dev/berth/internal/service"
)

// oauthStart records the state and sends the browser to DigitalOcean's consent page;
// popup=1 means the page runs in a tab Berth opened, which closes itself at the end, and
// account=ID reconnects that account.
func (h *Handler) oauthStart(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	url, err := h.svc.StartOAuth(r.Context(), actorOf(r), service.StartOAuthParams{Popup: q.Get("popup") == "1", AccountID: q.Get("account")})
	if err != nil {
		h.failure(w, r, err)
		return
	}
	http.Redirect(w, r, url, http.StatusFound)
}

// oauthCallback finishes the flow for whichever browser binding the state has: the signed-in
// session, or a connect link's cookie. A popup reports to the Cloud Accounts page and closes;
// a same-tab flow goes back to the page, with the problem named in the link on failure; a
// connect-link flow ends on a page of its own, since its person may not be signed in.
func (h *Handler) oauthCallback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	res, err := h.svc.CompleteOAuthIn(detached(r), h.browser(r), service.OAuthCallback{
		State: q.Get("state"), Code: q.Get("code"), Error: q.Get("error"), ErrorDescription: q.Get("error_description"),
	})
	p, isProblem := problemOf(err)
	if err != nil && !isProblem {
		h.failure(w, r, err)
		return
	}
	if isProblem {
		h.log.WarnContext(r.Context(), "OAuth connect failed", "problem", p.Code, "error", p.Err)
	}
	switch {
	case res.Linked || (!res.Popup && isProblem && p.Code == service.CodeWrongSessionForOAuth):
		h.renderOAuthEnd(w, r, res, p, false)
	case res.Popup:
		h.renderOAuthEnd(w, r, res, p, true)
	case isProblem:
		http.Redirect(w, r, "/settings/cloud-accounts?problem="+p.Code, http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/settings/cloud-accounts", http.StatusSeeOther)
	}
}

// browser is what the callback request carries to match a pending state.
func (h *Handler) browser(r *http.Request) service.Browser {
	var b service.Browser
	if c, err := r.Cookie(sessionCookie); err == nil {
		if a, err := h.svc.SessionActor(r.Context(), c.Value); err == nil {
			b.SessionID = a.SessionID
		}
	}
	if c, err := r.Cookie(linkCookie); err == nil {
		b.LinkCookie = c.Value
	}
	return b
}

// renderOAuthEnd shows how the flow ended; popup pages also tell the opener and close.
func (h *Handler) renderOAuthEnd(w http.ResponseWriter, r *http.Request, res service.OAuthResult, p *service.Problem, popup bool) {
	switch {
	case p != nil:
		h.render(w, r, http.StatusOK, oauthDonePage(false, p.Title, p.Detail, h.sandbox, popup))
	case popup:
		h.render(w, r, http.StatusOK, oauthDonePage(true, "DigitalOcean connected", res.Account.Name+" is connected. This tab closes by itself.", h.sandbox, popup))
	default:
		h.render(w, r, http.StatusOK, oauthDonePage(true, "DigitalOcean connected", res.Account.Name+" ("+res.Account.TeamName+") is connected to Berth. You can close this tab.", h.sandbox, popup))
	}
}
