package digitalocean

import (
	"context"
	"fmt"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/provider"
	"github.com/digitalocean/godo"
)

var _ provider.SpacesKeys = (*Client)(nil)

// CreateSpacesKey creates a Spaces key with bucket grants (POST /v2/spaces/keys). Its secret
// is only ever in this answer, so when an attempt gets no answer the retry deletes any key of
// the same name (the attempt's, whose secret is lost) and creates a fresh one.
func (c *Client) CreateSpacesKey(ctx context.Context, accessToken, name string, grants []domain.SpacesGrant) (domain.SpacesKey, error) {
	api, err := c.godoClient(accessToken)
	if err != nil {
		return domain.SpacesKey{}, fmt.Errorf("create spaces key: %w", err)
	}
	req := &godo.SpacesKeyCreateRequest{Name: name, Grants: grantsTo(grants)}
	create := func() (domain.SpacesKey, error) {
		k, _, err := api.SpacesKeys.Create(ctx, req)
		if err != nil {
			return domain.SpacesKey{}, err
		}
		return spacesKeyFrom(k), nil
	}
	orphans := func() (domain.SpacesKey, bool, error) {
		return domain.SpacesKey{}, false, c.deleteSpacesKeysNamed(ctx, accessToken, name)
	}
	k, err := createOrRecover(ctx, c.policy(), create, orphans)
	return k, translate(ctx, "create spaces key", err)
}

// deleteSpacesKeysNamed deletes the keys called name.
func (c *Client) deleteSpacesKeysNamed(ctx context.Context, accessToken, name string) error {
	keys, err := c.SpacesKeys(ctx, accessToken)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if k.Name != name {
			continue
		}
		if err := c.DeleteSpacesKey(ctx, accessToken, k.AccessKey); err != nil {
			return err
		}
	}
	return nil
}

// SpacesKeys lists the account's Spaces keys, without secrets (GET /v2/spaces/keys).
func (c *Client) SpacesKeys(ctx context.Context, accessToken string) ([]domain.SpacesKey, error) {
	api, err := c.godoClient(accessToken)
	if err != nil {
		return nil, fmt.Errorf("list spaces keys: %w", err)
	}
	return listAll(ctx, "list spaces keys", func(opt *godo.ListOptions) ([]*godo.SpacesKey, *godo.Response, error) {
		return api.SpacesKeys.List(ctx, opt)
	}, spacesKeyFrom)
}

// DeleteSpacesKey deletes a key (DELETE /v2/spaces/keys/{access_key}); finding it gone on a
// retry means the unanswered attempt deleted it.
func (c *Client) DeleteSpacesKey(ctx context.Context, accessToken, accessKey string) error {
	api, err := c.godoClient(accessToken)
	if err != nil {
		return fmt.Errorf("delete spaces key: %w", err)
	}
	actx, attempts := withAttempts(ctx)
	_, err = api.SpacesKeys.Delete(actx, accessKey)
	err = translate(ctx, "delete spaces key", err)
	if domain.ProviderErrorKindOf(err) == domain.ProviderNotFound && attempts.Load() > 1 {
		return nil
	}
	return err
}

// grantsTo converts grants; never nil, since the description does not allow "grants": null.
func grantsTo(grants []domain.SpacesGrant) []*godo.Grant {
	out := []*godo.Grant{}
	for _, g := range grants {
		out = append(out, &godo.Grant{Bucket: g.Bucket, Permission: godo.SpacesKeyPermission(g.Permission)})
	}
	return out
}

func spacesKeyFrom(k *godo.SpacesKey) domain.SpacesKey {
	out := domain.SpacesKey{Name: k.Name, AccessKey: k.AccessKey, SecretKey: k.SecretKey, CreatedAt: parseTime(k.CreatedAt), Grants: []domain.SpacesGrant{}}
	for _, g := range k.Grants {
		if g != nil {
			out.Grants = append(out.Grants, domain.SpacesGrant{Bucket: g.Bucket, Permission: string(g.Permission)})
		}
	}
	return out
}
