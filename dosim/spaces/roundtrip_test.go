package spaces_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"golang.org/x/sync/errgroup"
)

// pattern returns n deterministic bytes in which every 4 KiB block differs, so a misplaced part shows.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*131 + i>>12)
	}
	return b
}

// TestMinioRoundTrip runs minio-go through the bucket and object life cycle in each signing mode
// it uses: streaming chunk signatures over plain HTTP, UNSIGNED-PAYLOAD over TLS, and the
// trailing-checksum variants of both.
func TestMinioRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		tls         bool
		trailing    bool
		wantPayload string // x-amz-content-sha256 minio-go sends with object PUTs
	}{
		{name: "http", wantPayload: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
		{name: "http trailing checksums", trailing: true, wantPayload: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"},
		{name: "https", tls: true, wantPayload: "UNSIGNED-PAYLOAD"},
		{name: "https trailing checksums", tls: true, trailing: true, wantPayload: "STREAMING-UNSIGNED-PAYLOAD-TRAILER"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var fo []fixtureOption
			var co []clientOption
			if tc.tls {
				fo = append(fo, withTLS())
			}
			if tc.trailing {
				co = append(co, trailingHeaders)
			}
			f := newFixture(t, fo...)
			roundTrip(t, f.client(t, fullA, co...))
			payloads, parts, _ := f.seen.snapshot()
			if payloads[tc.wantPayload] == 0 {
				t.Errorf("object PUTs sent x-amz-content-sha256 %v, want some %s", payloads, tc.wantPayload)
			}
			if parts < 2 {
				t.Errorf("the large put sent %d parts, want 2 or more", parts)
			}
		})
	}
}

func roundTrip(t *testing.T, c *minio.Client) {
	ctx := context.Background()
	mustMakeBucket(t, c, "backups")
	if got := bucketNames(t, c); !slices.Equal(got, []string{"backups"}) {
		t.Fatalf("ListBuckets = %v, want [backups]", got)
	}
	small := []byte("hello, spaces")
	large := pattern(11 << 20)
	put(t, c, "backups", "notes/hello.txt", small, 0)
	put(t, c, "backups", "notes/empty.txt", nil, 0)
	put(t, c, "backups", "db/dump.bin", large, 5<<20)
	for key, want := range map[string][]byte{"notes/hello.txt": small, "notes/empty.txt": {}, "db/dump.bin": large} {
		if got := objectSum(t, c, "backups", key); got != sha256.Sum256(want) {
			t.Errorf("GetObject(%q) returned bytes that differ from the %d put", key, len(want))
		}
		info, err := c.StatObject(ctx, "backups", key, minio.StatObjectOptions{})
		if err != nil || info.Size != int64(len(want)) {
			t.Errorf("StatObject(%q) = size %d, %v; want size %d", key, info.Size, err, len(want))
		}
	}
	if got := listKeys(t, c, "backups", minio.ListObjectsOptions{Prefix: "db/", Recursive: true}); !slices.Equal(got, []string{"db/dump.bin"}) {
		t.Errorf("ListObjects(prefix db/) = %v, want [db/dump.bin]", got)
	}
	if err := c.RemoveBucket(ctx, "backups"); errCode(err) != "BucketNotEmpty" {
		t.Errorf("RemoveBucket(non-empty) = %v, want BucketNotEmpty", err)
	}
	for _, key := range []string{"notes/hello.txt", "notes/empty.txt", "db/dump.bin"} {
		if err := c.RemoveObject(ctx, "backups", key, minio.RemoveObjectOptions{}); err != nil {
			t.Fatalf("RemoveObject(%q) = %v", key, err)
		}
	}
	if _, err := c.StatObject(ctx, "backups", "db/dump.bin", minio.StatObjectOptions{}); errCode(err) != "NoSuchKey" {
		t.Errorf("StatObject(removed) = %v, want NoSuchKey", err)
	}
	if err := c.RemoveBucket(ctx, "backups"); err != nil {
		t.Fatalf("RemoveBucket = %v", err)
	}
	if got := bucketNames(t, c); len(got) != 0 {
		t.Errorf("ListBuckets after RemoveBucket = %v, want none", got)
	}
}

// put uploads data; partSize 0 leaves minio-go's default (a single PUT for small objects).
func put(t *testing.T, c *minio.Client, bucket, key string, data []byte, partSize uint64) {
	t.Helper()
	_, err := c.PutObject(context.Background(), bucket, key, bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{PartSize: partSize, ContentType: "application/octet-stream"})
	if err != nil {
		t.Fatalf("PutObject(%s/%s, %d bytes) = %v", bucket, key, len(data), err)
	}
}

func get(t *testing.T, c *minio.Client, bucket, key string) []byte {
	t.Helper()
	obj, err := c.GetObject(context.Background(), bucket, key, minio.GetObjectOptions{})
	if err != nil {
		t.Fatalf("GetObject(%s/%s) = %v", bucket, key, err)
	}
	defer obj.Close()
	b, err := io.ReadAll(obj)
	if err != nil {
		t.Fatalf("GetObject(%s/%s): read: %v", bucket, key, err)
	}
	return b
}

// objectSum streams an object into SHA-256, so large objects are not held twice.
func objectSum(t *testing.T, c *minio.Client, bucket, key string) (sum [32]byte) {
	t.Helper()
	obj, err := c.GetObject(context.Background(), bucket, key, minio.GetObjectOptions{})
	if err != nil {
		t.Fatalf("GetObject(%s/%s) = %v", bucket, key, err)
	}
	defer obj.Close()
	h := sha256.New()
	if _, err := io.Copy(h, obj); err != nil {
		t.Fatalf("GetObject(%s/%s): read: %v", bucket, key, err)
	}
	h.Sum(sum[:0])
	return sum
}

func bucketNames(t *testing.T, c *minio.Client) []string {
	t.Helper()
	bs, err := c.ListBuckets(context.Background())
	if err != nil {
		t.Fatalf("ListBuckets = %v", err)
	}
	var names []string
	for _, b := range bs {
		names = append(names, b.Name)
	}
	return names
}

func listKeys(t *testing.T, c *minio.Client, bucket string, opts minio.ListObjectsOptions) []string {
	t.Helper()
	var keys []string
	for obj := range c.ListObjects(context.Background(), bucket, opts) {
		if obj.Err != nil {
			t.Fatalf("ListObjects(%s, %+v) = %v", bucket, opts, obj.Err)
		}
		keys = append(keys, obj.Key)
	}
	return keys
}

// TestListObjectsPagination lists more than one page (1,000 keys) with minio-go, and small pages with MaxKeys.
func TestListObjectsPagination(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.client(t, fullA)
	mustMakeBucket(t, c, "many")
	var want []string
	for i := range 1005 {
		want = append(want, fmt.Sprintf("k/%04d", i))
	}
	putAll(t, c, "many", append(slices.Clone(want), "other/x", "other/y"))
	for _, tc := range []struct {
		maxKeys   int
		wantLists int
	}{{0, 2}, {100, 11}} {
		_, _, before := f.seen.snapshot()
		got := listKeys(t, c, "many", minio.ListObjectsOptions{Prefix: "k/", Recursive: true, MaxKeys: tc.maxKeys})
		if !slices.Equal(got, want) {
			t.Errorf("ListObjects(MaxKeys %d) = %d keys, want the %d k/ keys in order", tc.maxKeys, len(got), len(want))
		}
		if _, _, after := f.seen.snapshot(); after-before != tc.wantLists {
			t.Errorf("ListObjects(MaxKeys %d) took %d requests, want %d", tc.maxKeys, after-before, tc.wantLists)
		}
	}
}

// putAll uploads a small object under each key, eight at a time.
func putAll(t *testing.T, c *minio.Client, bucket string, keys []string) {
	t.Helper()
	var g errgroup.Group
	g.SetLimit(8)
	for _, key := range keys {
		g.Go(func() error {
			_, err := c.PutObject(context.Background(), bucket, key, strings.NewReader(key), int64(len(key)),
				minio.PutObjectOptions{})
			return err
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatalf("PutObject: %v", err)
	}
}
