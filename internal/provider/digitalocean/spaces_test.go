package digitalocean

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/dosim/dosimtest"
	"github.com/berth-dev/berth/dosim/spaces"
	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/provider"
)

// startSpaces serves the simulator's S3 endpoint, accepting the keys sim issued, and counts
// the multipart part uploads it sees.
func startSpaces(t *testing.T, sim *dosimtest.Sim) (endpoint string, parts *atomic.Int32) {
	t.Helper()
	keys := spaces.KeysFunc(func(accessKey string) (spaces.Key, bool) {
		k, ok := sim.SpacesKey(accessKey)
		if !ok {
			return spaces.Key{}, false
		}
		out := spaces.Key{Name: k.Name, AccessKey: k.AccessKey, SecretKey: k.SecretKey, TeamUUID: k.TeamUUID}
		for _, g := range k.Grants {
			out.Grants = append(out.Grants, spaces.Grant{Bucket: g.Bucket, Permission: g.Permission})
		}
		return out, true
	})
	s3 := spaces.New(keys, spaces.Options{})
	parts = new(atomic.Int32)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && r.URL.Query().Has("partNumber") {
			parts.Add(1)
		}
		s3.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts.URL, parts
}

func TestBucketsAndObjects(t *testing.T) {
	t.Parallel()
	sim := startSim(t, dosim.Options{})
	endpoint, parts := startSpaces(t, sim)
	c := newTestClient(t, sim.URL, Options{SpacesPartSize: 5 << 20})
	ctx := context.Background()
	key, err := c.CreateSpacesKey(ctx, token, "berth-backups", []domain.SpacesGrant{{Permission: domain.SpacesFullAccess}})
	if err != nil {
		t.Fatal(err)
	}
	creds := provider.SpacesCredentials{Endpoint: endpoint, Region: "nyc3", AccessKey: key.AccessKey, SecretKey: key.SecretKey}

	if err := c.CreateBucket(ctx, creds, "berth-backups"); err != nil {
		t.Fatalf("CreateBucket() = %v", err)
	}
	if err := c.CreateBucket(ctx, creds, "berth-backups"); err != nil {
		t.Errorf("CreateBucket(already ours) = %v, want nil", err)
	}
	buckets, err := c.Buckets(ctx, creds)
	if err != nil || len(buckets) != 1 || buckets[0].Name != "berth-backups" {
		t.Errorf("Buckets() = %+v, %v; want berth-backups", buckets, err)
	}

	small, err := c.PutObject(ctx, creds, provider.PutObjectParams{Bucket: "berth-backups", Key: "db/small.txt", Body: strings.NewReader("hello"), Size: 5, ContentType: "text/plain"})
	if err != nil || small.Size != 5 || small.ETag == "" {
		t.Errorf("PutObject(small) = %+v, %v", small, err)
	}
	big := make([]byte, 12<<20)
	_, _ = rand.Read(big)
	obj, err := c.PutObject(ctx, creds, provider.PutObjectParams{Bucket: "berth-backups", Key: "db/dump.sql.gz", Body: bytes.NewReader(big), Size: -1})
	if err != nil || obj.Size != int64(len(big)) {
		t.Fatalf("PutObject(12 MiB, size unknown) = %+v, %v", obj, err)
	}
	if n := parts.Load(); n != 3 {
		t.Errorf("the 12 MiB upload went up in %d parts, want 3 of at most 5 MiB", n)
	}

	body, info, err := c.GetObject(ctx, creds, "berth-backups", "db/dump.sql.gz")
	if err != nil {
		t.Fatalf("GetObject() = %v", err)
	}
	got, err := io.ReadAll(body)
	body.Close()
	if err != nil || !bytes.Equal(got, big) || info.Size != int64(len(big)) {
		t.Errorf("GetObject() read %d bytes (%v), size %d; want the %d uploaded", len(got), err, info.Size, len(big))
	}
	list, err := c.Objects(ctx, creds, "berth-backups", "db/")
	if err != nil || len(list) != 2 {
		t.Errorf("Objects(db/) = %+v, %v; want 2", list, err)
	}
	if _, _, err := c.GetObject(ctx, creds, "berth-backups", "missing"); domain.ProviderErrorKindOf(err) != domain.ProviderNotFound {
		t.Errorf("GetObject(missing) = %v, want not found", err)
	}
	if err := c.DeleteBucket(ctx, creds, "berth-backups"); domain.ProviderErrorKindOf(err) == "" {
		t.Errorf("DeleteBucket(not empty) = %v, want a provider error", err)
	}
	for _, o := range list {
		if err := c.DeleteObject(ctx, creds, "berth-backups", o.Key); err != nil {
			t.Errorf("DeleteObject(%s) = %v", o.Key, err)
		}
	}
	if err := c.DeleteBucket(ctx, creds, "berth-backups"); err != nil {
		t.Errorf("DeleteBucket(empty) = %v", err)
	}
}

func TestSpacesErrors(t *testing.T) {
	t.Parallel()
	sim := startSim(t, dosim.Options{})
	endpoint, _ := startSpaces(t, sim)
	c := newTestClient(t, sim.URL, Options{})
	ctx := context.Background()
	admin, err := c.CreateSpacesKey(ctx, token, "admin", []domain.SpacesGrant{{Permission: domain.SpacesFullAccess}})
	if err != nil {
		t.Fatal(err)
	}
	ro, err := c.CreateSpacesKey(ctx, token, "reader", []domain.SpacesGrant{{Bucket: "logs", Permission: domain.SpacesRead}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CreateBucket(ctx, provider.SpacesCredentials{Endpoint: endpoint, Region: "nyc3", AccessKey: admin.AccessKey, SecretKey: admin.SecretKey}, "logs"); err != nil {
		t.Fatal(err)
	}
	reader := provider.SpacesCredentials{Endpoint: endpoint, Region: "nyc3", AccessKey: ro.AccessKey, SecretKey: ro.SecretKey}
	wrong := reader
	wrong.SecretKey = "not-the-secret"

	_, err = c.PutObject(ctx, reader, provider.PutObjectParams{Bucket: "logs", Key: "x", Body: strings.NewReader("x"), Size: 1})
	if kind := domain.ProviderErrorKindOf(err); kind != domain.ProviderForbidden {
		t.Errorf("PutObject(read-only key) = %v, want forbidden", err)
	}
	if _, err := c.Objects(ctx, reader, "logs", ""); err != nil {
		t.Errorf("Objects(read-only key) = %v, want allowed", err)
	}
	if _, err := c.Buckets(ctx, wrong); domain.ProviderErrorKindOf(err) != domain.ProviderUnauthorized {
		t.Errorf("Buckets(wrong secret) = %v, want unauthorized", err)
	}
	if err := c.CreateBucket(ctx, provider.SpacesCredentials{Endpoint: "ftp://x"}, "b"); invalidField(err) != "endpoint" {
		t.Errorf("CreateBucket(ftp endpoint) = %v, want invalid endpoint", err)
	}
}
