package api

import (
	"net/http"
	"net/url"
	"time"

	"github.com/berth-dev/berth/internal/domain"
)

type connectLinkRequest struct {
	Provider string `json:"provider"`
}

type connectLink struct {
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
}

// createConnectLink makes a link with which someone not signed in connects an account.
func (h *Handler) createConnectLink(w http.ResponseWriter, r *http.Request) {
	var req connectLinkRequest
	if err := decode(r, &req); err != nil {
		h.writeErr(w, r, err)
		return
	}
	if req.Provider != string(domain.ProviderDigitalOcean) {
		h.writeErr(w, r, domain.Invalid("provider", "must be \"digitalocean\""))
		return
	}
	h.writeLink(w, r, "")
}

// reconnectLink makes a link that reconnects one account.
func (h *Handler) reconnectLink(w http.ResponseWriter, r *http.Request) {
	h.writeLink(w, r, r.PathValue("id"))
}

func (h *Handler) writeLink(w http.ResponseWriter, r *http.Request, accountID string) {
	link, err := h.svc.CreateConnectLink(r.Context(), actorOf(r), accountID)
	if err != nil {
		h.writeErr(w, r, err)
		return
	}
	h.writeJSON(w, http.StatusCreated, connectLink{URL: h.publicURL + "/connect?token=" + url.QueryEscape(link.Token), ExpiresAt: link.Link.ExpiresAt})
}
