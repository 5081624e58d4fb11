package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/store"
)

// apiKeyPrefix starts every Berth API key, so leaked keys are easy to recognise and scan for.
const apiKeyPrefix = "berth_"

// NewAPIKey is a freshly created key: Secret is shown once and never stored.
type NewAPIKey struct {
	Key    domain.APIKey
	Secret string
}

// CreateAPIKey creates an organization API key; admins only.
func (s *Services) CreateAPIKey(ctx context.Context, a Actor, name string) (NewAPIKey, error) {
	if err := requireAdmin(a); err != nil {
		return NewAPIKey{}, err
	}
	var key NewAPIKey
	err := s.d.Store.InTx(ctx, func(tx store.Store) error {
		var err error
		if key, err = s.createAPIKey(ctx, tx, a.OrgID, a.UserID, name); err != nil {
			return err
		}
		return s.recordEvents(ctx, tx, s.newEvent(a, domain.EventAPIKeyCreated, a.OrgID, "", fmt.Sprintf("API key %q created (%s…)", key.Key.Name, key.Key.Prefix)))
	})
	return key, err
}

func (s *Services) createAPIKey(ctx context.Context, st store.Store, orgID, userID, name string) (NewAPIKey, error) {
	name = strings.TrimSpace(name)
	if n := utf8.RuneCountInString(name); n < 1 || n > 100 {
		return NewAPIKey{}, domain.Invalid("name", "enter a name of 1 to 100 characters")
	}
	secret := apiKeyPrefix + randomToken(30)
	key, err := st.CreateAPIKey(ctx, store.CreateAPIKeyParams{
		ID: newID(), OrgID: orgID, Name: name, Prefix: secret[:len(apiKeyPrefix)+6],
		Hash: hashToken(secret), CreatedBy: userID, CreatedAt: s.now(),
	})
	if err != nil {
		return NewAPIKey{}, fmt.Errorf("create API key: %w", err)
	}
	return NewAPIKey{Key: key, Secret: secret}, nil
}

// ListAPIKeys lists the organization's keys, revoked ones included; admins only.
func (s *Services) ListAPIKeys(ctx context.Context, a Actor) ([]domain.APIKey, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	return s.d.Store.ListAPIKeys(ctx, a.OrgID)
}

// RevokeAPIKey revokes one of the organization's keys; admins only.
func (s *Services) RevokeAPIKey(ctx context.Context, a Actor, id string) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return s.d.Store.InTx(ctx, func(tx store.Store) error {
		if err := tx.RevokeAPIKey(ctx, store.RevokeAPIKeyParams{OrgID: a.OrgID, ID: id, At: s.now()}); err != nil {
			return err
		}
		return s.recordEvents(ctx, tx, s.newEvent(a, domain.EventAPIKeyRevoked, a.OrgID, "", "API key "+id+" revoked"))
	})
}

// APIKeyActor returns the actor of an API key: its creator, acting in its organization.
func (s *Services) APIKeyActor(ctx context.Context, secret string) (Actor, error) {
	if !strings.HasPrefix(secret, apiKeyPrefix) {
		return Actor{}, domain.ErrUnauthenticated
	}
	key, err := s.d.Store.GetAPIKeyByHash(ctx, hashToken(secret))
	if errors.Is(err, domain.ErrNotFound) {
		return Actor{}, domain.ErrUnauthenticated
	}
	if err != nil {
		return Actor{}, fmt.Errorf("find API key: %w", err)
	}
	actor, err := s.memberActor(ctx, key.CreatedBy, key.OrgID)
	if err != nil {
		return Actor{}, err
	}
	actor.APIKeyID, actor.APIKeyName = key.ID, key.Name
	if err := s.d.Store.TouchAPIKey(ctx, store.TouchAPIKeyParams{ID: key.ID, At: s.now()}); err != nil {
		s.d.Logger.WarnContext(ctx, "record API key use", "api_key_id", key.ID, "error", err)
	}
	return actor, nil
}

// BootstrapParams names the user and organization `berth bootstrap` ensures.
type BootstrapParams struct {
	Email            string
	Password         string
	OrganizationName string
}

// Bootstrap creates the user and organization if missing and returns a new API key for them.
// An existing user must give its password and be an admin of the existing organization.
func (s *Services) Bootstrap(ctx context.Context, p BootstrapParams) (NewAPIKey, error) {
	p.Email = strings.ToLower(strings.TrimSpace(p.Email))
	p.OrganizationName = strings.TrimSpace(p.OrganizationName)
	if err := validateSignUp(SignUpParams(p)); err != nil {
		return NewAPIKey{}, err
	}
	var key NewAPIKey
	err := s.d.Store.InTx(ctx, func(tx store.Store) error {
		userID, orgID, err := s.ensureAdmin(ctx, tx, p)
		if err != nil {
			return err
		}
		key, err = s.createAPIKey(ctx, tx, orgID, userID, "bootstrap "+s.now().Format("2006-01-02 15:04:05"))
		return err
	})
	return key, err
}

func (s *Services) ensureAdmin(ctx context.Context, tx store.Store, p BootstrapParams) (userID, orgID string, err error) {
	user, userErr := tx.GetUserByEmail(ctx, p.Email)
	org, orgErr := tx.GetOrgByName(ctx, p.OrganizationName)
	if err := errors.Join(ignoreNotFound(userErr), ignoreNotFound(orgErr)); err != nil {
		return "", "", err
	}
	if userErr != nil && orgErr != nil {
		user, org, err := s.createUserAndOrg(ctx, tx, SignUpParams(p))
		return user.ID, org.ID, err
	}
	if userErr != nil {
		return "", "", domain.Invalid("email", "%s is not a member of organization %q", p.Email, p.OrganizationName)
	}
	if ok, err := checkPassword(user.PasswordHash, p.Password); err != nil || !ok {
		return "", "", domain.Invalid("password", "does not match the existing user %s", p.Email)
	}
	if orgErr != nil {
		org, err = tx.CreateOrg(ctx, store.CreateOrgParams{ID: newID(), Name: p.OrganizationName, CreatedAt: s.now()})
		if err != nil {
			return "", "", fmt.Errorf("create organization: %w", err)
		}
		_, err = tx.AddMember(ctx, store.AddMemberParams{OrgID: org.ID, UserID: user.ID, Role: domain.RoleAdmin, CreatedAt: s.now()})
		return user.ID, org.ID, err
	}
	m, err := tx.GetMembership(ctx, store.GetMembershipParams{OrgID: org.ID, UserID: user.ID})
	if err != nil || m.Role != domain.RoleAdmin {
		return "", "", domain.Invalid("email", "%s is not an admin of organization %q", p.Email, p.OrganizationName)
	}
	return user.ID, org.ID, nil
}

func ignoreNotFound(err error) error {
	if errors.Is(err, domain.ErrNotFound) {
		return nil
	}
	return err
}
