// Package digitalocean implements Berth's provider interfaces for DigitalOcean; the only package that imports godo and minio-go.
package digitalocean

import (
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/digitalocean/godo"
	"golang.org/x/oauth2"
)

// Options configures a Client. The URLs default to DigitalOcean's; point them at the simulator
// (or any compatible server) to run elsewhere.
type Options struct {
	OAuthURL     string // default https://cloud.digitalocean.com
	APIURL       string // default https://api.digitalocean.com
	ClientID     string
	ClientSecret string
	RedirectURL  string
	Scopes       []string     // default read write
	HTTPClient   *http.Client // default a client with a 30s timeout; its Timeout bounds each attempt
	UserAgent    string
	// Clock is the time source of retries and pacing. Default: the real clock.
	Clock Clock
	// Retry bounds the retries of reads and of creates whose outcome is unknown.
	Retry RetryOptions
	// Limits are the per-token request limits the pacer keeps within. Default: DigitalOcean's.
	Limits Limits
	// SpacesPartSize is the part size of multipart uploads to Spaces: larger objects, and
	// those of unknown size, go up in parts of this size. Default 16 MiB; at least 5 MiB.
	SpacesPartSize uint64
}

// Client talks to DigitalOcean's OAuth endpoints and API. It is safe for concurrent use and
// keeps one pacer per access token, so every caller using a token shares its allowance.
type Client struct {
	opts  Options
	oauth oauth2.Config

	mu     sync.Mutex
	tokens map[[sha256.Size]byte]*tokenClient
}

// tokenClient is the API client of one access token: a godo client whose transport retries
// reads and paces every request.
type tokenClient struct {
	api      *godo.Client
	pacer    *pacer
	lastUsed time.Time
}

// New returns a Client with defaults filled in.
func New(opts Options) *Client {
	if opts.OAuthURL == "" {
		opts.OAuthURL = "https://cloud.digitalocean.com"
	}
	if opts.APIURL == "" {
		opts.APIURL = "https://api.digitalocean.com"
	}
	if len(opts.Scopes) == 0 {
		opts.Scopes = []string{"read", "write"}
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "berth"
	}
	if opts.Clock == nil {
		opts.Clock = realClock{}
	}
	opts.SpacesPartSize = max(cmp.Or(opts.SpacesPartSize, 16<<20), minPartSize)
	opts.Retry = opts.Retry.withDefaults()
	opts.Limits = opts.Limits.withDefaults()
	return &Client{opts: opts, tokens: map[[sha256.Size]byte]*tokenClient{}, oauth: oauth2.Config{
		ClientID:     opts.ClientID,
		ClientSecret: opts.ClientSecret,
		RedirectURL:  opts.RedirectURL,
		Scopes:       opts.Scopes,
		Endpoint: oauth2.Endpoint{
			AuthURL:   opts.OAuthURL + "/v1/oauth/authorize",
			TokenURL:  opts.OAuthURL + "/v1/oauth/token",
			AuthStyle: oauth2.AuthStyleInParams,
		},
	}}
}

// idleTokenClient is how long an unused token's client (and its pacer's memory) is kept.
const idleTokenClient = 2 * time.Hour

// godoClient returns the godo client of accessToken, shared by every caller of that token.
func (c *Client) godoClient(accessToken string) (*godo.Client, error) {
	tc, err := c.tokenClient(accessToken)
	if err != nil {
		return nil, err
	}
	return tc.api, nil
}

// tokenClient returns (creating on first use) the per-token client. Tokens are kept by hash.
func (c *Client) tokenClient(accessToken string) (*tokenClient, error) {
	key := sha256.Sum256([]byte(accessToken))
	now := c.opts.Clock.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if tc, ok := c.tokens[key]; ok {
		tc.lastUsed = now
		return tc, nil
	}
	c.forgetIdle(now)
	tc, err := c.newTokenClient(accessToken)
	if err != nil {
		return nil, err
	}
	tc.lastUsed = now
	c.tokens[key] = tc
	return tc, nil
}

// forgetIdle drops the clients of tokens unused for idleTokenClient. c.mu is held.
func (c *Client) forgetIdle(now time.Time) {
	for key, tc := range c.tokens {
		if now.Sub(tc.lastUsed) > idleTokenClient {
			delete(c.tokens, key)
		}
	}
}

// newTokenClient builds the transport chain retry -> pacer -> attempt timeout -> bearer -> base.
func (c *Client) newTokenClient(accessToken string) (*tokenClient, error) {
	var base http.RoundTripper = &bearer{token: accessToken, next: c.baseTransport()}
	if d := c.opts.HTTPClient.Timeout; d > 0 {
		base = &attemptTimeout{d: d, next: base}
	}
	p := newPacer(base, c.opts.Limits, c.opts.Clock)
	httpClient := &http.Client{Transport: &retrier{next: p, policy: c.policy()}}
	// godo resolves paths against the base URL, so a base with a path (a simulator mounted
	// under a prefix) needs its trailing slash.
	baseURL := strings.TrimRight(c.opts.APIURL, "/") + "/"
	api, err := godo.New(httpClient, godo.SetBaseURL(baseURL), godo.SetUserAgent(c.opts.UserAgent))
	if err != nil {
		return nil, err
	}
	return &tokenClient{api: api, pacer: p}, nil
}

func (c *Client) policy() *retryPolicy {
	return &retryPolicy{opts: c.opts.Retry, clock: c.opts.Clock}
}

func (c *Client) baseTransport() http.RoundTripper {
	if c.opts.HTTPClient.Transport != nil {
		return c.opts.HTTPClient.Transport
	}
	return http.DefaultTransport
}

// oauthContext makes x/oauth2 use the configured HTTP client.
func (c *Client) oauthContext(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, c.opts.HTTPClient)
}

// isContextError reports whether err is the caller's cancellation rather than DigitalOcean's failure.
func isContextError(ctx context.Context, err error) bool {
	return ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded))
}
