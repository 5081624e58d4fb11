package sqlstore

import (
	"context"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/store"
)

const apiKeyColumns = `id, org_id, name, prefix, hash, created_by, created_at, last_used_at, revoked_at`

func scanAPIKey(r rowScanner) (domain.APIKey, error) {
	var k domain.APIKey
	err := r.Scan(&k.ID, &k.OrgID, &k.Name, &k.Prefix, &k.Hash, &k.CreatedBy,
		timeDest{&k.CreatedAt}, nullTimeDest{&k.LastUsedAt}, nullTimeDest{&k.RevokedAt})
	return k, err
}

// CreateAPIKey stores a key; a hash already stored is domain.ErrConflict.
func (s *Store) CreateAPIKey(ctx context.Context, p store.CreateAPIKeyParams) (domain.APIKey, error) {
	row := s.q.QueryRowContext(ctx,
		`INSERT INTO api_keys (id, org_id, name, prefix, hash, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		RETURNING `+apiKeyColumns,
		p.ID, p.OrgID, p.Name, p.Prefix, p.Hash, p.CreatedBy, s.timeArg(p.CreatedAt))
	k, err := scanAPIKey(row)
	return k, s.fail("create api key", err)
}

// ListAPIKeys returns an organization's keys, newest first, revoked ones included.
func (s *Store) ListAPIKeys(ctx context.Context, orgID string) ([]domain.APIKey, error) {
	return queryList(ctx, s, "list api keys", scanAPIKey,
		`SELECT `+apiKeyColumns+` FROM api_keys WHERE org_id = $1
		ORDER BY created_at DESC, id DESC`, orgID)
}

// GetAPIKeyByHash returns the unrevoked key with hash.
func (s *Store) GetAPIKeyByHash(ctx context.Context, hash string) (domain.APIKey, error) {
	row := s.q.QueryRowContext(ctx,
		`SELECT `+apiKeyColumns+` FROM api_keys WHERE hash = $1 AND revoked_at IS NULL`, hash)
	k, err := scanAPIKey(row)
	return k, s.fail("get api key by hash", err)
}

// RevokeAPIKey revokes one of an organization's keys; unknown or already revoked is
// domain.ErrNotFound.
func (s *Store) RevokeAPIKey(ctx context.Context, p store.RevokeAPIKeyParams) error {
	return s.execOne(ctx, "revoke api key",
		`UPDATE api_keys SET revoked_at = $3 WHERE org_id = $1 AND id = $2 AND revoked_at IS NULL`,
		p.OrgID, p.ID, s.timeArg(p.At))
}

// TouchAPIKey records when a key was last used; an unknown key is domain.ErrNotFound.
func (s *Store) TouchAPIKey(ctx context.Context, p store.TouchAPIKeyParams) error {
	return s.execOne(ctx, "touch api key",
		`UPDATE api_keys SET last_used_at = $2 WHERE id = $1`, p.ID, s.timeArg(p.At))
}
