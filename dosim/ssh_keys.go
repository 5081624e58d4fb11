package dosim

import (
	"crypto/ed25519"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// SSH key messages, as DigitalOcean answers them.
const (
	msgKeyFormat      = "Key invalid, key should be of the format `type key [comment]`"
	msgKeyType        = "Key invalid type, we support 'ssh-rsa', 'ssh-dss', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', or 'ssh-ed25519'"
	msgKeyFingerprint = "Fingerprint could not be generated, please make sure your key is valid"
	msgKeyInUse       = "SSH Key is already in use on your account"
)

// sshKeyFields is how many SSH wire-format strings follow the type name in each key type.
var sshKeyFields = map[string]int{
	"ssh-rsa": 2, "ssh-dss": 4, "ssh-ed25519": 1,
	"ecdsa-sha2-nistp256": 2, "ecdsa-sha2-nistp384": 2, "ecdsa-sha2-nistp521": 2,
}

// sshKey is a stored public key.
type sshKey struct {
	id          int
	name        string
	publicKey   string
	fingerprint string
}

// sshKeyJSON is a key as the API shows it.
type sshKeyJSON struct {
	ID          int    `json:"id"`
	Fingerprint string `json:"fingerprint"`
	PublicKey   string `json:"public_key"`
	Name        string `json:"name"`
}

func (k *sshKey) json() sshKeyJSON {
	return sshKeyJSON{ID: k.id, Fingerprint: k.fingerprint, PublicKey: k.publicKey, Name: k.name}
}

// AddSSHKey adds a public key to a team and returns its id and fingerprint.
func (s *Server) AddSSHKey(teamUUID, name, publicKey string) (id int, fingerprint string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ts, err := s.st.team(teamUUID)
	if err != nil {
		return 0, "", fmt.Errorf("add ssh key: %w", err)
	}
	k, msg := s.st.addSSHKey(ts, name, publicKey)
	if msg != "" {
		return 0, "", fmt.Errorf("add ssh key %q: %s", name, msg)
	}
	return k.id, k.fingerprint, nil
}

// addSSHKey validates and stores a key, or returns why it cannot.
func (st *state) addSSHKey(ts *teamState, name, publicKey string) (*sshKey, string) {
	publicKey = strings.TrimSpace(publicKey)
	if strings.TrimSpace(name) == "" {
		return nil, "Name can't be blank"
	}
	fp, msg := fingerprintOf(publicKey)
	if msg != "" {
		return nil, msg
	}
	if slices.ContainsFunc(ts.sshKeys, func(k *sshKey) bool { return k.fingerprint == fp }) {
		return nil, msgKeyInUse
	}
	k := &sshKey{id: st.nextSSHKey, name: name, publicKey: publicKey, fingerprint: fp}
	st.nextSSHKey++
	ts.sshKeys = append(ts.sshKeys, k)
	return k, ""
}

// fingerprintOf checks an OpenSSH public key line ("type base64 [comment]") and returns
// its MD5 fingerprint in colon-separated hex, or DigitalOcean's message.
func fingerprintOf(line string) (string, string) {
	fields := strings.Fields(line)
	if len(fields) < 2 {
		return "", msgKeyFormat
	}
	want, ok := sshKeyFields[fields[0]]
	if !ok {
		return "", msgKeyType
	}
	blob, err := base64.StdEncoding.DecodeString(fields[1])
	if err != nil {
		return "", msgKeyFingerprint
	}
	parts, ok := sshStrings(blob)
	if !ok || len(parts) != want+1 || string(parts[0]) != fields[0] {
		return "", msgKeyFingerprint
	}
	if fields[0] == "ssh-ed25519" && len(parts[1]) != ed25519.PublicKeySize {
		return "", msgKeyFingerprint
	}
	sum := md5.Sum(blob)
	hexes := make([]string, len(sum))
	for i, b := range sum {
		hexes[i] = fmt.Sprintf("%02x", b)
	}
	return strings.Join(hexes, ":"), ""
}

// sshStrings splits an SSH wire-format blob into its length-prefixed strings.
func sshStrings(b []byte) ([][]byte, bool) {
	var out [][]byte
	for len(b) > 0 {
		if len(b) < 4 {
			return nil, false
		}
		n := binary.BigEndian.Uint32(b)
		if uint64(n) > uint64(len(b)-4) {
			return nil, false
		}
		out = append(out, b[4:4+n])
		b = b[4+n:]
	}
	return out, true
}

// ed25519PublicKey returns a valid OpenSSH ed25519 public key line derived from seed.
func ed25519PublicKey(seed, comment string) string {
	sum := sha256.Sum256([]byte("dosim-ssh:" + seed))
	pub := ed25519.NewKeyFromSeed(sum[:]).Public().(ed25519.PublicKey)
	var blob []byte
	for _, part := range [][]byte{[]byte("ssh-ed25519"), pub} {
		blob = binary.BigEndian.AppendUint32(blob, uint32(len(part)))
		blob = append(blob, part...)
	}
	return "ssh-ed25519 " + base64.StdEncoding.EncodeToString(blob) + " " + comment
}

// findSSHKey returns the team's key with the given id or fingerprint.
func (ts *teamState) findSSHKey(ident string) (*sshKey, bool) {
	id, err := strconv.Atoi(ident)
	i := slices.IndexFunc(ts.sshKeys, func(k *sshKey) bool {
		return (err == nil && k.id == id) || (err != nil && k.fingerprint == ident)
	})
	if i < 0 {
		return nil, false
	}
	return ts.sshKeys[i], true
}

// resolveSSHKeys turns the ssh_keys of a create request into key ids, or DigitalOcean's
// message naming the identifiers it does not know.
func (ts *teamState) resolveSSHKeys(refs []stringOrInt) ([]int, string) {
	var ids []int
	var bad []stringOrInt
	for _, ref := range refs {
		if k, ok := ts.findSSHKey(ref.String()); ok {
			ids = append(ids, k.id)
		} else {
			bad = append(bad, ref)
		}
	}
	if len(bad) > 0 {
		return nil, describeKeys(bad) + " are invalid key identifiers for Droplet creation."
	}
	return ids, ""
}

// listSSHKeys answers GET /v2/account/keys.
func (s *Server) listSSHKeys(w http.ResponseWriter, r *http.Request, c caller) {
	s.mu.Lock()
	all := make([]sshKeyJSON, 0, len(s.st.teams[c.team.UUID].sshKeys))
	for _, k := range s.st.teams[c.team.UUID].sshKeys {
		all = append(all, k.json())
	}
	s.mu.Unlock()
	items, env := paginate(s, r, all)
	writeJSON(w, http.StatusOK, struct {
		SSHKeys []sshKeyJSON `json:"ssh_keys"`
		listEnvelope
	}{items, env})
}

// createSSHKeyRequest is the body of POST /v2/account/keys.
type createSSHKeyRequest struct {
	Name      string `json:"name"`
	PublicKey string `json:"public_key"`
}

// createSSHKey answers POST /v2/account/keys: 201 with the key, or 422.
func (s *Server) createSSHKey(w http.ResponseWriter, r *http.Request, c caller) {
	var req createSSHKeyRequest
	if !decodeBody(w, r, &req) {
		return
	}
	s.mu.Lock()
	k, msg := s.st.addSSHKey(s.st.teams[c.team.UUID], req.Name, req.PublicKey)
	s.mu.Unlock()
	if msg != "" {
		unprocessable(w, r, msg)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]sshKeyJSON{"ssh_key": k.json()})
}

// getSSHKey answers GET /v2/account/keys/{id or fingerprint}.
func (s *Server) getSSHKey(w http.ResponseWriter, r *http.Request, c caller) {
	s.mu.Lock()
	k, ok := s.st.teams[c.team.UUID].findSSHKey(r.PathValue("ssh_key_identifier"))
	s.mu.Unlock()
	if !ok {
		notFound(w, r)
		return
	}
	writeJSON(w, http.StatusOK, map[string]sshKeyJSON{"ssh_key": k.json()})
}

// deleteSSHKey answers DELETE /v2/account/keys/{id or fingerprint}: 204, or 404.
func (s *Server) deleteSSHKey(w http.ResponseWriter, r *http.Request, c caller) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ts := s.st.teams[c.team.UUID]
	k, ok := ts.findSSHKey(r.PathValue("ssh_key_identifier"))
	if !ok {
		notFound(w, r)
		return
	}
	ts.sshKeys = slices.DeleteFunc(ts.sshKeys, func(x *sshKey) bool { return x == k })
	w.WriteHeader(http.StatusNoContent)
}
