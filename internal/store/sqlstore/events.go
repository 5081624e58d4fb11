package sqlstore

import (
	"context"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/store"
)

const eventColumns = `id, org_id, type, account_id, actor_kind, actor_id, actor_label, message, created_at`

func scanEvent(r rowScanner) (domain.Event, error) {
	var e domain.Event
	err := r.Scan(&e.ID, &e.OrgID, &e.Type, &e.AccountID, &e.ActorKind, &e.ActorID, &e.ActorLabel,
		&e.Message, timeDest{&e.CreatedAt})
	return e, err
}

// CreateEvent appends an event to the audit log.
func (s *Store) CreateEvent(ctx context.Context, e domain.Event) error {
	_, err := s.q.ExecContext(ctx,
		`INSERT INTO events (`+eventColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		e.ID, e.OrgID, e.Type, e.AccountID, e.ActorKind, e.ActorID, e.ActorLabel, e.Message, s.timeArg(e.CreatedAt))
	return s.fail("create event", err)
}

// ListEvents pages through an organization's events, newest first. Ids are time-ordered, so
// "before an id" is a stable cursor.
func (s *Store) ListEvents(ctx context.Context, p store.ListEventsParams) ([]domain.Event, error) {
	if p.Before == "" {
		return queryList(ctx, s, "list events", scanEvent,
			`SELECT `+eventColumns+` FROM events WHERE org_id = $1 ORDER BY id DESC LIMIT $2`, p.OrgID, p.Limit)
	}
	return queryList(ctx, s, "list events", scanEvent,
		`SELECT `+eventColumns+` FROM events WHERE org_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3`,
		p.OrgID, p.Before, p.Limit)
}
