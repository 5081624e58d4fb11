package service

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/store"
)

// SignUpParams are the sign-up form's fields.
type SignUpParams struct {
	Email            string
	Password         string
	OrganizationName string
}

// SessionGrant is a new browser session; Token goes in the cookie and is never stored.
type SessionGrant struct {
	Token     string
	ExpiresAt time.Time
	Actor     Actor
}

// SignUpOpen reports whether a visitor may create an organization now.
func (s *Services) SignUpOpen(ctx context.Context) (bool, error) {
	if s.d.OpenSignup {
		return true, nil
	}
	n, err := s.d.Store.CountUsers(ctx)
	if err != nil {
		return false, fmt.Errorf("count users: %w", err)
	}
	return n == 0, nil
}

// SignUp creates a user and an organization it administers, and signs the user in.
func (s *Services) SignUp(ctx context.Context, p SignUpParams) (SessionGrant, error) {
	p.Email = strings.ToLower(strings.TrimSpace(p.Email))
	p.OrganizationName = strings.TrimSpace(p.OrganizationName)
	if err := validateSignUp(p); err != nil {
		return SessionGrant{}, err
	}
	open, err := s.SignUpOpen(ctx)
	if err != nil {
		return SessionGrant{}, err
	}
	if !open {
		return SessionGrant{}, NewProblem(CodeSignupClosed, nil)
	}
	var user domain.User
	var org domain.Organization
	err = s.d.Store.InTx(ctx, func(tx store.Store) error {
		var err error
		user, org, err = s.createUserAndOrg(ctx, tx, p)
		return err
	})
	if err != nil {
		return SessionGrant{}, err
	}
	s.d.Logger.InfoContext(ctx, "organization created", "org_id", org.ID, "user_id", user.ID)
	return s.startSession(ctx, Actor{UserID: user.ID, Email: user.Email, OrgID: org.ID, OrgName: org.Name, Role: domain.RoleAdmin})
}

func validateSignUp(p SignUpParams) error {
	if addr, err := mail.ParseAddress(p.Email); err != nil || addr.Address != p.Email || len(p.Email) > 254 {
		return domain.Invalid("email", "enter an email address such as you@example.com")
	}
	if n := utf8.RuneCountInString(p.Password); n < 10 || n > 1024 {
		return domain.Invalid("password", "use at least 10 characters")
	}
	if n := utf8.RuneCountInString(p.OrganizationName); n < 1 || n > 100 {
		return domain.Invalid("organization_name", "enter a name of 1 to 100 characters")
	}
	return nil
}

// createUserAndOrg creates both in tx, with the user as the organization's admin.
func (s *Services) createUserAndOrg(ctx context.Context, tx store.Store, p SignUpParams) (domain.User, domain.Organization, error) {
	now := s.now()
	user, err := tx.CreateUser(ctx, store.CreateUserParams{ID: newID(), Email: p.Email, PasswordHash: hashPassword(p.Password), CreatedAt: now})
	if errors.Is(err, domain.ErrConflict) {
		return user, domain.Organization{}, domain.Invalid("email", "already has an account: sign in instead")
	}
	if err != nil {
		return user, domain.Organization{}, fmt.Errorf("create user: %w", err)
	}
	org, err := tx.CreateOrg(ctx, store.CreateOrgParams{ID: newID(), Name: p.OrganizationName, CreatedAt: now})
	if errors.Is(err, domain.ErrConflict) {
		return user, org, domain.Invalid("organization_name", "is taken: choose another name")
	}
	if err != nil {
		return user, org, fmt.Errorf("create organization: %w", err)
	}
	_, err = tx.AddMember(ctx, store.AddMemberParams{OrgID: org.ID, UserID: user.ID, Role: domain.RoleAdmin, CreatedAt: now})
	if err != nil {
		return user, org, fmt.Errorf("add admin: %w", err)
	}
	return user, org, nil
}

// SignIn checks an email and password and starts a session in the user's first organization.
func (s *Services) SignIn(ctx context.Context, email, password string) (SessionGrant, error) {
	actor, err := s.checkCredentials(ctx, email, password)
	if err != nil {
		return SessionGrant{}, err
	}
	return s.startSession(ctx, actor)
}

// checkCredentials returns the actor for a correct email and password.
func (s *Services) checkCredentials(ctx context.Context, email, password string) (Actor, error) {
	user, err := s.d.Store.GetUserByEmail(ctx, strings.ToLower(strings.TrimSpace(email)))
	if errors.Is(err, domain.ErrNotFound) {
		_, _ = checkPassword(dummyHash, password)
		return Actor{}, NewProblem(CodeInvalidCredentials, nil)
	}
	if err != nil {
		return Actor{}, fmt.Errorf("find user: %w", err)
	}
	ok, err := checkPassword(user.PasswordHash, password)
	if err != nil {
		return Actor{}, err
	}
	if !ok {
		return Actor{}, NewProblem(CodeInvalidCredentials, nil)
	}
	memberships, err := s.d.Store.ListMembershipsByUser(ctx, user.ID)
	if err != nil {
		return Actor{}, fmt.Errorf("list memberships: %w", err)
	}
	if len(memberships) == 0 {
		return Actor{}, NewProblem(CodeInvalidCredentials, errors.New("user has no organization"))
	}
	return s.actorFor(ctx, user, memberships[0])
}

func (s *Services) actorFor(ctx context.Context, user domain.User, m domain.Membership) (Actor, error) {
	org, err := s.d.Store.GetOrg(ctx, m.OrgID)
	if err != nil {
		return Actor{}, fmt.Errorf("get organization: %w", err)
	}
	return Actor{UserID: user.ID, Email: user.Email, OrgID: org.ID, OrgName: org.Name, Role: m.Role}, nil
}

func (s *Services) startSession(ctx context.Context, a Actor) (SessionGrant, error) {
	token := randomToken(32)
	now := s.now()
	sess, err := s.d.Store.CreateSession(ctx, store.CreateSessionParams{
		ID: hashToken(token), UserID: a.UserID, OrgID: a.OrgID, CreatedAt: now, ExpiresAt: now.Add(s.d.SessionTTL),
	})
	if err != nil {
		return SessionGrant{}, fmt.Errorf("create session: %w", err)
	}
	a.SessionID = sess.ID
	return SessionGrant{Token: token, ExpiresAt: sess.ExpiresAt, Actor: a}, nil
}

// SessionActor returns the actor of a session cookie value; unknown or expired is ErrUnauthenticated.
func (s *Services) SessionActor(ctx context.Context, token string) (Actor, error) {
	if token == "" {
		return Actor{}, domain.ErrUnauthenticated
	}
	sess, err := s.d.Store.GetSession(ctx, store.GetSessionParams{ID: hashToken(token), Now: s.now()})
	if errors.Is(err, domain.ErrNotFound) {
		return Actor{}, domain.ErrUnauthenticated
	}
	if err != nil {
		return Actor{}, fmt.Errorf("get session: %w", err)
	}
	actor, err := s.memberActor(ctx, sess.UserID, sess.OrgID)
	actor.SessionID = sess.ID
	return actor, err
}

// memberActor builds the actor of a user acting in an organization it belongs to.
func (s *Services) memberActor(ctx context.Context, userID, orgID string) (Actor, error) {
	user, err := s.d.Store.GetUser(ctx, userID)
	if err != nil {
		return Actor{}, errors.Join(domain.ErrUnauthenticated, err)
	}
	m, err := s.d.Store.GetMembership(ctx, store.GetMembershipParams{OrgID: orgID, UserID: userID})
	if err != nil {
		return Actor{}, errors.Join(domain.ErrUnauthenticated, err)
	}
	return s.actorFor(ctx, user, m)
}

// SignOut ends a session; an unknown token is not an error.
func (s *Services) SignOut(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	if err := s.d.Store.DeleteSession(ctx, hashToken(token)); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// PurgeExpired deletes expired sessions and OAuth states; a periodic job calls it.
func (s *Services) PurgeExpired(ctx context.Context) (int, error) {
	now := s.now()
	sessions, err := s.d.Store.DeleteExpiredSessions(ctx, now)
	if err != nil {
		return 0, fmt.Errorf("purge sessions: %w", err)
	}
	states, err := s.d.Store.DeleteExpiredOAuthStates(ctx, now)
	if err != nil {
		return sessions, fmt.Errorf("purge OAuth states: %w", err)
	}
	return sessions + states, nil
}
