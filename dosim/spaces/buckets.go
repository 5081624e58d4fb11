package spaces

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// registry records which team owns each bucket; bucket names are global, as on Spaces.
type registry struct {
	mu      sync.Mutex
	buckets map[string]bucketInfo
}

type bucketInfo struct {
	team    string
	created time.Time
}

// usableBy reports whether team may use bucket: it is the team's, or it does not exist
// (and the backend answers NoSuchBucket).
func (g *registry) usableBy(bucket, team string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	b, ok := g.buckets[bucket]
	return !ok || b.team == team
}

// validBucketName applies S3's DNS rules as Spaces advises: 3-63 lowercase letters, digits and
// hyphens, starting and ending with a letter or digit; no dots.
func validBucketName(name string) bool {
	if len(name) < 3 || len(name) > 63 || name[0] == '-' || name[len(name)-1] == '-' {
		return false
	}
	for _, c := range []byte(name) {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// createBucketConfiguration is the optional body of PUT /bucket.
type createBucketConfiguration struct {
	LocationConstraint string `xml:"LocationConstraint"`
}

// createBucket answers PUT /bucket: the name must be valid and free, the team under its limit,
// and any location constraint this region.
func (s *Server) createBucket(w http.ResponseWriter, r *http.Request, key Key, name string) *apiError {
	if !validBucketName(name) {
		return errBucketName
	}
	if err := s.checkLocation(r.Body); err != nil {
		return err
	}
	s.buckets.mu.Lock()
	defer s.buckets.mu.Unlock()
	if b, ok := s.buckets.buckets[name]; ok {
		if b.team == key.TeamUUID {
			return errBucketOwned
		}
		return errBucketTaken
	}
	if s.bucketCount(key.TeamUUID) >= s.maxBuckets {
		return errTooManyBuckets
	}
	if err := s.backend.CreateBucket(name); err != nil {
		return asAPIError(err)
	}
	s.buckets.buckets[name] = bucketInfo{team: key.TeamUUID, created: s.now().UTC()}
	w.Header().Set("Location", "/"+name)
	w.WriteHeader(http.StatusOK)
	return nil
}

// checkLocation reads the CreateBucketConfiguration, if any: its region must be this one.
func (s *Server) checkLocation(body io.Reader) *apiError {
	b, err := io.ReadAll(io.LimitReader(body, 64<<10))
	if err != nil {
		return asAPIError(err)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	var cfg createBucketConfiguration
	if xml.Unmarshal(b, &cfg) != nil {
		return errMalformedXML
	}
	if c := cfg.LocationConstraint; c != "" && c != s.region && c != "us-east-1" {
		return errLocation
	}
	return nil
}

// bucketCount is the number of buckets team owns; buckets.mu must be held.
func (s *Server) bucketCount(team string) int {
	n := 0
	for _, b := range s.buckets.buckets {
		if b.team == team {
			n++
		}
	}
	return n
}

// deleteBucket answers DELETE /bucket; the backend refuses a bucket that still holds objects.
func (s *Server) deleteBucket(w http.ResponseWriter, name string) *apiError {
	s.buckets.mu.Lock()
	defer s.buckets.mu.Unlock()
	if _, ok := s.buckets.buckets[name]; !ok {
		return errNoSuchBucket
	}
	if err := s.backend.DeleteBucket(name); err != nil {
		return asAPIError(err)
	}
	delete(s.buckets.buckets, name)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// listAllMyBuckets is the answer to GET /.
type listAllMyBuckets struct {
	XMLName   xml.Name      `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListAllMyBucketsResult"`
	OwnerID   string        `xml:"Owner>ID"`
	OwnerName string        `xml:"Owner>DisplayName"`
	Buckets   []bucketEntry `xml:"Buckets>Bucket"`
}

type bucketEntry struct {
	Name         string `xml:"Name"`
	CreationDate string `xml:"CreationDate"`
}

// listBuckets answers GET / with the team's buckets, sorted by name.
func (s *Server) listBuckets(w http.ResponseWriter, key Key) {
	out := listAllMyBuckets{OwnerID: key.TeamUUID, OwnerName: key.TeamUUID, Buckets: []bucketEntry{}}
	s.buckets.mu.Lock()
	for name, b := range s.buckets.buckets {
		if b.team == key.TeamUUID {
			out.Buckets = append(out.Buckets, bucketEntry{Name: name,
				CreationDate: b.created.Format("2006-01-02T15:04:05.000Z")})
		}
	}
	s.buckets.mu.Unlock()
	slices.SortFunc(out.Buckets, func(a, b bucketEntry) int { return strings.Compare(a.Name, b.Name) })
	w.Header().Set("Content-Type", "application/xml")
	writeXML(w, out)
}

// locationConstraint is the answer to GET /bucket?location.
type locationConstraint struct {
	XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ LocationConstraint"`
	Region  string   `xml:",chardata"`
}

// location answers GET /bucket?location with this server's region, so clients sign with it.
func (s *Server) location(w http.ResponseWriter, name string) *apiError {
	s.buckets.mu.Lock()
	_, ok := s.buckets.buckets[name]
	s.buckets.mu.Unlock()
	if !ok {
		return errNoSuchBucket
	}
	w.Header().Set("Content-Type", "application/xml")
	writeXML(w, locationConstraint{Region: s.region})
	return nil
}
