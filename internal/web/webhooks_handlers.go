package web

import "net/http"

func (h *Handler) webhooks(w http.ResponseWriter, r *http.Request) {
	h.renderWebhooks(w, r, http.StatusOK, WebhookForm{})
}

func (h *Handler) renderWebhooks(w http.ResponseWriter, r *http.Request, status int, f WebhookForm) {
	hooks, err := h.svc.ListWebhooks(r.Context(), actorOf(r))
	if err != nil {
		h.failure(w, r, err)
		return
	}
	h.render(w, r, status, webhooksPage(h.chrome(r, "Webhooks", "settings"), hooks, f))
}

// createWebhook adds a webhook and shows its signing secret once.
func (h *Handler) createWebhook(w http.ResponseWriter, r *http.Request) {
	f := WebhookForm{URL: r.PostFormValue("url")}
	hook, err := h.svc.CreateWebhook(r.Context(), actorOf(r), f.URL)
	if v, ok := validationOf(err); ok {
		f.Error = v.Message
		h.renderWebhooks(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err != nil {
		h.failure(w, r, err)
		return
	}
	h.renderWebhooks(w, r, http.StatusOK, WebhookForm{NewSecret: hook.Secret})
}

func (h *Handler) deleteWebhook(w http.ResponseWriter, r *http.Request) {
	if err := h.svc.DeleteWebhook(r.Context(), actorOf(r), r.PathValue("id")); err != nil {
		h.failure(w, r, err)
		return
	}
	http.Redirect(w, r, "/settings/webhooks", http.StatusSeeOther)
}

// redeliver queues a delivery again; the dispatcher sends it within seconds.
func (h *Handler) redeliver(w http.ResponseWriter, r *http.Request) {
	if err := h.svc.Redeliver(r.Context(), actorOf(r), r.PathValue("id")); err != nil {
		h.failure(w, r, err)
		return
	}
	http.Redirect(w, r, "/settings/webhooks", http.StatusSeeOther)
}
