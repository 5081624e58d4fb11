package service

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/store"
)

// invitationTTL is how long an invitation link works.
const invitationTTL = 7 * 24 * time.Hour

// NewInvitation is a freshly made invitation: Token goes in the link, shown once, never stored.
type NewInvitation struct {
	Invitation domain.Invitation
	Token      string
}

// InviteMember invites a person by email to join the actor's organization with role. Admins only.
func (s *Services) InviteMember(ctx context.Context, a Actor, email string, role domain.Role) (NewInvitation, error) {
	if err := requireAdmin(a); err != nil {
		return NewInvitation{}, err
	}
	email = strings.ToLower(strings.TrimSpace(email))
	if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email {
		return NewInvitation{}, domain.Invalid("email", "enter an email address such as you@example.com")
	}
	if role != domain.RoleAdmin && role != domain.RoleMember {
		return NewInvitation{}, domain.Invalid("role", "choose admin or member")
	}
	if err := s.notMemberYet(ctx, a.OrgID, email); err != nil {
		return NewInvitation{}, err
	}
	token, now := randomToken(32), s.now()
	inv := domain.Invitation{ID: hashToken(token), OrgID: a.OrgID, Email: email, Role: role, InvitedBy: a.UserID,
		CreatedAt: now, ExpiresAt: now.Add(invitationTTL)}
	err := s.d.Store.InTx(ctx, func(tx store.Store) error {
		if err := tx.CreateInvitation(ctx, inv); err != nil {
			return fmt.Errorf("create invitation: %w", err)
		}
		return s.recordEvents(ctx, tx, s.newEvent(a, domain.EventMemberInvited, a.OrgID, "", fmt.Sprintf("%s invited as %s", email, role)))
	})
	if err != nil {
		return NewInvitation{}, err
	}
	return NewInvitation{Invitation: inv, Token: token}, nil
}

func (s *Services) notMemberYet(ctx context.Context, orgID, email string) error {
	user, err := s.d.Store.GetUserByEmail(ctx, email)
	if errors.Is(err, domain.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("find user: %w", err)
	}
	_, err = s.d.Store.GetMembership(ctx, store.GetMembershipParams{OrgID: orgID, UserID: user.ID})
	if err == nil {
		return domain.Invalid("email", "%s is already a member", email)
	}
	return ignoreNotFound(err)
}

// People are an organization's members and its pending invitations.
type People struct {
	Members     []domain.Member
	Invitations []domain.Invitation
}

// ListPeople lists the organization's members and pending invitations. Admins only.
func (s *Services) ListPeople(ctx context.Context, a Actor) (People, error) {
	if err := requireAdmin(a); err != nil {
		return People{}, err
	}
	members, err := s.d.Store.ListMembers(ctx, a.OrgID)
	if err != nil {
		return People{}, fmt.Errorf("list members: %w", err)
	}
	invs, err := s.d.Store.ListPendingInvitations(ctx, store.ListPendingInvitationsParams{OrgID: a.OrgID, Now: s.now()})
	if err != nil {
		return People{}, fmt.Errorf("list invitations: %w", err)
	}
	return People{Members: members, Invitations: invs}, nil
}

// InvitationView is what the invitation page shows before the person accepts.
type InvitationView struct {
	OrgName      string
	Email        string
	Role         domain.Role
	ExistingUser bool // the person signs in with their password rather than choosing one
}

// Invitation returns what an invitation link offers; used, expired or unknown links are a problem.
func (s *Services) Invitation(ctx context.Context, token string) (InvitationView, error) {
	inv, err := s.openInvitation(ctx, s.d.Store, token)
	if err != nil {
		return InvitationView{}, err
	}
	org, err := s.d.Store.GetOrg(ctx, inv.OrgID)
	if err != nil {
		return InvitationView{}, fmt.Errorf("get organization: %w", err)
	}
	_, err = s.d.Store.GetUserByEmail(ctx, inv.Email)
	if err != nil && !errors.Is(err, domain.ErrNotFound) {
		return InvitationView{}, fmt.Errorf("find user: %w", err)
	}
	return InvitationView{OrgName: org.Name, Email: inv.Email, Role: inv.Role, ExistingUser: err == nil}, nil
}

func (s *Services) openInvitation(ctx context.Context, st store.Store, token string) (domain.Invitation, error) {
	inv, err := st.GetInvitation(ctx, hashToken(token))
	if errors.Is(err, domain.ErrNotFound) || (err == nil && (inv.AcceptedAt != nil || !s.now().Before(inv.ExpiresAt))) {
		return inv, NewProblem(CodeInvitationInvalid, err)
	}
	return inv, err
}

// AcceptInvitation lets the invited person join: a new person chooses a password, an existing
// user gives theirs. It uses the link up and signs the person in to the organization.
func (s *Services) AcceptInvitation(ctx context.Context, token, password string) (SessionGrant, error) {
	var actor Actor
	err := s.d.Store.InTx(ctx, func(tx store.Store) error {
		inv, err := s.openInvitation(ctx, tx, token)
		if err != nil {
			return err
		}
		user, err := s.invitedUser(ctx, tx, inv.Email, password)
		if err != nil {
			return err
		}
		if err := tx.AcceptInvitation(ctx, store.AcceptInvitationParams{ID: inv.ID, At: s.now()}); err != nil {
			return NewProblem(CodeInvitationInvalid, err)
		}
		m, err := tx.AddMember(ctx, store.AddMemberParams{OrgID: inv.OrgID, UserID: user.ID, Role: inv.Role, CreatedAt: s.now()})
		if err != nil {
			return fmt.Errorf("add member: %w", err)
		}
		org, err := tx.GetOrg(ctx, inv.OrgID)
		if err != nil {
			return fmt.Errorf("get organization: %w", err)
		}
		actor = Actor{UserID: user.ID, Email: user.Email, OrgID: org.ID, OrgName: org.Name, Role: m.Role}
		return s.recordEvents(ctx, tx, s.newEvent(actor, domain.EventMemberJoined, org.ID, "", fmt.Sprintf("%s joined as %s", user.Email, m.Role)))
	})
	if err != nil {
		return SessionGrant{}, err
	}
	return s.startSession(ctx, actor)
}

// invitedUser finds the invited person's account, checking their password, or creates it.
func (s *Services) invitedUser(ctx context.Context, tx store.Store, email, password string) (domain.User, error) {
	user, err := tx.GetUserByEmail(ctx, email)
	if errors.Is(err, domain.ErrNotFound) {
		if n := len([]rune(password)); n < 10 || n > 1024 {
			return user, domain.Invalid("password", "use at least 10 characters")
		}
		return tx.CreateUser(ctx, store.CreateUserParams{ID: newID(), Email: email, PasswordHash: hashPassword(password), CreatedAt: s.now()})
	}
	if err != nil {
		return user, fmt.Errorf("find user: %w", err)
	}
	if ok, err := checkPassword(user.PasswordHash, password); err != nil || !ok {
		return user, NewProblem(CodeInvalidCredentials, err)
	}
	return user, nil
}
