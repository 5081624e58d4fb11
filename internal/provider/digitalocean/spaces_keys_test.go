package digitalocean

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/internal/domain"
)

func TestSpacesKeys(t *testing.T) {
	t.Parallel()
	sim := startSim(t, dosim.Options{})
	c := newTestClient(t, sim.URL, Options{})
	ctx := context.Background()
	grants := []domain.SpacesGrant{{Bucket: "backups", Permission: domain.SpacesReadWrite}, {Bucket: "assets", Permission: domain.SpacesRead}}

	k, err := c.CreateSpacesKey(ctx, token, "berth-backups", grants)
	if err != nil {
		t.Fatalf("CreateSpacesKey() = %v", err)
	}
	if k.AccessKey == "" || k.SecretKey == "" || k.Name != "berth-backups" || !slices.Equal(k.Grants, grants) || k.CreatedAt.IsZero() {
		t.Errorf("CreateSpacesKey() = %+v, want keys, the name, the grants and a creation time", k)
	}
	keys, err := c.SpacesKeys(ctx, token)
	if err != nil || len(keys) != 1 || keys[0].AccessKey != k.AccessKey || keys[0].SecretKey != "" {
		t.Errorf("SpacesKeys() = %+v, %v; want our key without its secret", keys, err)
	}
	if err := c.DeleteSpacesKey(ctx, token, k.AccessKey); err != nil {
		t.Errorf("DeleteSpacesKey() = %v", err)
	}
	if keys, _ := c.SpacesKeys(ctx, token); len(keys) != 0 {
		t.Errorf("SpacesKeys() after the delete = %+v, want none", keys)
	}
	if err := c.DeleteSpacesKey(ctx, token, k.AccessKey); domain.ProviderErrorKindOf(err) != domain.ProviderNotFound {
		t.Errorf("DeleteSpacesKey(deleted) = %v, want not found", err)
	}
	full, err := c.CreateSpacesKey(ctx, token, "everything", []domain.SpacesGrant{{Permission: domain.SpacesFullAccess}})
	if err != nil || len(full.Grants) != 1 || full.Grants[0].Permission != domain.SpacesFullAccess {
		t.Errorf("CreateSpacesKey(fullaccess) = %+v, %v", full, err)
	}
}

func TestCreateSpacesKeyReplacesTheKeyOfALostAnswer(t *testing.T) {
	t.Parallel()
	sim := startSim(t, dosim.Options{})
	lost := &fault{match: "POST /v2/spaces/keys", times: 1, status: http.StatusInternalServerError, after: true}
	c := newTestClient(t, inject(t, sim.URL, lost), Options{})
	ctx := context.Background()

	k, err := c.CreateSpacesKey(ctx, token, "berth-req-77", []domain.SpacesGrant{{Bucket: "b", Permission: domain.SpacesRead}})
	if err != nil || k.SecretKey == "" {
		t.Fatalf("CreateSpacesKey() after a lost answer = %+v, %v; want a key with its secret", k, err)
	}
	keys, _ := c.SpacesKeys(ctx, token)
	if len(keys) != 1 || keys[0].AccessKey != k.AccessKey {
		t.Errorf("keys = %+v, want only the new one: the first attempt's key (secret lost) is deleted", keys)
	}
	if secret, ok := sim.SpacesKeySecret(k.AccessKey); !ok || secret != k.SecretKey {
		t.Error("the returned secret is not the simulator's secret of the key")
	}
}
