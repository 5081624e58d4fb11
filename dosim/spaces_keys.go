package dosim

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"net/http"
	"slices"
	"strings"
	"time"
)

// spacesKey is a stored Spaces access key.
type spacesKey struct {
	name      string
	accessKey string
	secretKey string
	grants    []spacesGrant
	createdAt time.Time
}

// spacesGrant gives a key a permission on one bucket ("" with fullaccess: every bucket).
type spacesGrant struct {
	Bucket     string `json:"bucket"`
	Permission string `json:"permission"`
}

// spacesKeyJSON is a key as the API lists it; the secret is shown only on creation.
type spacesKeyJSON struct {
	Name      string        `json:"name"`
	AccessKey string        `json:"access_key"`
	SecretKey string        `json:"secret_key,omitempty"`
	Grants    []spacesGrant `json:"grants"`
	CreatedAt string        `json:"created_at"`
}

func (k *spacesKey) json() spacesKeyJSON {
	return spacesKeyJSON{Name: k.name, AccessKey: k.accessKey, Grants: nonNil(k.grants),
		CreatedAt: k.createdAt.UTC().Format(time.RFC3339)}
}

// SpacesKey is a Spaces access key as an S3 fake needs it: who owns it, its secret and
// what it may do.
type SpacesKey struct {
	Name      string
	AccessKey string
	SecretKey string
	TeamUUID  string
	Grants    []SpacesGrant
}

// SpacesGrant gives a key a permission (read, readwrite or fullaccess) on one bucket, or
// on every bucket when Bucket is empty and Permission is fullaccess.
type SpacesGrant struct {
	Bucket     string
	Permission string
}

// SpacesKey returns the Spaces access key with the given id, for an S3 fake to verify
// signatures and grants. Deleted keys are not found.
func (s *Server) SpacesKey(accessKey string) (SpacesKey, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, tid := range s.st.teamOrder {
		for _, k := range s.st.teams[tid].spacesKeys {
			if k.accessKey == accessKey {
				return k.export(tid), true
			}
		}
	}
	return SpacesKey{}, false
}

// export copies a stored key into the exported shape.
func (k *spacesKey) export(teamUUID string) SpacesKey {
	out := SpacesKey{Name: k.name, AccessKey: k.accessKey, SecretKey: k.secretKey, TeamUUID: teamUUID}
	for _, g := range k.grants {
		out.Grants = append(out.Grants, SpacesGrant(g))
	}
	return out
}

// SpacesKeySecret returns the secret of a Spaces access key, for an S3 fake to verify signatures.
func (s *Server) SpacesKeySecret(accessKey string) (string, bool) {
	k, ok := s.SpacesKey(accessKey)
	return k.SecretKey, ok
}

// spacesKeyOf returns the caller's key named in the path.
func (ts *teamState) spacesKeyOf(r *http.Request) (*spacesKey, bool) {
	ak := r.PathValue("access_key")
	i := slices.IndexFunc(ts.spacesKeys, func(k *spacesKey) bool { return k.accessKey == ak })
	if i < 0 {
		return nil, false
	}
	return ts.spacesKeys[i], true
}

// getSpacesKey answers GET /v2/spaces/keys/{access_key}: the key without its secret.
func (s *Server) getSpacesKey(w http.ResponseWriter, r *http.Request, c caller) {
	s.mu.Lock()
	k, ok := s.st.teams[c.team.UUID].spacesKeyOf(r)
	var out spacesKeyJSON
	if ok {
		out = k.json()
	}
	s.mu.Unlock()
	if !ok {
		notFound(w, r)
		return
	}
	writeJSON(w, http.StatusOK, map[string]spacesKeyJSON{"key": out})
}

// deleteSpacesKey answers DELETE /v2/spaces/keys/{access_key}: 204, or 404. The key stops
// working at once.
func (s *Server) deleteSpacesKey(w http.ResponseWriter, r *http.Request, c caller) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ts := s.st.teams[c.team.UUID]
	k, ok := ts.spacesKeyOf(r)
	if !ok {
		notFound(w, r)
		return
	}
	ts.spacesKeys = slices.DeleteFunc(ts.spacesKeys, func(x *spacesKey) bool { return x == k })
	w.WriteHeader(http.StatusNoContent)
}

// listSpacesKeys answers GET /v2/spaces/keys, filtered by name, bucket and permission and
// sorted by created_at (default, newest first) or name.
func (s *Server) listSpacesKeys(w http.ResponseWriter, r *http.Request, c caller) {
	q := r.URL.Query()
	s.mu.Lock()
	var keys []*spacesKey
	for _, k := range s.st.teams[c.team.UUID].spacesKeys {
		if k.matches(q.Get("name"), q.Get("bucket"), q.Get("permission")) {
			keys = append(keys, k)
		}
	}
	sortSpacesKeys(keys, q.Get("sort"), q.Get("sort_direction"))
	all := make([]spacesKeyJSON, len(keys))
	for i, k := range keys {
		all[i] = k.json()
	}
	s.mu.Unlock()
	items, env := paginate(s, r, all)
	writeJSON(w, http.StatusOK, struct {
		Keys []spacesKeyJSON `json:"keys"`
		listEnvelope
	}{items, env})
}

// matches reports whether the key passes the list filters; empty filters match everything.
func (k *spacesKey) matches(name, bucket, permission string) bool {
	if name != "" && !strings.Contains(k.name, name) {
		return false
	}
	if bucket == "" && permission == "" {
		return true
	}
	return slices.ContainsFunc(k.grants, func(g spacesGrant) bool {
		return (bucket == "" || g.Bucket == bucket) && (permission == "" || g.Permission == permission)
	})
}

// sortSpacesKeys orders keys by created_at or name, descending unless direction is asc.
func sortSpacesKeys(keys []*spacesKey, by, direction string) {
	slices.SortStableFunc(keys, func(a, b *spacesKey) int {
		c := a.createdAt.Compare(b.createdAt)
		if by == "name" {
			c = strings.Compare(a.name, b.name)
		}
		if direction != "asc" {
			c = -c
		}
		return c
	})
}

// createSpacesKeyRequest is the body of POST /v2/spaces/keys.
type createSpacesKeyRequest struct {
	Name   string        `json:"name"`
	Grants []spacesGrant `json:"grants"`
}

// createSpacesKey answers POST /v2/spaces/keys: 201 with the key and, this once, its secret.
func (s *Server) createSpacesKey(w http.ResponseWriter, r *http.Request, c caller) {
	var req createSpacesKeyRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if msg := checkSpacesKey(req); msg != "" {
		badRequest(w, r, msg)
		return
	}
	k := &spacesKey{name: req.Name, accessKey: newAccessKey(), secretKey: newSecretKey(),
		grants: slices.Clone(req.Grants), createdAt: s.now().UTC().Truncate(time.Second)}
	s.mu.Lock()
	ts := s.st.teams[c.team.UUID]
	ts.spacesKeys = append(ts.spacesKeys, k)
	s.mu.Unlock()
	out := k.json()
	out.SecretKey = k.secretKey
	writeJSON(w, http.StatusCreated, map[string]spacesKeyJSON{"key": out})
}

// checkSpacesKey returns why a key cannot be created, or "".
func checkSpacesKey(req createSpacesKeyRequest) string {
	if strings.TrimSpace(req.Name) == "" {
		return "name is required."
	}
	full := 0
	for _, g := range req.Grants {
		switch {
		case g.Permission == "fullaccess":
			full++
			if g.Bucket != "" {
				return "fullaccess permission must have an empty bucket."
			}
		case g.Permission != "read" && g.Permission != "readwrite":
			return "permission must be one of read, readwrite or fullaccess."
		case g.Bucket == "":
			return "bucket is required for read and readwrite permissions."
		}
	}
	if full > 0 && full < len(req.Grants) {
		return "cannot mix fullaccess permission with scoped permissions."
	}
	return ""
}

// newAccessKey returns a 20-character access key id like DigitalOcean's.
func newAccessKey() string {
	b := make([]byte, 15)
	_, _ = rand.Read(b)
	return "DO" + base32.StdEncoding.EncodeToString(b)[:18]
}

// newSecretKey returns a 43-character secret.
func newSecretKey() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawStdEncoding.EncodeToString(b)
}
