package spaces_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/berth-dev/berth/dosim/spaces"
	"github.com/minio/minio-go/v7"
)

// action is one S3 call a key attempts; name makes object keys unique per table row.
type action func(c *minio.Client, name string) error

var (
	listBuckets = func(c *minio.Client, _ string) error { _, err := c.ListBuckets(context.Background()); return err }
	makeBucket  = func(bucket string) action {
		return func(c *minio.Client, _ string) error {
			return c.MakeBucket(context.Background(), bucket, minio.MakeBucketOptions{Region: "nyc3"})
		}
	}
	removeBucket = func(bucket string) action {
		return func(c *minio.Client, _ string) error { return c.RemoveBucket(context.Background(), bucket) }
	}
	putObject = func(bucket string) action {
		return func(c *minio.Client, name string) error {
			_, err := c.PutObject(context.Background(), bucket, name, strings.NewReader(name), int64(len(name)), minio.PutObjectOptions{})
			return err
		}
	}
	getObject = func(bucket string) action {
		return func(c *minio.Client, _ string) error {
			obj, err := c.GetObject(context.Background(), bucket, "seed.txt", minio.GetObjectOptions{})
			if err == nil {
				_, err = obj.Stat()
				obj.Close()
			}
			return err
		}
	}
	statObject = func(bucket string) action {
		return func(c *minio.Client, _ string) error {
			_, err := c.StatObject(context.Background(), bucket, "seed.txt", minio.StatObjectOptions{})
			return err
		}
	}
	listObjects = func(bucket string) action {
		return func(c *minio.Client, _ string) error {
			for obj := range c.ListObjects(context.Background(), bucket, minio.ListObjectsOptions{}) {
				if obj.Err != nil {
					return obj.Err
				}
			}
			return nil
		}
	}
	removeObject = func(bucket string) action {
		return func(c *minio.Client, name string) error {
			ctx := context.Background()
			_, _ = c.PutObject(ctx, bucket, name, strings.NewReader("x"), 1, minio.PutObjectOptions{})
			return c.RemoveObject(ctx, bucket, name, minio.RemoveObjectOptions{})
		}
	}
	removeObjects = func(bucket string) action {
		return func(c *minio.Client, name string) error {
			ctx := context.Background()
			_, _ = c.PutObject(ctx, bucket, name, strings.NewReader("x"), 1, minio.PutObjectOptions{})
			objs := make(chan minio.ObjectInfo, 1)
			objs <- minio.ObjectInfo{Key: name}
			close(objs)
			for e := range c.RemoveObjects(ctx, bucket, objs, minio.RemoveObjectsOptions{}) {
				return e.Err
			}
			_, err := c.StatObject(ctx, bucket, name, minio.StatObjectOptions{})
			if errCode(err) == "NoSuchKey" {
				return nil
			}
			return fmt.Errorf("object still there after RemoveObjects: %v", err)
		}
	}
	copyObject = func(from, to string) action {
		return func(c *minio.Client, name string) error {
			_, err := c.CopyObject(context.Background(), minio.CopyDestOptions{Bucket: to, Object: name},
				minio.CopySrcOptions{Bucket: from, Object: "seed.txt"})
			return err
		}
	}
)

// TestGrants checks what each kind of key may do: read keys read their bucket, readwrite keys
// also write objects in it, fullaccess keys do everything on their team's buckets, and nobody
// reaches another team's bucket. Team A owns alpha and beta, each holding seed.txt.
func TestGrants(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	admin := f.client(t, fullA)
	for _, b := range []string{"alpha", "beta"} {
		mustMakeBucket(t, admin, b)
		put(t, admin, b, "seed.txt", []byte("seed"), 0)
	}
	for i, tc := range []struct {
		key  spaces.Key
		what string
		do   action
		want string
	}{
		{readAlpha, "get alpha", getObject("alpha"), ""},
		{readAlpha, "stat alpha", statObject("alpha"), ""},
		{readAlpha, "list alpha", listObjects("alpha"), ""},
		{readAlpha, "put alpha", putObject("alpha"), "AccessDenied"},
		{readAlpha, "remove object alpha", removeObject("alpha"), "AccessDenied"},
		{readAlpha, "remove objects alpha", removeObjects("alpha"), "AccessDenied"},
		{readAlpha, "get beta", getObject("beta"), "AccessDenied"},
		{readAlpha, "list buckets", listBuckets, "AccessDenied"},
		{readAlpha, "make bucket", makeBucket("read-made"), "AccessDenied"},

		{writeAlpha, "put alpha", putObject("alpha"), ""},
		{writeAlpha, "get alpha", getObject("alpha"), ""},
		{writeAlpha, "remove object alpha", removeObject("alpha"), ""},
		{writeAlpha, "remove objects alpha", removeObjects("alpha"), ""},
		{writeAlpha, "copy within alpha", copyObject("alpha", "alpha"), ""},
		{writeAlpha, "put beta", putObject("beta"), "AccessDenied"},
		{writeAlpha, "get beta", getObject("beta"), "AccessDenied"},
		{writeAlpha, "list beta", listObjects("beta"), "AccessDenied"},
		{writeAlpha, "copy beta into alpha", copyObject("beta", "alpha"), "AccessDenied"},
		{writeAlpha, "remove bucket alpha", removeBucket("alpha"), "AccessDenied"},
		{writeAlpha, "make bucket", makeBucket("rw-made"), "AccessDenied"},
		{writeAlpha, "list buckets", listBuckets, "AccessDenied"},

		{fullA, "make bucket", makeBucket("full-made"), ""},
		{fullA, "make own bucket again", makeBucket("alpha"), "BucketAlreadyOwnedByYou"},
		{fullA, "put beta", putObject("beta"), ""},
		{fullA, "copy alpha into beta", copyObject("alpha", "beta"), ""},
		{fullA, "list missing bucket", listObjects("nowhere"), "NoSuchBucket"},

		{fullB, "take alpha", makeBucket("alpha"), "BucketAlreadyExists"},
		{fullB, "get alpha", getObject("alpha"), "AccessDenied"},
		{fullB, "list alpha", listObjects("alpha"), "AccessDenied"},
		{fullB, "put alpha", putObject("alpha"), "AccessDenied"},
		{fullB, "remove bucket alpha", removeBucket("alpha"), "AccessDenied"},
		{fullB, "list buckets", listBuckets, ""},
	} {
		t.Run(tc.key.Name+" "+tc.what, func(t *testing.T) {
			t.Parallel()
			err := tc.do(f.client(t, tc.key), fmt.Sprintf("row-%d.txt", i))
			if got := errCode(err); got != tc.want {
				t.Errorf("%s: %s = %v, want %q", tc.key.Name, tc.what, err, tc.want)
			}
		})
	}
}

// TestTeamsSeeOnlyTheirBuckets checks that list-buckets shows a team its own buckets only.
func TestTeamsSeeOnlyTheirBuckets(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, b := f.client(t, fullA), f.client(t, fullB)
	mustMakeBucket(t, a, "a-one")
	mustMakeBucket(t, a, "a-two")
	mustMakeBucket(t, b, "b-one")
	for _, tc := range []struct {
		name string
		c    *minio.Client
		want []string
	}{{"team A", a, []string{"a-one", "a-two"}}, {"team B", b, []string{"b-one"}}} {
		if got := bucketNames(t, tc.c); !slices.Equal(got, tc.want) {
			t.Errorf("%s: ListBuckets = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestBucketLimit checks that a team cannot own more than MaxBuckets buckets, and that the
// limit is per team.
func TestBucketLimit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, withMaxBuckets(2))
	a, b := f.client(t, fullA), f.client(t, fullB)
	mustMakeBucket(t, a, "first")
	mustMakeBucket(t, a, "second")
	if err := makeBucket("third")(a, ""); errCode(err) != "TooManyBuckets" {
		t.Errorf("MakeBucket(third of 2) = %v, want TooManyBuckets", err)
	}
	mustMakeBucket(t, b, "other-team")
	if err := a.RemoveBucket(ctx, "first"); err != nil {
		t.Fatalf("RemoveBucket = %v", err)
	}
	mustMakeBucket(t, a, "third")
}
