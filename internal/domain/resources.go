package domain

import "time"

// Region is a datacenter region a provider offers.
type Region struct {
	Slug      string // nyc3
	Name      string // New York 3
	Features  []string
	Available bool
	Sizes     []string // size slugs offered here
}

// Size is a Droplet plan.
type Size struct {
	Slug         string
	Description  string
	MemoryMB     int
	VCPUs        int
	DiskGB       int
	TransferTB   float64
	PriceMonthly float64 // US dollars
	PriceHourly  float64 // US dollars
	Regions      []string
	Available    bool
}

// Image is an operating system image a Droplet can boot.
type Image struct {
	ID           int
	Slug         string
	Name         string
	Distribution string
	MinDiskGB    int
	Regions      []string
}

// SSHKey is a public key stored on the provider account.
type SSHKey struct {
	ID          int
	Name        string
	Fingerprint string
	PublicKey   string
}

// Droplet is a virtual machine.
type Droplet struct {
	ID          int
	Name        string
	Status      string // new, active, off or archive
	Region      string
	Size        string
	Image       string
	VCPUs       int
	MemoryMB    int
	DiskGB      int
	PublicIPv4  string // empty until assigned
	PrivateIPv4 string
	Tags        []string
	CreatedAt   time.Time
}

// Action is a provider's record of an asynchronous operation, such as creating a Droplet.
type Action struct {
	ID           int
	Type         string // create, destroy, power_on, ...
	Status       string // in-progress, completed or errored
	ResourceID   int
	ResourceType string
	Region       string
	StartedAt    time.Time
	CompletedAt  *time.Time // nil while in progress
}

// Action statuses.
const (
	ActionInProgress = "in-progress"
	ActionCompleted  = "completed"
	ActionErrored    = "errored"
)

// Domain is a DNS zone hosted by the provider.
type Domain struct {
	Name     string
	TTL      int
	ZoneFile string
}

// DomainRecord is one record of a DNS zone. Name is relative to the zone ("@" is the apex).
type DomainRecord struct {
	ID       int
	Type     string // A, AAAA, CNAME, MX, TXT, NS, SRV, CAA, SOA
	Name     string
	Data     string
	TTL      int
	Priority int    // MX and SRV
	Port     int    // SRV
	Weight   int    // SRV
	Flags    int    // CAA
	Tag      string // CAA: issue, issuewild or iodef
}

// SpacesKey is an access key pair for Spaces. SecretKey is only known when the key is created.
type SpacesKey struct {
	Name      string
	AccessKey string
	SecretKey string
	Grants    []SpacesGrant
	CreatedAt time.Time
}

// SpacesGrant gives a Spaces key a permission on one bucket (Bucket "" with fullaccess: all).
type SpacesGrant struct {
	Bucket     string
	Permission string // read, readwrite or fullaccess
}

// Spaces key permissions.
const (
	SpacesRead       = "read"
	SpacesReadWrite  = "readwrite"
	SpacesFullAccess = "fullaccess"
)

// Bucket is a Spaces bucket.
type Bucket struct {
	Name      string
	CreatedAt time.Time
}

// Object is an object in a Spaces bucket.
type Object struct {
	Key          string
	Size         int64
	ETag         string
	ContentType  string
	LastModified time.Time
}

// Balance is what an account owes. Amounts are decimal strings in US dollars, as the provider
// reports them, so that no precision is lost.
type Balance struct {
	MonthToDateBalance string
	AccountBalance     string
	MonthToDateUsage   string
	GeneratedAt        time.Time
}

// BillingEntry is one line of an account's billing history.
type BillingEntry struct {
	Date        time.Time
	Type        string // Invoice, Payment, Credit, ...
	Description string
	Amount      string // decimal string in US dollars
	InvoiceID   string
	InvoiceUUID string
}

// MetricSeries is one time series of a metric, with the labels that identify it.
type MetricSeries struct {
	Labels map[string]string // e.g. mode=idle for CPU
	Points []MetricPoint
}

// MetricPoint is one sample of a series.
type MetricPoint struct {
	Time  time.Time
	Value float64
}

// ResourceKind names a kind of resource an inventory lists.
type ResourceKind string

// Resource kinds, in display order.
const (
	KindDroplet      ResourceKind = "droplet"
	KindVolume       ResourceKind = "volume"
	KindDatabase     ResourceKind = "database"
	KindKubernetes   ResourceKind = "kubernetes_cluster"
	KindLoadBalancer ResourceKind = "load_balancer"
	KindReservedIP   ResourceKind = "reserved_ip"
	KindSnapshot     ResourceKind = "snapshot"
	KindApp          ResourceKind = "app"
)

// AllResourceKinds lists every inventory kind in display order.
var AllResourceKinds = []ResourceKind{
	KindDroplet, KindVolume, KindDatabase, KindKubernetes,
	KindLoadBalancer, KindReservedIP, KindSnapshot, KindApp,
}

// InventoryItem is one resource of any kind, reduced to what an inventory shows.
type InventoryItem struct {
	Kind      ResourceKind
	ID        string
	Name      string
	Region    string // empty for resources without one
	Status    string // empty when the provider reports none
	Size      string // a size slug, a capacity, or empty
	Tags      []string
	CreatedAt time.Time // zero when the provider reports none
}
