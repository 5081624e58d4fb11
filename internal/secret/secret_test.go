package secret_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/berth-dev/berth/internal/secret"
)

var tokenAAD = secret.AAD{Table: "cloud_accounts", RowID: "acc_1", Field: "access_token"}

func mustKey(t *testing.T, id string) secret.Key {
	t.Helper()
	k, err := secret.GenerateKey(id)
	if err != nil {
		t.Fatalf("GenerateKey(%q) = %v", id, err)
	}
	return k
}

func mustSealer(t *testing.T, keys ...secret.Key) *secret.Sealer {
	t.Helper()
	s, err := secret.NewSealer(keys)
	if err != nil {
		t.Fatalf("NewSealer(%v) = %v", keys, err)
	}
	return s
}

func mustSeal(t *testing.T, s *secret.Sealer, plaintext []byte, aad secret.AAD) []byte {
	t.Helper()
	sealed, err := s.Seal(plaintext, aad)
	if err != nil {
		t.Fatalf("Seal(%q, %+v) = %v", plaintext, aad, err)
	}
	return sealed
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	s := mustSealer(t, mustKey(t, "k1"))
	for _, plaintext := range [][]byte{[]byte("dop_v1_abcdef"), {}, bytes.Repeat([]byte{0, 255}, 1000)} {
		sealed := mustSeal(t, s, plaintext, tokenAAD)
		if len(plaintext) > 4 && bytes.Contains(sealed, plaintext) {
			t.Errorf("Seal(%q) = %x contains the plaintext", plaintext, sealed)
		}
		got, err := s.Open(sealed, tokenAAD)
		if err != nil || !bytes.Equal(got, plaintext) {
			t.Errorf("Open(Seal(%q)) = %q, %v, want %q, nil", plaintext, got, err, plaintext)
		}
	}
}

func TestSealIsRandomized(t *testing.T) {
	t.Parallel()
	s := mustSealer(t, mustKey(t, "k1"))
	a, b := mustSeal(t, s, []byte("same"), tokenAAD), mustSeal(t, s, []byte("same"), tokenAAD)
	if bytes.Equal(a, b) {
		t.Errorf("Seal twice = %x both times, want different nonces", a)
	}
}

func TestFormat(t *testing.T) {
	t.Parallel()
	s := mustSealer(t, mustKey(t, "key-2025"))
	sealed := mustSeal(t, s, []byte("x"), tokenAAD)
	if sealed[0] != 1 || sealed[1] != 8 || string(sealed[2:10]) != "key-2025" {
		t.Errorf("Seal header = %x, want version 1, id length 8, id key-2025", sealed[:10])
	}
	if want := 1 + 1 + 8 + 12 + 1 + 16; len(sealed) != want {
		t.Errorf("len(Seal(1 byte)) = %d, want %d", len(sealed), want)
	}
}

func TestWrongAAD(t *testing.T) {
	t.Parallel()
	s := mustSealer(t, mustKey(t, "k1"))
	sealed := mustSeal(t, s, []byte("token"), tokenAAD)
	for _, aad := range []secret.AAD{
		{Table: "cloud_accounts", RowID: "acc_2", Field: "access_token"},
		{Table: "cloud_accounts", RowID: "acc_1", Field: "refresh_token"},
		{Table: "oauth_states", RowID: "acc_1", Field: "access_token"},
		{Table: "cloud_accounts", RowID: "acc_1access_token", Field: ""},
		{},
	} {
		if got, err := s.Open(sealed, aad); !errors.Is(err, secret.ErrInvalid) {
			t.Errorf("Open(sealed, %+v) = %q, %v, want %v", aad, got, err, secret.ErrInvalid)
		}
	}
}

func TestRotation(t *testing.T) {
	t.Parallel()
	oldKey, newKey := mustKey(t, "old"), mustKey(t, "new")
	sealedOld := mustSeal(t, mustSealer(t, oldKey), []byte("old token"), tokenAAD)

	rotated := mustSealer(t, newKey, oldKey)
	got, err := rotated.Open(sealedOld, tokenAAD)
	if err != nil || string(got) != "old token" {
		t.Errorf("rotated.Open(sealed with old) = %q, %v, want %q, nil", got, err, "old token")
	}
	sealedNew := mustSeal(t, rotated, []byte("new token"), tokenAAD)
	if id := string(sealedNew[2 : 2+sealedNew[1]]); id != "new" {
		t.Errorf("rotated.Seal used key %q, want %q", id, "new")
	}
	if _, err := mustSealer(t, oldKey).Open(sealedNew, tokenAAD); !errors.Is(err, secret.ErrUnknownKey) {
		t.Errorf("old-only Open(sealed with new) = %v, want %v", err, secret.ErrUnknownKey)
	}
	impostor, err := secret.NewKey("old", bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatalf("NewKey = %v", err)
	}
	if _, err := mustSealer(t, impostor).Open(sealedOld, tokenAAD); !errors.Is(err, secret.ErrInvalid) {
		t.Errorf("Open with another key under the same id = %v, want %v", err, secret.ErrInvalid)
	}
}

func TestTamper(t *testing.T) {
	t.Parallel()
	s := mustSealer(t, mustKey(t, "k1"), mustKey(t, "k2"))
	sealed := mustSeal(t, s, []byte("token"), tokenAAD)
	for i := range sealed {
		tampered := bytes.Clone(sealed)
		tampered[i] ^= 0x01
		if got, err := s.Open(tampered, tokenAAD); err == nil {
			t.Errorf("Open(sealed with byte %d flipped) = %q, nil, want an error", i, got)
		}
	}
	for n := range len(sealed) {
		if got, err := s.Open(sealed[:n], tokenAAD); err == nil {
			t.Errorf("Open(sealed[:%d]) = %q, nil, want an error", n, got)
		}
	}
}

func TestParseKeys(t *testing.T) {
	t.Parallel()
	k1, k2 := mustKey(t, "k1"), mustKey(t, "k_2-B")
	keys, err := secret.ParseKeys(" " + k1.Encode() + ",\n" + k2.Encode() + ",\n")
	if err != nil || len(keys) != 2 || keys[0].ID != "k1" || keys[1].ID != "k_2-B" {
		t.Fatalf("ParseKeys(Encode k1, k2) = %v, %v, want [k1 k_2-B]", keys, err)
	}
	s1, s2 := mustSealer(t, k1, k2), mustSealer(t, keys...)
	got, err := s2.Open(mustSeal(t, s1, []byte("token"), tokenAAD), tokenAAD)
	if err != nil || string(got) != "token" {
		t.Errorf("parsed keys Open = %q, %v, want the original keys' plaintext", got, err)
	}

	raw := bytes.Repeat([]byte{0xfb}, 32) // encodes with '+' and '/', or '-' and '_'
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		in := "k:" + enc.EncodeToString(raw)
		if _, err := secret.ParseKeys(in); err != nil {
			t.Errorf("ParseKeys(%q) = %v, want nil", in, err)
		}
	}
}

func TestParseKeysErrors(t *testing.T) {
	t.Parallel()
	material := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("s3cr"), 8))
	short := base64.StdEncoding.EncodeToString([]byte("s3cr-short"))
	tests := []struct {
		in, want string
	}{
		{"", "no keys"},
		{" , ", "no keys"},
		{material, "entry 1: want \"ID:BASE64_OF_32_BYTES\", found no ':'"},
		{"k1:" + material + ",k2", "entry 2: want"},
		{"k1:" + material + ",bad id:" + material, "entry 2: key id must be"},
		{":" + material, "entry 1: key id must be"},
		{strings.Repeat("a", 33) + ":" + material, "entry 1: key id must be"},
		{"k1:" + short, `entry 1: key "k1" decodes to 10 bytes, want 32`},
		{"k1:not*base64" + material, `entry 1: key "k1" is not valid base64`},
		{"k1:" + material + ",k1:" + material, `entry 2: id "k1" is used twice`},
	}
	for _, tt := range tests {
		_, err := secret.ParseKeys(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseKeys(%q) = %v, want an error containing %q", tt.in, err, tt.want)
			continue
		}
		for _, leak := range []string{material, short, "s3cr"} {
			if strings.Contains(err.Error(), leak) {
				t.Errorf("ParseKeys(%q) = %v, which echoes key material", tt.in, err)
			}
		}
	}
}

func TestNewSealerErrors(t *testing.T) {
	t.Parallel()
	k := mustKey(t, "k1")
	tests := []struct {
		name string
		keys []secret.Key
	}{
		{"no keys", nil},
		{"zero key", []secret.Key{{ID: "k0"}}},
		{"duplicate id", []secret.Key{k, k}},
	}
	for _, tt := range tests {
		if _, err := secret.NewSealer(tt.keys); err == nil {
			t.Errorf("NewSealer(%s) = nil error, want an error", tt.name)
		}
	}
	if _, err := secret.NewKey("k1", make([]byte, 16)); err == nil {
		t.Errorf("NewKey(16 bytes) = nil error, want an error")
	}
	if _, err := secret.GenerateKey("bad id"); err == nil {
		t.Errorf("GenerateKey(%q) = nil error, want an error", "bad id")
	}
}

func TestKeyRedacted(t *testing.T) {
	t.Parallel()
	k := mustKey(t, "k1")
	b64 := strings.TrimPrefix(k.Encode(), "k1:")
	type wrapper struct{ Key secret.Key }
	var printed []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
		printed = append(printed, fmt.Sprintf(verb, k), fmt.Sprintf(verb, []secret.Key{k}), fmt.Sprintf(verb, wrapper{k}))
	}
	printed = append(printed, fmt.Sprint(k), fmt.Sprintln(&k))
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("key", "key", k, "keys", []secret.Key{k})
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("key", "key", k, "wrapped", wrapper{k})
	printed = append(printed, logs.String())

	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatalf("decode Encode() = %v", err)
	}
	for _, out := range printed {
		if !strings.Contains(out, "k1") {
			t.Errorf("printed key %q does not show its id", out)
		}
		leaks := []string{b64, fmt.Sprintf("%x", raw[:8]), fmt.Sprintf("%X", raw[:8]),
			strings.Trim(fmt.Sprint(raw[:4]), "[]"), strings.TrimSuffix(strings.TrimPrefix(fmt.Sprintf("%#v", raw[:4]), "[]byte{"), "}")}
		for _, leak := range leaks {
			if strings.Contains(out, leak) {
				t.Errorf("printed key %q contains key material %q", out, leak)
			}
		}
	}
}
