package provider

import (
	"context"
	"io"
	"time"

	"github.com/berth-dev/berth/internal/domain"
)

// Conventions of the interfaces below:
//   - every method takes the access token of the account it acts on (as Accounts does); an
//     implementation shares one request allowance per token among all its callers;
//   - lists return every item, however many pages the provider splits them into;
//   - reads may be retried by the implementation; creates are never repeated blindly: the
//     implementation makes sure one call creates at most one thing (or one batch);
//   - errors are, or wrap, *domain.ProviderError.

// Catalog reads what a provider offers.
type Catalog interface {
	Regions(ctx context.Context, accessToken string) ([]domain.Region, error)
	Sizes(ctx context.Context, accessToken string) ([]domain.Size, error)
	DistributionImages(ctx context.Context, accessToken string) ([]domain.Image, error)
}

// SSHKeys manages the public keys stored on an account.
type SSHKeys interface {
	SSHKeys(ctx context.Context, accessToken string) ([]domain.SSHKey, error)
	SSHKeyByFingerprint(ctx context.Context, accessToken, fingerprint string) (domain.SSHKey, error)
	// CreateSSHKey stores a public key ("ssh-ed25519 AAAA... comment").
	CreateSSHKey(ctx context.Context, accessToken, name, publicKey string) (domain.SSHKey, error)
}

// CreateDropletsParams describes one to ten Droplets created by one request.
type CreateDropletsParams struct {
	// RequestID names the request (a job id, say): everything it creates carries the tag
	// RequestTag(RequestID), which is how a retry finds what an unanswered attempt made.
	// Letters, digits, '-' and '_'; required.
	RequestID  string
	Names      []string // one to ten
	Region     string
	Size       string
	Image      string   // slug
	SSHKeys    []string // ids or fingerprints
	Tags       []string
	UserData   string
	IPv6       bool
	Monitoring bool
}

// RequestTag is the tag that marks what the create request requestID made.
func RequestTag(requestID string) string { return "berth-req-" + requestID }

// CreatedDroplets is the outcome of a create: the Droplets (status new) and the actions that
// track their creation (empty when a retry found Droplets an unanswered attempt had made).
type CreatedDroplets struct {
	Droplets  []domain.Droplet
	ActionIDs []int
}

// Droplets manages virtual machines.
type Droplets interface {
	CreateDroplets(ctx context.Context, accessToken string, p CreateDropletsParams) (CreatedDroplets, error)
	Droplet(ctx context.Context, accessToken string, id int) (domain.Droplet, error)
	Droplets(ctx context.Context, accessToken string) ([]domain.Droplet, error)
	DropletsByTag(ctx context.Context, accessToken, tag string) ([]domain.Droplet, error)
	// DeleteDroplet deletes a Droplet; deleting one that a lost earlier attempt deleted is no error.
	DeleteDroplet(ctx context.Context, accessToken string, id int) error
	DeleteDropletsByTag(ctx context.Context, accessToken, tag string) error
}

// Actions reads the progress of asynchronous operations.
type Actions interface {
	Action(ctx context.Context, accessToken string, id int) (domain.Action, error)
}

// RecordFilter narrows a record list; empty fields match everything. Name is the fully
// qualified name (www.example.com), as DigitalOcean's filter expects; it needs Type.
type RecordFilter struct {
	Type string
	Name string
}

// DNS manages zones and their records.
type DNS interface {
	Domains(ctx context.Context, accessToken string) ([]domain.Domain, error)
	Domain(ctx context.Context, accessToken, name string) (domain.Domain, error)
	// CreateDomain adds a zone, with an A record for the apex when ipv4 is not empty.
	CreateDomain(ctx context.Context, accessToken, name, ipv4 string) (domain.Domain, error)
	DomainRecords(ctx context.Context, accessToken, zone string, f RecordFilter) ([]domain.DomainRecord, error)
	CreateDomainRecord(ctx context.Context, accessToken, zone string, r domain.DomainRecord) (domain.DomainRecord, error)
	// UpdateDomainRecord replaces the record r.ID with r.
	UpdateDomainRecord(ctx context.Context, accessToken, zone string, r domain.DomainRecord) (domain.DomainRecord, error)
	DeleteDomainRecord(ctx context.Context, accessToken, zone string, id int) error
}

// SpacesKeys manages the access keys of Spaces (S3-compatible object storage).
type SpacesKeys interface {
	// CreateSpacesKey creates a key; its secret is in the result and never again. Name should
	// be unique per request: a retry of an unanswered create deletes the keys of that exact
	// name (their secrets were lost) before creating again.
	CreateSpacesKey(ctx context.Context, accessToken, name string, grants []domain.SpacesGrant) (domain.SpacesKey, error)
	SpacesKeys(ctx context.Context, accessToken string) ([]domain.SpacesKey, error)
	DeleteSpacesKey(ctx context.Context, accessToken, accessKey string) error
}

// SpacesCredentials reach one Spaces region with one key pair: the per-call value of the
// Buckets and Objects interfaces, which speak S3 rather than the API. Its secret is never logged.
type SpacesCredentials struct {
	Endpoint  string // https://nyc3.digitaloceanspaces.com, or any S3 endpoint URL
	Region    string // nyc3
	AccessKey string
	SecretKey string
}

// Buckets manages Spaces buckets.
type Buckets interface {
	CreateBucket(ctx context.Context, creds SpacesCredentials, name string) error
	Buckets(ctx context.Context, creds SpacesCredentials) ([]domain.Bucket, error)
	DeleteBucket(ctx context.Context, creds SpacesCredentials, name string) error
}

// PutObjectParams describes an upload. A Size of -1 (unknown) or above the part size is
// uploaded in parts.
type PutObjectParams struct {
	Bucket      string
	Key         string
	Body        io.Reader
	Size        int64
	ContentType string
}

// Objects manages the objects in Spaces buckets.
type Objects interface {
	PutObject(ctx context.Context, creds SpacesCredentials, p PutObjectParams) (domain.Object, error)
	// GetObject returns the object's content, which the caller must close.
	GetObject(ctx context.Context, creds SpacesCredentials, bucket, key string) (io.ReadCloser, domain.Object, error)
	Objects(ctx context.Context, creds SpacesCredentials, bucket, prefix string) ([]domain.Object, error)
	DeleteObject(ctx context.Context, creds SpacesCredentials, bucket, key string) error
}

// Billing reads what an account owes and has paid.
type Billing interface {
	Balance(ctx context.Context, accessToken string) (domain.Balance, error)
	BillingHistory(ctx context.Context, accessToken string) ([]domain.BillingEntry, error)
}

// Metrics reads monitoring data.
type Metrics interface {
	// DropletCPU returns one series per CPU mode of the Droplet between start and end.
	DropletCPU(ctx context.Context, accessToken string, dropletID int, start, end time.Time) ([]domain.MetricSeries, error)
}

// Inventory lists what an account runs.
type Inventory interface {
	Resources(ctx context.Context, accessToken string, kind domain.ResourceKind) ([]domain.InventoryItem, error)
	// Inventory lists the resources of every kind, in domain.AllResourceKinds order.
	Inventory(ctx context.Context, accessToken string) ([]domain.InventoryItem, error)
}
