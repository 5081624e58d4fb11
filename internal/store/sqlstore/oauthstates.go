package sqlstore

import (
	"context"
	"time"

	"github.com/berth-dev/berth/internal/domain"
)

const oauthStateColumns = `id, provider, org_id, user_id, session_id, verifier_sealed, popup,
	account_id, link_id, created_at, expires_at`

func scanOAuthState(r rowScanner) (domain.OAuthState, error) {
	var st domain.OAuthState
	err := r.Scan(&st.ID, &st.Provider, &st.OrgID, &st.UserID, &st.SessionID,
		bytesDest{&st.VerifierSealed}, &st.Popup, &st.AccountID, &st.LinkID, timeDest{&st.CreatedAt}, timeDest{&st.ExpiresAt})
	return st, err
}

// CreateOAuthState stores a pending authorization; an id already stored is domain.ErrConflict.
func (s *Store) CreateOAuthState(ctx context.Context, st domain.OAuthState) error {
	_, err := s.q.ExecContext(ctx,
		`INSERT INTO oauth_states (id, provider, org_id, user_id, session_id, verifier_sealed, popup,
			account_id, link_id, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		st.ID, st.Provider, st.OrgID, st.UserID, st.SessionID, nullBytes(st.VerifierSealed),
		st.Popup, st.AccountID, st.LinkID, s.timeArg(st.CreatedAt), s.timeArg(st.ExpiresAt))
	return s.fail("create oauth state", err)
}

// ConsumeOAuthState deletes and returns a state in one statement, so only one caller gets it.
func (s *Store) ConsumeOAuthState(ctx context.Context, id string) (domain.OAuthState, error) {
	row := s.q.QueryRowContext(ctx,
		`DELETE FROM oauth_states WHERE id = $1 RETURNING `+oauthStateColumns, id)
	st, err := scanOAuthState(row)
	return st, s.fail("consume oauth state", err)
}

// DeleteExpiredOAuthStates deletes states expired at now and returns how many.
func (s *Store) DeleteExpiredOAuthStates(ctx context.Context, now time.Time) (int, error) {
	n, err := s.execCount(ctx, `DELETE FROM oauth_states WHERE expires_at <= $1`, s.timeArg(now))
	return n, s.fail("delete expired oauth states", err)
}
