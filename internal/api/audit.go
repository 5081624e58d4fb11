package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/berth-dev/berth/internal/domain"
)

// auditEvent is the API's view of an audit log entry.
type auditEvent struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	AccountID string    `json:"account_id,omitempty"`
	Actor     actor     `json:"actor"`
	Message   string    `json:"message"`
	CreatedAt time.Time `json:"created_at"`
}

type actor struct {
	Kind  string `json:"kind"`
	ID    string `json:"id"`
	Label string `json:"label"`
}

// auditEvents pages through the audit log newest first: ?limit=N (at most 100) and
// ?before=ID (the last id of the previous page); next_before is set while more may follow.
func (h *Handler) auditEvents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := 100
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			h.writeError(w, r, apiError{http.StatusBadRequest, "bad_request", "limit must be a number from 1 to 100"})
			return
		}
		limit = n
	}
	events, err := h.svc.AuditEvents(r.Context(), actorOf(r), q.Get("before"), limit)
	if err != nil {
		h.writeErr(w, r, err)
		return
	}
	out := make([]auditEvent, 0, len(events))
	for _, e := range events {
		out = append(out, toAuditEvent(e))
	}
	body := map[string]any{"audit_events": out}
	if len(events) == limit {
		body["next_before"] = events[len(events)-1].ID
	}
	h.writeJSON(w, http.StatusOK, body)
}

func toAuditEvent(e domain.Event) auditEvent {
	return auditEvent{ID: e.ID, Type: e.Type, AccountID: e.AccountID, Message: e.Message, CreatedAt: e.CreatedAt,
		Actor: actor{Kind: string(e.ActorKind), ID: e.ActorID, Label: e.ActorLabel}}
}
