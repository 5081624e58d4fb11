package sqlstore

import (
	"context"
	"strings"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/store"
)

const invitationColumns = `id, org_id, email, role, invited_by, created_at, expires_at, accepted_at`

func scanInvitation(r rowScanner) (domain.Invitation, error) {
	var inv domain.Invitation
	err := r.Scan(&inv.ID, &inv.OrgID, &inv.Email, &inv.Role, &inv.InvitedBy,
		timeDest{&inv.CreatedAt}, timeDest{&inv.ExpiresAt}, nullTimeDest{&inv.AcceptedAt})
	return inv, err
}

// CreateInvitation stores an invitation; the email is stored lower-cased.
func (s *Store) CreateInvitation(ctx context.Context, inv domain.Invitation) error {
	_, err := s.q.ExecContext(ctx,
		`INSERT INTO invitations (`+invitationColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		inv.ID, inv.OrgID, strings.ToLower(inv.Email), inv.Role, inv.InvitedBy,
		s.timeArg(inv.CreatedAt), s.timeArg(inv.ExpiresAt), s.nullTimeArg(inv.AcceptedAt))
	return s.fail("create invitation", err)
}

// GetInvitation returns an invitation, used or not, expired or not.
func (s *Store) GetInvitation(ctx context.Context, id string) (domain.Invitation, error) {
	row := s.q.QueryRowContext(ctx, `SELECT `+invitationColumns+` FROM invitations WHERE id = $1`, id)
	inv, err := scanInvitation(row)
	return inv, s.fail("get invitation", err)
}

// AcceptInvitation marks an unused invitation used.
func (s *Store) AcceptInvitation(ctx context.Context, p store.AcceptInvitationParams) error {
	return s.execOne(ctx, "accept invitation",
		`UPDATE invitations SET accepted_at = $2 WHERE id = $1 AND accepted_at IS NULL`,
		p.ID, s.timeArg(p.At))
}

// ListPendingInvitations lists unused, unexpired invitations, newest first.
func (s *Store) ListPendingInvitations(ctx context.Context, p store.ListPendingInvitationsParams) ([]domain.Invitation, error) {
	return queryList(ctx, s, "list pending invitations", scanInvitation,
		`SELECT `+invitationColumns+` FROM invitations
		WHERE org_id = $1 AND accepted_at IS NULL AND expires_at > $2
		ORDER BY created_at DESC, id`, p.OrgID, s.timeArg(p.Now))
}
