// Package provider defines small interfaces over cloud providers, in domain terms.
package provider

import (
	"context"
	"time"

	"github.com/berth-dev/berth/internal/domain"
)

// Token is what an OAuth exchange or refresh returns. Its fields are secrets: never log them.
type Token struct {
	AccessToken  string
	RefreshToken string        // empty when the provider did not send a new one
	ExpiresIn    time.Duration // how long the access token lives; 0 when it does not expire
	Scopes       []string      // nil when the provider did not say
	Identity     Identity      // who authorized, when the provider said
}

// Identity is the provider user and team behind a token.
type Identity struct {
	Name     string
	Email    string
	UUID     string
	TeamUUID string
	TeamName string
}

// OAuth runs a provider's authorization-code flow with PKCE.
type OAuth interface {
	// AuthCodeURL is the consent page URL for state and the PKCE verifier.
	AuthCodeURL(state, verifier string) string
	Exchange(ctx context.Context, code, verifier string) (Token, error)
	Refresh(ctx context.Context, refreshToken string) (Token, error)
	Revoke(ctx context.Context, accessToken string) error
}

// AccountInfo is what the provider says about the account behind a token.
type AccountInfo struct {
	Identity
	Status        string // DigitalOcean: active, warning or locked
	StatusMessage string
	DropletLimit  int
}

// Accounts reads the account behind a token and what the token may do.
type Accounts interface {
	Account(ctx context.Context, accessToken string) (AccountInfo, error)
	// Capabilities reports what the token allows: from scopes when they are known
	// (nil scopes means unknown), otherwise by probing the provider.
	Capabilities(ctx context.Context, accessToken string, scopes []string) ([]domain.Capability, error)
}
