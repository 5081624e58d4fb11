package web

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/url"
	"time"

	"github.com/berth-dev/berth/internal/service"
)

// createConnectLink makes a connect link and shows it in the Add Account dialog.
func (h *Handler) createConnectLink(w http.ResponseWriter, r *http.Request) {
	link, err := h.svc.CreateConnectLink(r.Context(), actorOf(r), r.PostFormValue("account"))
	if err != nil {
		h.failure(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, connectLinkCreated(h.connectURL(link.Token)))
}

// connectURL is the link's address; the token rides in the query, which request logs leave out.
func (h *Handler) connectURL(token string) string {
	return h.publicURL + "/connect?token=" + url.QueryEscape(token)
}

// connectLink shows what a connect link offers, to someone who need not be signed in.
func (h *Handler) connectLink(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	view, err := h.svc.ConnectLink(r.Context(), token)
	h.renderConnectLink(w, r, token, view, err)
}

func (h *Handler) renderConnectLink(w http.ResponseWriter, r *http.Request, token string, view service.ConnectLinkView, err error) {
	if err == nil {
		h.render(w, r, http.StatusOK, connectLinkPage(token, view, "", "", h.sandbox))
		return
	}
	p, ok := problemOf(err)
	if !ok {
		h.serverError(w, r, err)
		return
	}
	h.render(w, r, http.StatusUnprocessableEntity, connectLinkPage(token, view, p.Title, p.Detail, h.sandbox))
}

// startLinkedOAuth binds the flow to this browser with a short-lived cookie and goes to
// DigitalOcean's consent page.
func (h *Handler) startLinkedOAuth(w http.ResponseWriter, r *http.Request) {
	token := r.PostFormValue("token")
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	cookie := base64.RawURLEncoding.EncodeToString(b)
	authURL, err := h.svc.StartLinkedOAuth(r.Context(), token, cookie)
	if err != nil {
		h.renderConnectLink(w, r, token, service.ConnectLinkView{}, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: linkCookie, Value: cookie, Path: "/oauth/digitalocean/callback",
		Expires: time.Now().Add(15 * time.Minute), HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.secure})
	http.Redirect(w, r, authURL, http.StatusSeeOther)
}
