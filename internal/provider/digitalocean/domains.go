package digitalocean

import (
	"context"
	"fmt"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/provider"
	"github.com/digitalocean/godo"
)

var _ provider.DNS = (*Client)(nil)

// Domains lists the account's zones (GET /v2/domains).
func (c *Client) Domains(ctx context.Context, accessToken string) ([]domain.Domain, error) {
	api, err := c.godoClient(accessToken)
	if err != nil {
		return nil, fmt.Errorf("list domains: %w", err)
	}
	return listAll(ctx, "list domains", func(opt *godo.ListOptions) ([]godo.Domain, *godo.Response, error) {
		return api.Domains.List(ctx, opt)
	}, domainFrom)
}

// Domain reads one zone (GET /v2/domains/{name}); not found means it is not on this account.
func (c *Client) Domain(ctx context.Context, accessToken, name string) (domain.Domain, error) {
	api, err := c.godoClient(accessToken)
	if err != nil {
		return domain.Domain{}, fmt.Errorf("get domain: %w", err)
	}
	d, _, err := api.Domains.Get(ctx, name)
	if err != nil {
		return domain.Domain{}, translate(ctx, "get domain", err)
	}
	return domainFrom(*d), nil
}

// CreateDomain adds a zone (POST /v2/domains). A create whose outcome is unknown is retried
// only after looking the zone up by name.
func (c *Client) CreateDomain(ctx context.Context, accessToken, name, ipv4 string) (domain.Domain, error) {
	api, err := c.godoClient(accessToken)
	if err != nil {
		return domain.Domain{}, fmt.Errorf("create domain: %w", err)
	}
	create := func() (domain.Domain, error) {
		d, _, err := api.Domains.Create(ctx, &godo.DomainCreateRequest{Name: name, IPAddress: ipv4})
		if err != nil {
			return domain.Domain{}, err
		}
		return domainFrom(*d), nil
	}
	find := func() (domain.Domain, bool, error) {
		d, err := c.Domain(ctx, accessToken, name)
		return d, err == nil, ignoreNotFound(err)
	}
	d, err := createOrRecover(ctx, c.policy(), create, find)
	return d, translate(ctx, "create domain", err)
}

func domainFrom(d godo.Domain) domain.Domain {
	return domain.Domain{Name: d.Name, TTL: d.TTL, ZoneFile: d.ZoneFile}
}

// ignoreNotFound returns nil for a not-found error and err otherwise.
func ignoreNotFound(err error) error {
	if domain.ProviderErrorKindOf(err) == domain.ProviderNotFound {
		return nil
	}
	return err
}
