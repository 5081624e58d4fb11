package dosim_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/berth-dev/berth/dosim"
)

type sshKeyBody struct {
	ID          int    `json:"id"`
	Fingerprint string `json:"fingerprint"`
	PublicKey   string `json:"public_key"`
	Name        string `json:"name"`
}

// newPublicKey returns an OpenSSH public key line and its MD5 fingerprint, as ssh-keygen
// -E md5 computes it.
func newPublicKey(t *testing.T, kind string) (line, fingerprint string) {
	t.Helper()
	var pub any
	switch kind {
	case "ed25519":
		p, _, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		pub = p
	case "ecdsa":
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		pub = &k.PublicKey
	}
	sp, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sp))) + " robin@example", ssh.FingerprintLegacyMD5(sp)
}

func TestSSHKeyLifecycle(t *testing.T) {
	t.Parallel()
	sim, _, token := emptyTeam(t)
	for _, kind := range []string{"ed25519", "ecdsa"} {
		line, fp := newPublicKey(t, kind)
		res := call(t, sim.URL, token, http.MethodPost, "/v2/account/keys", map[string]string{"name": "laptop " + kind, "public_key": line})
		var created struct {
			SSHKey sshKeyBody `json:"ssh_key"`
		}
		res.decode(t, &created)
		if res.status != http.StatusCreated || created.SSHKey.Fingerprint != fp || created.SSHKey.PublicKey != line || created.SSHKey.ID == 0 {
			t.Fatalf("POST /v2/account/keys (%s) = %d %s, want 201 with fingerprint %s", kind, res.status, res.body, fp)
		}
		for _, ident := range []string{strconv.Itoa(created.SSHKey.ID), fp} {
			var got struct {
				SSHKey sshKeyBody `json:"ssh_key"`
			}
			res := call(t, sim.URL, token, http.MethodGet, "/v2/account/keys/"+ident, nil)
			res.decode(t, &got)
			if res.status != http.StatusOK || got.SSHKey != created.SSHKey {
				t.Errorf("GET /v2/account/keys/%s = %d %s, want the created key", ident, res.status, res.body)
			}
		}
	}
	var list struct {
		SSHKeys []sshKeyBody `json:"ssh_keys"`
		Meta    struct{ Total int }
	}
	call(t, sim.URL, token, http.MethodGet, "/v2/account/keys", nil).decode(t, &list)
	if list.Meta.Total != 2 || len(list.SSHKeys) != 2 {
		t.Fatalf("GET /v2/account/keys = %+v, want both keys", list)
	}
	first := list.SSHKeys[0]
	if res := call(t, sim.URL, token, http.MethodDelete, "/v2/account/keys/"+first.Fingerprint, nil); res.status != http.StatusNoContent {
		t.Errorf("DELETE by fingerprint = %d %s, want 204", res.status, res.body)
	}
	if res := call(t, sim.URL, token, http.MethodDelete, "/v2/account/keys/"+strconv.Itoa(list.SSHKeys[1].ID), nil); res.status != http.StatusNoContent {
		t.Errorf("DELETE by id = %d %s, want 204", res.status, res.body)
	}
	for _, ident := range []string{first.Fingerprint, strconv.Itoa(list.SSHKeys[1].ID)} {
		wantError(t, "GET deleted key "+ident, call(t, sim.URL, token, http.MethodGet, "/v2/account/keys/"+ident, nil),
			http.StatusNotFound, "not_found", "")
		wantError(t, "DELETE deleted key "+ident, call(t, sim.URL, token, http.MethodDelete, "/v2/account/keys/"+ident, nil),
			http.StatusNotFound, "not_found", "")
	}
}

func TestCreateSSHKeyRejects(t *testing.T) {
	t.Parallel()
	sim, _ := startLenient(t)
	valid, _ := newPublicKey(t, "ed25519")
	blob := func(parts ...string) string {
		var b []byte
		for _, p := range parts {
			b = append(b, byte(len(p)>>24), byte(len(p)>>16), byte(len(p)>>8), byte(len(p)))
			b = append(b, p...)
		}
		return base64.StdEncoding.EncodeToString(b)
	}
	tests := []struct {
		name        string
		body        any
		wantMessage string
		wantInvalid bool // the description itself does not allow the request
	}{
		{"one field", map[string]string{"name": "k", "public_key": "AAAAC3NzaC1lZDI1NTE5"}, "Key invalid, key should be of the format `type key [comment]`", false},
		{"PuTTY format", map[string]string{"name": "k", "public_key": "---- BEGIN SSH2 PUBLIC KEY ----\nAAAAB3N\n---- END SSH2 PUBLIC KEY ----"}, "Key invalid type, we support 'ssh-rsa', 'ssh-dss', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', or 'ssh-ed25519'", false},
		{"not base64", map[string]string{"name": "k", "public_key": "ssh-ed25519 !!!notbase64 c"}, "Fingerprint could not be generated, please make sure your key is valid", false},
		{"type mismatch", map[string]string{"name": "k", "public_key": "ssh-rsa " + blob("ssh-ed25519", strings.Repeat("k", 32))}, "Fingerprint could not be generated, please make sure your key is valid", false},
		{"short ed25519", map[string]string{"name": "k", "public_key": "ssh-ed25519 " + blob("ssh-ed25519", "short")}, "Fingerprint could not be generated, please make sure your key is valid", false},
		{"blank name", map[string]string{"name": " ", "public_key": valid}, "Name can't be blank", false},
		{"already on the account", map[string]string{"name": "again", "public_key": dosimSeedKey(t, sim.URL)}, "SSH Key is already in use on your account", false},
		{"missing public_key", map[string]string{"name": "k"}, "", true},
		{"public_key not a string", map[string]any{"name": "k", "public_key": 42}, "public_key has the wrong type: want a string, got number", true},
		{"name null", map[string]any{"name": nil, "public_key": valid}, "name must not be null", true},
	}
	for _, tt := range tests {
		before := len(sim.InvalidRequests())
		res := call(t, sim.URL, dosim.SeedToken, http.MethodPost, "/v2/account/keys", tt.body)
		wantError(t, tt.name, res, http.StatusUnprocessableEntity, "unprocessable_entity", tt.wantMessage)
		if got := len(sim.InvalidRequests()) > before; got != tt.wantInvalid {
			t.Errorf("%s: the harness found the request invalid = %v, want %v", tt.name, got, tt.wantInvalid)
		}
	}
}

// dosimSeedKey returns the public key of the seed team's SSH key.
func dosimSeedKey(t *testing.T, base string) string {
	t.Helper()
	var list struct {
		SSHKeys []sshKeyBody `json:"ssh_keys"`
	}
	call(t, base, dosim.SeedToken, http.MethodGet, "/v2/account/keys", nil).decode(t, &list)
	if len(list.SSHKeys) == 0 {
		t.Fatal("the seed team has no SSH key")
	}
	return list.SSHKeys[0].PublicKey
}

func TestSSHKeysAreTeamScoped(t *testing.T) {
	t.Parallel()
	sim, _ := start(t)
	var sammy struct {
		SSHKeys []sshKeyBody `json:"ssh_keys"`
	}
	call(t, sim.URL, dosim.SeedToken, http.MethodGet, "/v2/account/keys", nil).decode(t, &sammy)
	if len(sammy.SSHKeys) != 1 {
		t.Fatalf("seed team keys = %+v, want one", sammy.SSHKeys)
	}
	acme := acmeToken(t, sim, "keys", "read", "write")
	k := sammy.SSHKeys[0]
	for _, ident := range []string{strconv.Itoa(k.ID), k.Fingerprint} {
		wantError(t, "GET another team's key", call(t, sim.URL, acme, http.MethodGet, "/v2/account/keys/"+ident, nil), http.StatusNotFound, "not_found", "")
		wantError(t, "DELETE another team's key", call(t, sim.URL, acme, http.MethodDelete, "/v2/account/keys/"+ident, nil), http.StatusNotFound, "not_found", "")
	}
	reader := acmeToken(t, sim, "keys-reader", "read")
	line, _ := newPublicKey(t, "ed25519")
	wantError(t, "POST /v2/account/keys with a read token",
		call(t, sim.URL, reader, http.MethodPost, "/v2/account/keys", map[string]string{"name": "k", "public_key": line}),
		http.StatusForbidden, "forbidden", "")
}

func TestAddSSHKey(t *testing.T) {
	t.Parallel()
	sim, _, _ := emptyTeam(t)
	line, fp := newPublicKey(t, "ed25519")
	id, gotFP, err := sim.AddSSHKey(emptyTeamUUID, "deploy", line)
	if err != nil || id == 0 || gotFP != fp {
		t.Fatalf("AddSSHKey = %d, %q, %v; want an id and %s", id, gotFP, err, fp)
	}
	if _, _, err := sim.AddSSHKey(emptyTeamUUID, "deploy", line); err == nil {
		t.Errorf("AddSSHKey of the same key twice = nil error, want one")
	}
	if _, _, err := sim.AddSSHKey("no-team", "deploy", line); err == nil {
		t.Errorf("AddSSHKey to an unknown team = nil error, want one")
	}
}
