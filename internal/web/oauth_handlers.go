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

// oauthCallback finishes the flow. A popup reports to the Cloud Accounts page and closes;
// a same-tab flow goes back to the page, with the problem named in the link on failure.
func (h *Handler) oauthCallback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	res, err := h.svc.CompleteOAuth(detached(r), actorOf(r), service.OAuthCallback{
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
	if !res.Popup {
		target := "/settings/cloud-accounts"
		if isProblem {
			target += "?problem=" + p.Code
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return
	}
	if isProblem {
		h.render(w, r, http.StatusOK, oauthDonePage(false, p.Title, p.Detail, h.sandbox))
		return
	}
	h.render(w, r, http.StatusOK, oauthDonePage(true, "DigitalOcean connected", res.Account.Name+" is connected. This tab closes by itself.", h.sandbox))
}
