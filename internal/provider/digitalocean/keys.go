package digitalocean

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/provider"
	"github.com/digitalocean/godo"
)

var _ provider.SSHKeys = (*Client)(nil)

// SSHKeys lists the account's SSH keys (GET /v2/account/keys).
func (c *Client) SSHKeys(ctx context.Context, accessToken string) ([]domain.SSHKey, error) {
	api, err := c.godoClient(accessToken)
	if err != nil {
		return nil, fmt.Errorf("list SSH keys: %w", err)
	}
	return listAll(ctx, "list SSH keys", func(opt *godo.ListOptions) ([]godo.Key, *godo.Response, error) {
		return api.Keys.List(ctx, opt)
	}, keyFrom)
}

func keyFrom(k godo.Key) domain.SSHKey {
	return domain.SSHKey{ID: k.ID, Name: k.Name, Fingerprint: k.Fingerprint, PublicKey: k.PublicKey}
}

// SSHKeyByFingerprint reads one SSH key (GET /v2/account/keys/{fingerprint}).
func (c *Client) SSHKeyByFingerprint(ctx context.Context, accessToken, fingerprint string) (domain.SSHKey, error) {
	api, err := c.godoClient(accessToken)
	if err != nil {
		return domain.SSHKey{}, fmt.Errorf("get SSH key: %w", err)
	}
	k, _, err := api.Keys.GetByFingerprint(ctx, fingerprint)
	if err != nil {
		return domain.SSHKey{}, translate(ctx, "get SSH key", err)
	}
	return keyFrom(*k), nil
}

// CreateSSHKey adds a public key to the account (POST /v2/account/keys). A create whose
// outcome is unknown is retried only after looking the key up by its fingerprint.
func (c *Client) CreateSSHKey(ctx context.Context, accessToken, name, publicKey string) (domain.SSHKey, error) {
	api, err := c.godoClient(accessToken)
	if err != nil {
		return domain.SSHKey{}, fmt.Errorf("create SSH key: %w", err)
	}
	create := func() (domain.SSHKey, error) {
		k, _, err := api.Keys.Create(ctx, &godo.KeyCreateRequest{Name: name, PublicKey: publicKey})
		if err != nil {
			return domain.SSHKey{}, err
		}
		return keyFrom(*k), nil
	}
	find := func() (domain.SSHKey, bool, error) {
		fp, err := Fingerprint(publicKey)
		if err != nil {
			return domain.SSHKey{}, false, nil
		}
		k, err := c.SSHKeyByFingerprint(ctx, accessToken, fp)
		if domain.ProviderErrorKindOf(err) == domain.ProviderNotFound {
			return domain.SSHKey{}, false, nil
		}
		return k, err == nil, err
	}
	k, err := createOrRecover(ctx, c.policy(), create, find)
	return k, translate(ctx, "create SSH key", err)
}

// Fingerprint is the MD5 fingerprint DigitalOcean gives an OpenSSH public key
// ("ssh-ed25519 AAAA... comment"): colon-separated hex of the MD5 of the key blob.
func Fingerprint(publicKey string) (string, error) {
	fields := strings.Fields(publicKey)
	if len(fields) < 2 {
		return "", domain.Invalid("public_key", "is not an OpenSSH public key")
	}
	blob, err := base64.StdEncoding.DecodeString(fields[1])
	if err != nil {
		return "", domain.Invalid("public_key", "is not an OpenSSH public key")
	}
	sum := md5.Sum(blob)
	pairs := make([]string, len(sum))
	for i, b := range sum {
		pairs[i] = hex.EncodeToString([]byte{b})
	}
	return strings.Join(pairs, ":"), nil
}
