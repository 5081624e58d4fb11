package digitalocean

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/provider"
	"github.com/digitalocean/godo"
)

var _ provider.Accounts = (*Client)(nil)

// Account reads /v2/account: the user, team, status and limits behind accessToken.
func (c *Client) Account(ctx context.Context, accessToken string) (provider.AccountInfo, error) {
	api, err := c.godoClient(accessToken)
	if err != nil {
		return provider.AccountInfo{}, fmt.Errorf("get account: %w", err)
	}
	acct, _, err := api.Account.Get(ctx)
	if err != nil {
		return provider.AccountInfo{}, translate(ctx, "get account", err)
	}
	info := provider.AccountInfo{
		Identity:      provider.Identity{Name: acct.Name, Email: acct.Email, UUID: acct.UUID},
		Status:        acct.Status,
		StatusMessage: acct.StatusMessage,
		DropletLimit:  acct.DropletLimit,
	}
	if acct.Team != nil {
		info.TeamUUID, info.TeamName = acct.Team.UUID, acct.Team.Name
	}
	return info, nil
}

// capabilityScopes names, per capability, the granular scope that allows it; "write" allows all.
var capabilityScopes = map[domain.Capability]string{
	domain.CapCompute: "droplet:create",
	domain.CapStorage: "spaces_key:create_credentials",
	domain.CapDNS:     "domain:create",
}

// Capabilities reports what the token allows: from scopes when known, else from DigitalOcean's
// token info, else by probing one read per capability (a 403 means the capability is missing).
func (c *Client) Capabilities(ctx context.Context, accessToken string, scopes []string) ([]domain.Capability, error) {
	if scopes == nil {
		known, err := c.tokenScopes(ctx, accessToken)
		if err == nil {
			scopes = known
		} else if kind := domain.ProviderErrorKindOf(err); kind != domain.ProviderNotFound && kind != domain.ProviderUnauthorized {
			return nil, err
		}
	}
	if scopes != nil {
		return CapabilitiesFromScopes(scopes), nil
	}
	return c.probeCapabilities(ctx, accessToken)
}

// CapabilitiesFromScopes maps OAuth scopes to capabilities.
func CapabilitiesFromScopes(scopes []string) []domain.Capability {
	caps := []domain.Capability{}
	for _, capability := range domain.AllCapabilities {
		if slices.Contains(scopes, "write") || slices.Contains(scopes, capabilityScopes[capability]) {
			caps = append(caps, capability)
		}
	}
	return caps
}

// tokenScopes reads the scopes of a token from /v1/oauth/token/info.
func (c *Client) tokenScopes(ctx context.Context, accessToken string) ([]string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.opts.OAuthURL+"/v1/oauth/token/info", nil)
	if err != nil {
		return nil, fmt.Errorf("get token info: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	body, err := c.do(req)
	if err != nil {
		return nil, translate(ctx, "get token info", err)
	}
	var info struct {
		Scopes []string `json:"scopes"`
	}
	if err := json.Unmarshal(body, &info); err != nil || info.Scopes == nil {
		return nil, fmt.Errorf("get token info: %w", &domain.ProviderError{Kind: domain.ProviderUnavailable, Message: "unreadable token info"})
	}
	return info.Scopes, nil
}

// probeCapabilities lists one item of what each capability manages; a 403 means it is not allowed.
func (c *Client) probeCapabilities(ctx context.Context, accessToken string) ([]domain.Capability, error) {
	api, err := c.godoClient(accessToken)
	if err != nil {
		return nil, fmt.Errorf("probe capabilities: %w", err)
	}
	one := &godo.ListOptions{PerPage: 1}
	probes := map[domain.Capability]func() error{
		domain.CapCompute: func() error { _, _, err := api.Droplets.List(ctx, one); return err },
		domain.CapStorage: func() error { _, _, err := api.SpacesKeys.List(ctx, one); return err },
		domain.CapDNS:     func() error { _, _, err := api.Domains.List(ctx, one); return err },
	}
	caps := []domain.Capability{}
	for _, capability := range domain.AllCapabilities {
		err := translate(ctx, "probe "+string(capability), probes[capability]())
		switch domain.ProviderErrorKindOf(err) {
		case "":
			if err != nil {
				return nil, err
			}
			caps = append(caps, capability)
		case domain.ProviderForbidden:
		default:
			return nil, err
		}
	}
	return caps, nil
}
