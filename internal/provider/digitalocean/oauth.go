package digitalocean

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/berth-dev/berth/internal/provider"
	"golang.org/x/oauth2"
)

var _ provider.OAuth = (*Client)(nil)

// AuthCodeURL is DigitalOcean's consent page for state, with a PKCE S256 challenge of verifier.
func (c *Client) AuthCodeURL(state, verifier string) string {
	return c.oauth.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier))
}

// Exchange trades an authorization code for tokens.
func (c *Client) Exchange(ctx context.Context, code, verifier string) (provider.Token, error) {
	tok, err := c.oauth.Exchange(c.oauthContext(ctx), code, oauth2.VerifierOption(verifier))
	if err != nil {
		return provider.Token{}, translate(ctx, "exchange authorization code", err)
	}
	return tokenFrom(tok), nil
}

// Refresh uses a single-use refresh token to get a new access and refresh token.
func (c *Client) Refresh(ctx context.Context, refreshToken string) (provider.Token, error) {
	src := c.oauth.TokenSource(c.oauthContext(ctx), &oauth2.Token{RefreshToken: refreshToken})
	tok, err := src.Token()
	if err != nil {
		return provider.Token{}, translate(ctx, "refresh token", err)
	}
	return tokenFrom(tok), nil
}

// Revoke asks DigitalOcean to revoke an access token.
func (c *Client) Revoke(ctx context.Context, accessToken string) error {
	form := url.Values{"token": {accessToken}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.opts.OAuthURL+"/v1/oauth/revoke", strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+accessToken)
	_, err = c.do(req)
	return translate(ctx, "revoke token", err)
}

// do sends req with the configured client and returns the body of a 2xx answer.
func (c *Client) do(req *http.Request) ([]byte, error) {
	req.Header.Set("User-Agent", c.opts.UserAgent)
	resp, err := c.opts.HTTPClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return nil, &httpStatusError{status: resp.StatusCode, message: http.StatusText(resp.StatusCode)}
	}
	return body, nil
}

func tokenFrom(tok *oauth2.Token) provider.Token {
	out := provider.Token{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, ExpiresIn: time.Duration(tok.ExpiresIn) * time.Second}
	if scope, ok := tok.Extra("scope").(string); ok {
		out.Scopes = strings.Fields(scope)
	}
	if info, ok := tok.Extra("info").(map[string]any); ok {
		out.Identity = provider.Identity{
			Name: str(info["name"]), Email: str(info["email"]), UUID: str(info["uuid"]),
			TeamUUID: str(info["team_uuid"]), TeamName: str(info["team_name"]),
		}
	}
	return out
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
