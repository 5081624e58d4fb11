// Package service holds Berth's use cases; it returns domain types and errors and knows nothing about HTTP.
package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"log/slog"
	"net/http"
	"time"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/provider"
	"github.com/berth-dev/berth/internal/secret"
	"github.com/berth-dev/berth/internal/store"
	"github.com/google/uuid"
)

// Deps are what the services need from the rest of the program.
type Deps struct {
	Store      store.Store
	Sealer     *secret.Sealer
	OAuth      provider.OAuth
	Accounts   provider.Accounts
	Logger     *slog.Logger
	Now        func() time.Time // default time.Now
	SessionTTL time.Duration    // default 14 days
	OpenSignup bool             // anyone may create an organization, not only the first visitor
	// RefreshWindow is how close to expiry an OAuth token is refreshed before use (default 7 days).
	RefreshWindow time.Duration
	// ValidateEvery is how often every account is re-validated at the least (default 24h).
	ValidateEvery time.Duration
	// WebhookClient sends webhook deliveries (default a client with the deliveries' own timeout).
	WebhookClient *http.Client
	// ErrorAfter is how long DigitalOcean may fail to answer before an account shows Error
	// (default 72h); shorter outages leave the status as it was.
	ErrorAfter time.Duration
}

// Services bundles Berth's use cases around one set of dependencies.
type Services struct {
	d Deps
}

// New returns the services with defaults filled in.
func New(d Deps) *Services {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.SessionTTL == 0 {
		d.SessionTTL = 14 * 24 * time.Hour
	}
	if d.RefreshWindow == 0 {
		d.RefreshWindow = 7 * 24 * time.Hour
	}
	if d.ValidateEvery == 0 {
		d.ValidateEvery = 24 * time.Hour
	}
	if d.WebhookClient == nil {
		d.WebhookClient = &http.Client{}
	}
	if d.ErrorAfter == 0 {
		d.ErrorAfter = 72 * time.Hour
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	return &Services{d: d}
}

func (s *Services) now() time.Time { return s.d.Now().UTC() }

// newID returns a time-ordered random id.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// randomBytes returns n random bytes.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return b
}

// randomToken returns n random bytes, base64url encoded.
func randomToken(n int) string { return base64.RawURLEncoding.EncodeToString(randomBytes(n)) }

// hashToken is how session cookies, API keys and OAuth states are looked up without storing them.
func hashToken(v string) string {
	sum := sha256.Sum256([]byte(v))
	return hex.EncodeToString(sum[:])
}

// Actor is who is acting: a signed-in person, a program with an API key, or a job.
type Actor struct {
	UserID     string
	Email      string
	OrgID      string
	OrgName    string
	Role       domain.Role
	SessionID  string // set for browser sessions
	APIKeyID   string // set for API keys
	APIKeyName string
}

// IsAdmin reports whether the actor administers its organization.
func (a Actor) IsAdmin() bool { return a.Role == domain.RoleAdmin }

func requireAdmin(a Actor) error {
	if !a.IsAdmin() {
		return domain.ErrForbidden
	}
	return nil
}

type actorKey struct{}

// WithActor returns ctx carrying the actor.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx, if any.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}
