package digitalocean

import (
	"context"
	"fmt"
	"io"
	"net/url"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/provider"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

var (
	_ provider.Buckets = (*Client)(nil)
	_ provider.Objects = (*Client)(nil)
)

// minPartSize is S3's smallest part (but the last).
const minPartSize = 5 << 20

// s3Client returns an S3 client for creds: path-style, SigV4 with the region slug, over the
// configured transport. minio-go retries its own requests (S3 writes are idempotent).
func (c *Client) s3Client(creds provider.SpacesCredentials) (*minio.Client, error) {
	u, err := url.Parse(creds.Endpoint)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, domain.Invalid("endpoint", "must be an http or https URL")
	}
	return minio.New(u.Host, &minio.Options{
		Creds:        credentials.NewStaticV4(creds.AccessKey, creds.SecretKey, ""),
		Secure:       u.Scheme == "https",
		Region:       creds.Region,
		BucketLookup: minio.BucketLookupPath,
		Transport:    c.baseTransport(),
		MaxRetries:   c.opts.Retry.MaxAttempts,
	})
}

// CreateBucket creates a bucket; one this key's team already owns is no error.
func (c *Client) CreateBucket(ctx context.Context, creds provider.SpacesCredentials, name string) error {
	s3, err := c.s3Client(creds)
	if err != nil {
		return fmt.Errorf("create bucket: %w", err)
	}
	err = s3.MakeBucket(ctx, name, minio.MakeBucketOptions{Region: creds.Region})
	if minio.ToErrorResponse(err).Code == "BucketAlreadyOwnedByYou" {
		return nil
	}
	return translate(ctx, "create bucket", err)
}

// Buckets lists the buckets the key can see.
func (c *Client) Buckets(ctx context.Context, creds provider.SpacesCredentials) ([]domain.Bucket, error) {
	s3, err := c.s3Client(creds)
	if err != nil {
		return nil, fmt.Errorf("list buckets: %w", err)
	}
	infos, err := s3.ListBuckets(ctx)
	if err != nil {
		return nil, translate(ctx, "list buckets", err)
	}
	return convert(infos, func(b minio.BucketInfo) domain.Bucket {
		return domain.Bucket{Name: b.Name, CreatedAt: b.CreationDate}
	}), nil
}

// DeleteBucket deletes an empty bucket.
func (c *Client) DeleteBucket(ctx context.Context, creds provider.SpacesCredentials, name string) error {
	s3, err := c.s3Client(creds)
	if err != nil {
		return fmt.Errorf("delete bucket: %w", err)
	}
	return translate(ctx, "delete bucket", s3.RemoveBucket(ctx, name))
}

// PutObject uploads an object, in parts of Options.SpacesPartSize when it is larger than
// one part or its size is unknown (-1).
func (c *Client) PutObject(ctx context.Context, creds provider.SpacesCredentials, p provider.PutObjectParams) (domain.Object, error) {
	s3, err := c.s3Client(creds)
	if err != nil {
		return domain.Object{}, fmt.Errorf("put object: %w", err)
	}
	info, err := s3.PutObject(ctx, p.Bucket, p.Key, p.Body, p.Size, minio.PutObjectOptions{
		ContentType: p.ContentType, PartSize: c.opts.SpacesPartSize,
	})
	if err != nil {
		return domain.Object{}, translate(ctx, "put object", err)
	}
	return domain.Object{Key: info.Key, Size: info.Size, ETag: info.ETag, ContentType: p.ContentType, LastModified: info.LastModified}, nil
}

// GetObject opens an object for reading; the caller closes it.
func (c *Client) GetObject(ctx context.Context, creds provider.SpacesCredentials, bucket, key string) (io.ReadCloser, domain.Object, error) {
	s3, err := c.s3Client(creds)
	if err != nil {
		return nil, domain.Object{}, fmt.Errorf("get object: %w", err)
	}
	obj, err := s3.GetObject(ctx, bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, domain.Object{}, translate(ctx, "get object", err)
	}
	info, err := obj.Stat()
	if err != nil {
		_ = obj.Close()
		return nil, domain.Object{}, translate(ctx, "get object", err)
	}
	return obj, objectFrom(info), nil
}

// Objects lists the objects of a bucket whose keys start with prefix, at every depth.
func (c *Client) Objects(ctx context.Context, creds provider.SpacesCredentials, bucket, prefix string) ([]domain.Object, error) {
	s3, err := c.s3Client(creds)
	if err != nil {
		return nil, fmt.Errorf("list objects: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the lister when we return early
	out := []domain.Object{}
	for info := range s3.ListObjects(ctx, bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if info.Err != nil {
			return nil, translate(ctx, "list objects", info.Err)
		}
		out = append(out, objectFrom(info))
	}
	return out, nil
}

// DeleteObject deletes an object; deleting a missing key is no error, as in S3.
func (c *Client) DeleteObject(ctx context.Context, creds provider.SpacesCredentials, bucket, key string) error {
	s3, err := c.s3Client(creds)
	if err != nil {
		return fmt.Errorf("delete object: %w", err)
	}
	return translate(ctx, "delete object", s3.RemoveObject(ctx, bucket, key, minio.RemoveObjectOptions{}))
}

func objectFrom(info minio.ObjectInfo) domain.Object {
	return domain.Object{Key: info.Key, Size: info.Size, ETag: info.ETag, ContentType: info.ContentType, LastModified: info.LastModified}
}
