package sqlstore

import (
	"context"
	"time"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/store"
)

const sessionColumns = `id, user_id, org_id, created_at, expires_at`

func scanSession(r rowScanner) (domain.Session, error) {
	var ss domain.Session
	err := r.Scan(&ss.ID, &ss.UserID, &ss.OrgID, timeDest{&ss.CreatedAt}, timeDest{&ss.ExpiresAt})
	return ss, err
}

// CreateSession stores a session; an unknown user or organization is domain.ErrNotFound.
func (s *Store) CreateSession(ctx context.Context, p store.CreateSessionParams) (domain.Session, error) {
	row := s.q.QueryRowContext(ctx,
		`INSERT INTO sessions (id, user_id, org_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)
		RETURNING `+sessionColumns,
		p.ID, p.UserID, p.OrgID, s.timeArg(p.CreatedAt), s.timeArg(p.ExpiresAt))
	ss, err := scanSession(row)
	return ss, s.fail("create session", err)
}

// GetSession returns the session unless it is missing or expired at p.Now.
func (s *Store) GetSession(ctx context.Context, p store.GetSessionParams) (domain.Session, error) {
	row := s.q.QueryRowContext(ctx,
		`SELECT `+sessionColumns+` FROM sessions WHERE id = $1 AND expires_at > $2`,
		p.ID, s.timeArg(p.Now))
	ss, err := scanSession(row)
	return ss, s.fail("get session", err)
}

// DeleteSession deletes a session; a missing one is not an error.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	_, err := s.q.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1`, id)
	return s.fail("delete session", err)
}

// DeleteExpiredSessions deletes sessions expired at now and returns how many.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	n, err := s.execCount(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, s.timeArg(now))
	return n, s.fail("delete expired sessions", err)
}
