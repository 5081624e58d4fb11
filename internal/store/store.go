// Package store defines Berth's persistence seam: one interface per aggregate, one params struct per method.
package store

import (
	"context"
	"time"

	"github.com/berth-dev/berth/internal/domain"
)

// Store is everything Berth persists. Implementations translate driver errors at the edge:
// a missing row is domain.ErrNotFound, a unique violation domain.ErrConflict.
type Store interface {
	Users
	Orgs
	Sessions
	APIKeys
	OAuthStates
	CloudAccounts
	Invitations
	Events
	Webhooks
	ConnectLinks

	// InTx runs fn in one transaction; fn's Store sees the transaction's writes.
	// An error from fn rolls back. Calls nest: InTx on a transactional Store reuses its transaction.
	InTx(ctx context.Context, fn func(tx Store) error) error
}

// Users stores people who sign in.
type Users interface {
	CreateUser(ctx context.Context, p CreateUserParams) (domain.User, error)
	GetUser(ctx context.Context, id string) (domain.User, error)
	GetUserByEmail(ctx context.Context, email string) (domain.User, error) // email matches case-insensitively
	CountUsers(ctx context.Context) (int, error)
}

// CreateUserParams creates a user; Email is stored lower-cased.
type CreateUserParams struct {
	ID           string
	Email        string
	PasswordHash string
	CreatedAt    time.Time
}

// Orgs stores organizations and their members.
type Orgs interface {
	CreateOrg(ctx context.Context, p CreateOrgParams) (domain.Organization, error)
	GetOrg(ctx context.Context, id string) (domain.Organization, error)
	GetOrgByName(ctx context.Context, name string) (domain.Organization, error) // case-insensitive
	AddMember(ctx context.Context, p AddMemberParams) (domain.Membership, error)
	GetMembership(ctx context.Context, p GetMembershipParams) (domain.Membership, error)
	ListMembershipsByUser(ctx context.Context, userID string) ([]domain.Membership, error) // oldest first
	ListMembers(ctx context.Context, orgID string) ([]domain.Member, error)                // oldest first
}

// CreateOrgParams creates an organization; names are unique case-insensitively.
type CreateOrgParams struct {
	ID        string
	Name      string
	CreatedAt time.Time
}

// AddMemberParams adds a user to an organization; adding twice is domain.ErrConflict.
type AddMemberParams struct {
	OrgID     string
	UserID    string
	Role      domain.Role
	CreatedAt time.Time
}

// GetMembershipParams names one membership.
type GetMembershipParams struct {
	OrgID  string
	UserID string
}

// Sessions stores signed-in browsers, shared by every replica.
type Sessions interface {
	CreateSession(ctx context.Context, p CreateSessionParams) (domain.Session, error)
	GetSession(ctx context.Context, p GetSessionParams) (domain.Session, error) // expired is ErrNotFound
	DeleteSession(ctx context.Context, id string) error                         // missing is not an error
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error)
}

// CreateSessionParams creates a session; ID is the SHA-256 of the cookie value.
type CreateSessionParams struct {
	ID        string
	UserID    string
	OrgID     string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// GetSessionParams finds a session that has not expired at Now.
type GetSessionParams struct {
	ID  string
	Now time.Time
}

// APIKeys stores organization API keys by hash.
type APIKeys interface {
	CreateAPIKey(ctx context.Context, p CreateAPIKeyParams) (domain.APIKey, error)
	ListAPIKeys(ctx context.Context, orgID string) ([]domain.APIKey, error)  // newest first, revoked included
	GetAPIKeyByHash(ctx context.Context, hash string) (domain.APIKey, error) // revoked is ErrNotFound
	RevokeAPIKey(ctx context.Context, p RevokeAPIKeyParams) error            // unknown or already revoked is ErrNotFound
	TouchAPIKey(ctx context.Context, p TouchAPIKeyParams) error
}

// CreateAPIKeyParams creates an API key.
type CreateAPIKeyParams struct {
	ID        string
	OrgID     string
	Name      string
	Prefix    string
	Hash      string
	CreatedBy string
	CreatedAt time.Time
}

// RevokeAPIKeyParams revokes one key of an organization.
type RevokeAPIKeyParams struct {
	OrgID string
	ID    string
	At    time.Time
}

// TouchAPIKeyParams records that a key was used.
type TouchAPIKeyParams struct {
	ID string
	At time.Time
}

// OAuthStates stores pending OAuth authorizations.
type OAuthStates interface {
	CreateOAuthState(ctx context.Context, p domain.OAuthState) error
	// ConsumeOAuthState deletes the state and returns it, expired or not; a missing
	// (never issued or already used) state is domain.ErrNotFound.
	ConsumeOAuthState(ctx context.Context, id string) (domain.OAuthState, error)
	DeleteExpiredOAuthStates(ctx context.Context, now time.Time) (int, error)
}

// CloudAccounts stores connections to provider accounts and their sealed credentials.
type CloudAccounts interface {
	CreateCloudAccount(ctx context.Context, p CreateCloudAccountParams) (domain.CloudAccount, error)
	GetCloudAccount(ctx context.Context, p GetCloudAccountParams) (domain.CloudAccount, error)
	// FindCloudAccountByTeam finds an organization's account for one provider team.
	FindCloudAccountByTeam(ctx context.Context, p FindCloudAccountByTeamParams) (domain.CloudAccount, error)
	ListCloudAccounts(ctx context.Context, orgID string) ([]domain.CloudAccount, error) // oldest first
	// UpdateCloudAccount writes every mutable field of the account except IsDefault and
	// ExpiresAt, which is the credentials' expiry and changes with SaveCredentials.
	UpdateCloudAccount(ctx context.Context, a domain.CloudAccount) (domain.CloudAccount, error)
	// SetDefaultCloudAccount makes one account the default for its provider and clears the others;
	// IsDefault false clears just this one.
	SetDefaultCloudAccount(ctx context.Context, p SetDefaultCloudAccountParams) error
	// LockCloudAccount locks one account until the surrounding transaction ends, so that one
	// worker at a time, in any process, changes its credentials; it must run inside InTx.
	LockCloudAccount(ctx context.Context, p GetCloudAccountParams) (domain.CloudAccount, error)
	// ListDueCloudAccounts lists accounts, of every organization, that need a look: OAuth
	// accounts not Expired whose token expires before RefreshBefore, and accounts last validated
	// before ValidateBefore (or never). Least recently validated first, at most Limit.
	ListDueCloudAccounts(ctx context.Context, p ListDueCloudAccountsParams) ([]domain.CloudAccount, error)
	GetCredentials(ctx context.Context, p GetCloudAccountParams) (domain.Credentials, error)
	SaveCredentials(ctx context.Context, p SaveCredentialsParams) error
	DeleteCloudAccount(ctx context.Context, p GetCloudAccountParams) error
}

// CreateCloudAccountParams creates an account with its sealed credentials in one write;
// the account's ExpiresAt is Credentials.ExpiresAt.
type CreateCloudAccountParams struct {
	Account     domain.CloudAccount
	Credentials domain.Credentials
}

// GetCloudAccountParams names one account of an organization.
type GetCloudAccountParams struct {
	OrgID string
	ID    string
}

// FindCloudAccountByTeamParams names an organization's account for one provider team.
type FindCloudAccountByTeamParams struct {
	OrgID    string
	Provider domain.Provider
	TeamUUID string
}

// ListDueCloudAccountsParams selects accounts due for a refresh or a validation.
type ListDueCloudAccountsParams struct {
	RefreshBefore  time.Time
	ValidateBefore time.Time
	Limit          int
}

// SetDefaultCloudAccountParams sets or clears the default flag of one account.
type SetDefaultCloudAccountParams struct {
	OrgID     string
	ID        string
	IsDefault bool
	At        time.Time
}

// SaveCredentialsParams replaces an account's sealed credentials.
type SaveCredentialsParams struct {
	OrgID       string
	ID          string
	Credentials domain.Credentials
	At          time.Time
}

// Invitations stores pending invitations to join an organization.
type Invitations interface {
	CreateInvitation(ctx context.Context, inv domain.Invitation) error
	GetInvitation(ctx context.Context, id string) (domain.Invitation, error)
	// AcceptInvitation marks an invitation used; one already used is domain.ErrNotFound, so
	// two people racing for one link cannot both join.
	AcceptInvitation(ctx context.Context, p AcceptInvitationParams) error
	// ListPendingInvitations lists an organization's unused, unexpired invitations, newest first.
	ListPendingInvitations(ctx context.Context, p ListPendingInvitationsParams) ([]domain.Invitation, error)
}

// AcceptInvitationParams marks one invitation used at At.
type AcceptInvitationParams struct {
	ID string
	At time.Time
}

// ListPendingInvitationsParams selects an organization's invitations still open at Now.
type ListPendingInvitationsParams struct {
	OrgID string
	Now   time.Time
}

// Events stores the audit log.
type Events interface {
	CreateEvent(ctx context.Context, e domain.Event) error
	// ListEvents lists an organization's events newest first, before the event with id Before
	// (all when empty), at most Limit.
	ListEvents(ctx context.Context, p ListEventsParams) ([]domain.Event, error)
}

// ListEventsParams selects one page of an organization's audit log.
type ListEventsParams struct {
	OrgID  string
	Before string
	Limit  int
}

// Webhooks stores an organization's webhooks and their deliveries.
type Webhooks interface {
	CreateWebhook(ctx context.Context, w domain.Webhook) error
	ListWebhooks(ctx context.Context, orgID string) ([]domain.Webhook, error) // oldest first
	GetWebhook(ctx context.Context, p GetWebhookParams) (domain.Webhook, error)
	DeleteWebhook(ctx context.Context, p GetWebhookParams) error // its deliveries go too
	CreateDelivery(ctx context.Context, d domain.WebhookDelivery) error
	GetDelivery(ctx context.Context, id string) (domain.WebhookDelivery, error)
	// UpdateDelivery writes Status, Attempts, LastStatusCode, LastError and UpdatedAt.
	UpdateDelivery(ctx context.Context, d domain.WebhookDelivery) error
	// ListDeliveries lists a webhook's deliveries, newest first, at most Limit.
	ListDeliveries(ctx context.Context, p ListDeliveriesParams) ([]domain.WebhookDelivery, error)
	// ListStuckDeliveries lists pending deliveries last touched before Before, of every
	// organization, oldest first, at most Limit: those whose job a crash may have lost.
	ListStuckDeliveries(ctx context.Context, p ListStuckDeliveriesParams) ([]domain.WebhookDelivery, error)
}

// GetWebhookParams names one webhook of an organization.
type GetWebhookParams struct {
	OrgID string
	ID    string
}

// ListDeliveriesParams selects a webhook's latest deliveries.
type ListDeliveriesParams struct {
	OrgID     string
	WebhookID string
	Limit     int
}

// ListStuckDeliveriesParams selects pending deliveries not touched since Before.
type ListStuckDeliveriesParams struct {
	Before time.Time
	Limit  int
}

// ConnectLinks stores links that let someone not signed in connect an account.
type ConnectLinks interface {
	CreateConnectLink(ctx context.Context, l domain.ConnectLink) error
	GetConnectLink(ctx context.Context, id string) (domain.ConnectLink, error)
	// UseConnectLink marks a link used; one already used is domain.ErrNotFound.
	UseConnectLink(ctx context.Context, p UseConnectLinkParams) error
}

// UseConnectLinkParams marks one link used at At.
type UseConnectLinkParams struct {
	ID string
	At time.Time
}
