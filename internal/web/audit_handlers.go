package web

import "net/http"

// auditPageSize is how many entries one page of the audit log shows.
const auditPageSize = 50

func (h *Handler) audit(w http.ResponseWriter, r *http.Request) {
	events, err := h.svc.AuditEvents(r.Context(), actorOf(r), r.URL.Query().Get("before"), auditPageSize)
	if err != nil {
		h.failure(w, r, err)
		return
	}
	var next string
	if len(events) == auditPageSize {
		next = events[len(events)-1].ID
	}
	h.render(w, r, http.StatusOK, auditPage(h.chrome(r, "Audit log", "settings"), events, next))
}
