package spaces_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/dosim/spaces"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// simKey creates a Spaces key through the simulator's API, as Berth does.
func simKey(t *testing.T, api http.Handler, name string, grants ...spaces.Grant) spaces.Key {
	t.Helper()
	type grant struct {
		Bucket     string `json:"bucket"`
		Permission string `json:"permission"`
	}
	gs := []grant{}
	for _, g := range grants {
		gs = append(gs, grant{g.Bucket, g.Permission})
	}
	b, _ := json.Marshal(map[string]any{"name": name, "grants": gs})
	rec := simCall(api, http.MethodPost, "/v2/spaces/keys", b)
	var out struct {
		Key struct {
			AccessKey string `json:"access_key"`
			SecretKey string `json:"secret_key"`
		} `json:"key"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); rec.Code != http.StatusCreated || err != nil {
		t.Fatalf("POST /v2/spaces/keys = %d %s", rec.Code, rec.Body)
	}
	return spaces.Key{Name: name, AccessKey: out.Key.AccessKey, SecretKey: out.Key.SecretKey}
}

func simCall(api http.Handler, method, path string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+dosim.SeedToken)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	api.ServeHTTP(rec, req)
	return rec
}

// TestFromSimulator checks the wiring to the simulator: keys created through /v2/spaces/keys
// work with their grants, and a deleted key stops working.
func TestFromSimulator(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sim := dosim.New(dosim.Options{Seed: true})
	srv := httptest.NewServer(spaces.New(spaces.FromSimulator(sim), spaces.Options{}))
	t.Cleanup(srv.Close)
	client := func(k spaces.Key) *minio.Client {
		c, err := minio.New(strings.TrimPrefix(srv.URL, "http://"), &minio.Options{
			Creds: credentials.NewStaticV4(k.AccessKey, k.SecretKey, ""), Region: "nyc3", MaxRetries: 1})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	full := simKey(t, sim, "everything", spaces.Grant{Permission: "fullaccess"})
	reader := simKey(t, sim, "reader", spaces.Grant{Bucket: "berth-backups", Permission: "read"})
	mustMakeBucket(t, client(full), "berth-backups")
	put(t, client(full), "berth-backups", "a.txt", []byte("a"), 0)
	if got := string(get(t, client(reader), "berth-backups", "a.txt")); got != "a" {
		t.Errorf("reader GetObject = %q, want a", got)
	}
	_, err := client(reader).PutObject(ctx, "berth-backups", "b.txt", strings.NewReader("b"), 1, minio.PutObjectOptions{})
	if errCode(err) != "AccessDenied" {
		t.Errorf("reader PutObject = %v, want AccessDenied", err)
	}
	if rec := simCall(sim, http.MethodDelete, "/v2/spaces/keys/"+reader.AccessKey, nil); rec.Code != http.StatusNoContent {
		t.Fatalf("DELETE /v2/spaces/keys/%s = %d %s", reader.AccessKey, rec.Code, rec.Body)
	}
	// A GET, not a HEAD: S3 answers HEAD without a body, so a client cannot read the code there.
	if err := listObjects("berth-backups")(client(reader), ""); errCode(err) != "InvalidAccessKeyId" {
		t.Errorf("deleted key ListObjects = %v, want InvalidAccessKeyId", err)
	}
}
