package domain

import "time"

// Role is a member's role in an organization.
type Role string

// Roles a member can hold.
const (
	RoleAdmin  Role = "admin"
	RoleMember Role = "member"
)

// Organization is a tenant: users, API keys and cloud accounts belong to one.
type Organization struct {
	ID        string
	Name      string
	CreatedAt time.Time
}

// User is a person who signs in with an email and a password.
type User struct {
	ID           string
	Email        string
	PasswordHash string
	CreatedAt    time.Time
}

// Membership ties a user to an organization with a role.
type Membership struct {
	OrgID     string
	UserID    string
	Role      Role
	CreatedAt time.Time
}

// Session is a signed-in browser; ID is the SHA-256 of the cookie value, never the value itself.
type Session struct {
	ID        string
	UserID    string
	OrgID     string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// APIKey authenticates programs for one organization; only the SHA-256 of the key is kept.
type APIKey struct {
	ID         string
	OrgID      string
	Name       string
	Prefix     string // the first characters of the key, shown so people can tell keys apart
	Hash       string
	CreatedBy  string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// Member is a membership with the member's email, for listing an organization's people.
type Member struct {
	Membership
	Email string
}

// Invitation lets one person join an organization with a role: single use, short-lived;
// ID is the SHA-256 of the token in the link, never the token itself.
type Invitation struct {
	ID         string
	OrgID      string
	Email      string
	Role       Role
	InvitedBy  string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	AcceptedAt *time.Time
}

// ActorKind says who did something: a person in the UI, a program with an API key, or Berth.
type ActorKind string

// Actor kinds.
const (
	ActorUser   ActorKind = "user"
	ActorAPIKey ActorKind = "api_key"
	ActorJob    ActorKind = "job"
)

// Event types: what happened to an organization's accounts and people.
const (
	EventAccountConnected     = "account.connected"
	EventAccountReconnected   = "account.reconnected"
	EventAccountUpdated       = "account.updated"
	EventAccountRefreshFailed = "account.refresh_failed"
	EventAccountRecovered     = "account.recovered"
	EventAccountStatusChanged = "account.status_changed"
	EventAccountDisconnected  = "account.disconnected"
	EventMemberInvited        = "member.invited"
	EventMemberJoined         = "member.joined"
	EventAPIKeyCreated        = "api_key.created"
	EventAPIKeyRevoked        = "api_key.revoked"
)

// Event is one entry of the audit log: who did what to which account, and when. Message is
// for people and never holds a secret.
type Event struct {
	ID         string
	OrgID      string
	Type       string
	AccountID  string // empty when the event is not about an account
	ActorKind  ActorKind
	ActorID    string // user id, API key id, or the job's name
	ActorLabel string // email, key name, or the job's name, as it was then
	Message    string
	CreatedAt  time.Time
}

// Webhook receives an organization's account events, signed with its secret.
type Webhook struct {
	ID           string
	OrgID        string
	URL          string
	SecretSealed []byte
	CreatedAt    time.Time
}

// Delivery statuses.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
)

// WebhookDelivery is one event sent (or being sent) to one webhook, with how it went.
type WebhookDelivery struct {
	ID             string
	OrgID          string
	WebhookID      string
	EventID        string
	EventType      string
	Payload        []byte // the JSON body, exactly as signed and sent
	Status         string
	Attempts       int
	LastStatusCode int
	LastError      string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}
