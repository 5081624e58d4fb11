package dosim

import (
	"net/http"
	"time"
)

// action tracks one asynchronous change to a Droplet.
type action struct {
	id         int
	kind       string // create, ...
	teamUUID   string
	resourceID int
	region     region
	started    time.Time
	completes  time.Time
}

// startAction records an action on d that completes at completes.
func (st *state) startAction(ts *teamState, kind string, d *droplet, now, completes time.Time) *action {
	a := &action{id: st.nextAction, kind: kind, teamUUID: ts.UUID, resourceID: d.id,
		region: d.region, started: now, completes: completes}
	st.nextAction++
	st.actions[a.id] = a
	return a
}

// actionJSON is an action as the API shows it.
type actionJSON struct {
	ID           int        `json:"id"`
	Status       string     `json:"status"`
	Type         string     `json:"type"`
	StartedAt    string     `json:"started_at"`
	CompletedAt  *string    `json:"completed_at"`
	ResourceID   int        `json:"resource_id"`
	ResourceType string     `json:"resource_type"`
	Region       regionJSON `json:"region"`
	RegionSlug   string     `json:"region_slug"`
}

// json renders the action as of now: in-progress until it completes.
func (a *action) json(now time.Time) actionJSON {
	out := actionJSON{ID: a.id, Status: "in-progress", Type: a.kind,
		StartedAt: a.started.UTC().Format(time.RFC3339), ResourceID: a.resourceID,
		ResourceType: "droplet", Region: regionJSONOf(a.region), RegionSlug: a.region.Slug}
	if !now.Before(a.completes) {
		done := a.completes.UTC().Format(time.RFC3339)
		out.Status, out.CompletedAt = "completed", &done
	}
	return out
}

// getAction answers GET /v2/actions/{action_id}; actions of other teams are not found.
func (s *Server) getAction(w http.ResponseWriter, r *http.Request, c caller) {
	id, _ := pathID(r, "action_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.st.actions[id]
	if !ok || a.teamUUID != c.team.UUID {
		notFound(w, r)
		return
	}
	writeJSON(w, http.StatusOK, map[string]actionJSON{"action": a.json(s.now())})
}
