package sqlstore

import (
	"context"
	"fmt"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/store"
)

const cloudAccountColumns = `id, org_id, provider, name, status, status_message, capabilities,
	account_email, team_name, team_uuid, auth_type, scopes, is_default, token_expires_at,
	last_validated_at, failing_since, created_at, updated_at`

func scanCloudAccount(r rowScanner) (domain.CloudAccount, error) {
	var a domain.CloudAccount
	var caps, scopes string
	err := r.Scan(&a.ID, &a.OrgID, &a.Provider, &a.Name, &a.Status, &a.StatusMessage, &caps,
		&a.AccountEmail, &a.TeamName, &a.TeamUUID, &a.AuthType, &scopes, &a.IsDefault,
		nullTimeDest{&a.ExpiresAt}, nullTimeDest{&a.LastValidatedAt}, nullTimeDest{&a.FailingSince},
		timeDest{&a.CreatedAt}, timeDest{&a.UpdatedAt})
	a.Capabilities = splitWords[domain.Capability](caps)
	a.Scopes = splitWords[string](scopes)
	return a, err
}

// CreateCloudAccount stores an account and its sealed credentials in one row; the account's
// ExpiresAt is the credentials' (one column, so they cannot disagree). Another account of
// the organization for the same provider team, or a second default, is domain.ErrConflict.
func (s *Store) CreateCloudAccount(ctx context.Context, p store.CreateCloudAccountParams) (domain.CloudAccount, error) {
	a, c := p.Account, p.Credentials
	row := s.q.QueryRowContext(ctx,
		`INSERT INTO cloud_accounts (id, org_id, provider, name, status, status_message,
			capabilities, account_email, team_name, team_uuid, auth_type, scopes, is_default,
			last_validated_at, failing_since, created_at, updated_at,
			access_token_sealed, refresh_token_sealed, token_expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
			$17, $18, $19, $20)
		RETURNING `+cloudAccountColumns,
		a.ID, a.OrgID, a.Provider, a.Name, a.Status, a.StatusMessage,
		joinWords(a.Capabilities), a.AccountEmail, a.TeamName, a.TeamUUID, a.AuthType,
		joinWords(a.Scopes), a.IsDefault, s.nullTimeArg(a.LastValidatedAt), s.nullTimeArg(a.FailingSince),
		s.timeArg(a.CreatedAt), s.timeArg(a.UpdatedAt),
		nullBytes(c.AccessTokenSealed), nullBytes(c.RefreshTokenSealed), s.nullTimeArg(c.ExpiresAt))
	got, err := scanCloudAccount(row)
	return got, s.fail("create cloud account", err)
}

// GetCloudAccount returns one of an organization's accounts.
func (s *Store) GetCloudAccount(ctx context.Context, p store.GetCloudAccountParams) (domain.CloudAccount, error) {
	row := s.q.QueryRowContext(ctx,
		`SELECT `+cloudAccountColumns+` FROM cloud_accounts WHERE org_id = $1 AND id = $2`,
		p.OrgID, p.ID)
	a, err := scanCloudAccount(row)
	return a, s.fail("get cloud account", err)
}

// FindCloudAccountByTeam returns an organization's account for one provider team; an empty
// TeamUUID finds nothing.
func (s *Store) FindCloudAccountByTeam(ctx context.Context, p store.FindCloudAccountByTeamParams) (domain.CloudAccount, error) {
	row := s.q.QueryRowContext(ctx,
		`SELECT `+cloudAccountColumns+` FROM cloud_accounts
		WHERE org_id = $1 AND provider = $2 AND team_uuid = $3 AND team_uuid <> ''`,
		p.OrgID, p.Provider, p.TeamUUID)
	a, err := scanCloudAccount(row)
	return a, s.fail("find cloud account by team", err)
}

// LockCloudAccount reads an account and locks it until the transaction ends.
func (s *Store) LockCloudAccount(ctx context.Context, p store.GetCloudAccountParams) (domain.CloudAccount, error) {
	if s.tx == nil {
		return domain.CloudAccount{}, fmt.Errorf("lock cloud account: must run inside InTx")
	}
	row := s.q.QueryRowContext(ctx,
		`SELECT `+cloudAccountColumns+` FROM cloud_accounts WHERE org_id = $1 AND id = $2`+s.dialect.LockRows,
		p.OrgID, p.ID)
	a, err := scanCloudAccount(row)
	return a, s.fail("lock cloud account", err)
}

// ListDueCloudAccounts lists accounts due for a refresh or a validation, across organizations.
func (s *Store) ListDueCloudAccounts(ctx context.Context, p store.ListDueCloudAccountsParams) ([]domain.CloudAccount, error) {
	return queryList(ctx, s, "list due cloud accounts", scanCloudAccount,
		`SELECT `+cloudAccountColumns+` FROM cloud_accounts
		WHERE (auth_type = 'oauth' AND status <> 'expired' AND token_expires_at < $1)
			OR last_validated_at IS NULL OR last_validated_at < $2
		ORDER BY last_validated_at IS NOT NULL, last_validated_at, id LIMIT $3`,
		s.timeArg(p.RefreshBefore), s.timeArg(p.ValidateBefore), p.Limit)
}

// ListCloudAccounts returns an organization's accounts, oldest first.
func (s *Store) ListCloudAccounts(ctx context.Context, orgID string) ([]domain.CloudAccount, error) {
	return queryList(ctx, s, "list cloud accounts", scanCloudAccount,
		`SELECT `+cloudAccountColumns+` FROM cloud_accounts WHERE org_id = $1
		ORDER BY created_at, id`, orgID)
}

// UpdateCloudAccount writes every mutable field except IsDefault and ExpiresAt, which
// SaveCredentials sets (ID, OrgID, Provider and CreatedAt never change), sets updated_at to a.UpdatedAt and returns the row as stored.
func (s *Store) UpdateCloudAccount(ctx context.Context, a domain.CloudAccount) (domain.CloudAccount, error) {
	row := s.q.QueryRowContext(ctx,
		`UPDATE cloud_accounts SET name = $3, status = $4, status_message = $5, capabilities = $6,
			account_email = $7, team_name = $8, team_uuid = $9, auth_type = $10, scopes = $11,
			last_validated_at = $12, failing_since = $13, updated_at = $14
		WHERE org_id = $1 AND id = $2
		RETURNING `+cloudAccountColumns,
		a.OrgID, a.ID, a.Name, a.Status, a.StatusMessage, joinWords(a.Capabilities),
		a.AccountEmail, a.TeamName, a.TeamUUID, a.AuthType, joinWords(a.Scopes),
		s.nullTimeArg(a.LastValidatedAt), s.nullTimeArg(a.FailingSince), s.timeArg(a.UpdatedAt))
	got, err := scanCloudAccount(row)
	return got, s.fail("update cloud account", err)
}

// SetDefaultCloudAccount makes one account its provider's default, clearing the others in the
// same transaction; IsDefault false clears just this one.
func (s *Store) SetDefaultCloudAccount(ctx context.Context, p store.SetDefaultCloudAccountParams) error {
	if !p.IsDefault {
		return s.execOne(ctx, "clear default cloud account",
			`UPDATE cloud_accounts SET is_default = FALSE, updated_at = $3 WHERE org_id = $1 AND id = $2`,
			p.OrgID, p.ID, s.timeArg(p.At))
	}
	return s.InTx(ctx, func(tx store.Store) error {
		return tx.(*Store).setDefault(ctx, p)
	})
}

func (s *Store) setDefault(ctx context.Context, p store.SetDefaultCloudAccountParams) error {
	const op = "set default cloud account"
	var provider domain.Provider
	err := s.q.QueryRowContext(ctx,
		`SELECT provider FROM cloud_accounts WHERE org_id = $1 AND id = $2`, p.OrgID, p.ID).Scan(&provider)
	if err != nil {
		return s.fail(op, err)
	}
	_, err = s.q.ExecContext(ctx,
		`UPDATE cloud_accounts SET is_default = FALSE, updated_at = $4
		WHERE org_id = $1 AND provider = $2 AND id <> $3 AND is_default = TRUE`,
		p.OrgID, provider, p.ID, s.timeArg(p.At))
	if err != nil {
		return s.fail(op, err)
	}
	return s.execOne(ctx, op,
		`UPDATE cloud_accounts SET is_default = TRUE, updated_at = $3 WHERE org_id = $1 AND id = $2`,
		p.OrgID, p.ID, s.timeArg(p.At))
}

// GetCredentials returns one account's sealed credentials.
func (s *Store) GetCredentials(ctx context.Context, p store.GetCloudAccountParams) (domain.Credentials, error) {
	var c domain.Credentials
	err := s.q.QueryRowContext(ctx,
		`SELECT access_token_sealed, refresh_token_sealed, token_expires_at
		FROM cloud_accounts WHERE org_id = $1 AND id = $2`, p.OrgID, p.ID).
		Scan(bytesDest{&c.AccessTokenSealed}, bytesDest{&c.RefreshTokenSealed}, nullTimeDest{&c.ExpiresAt})
	return c, s.fail("get credentials", err)
}

// SaveCredentials replaces one account's sealed credentials and bumps its updated_at.
func (s *Store) SaveCredentials(ctx context.Context, p store.SaveCredentialsParams) error {
	c := p.Credentials
	return s.execOne(ctx, "save credentials",
		`UPDATE cloud_accounts SET access_token_sealed = $3, refresh_token_sealed = $4,
			token_expires_at = $5, updated_at = $6
		WHERE org_id = $1 AND id = $2`,
		p.OrgID, p.ID, nullBytes(c.AccessTokenSealed), nullBytes(c.RefreshTokenSealed),
		s.nullTimeArg(c.ExpiresAt), s.timeArg(p.At))
}

// DeleteCloudAccount deletes one account with its credentials.
func (s *Store) DeleteCloudAccount(ctx context.Context, p store.GetCloudAccountParams) error {
	return s.execOne(ctx, "delete cloud account",
		`DELETE FROM cloud_accounts WHERE org_id = $1 AND id = $2`, p.OrgID, p.ID)
}
