// Package digitalocean implements Berth's provider interfaces for DigitalOcean; the only package that imports godo.
package digitalocean

import (
	"context"
	"errors"
	"net/http"
	"strings"
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
	HTTPClient   *http.Client // default a client with a 30s timeout
	UserAgent    string
}

// Client talks to DigitalOcean's OAuth endpoints and API.
type Client struct {
	opts  Options
	oauth oauth2.Config
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
	return &Client{opts: opts, oauth: oauth2.Config{
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

// godoClient returns a godo client that sends accessToken as the bearer.
func (c *Client) godoClient(accessToken string) (*godo.Client, error) {
	httpClient := &http.Client{
		Timeout: c.opts.HTTPClient.Timeout,
		Transport: &oauth2.Transport{
			Source: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: accessToken, TokenType: "Bearer"}),
			Base:   c.baseTransport(),
		},
	}
	// godo resolves paths against the base URL, so a base with a path (a simulator mounted
	// under a prefix) needs its trailing slash.
	base := strings.TrimRight(c.opts.APIURL, "/") + "/"
	return godo.New(httpClient, godo.SetBaseURL(base), godo.SetUserAgent(c.opts.UserAgent))
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
