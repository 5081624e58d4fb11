package domain

import (
	"slices"
	"time"
)

// Provider names a cloud provider Berth can connect to.
type Provider string

// ProviderDigitalOcean is the only provider so far.
const ProviderDigitalOcean Provider = "digitalocean"

// AccountStatus is the health of a cloud account connection.
type AccountStatus string

// Account statuses.
const (
	StatusActive  AccountStatus = "active"
	StatusExpired AccountStatus = "expired"
	StatusError   AccountStatus = "error"
)

// AuthType says how a cloud account was connected.
type AuthType string

// Auth types.
const (
	AuthOAuth AuthType = "oauth"
	AuthToken AuthType = "token"
)

// Capability is something Berth can do with a cloud account.
type Capability string

// Capabilities, in display order.
const (
	CapCompute Capability = "compute"
	CapStorage Capability = "storage"
	CapDNS     Capability = "dns"
)

// AllCapabilities lists every capability in display order.
var AllCapabilities = []Capability{CapCompute, CapStorage, CapDNS}

// SortCapabilities orders caps as AllCapabilities does and drops duplicates and unknown values.
func SortCapabilities(caps []Capability) []Capability {
	out := []Capability{}
	for _, c := range AllCapabilities {
		if slices.Contains(caps, c) {
			out = append(out, c)
		}
	}
	return out
}

// CloudAccount is a connection from an organization to a provider account.
type CloudAccount struct {
	ID              string
	OrgID           string
	Provider        Provider
	Name            string
	Status          AccountStatus
	StatusMessage   string
	Capabilities    []Capability
	AccountEmail    string
	TeamName        string
	TeamUUID        string
	AuthType        AuthType
	Scopes          []string
	IsDefault       bool
	ExpiresAt       *time.Time // when the access token expires (the credentials' expiry); nil if never
	LastValidatedAt *time.Time
	FailingSince    *time.Time // when DigitalOcean stopped answering; nil while it answers
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Credentials are a cloud account's tokens, sealed by package secret before they reach the store.
type Credentials struct {
	AccessTokenSealed  []byte
	RefreshTokenSealed []byte // empty for API tokens
	ExpiresAt          *time.Time
}

// OAuthState is a pending authorization: single use, short-lived and bound to a session.
type OAuthState struct {
	ID             string // SHA-256 of the state value sent to the provider
	Provider       Provider
	OrgID          string
	UserID         string
	SessionID      string
	VerifierSealed []byte // the PKCE code verifier, sealed
	Popup          bool   // the flow runs in a tab Berth opened, which closes itself at the end
	AccountID      string // set when the flow reconnects this existing account
	LinkID         string // set when the flow runs from a connect link, by someone not signed in
	CreatedAt      time.Time
	ExpiresAt      time.Time
}

// ConnectLink lets someone who is not signed in to Berth (the organization's DigitalOcean
// admin) authorize an account into the organization: single use, short-lived. ID is the
// SHA-256 of the token in the link.
type ConnectLink struct {
	ID        string
	OrgID     string
	CreatedBy string // the admin who made the link; the connection is made on their behalf
	AccountID string // set for a reconnect link
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}
