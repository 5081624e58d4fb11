package digitalocean

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"net/http"
	"strings"
	"testing"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/internal/domain"
	"golang.org/x/crypto/ssh"
)

// newPublicKey returns a fresh OpenSSH public key line and its MD5 fingerprint.
func newPublicKey(t *testing.T, comment string) (line, fingerprint string) {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(key))) + " " + comment, ssh.FingerprintLegacyMD5(key)
}

func TestSSHKeys(t *testing.T) {
	t.Parallel()
	sim := startSim(t, dosim.Options{})
	c := newTestClient(t, sim.URL, Options{})
	ctx := context.Background()
	line, fp := newPublicKey(t, "ada@laptop")

	if got, err := Fingerprint(line); err != nil || got != fp {
		t.Errorf("Fingerprint(key) = %q, %v; want %q", got, err, fp)
	}
	created, err := c.CreateSSHKey(ctx, token, "ada", line)
	if err != nil {
		t.Fatalf("CreateSSHKey() = %v", err)
	}
	if created.ID == 0 || created.Fingerprint != fp || created.Name != "ada" {
		t.Errorf("CreateSSHKey() = %+v, want an id, name ada and fingerprint %s", created, fp)
	}
	found, err := c.SSHKeyByFingerprint(ctx, token, fp)
	if err != nil || found.ID != created.ID {
		t.Errorf("SSHKeyByFingerprint(%s) = %+v, %v; want key %d", fp, found, err, created.ID)
	}
	keys, err := c.SSHKeys(ctx, token)
	if err != nil || len(keys) != 2 { // the seeded one and ours
		t.Errorf("SSHKeys() = %d keys, %v; want 2", len(keys), err)
	}
	if _, err := c.SSHKeyByFingerprint(ctx, token, "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff"); domain.ProviderErrorKindOf(err) != domain.ProviderNotFound {
		t.Errorf("SSHKeyByFingerprint(unknown) = %v, want not found", err)
	}
	if _, err := Fingerprint("not a key"); err == nil {
		t.Error("Fingerprint(not a key) = nil error, want invalid")
	}
}

func TestCreateSSHKeyRecoversALostAnswer(t *testing.T) {
	t.Parallel()
	sim := startSim(t, dosim.Options{})
	lost := &fault{match: "POST /v2/account/keys", times: 1, status: http.StatusBadGateway, after: true}
	c := newTestClient(t, inject(t, sim.URL, lost), Options{})
	line, fp := newPublicKey(t, "lost@answer")

	k, err := c.CreateSSHKey(context.Background(), token, "lost", line)
	if err != nil || k.Fingerprint != fp {
		t.Fatalf("CreateSSHKey() after a lost answer = %+v, %v; want the key found by fingerprint", k, err)
	}
	if n := len(c.count.Seen("POST /v2/account/keys")); n != 1 {
		t.Errorf("POST /v2/account/keys sent %d times, want 1", n)
	}
}
