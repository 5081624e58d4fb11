package sqlstore

import (
	"context"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/store"
)

const connectLinkColumns = `id, org_id, created_by, account_id, created_at, expires_at, used_at`

// CreateConnectLink stores a connect link.
func (s *Store) CreateConnectLink(ctx context.Context, l domain.ConnectLink) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO connect_links (`+connectLinkColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		l.ID, l.OrgID, l.CreatedBy, l.AccountID, s.timeArg(l.CreatedAt), s.timeArg(l.ExpiresAt), s.nullTimeArg(l.UsedAt))
	return s.fail("create connect link", err)
}

// GetConnectLink returns a link, used or not, expired or not.
func (s *Store) GetConnectLink(ctx context.Context, id string) (domain.ConnectLink, error) {
	var l domain.ConnectLink
	err := s.q.QueryRowContext(ctx, `SELECT `+connectLinkColumns+` FROM connect_links WHERE id = $1`, id).
		Scan(&l.ID, &l.OrgID, &l.CreatedBy, &l.AccountID, timeDest{&l.CreatedAt}, timeDest{&l.ExpiresAt}, nullTimeDest{&l.UsedAt})
	return l, s.fail("get connect link", err)
}

// UseConnectLink marks an unused link used.
func (s *Store) UseConnectLink(ctx context.Context, p store.UseConnectLinkParams) error {
	return s.execOne(ctx, "use connect link",
		`UPDATE connect_links SET used_at = $2 WHERE id = $1 AND used_at IS NULL`, p.ID, s.timeArg(p.At))
}
