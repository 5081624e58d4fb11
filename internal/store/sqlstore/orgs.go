package sqlstore

import (
	"context"
	"strings"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/store"
)

const orgColumns = `id, name, created_at`

func scanOrg(r rowScanner) (domain.Organization, error) {
	var o domain.Organization
	err := r.Scan(&o.ID, &o.Name, timeDest{&o.CreatedAt})
	return o, err
}

// orgNameKey is the unique, case-insensitive form of an organization name.
func orgNameKey(name string) string { return strings.ToLower(name) }

// CreateOrg stores an organization; a name taken in any letter case is domain.ErrConflict.
func (s *Store) CreateOrg(ctx context.Context, p store.CreateOrgParams) (domain.Organization, error) {
	row := s.q.QueryRowContext(ctx,
		`INSERT INTO orgs (id, name, name_key, created_at) VALUES ($1, $2, $3, $4)
		RETURNING `+orgColumns,
		p.ID, p.Name, orgNameKey(p.Name), s.timeArg(p.CreatedAt))
	o, err := scanOrg(row)
	return o, s.fail("create org", err)
}

// GetOrg returns the organization with id.
func (s *Store) GetOrg(ctx context.Context, id string) (domain.Organization, error) {
	row := s.q.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM orgs WHERE id = $1`, id)
	o, err := scanOrg(row)
	return o, s.fail("get org", err)
}

// GetOrgByName returns the organization named name, compared case-insensitively.
func (s *Store) GetOrgByName(ctx context.Context, name string) (domain.Organization, error) {
	row := s.q.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM orgs WHERE name_key = $1`,
		orgNameKey(name))
	o, err := scanOrg(row)
	return o, s.fail("get org by name", err)
}

const membershipColumns = `org_id, user_id, role, created_at`

func scanMembership(r rowScanner) (domain.Membership, error) {
	var m domain.Membership
	err := r.Scan(&m.OrgID, &m.UserID, &m.Role, timeDest{&m.CreatedAt})
	return m, err
}

// AddMember adds a user to an organization; adding twice is domain.ErrConflict and an unknown
// user or organization domain.ErrNotFound.
func (s *Store) AddMember(ctx context.Context, p store.AddMemberParams) (domain.Membership, error) {
	row := s.q.QueryRowContext(ctx,
		`INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)
		RETURNING `+membershipColumns,
		p.OrgID, p.UserID, p.Role, s.timeArg(p.CreatedAt))
	m, err := scanMembership(row)
	return m, s.fail("add member", err)
}

// GetMembership returns one user's membership in one organization.
func (s *Store) GetMembership(ctx context.Context, p store.GetMembershipParams) (domain.Membership, error) {
	row := s.q.QueryRowContext(ctx,
		`SELECT `+membershipColumns+` FROM memberships WHERE org_id = $1 AND user_id = $2`,
		p.OrgID, p.UserID)
	m, err := scanMembership(row)
	return m, s.fail("get membership", err)
}

// ListMembershipsByUser returns a user's memberships, oldest first.
func (s *Store) ListMembershipsByUser(ctx context.Context, userID string) ([]domain.Membership, error) {
	return queryList(ctx, s, "list memberships by user", scanMembership,
		`SELECT `+membershipColumns+` FROM memberships WHERE user_id = $1
		ORDER BY created_at, org_id`, userID)
}

// ListMembers returns an organization's members with their emails, oldest first.
func (s *Store) ListMembers(ctx context.Context, orgID string) ([]domain.Member, error) {
	return queryList(ctx, s, "list members", func(r rowScanner) (domain.Member, error) {
		var m domain.Member
		err := r.Scan(&m.OrgID, &m.UserID, &m.Role, timeDest{&m.CreatedAt}, &m.Email)
		return m, err
	}, `SELECT m.org_id, m.user_id, m.role, m.created_at, u.email
		FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.org_id = $1 ORDER BY m.created_at, u.email`, orgID)
}
