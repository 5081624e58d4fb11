package web

import (
	"net/http"
)

func (h *Handler) apiKeys(w http.ResponseWriter, r *http.Request) {
	h.renderAPIKeys(w, r, http.StatusOK, "", "")
}

func (h *Handler) renderAPIKeys(w http.ResponseWriter, r *http.Request, status int, newSecret, errMsg string) {
	keys, err := h.svc.ListAPIKeys(r.Context(), actorOf(r))
	if err != nil {
		h.failure(w, r, err)
		return
	}
	h.render(w, r, status, apiKeysPage(h.chrome(r, "API keys", "settings"), keys, newSecret, errMsg))
}

// createAPIKey shows the new key once, on the page that answers the form.
func (h *Handler) createAPIKey(w http.ResponseWriter, r *http.Request) {
	key, err := h.svc.CreateAPIKey(r.Context(), actorOf(r), r.PostFormValue("name"))
	if v, ok := validationOf(err); ok {
		h.renderAPIKeys(w, r, http.StatusUnprocessableEntity, "", "Name: "+v.Message)
		return
	}
	if err != nil {
		h.failure(w, r, err)
		return
	}
	h.renderAPIKeys(w, r, http.StatusOK, key.Secret, "")
}

func (h *Handler) revokeAPIKey(w http.ResponseWriter, r *http.Request) {
	if err := h.svc.RevokeAPIKey(r.Context(), actorOf(r), r.PathValue("id")); err != nil {
		h.failure(w, r, err)
		return
	}
	http.Redirect(w, r, "/settings/api-keys", http.StatusSeeOther)
}
