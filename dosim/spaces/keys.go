package spaces

// Permissions a Grant can give, as DigitalOcean names them.
const (
	PermissionRead       = "read"       // list a bucket, get and head its objects
	PermissionReadWrite  = "readwrite"  // read, and put, post and delete objects
	PermissionFullAccess = "fullaccess" // everything, on every bucket of the team when Bucket is ""
)

// Key is a Spaces access key: its secret, the team whose buckets it reaches, and its grants.
type Key struct {
	Name      string
	AccessKey string
	SecretKey string
	TeamUUID  string
	Grants    []Grant
}

// Grant gives a key a permission on one bucket; Bucket "" with fullaccess means every bucket.
type Grant struct {
	Bucket     string
	Permission string
}

// Keys finds the Spaces key with an access key id. The simulator's key store implements it.
type Keys interface {
	SpacesKey(accessKey string) (Key, bool)
}

// KeysFunc adapts a function to Keys.
type KeysFunc func(accessKey string) (Key, bool)

// SpacesKey calls f.
func (f KeysFunc) SpacesKey(accessKey string) (Key, bool) { return f(accessKey) }

// access is what a request needs from a key's grants.
type access int

const (
	accessRead  access = iota + 1 // get, head and list
	accessWrite                   // put, post and delete objects
	accessAdmin                   // list, create and delete buckets, and configure them
)

// allows reports whether one of the key's grants gives it need on bucket ("" for the team itself).
func (k Key) allows(bucket string, need access) bool {
	for _, g := range k.Grants {
		if g.Bucket != "" && g.Bucket != bucket {
			continue
		}
		switch {
		case g.Permission == PermissionFullAccess:
			return true
		case g.Bucket == "":
			// read and readwrite grants always name their bucket.
		case g.Permission == PermissionReadWrite && need <= accessWrite,
			g.Permission == PermissionRead && need == accessRead:
			return true
		}
	}
	return false
}
