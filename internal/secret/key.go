package secret

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
)

// KeySize is the length of an AES-256 key in bytes.
const KeySize = 32

var keyIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// Key is an AES-256 key with a short id stored next to every value it seals. Printing or logging
// a Key shows only its id; Encode is the one way to get the key material out.
type Key struct {
	ID       string
	material []byte
}

// NewKey returns a key with id and 32 bytes of material (copied).
func NewKey(id string, material []byte) (Key, error) {
	k := Key{ID: id, material: append([]byte(nil), material...)}
	if err := k.validate(); err != nil {
		return Key{}, fmt.Errorf("secret: %w", err)
	}
	return k, nil
}

// GenerateKey returns a new random key named id.
func GenerateKey(id string) (Key, error) {
	material := make([]byte, KeySize)
	if _, err := rand.Read(material); err != nil {
		return Key{}, fmt.Errorf("secret: generate key: %w", err)
	}
	return NewKey(id, material)
}

func (k Key) validate() error {
	if !keyIDPattern.MatchString(k.ID) {
		return fmt.Errorf("key id %q must be 1 to 32 letters, digits, '_' or '-'", k.ID)
	}
	if len(k.material) != KeySize {
		return fmt.Errorf("key %q must be %d bytes, not %d", k.ID, KeySize, len(k.material))
	}
	return nil
}

// Encode returns the key in the "ID:BASE64" form ParseKeys reads, for writing a key file. It
// contains the key material: never log it.
func (k Key) Encode() string {
	return k.ID + ":" + base64.StdEncoding.EncodeToString(k.material)
}

// String shows the key id only.
func (k Key) String() string { return "secret.Key(" + k.ID + ", redacted)" }

// GoString shows the key id only, for %#v.
func (k Key) GoString() string { return k.String() }

// Format prints String for every verb, so no fmt verb reveals the key material.
func (k Key) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(k.String())) }

// LogValue logs the key id only.
func (k Key) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", k.ID), slog.String("material", "redacted"))
}

// ParseKeys parses "ID:BASE64,ID2:BASE64" (standard or URL base64, padded or not, of 32 bytes).
// Spaces and newlines around entries are ignored. Errors name an entry by position and id, never
// by its key material.
func ParseKeys(s string) ([]Key, error) {
	var keys []Key
	seen := map[string]bool{}
	for i, entry := range strings.Split(s, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		k, err := parseKey(entry)
		if err != nil {
			return nil, fmt.Errorf("secret: parse keys: entry %d: %w", i+1, err)
		}
		if seen[k.ID] {
			return nil, fmt.Errorf("secret: parse keys: entry %d: id %q is used twice", i+1, k.ID)
		}
		seen[k.ID] = true
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, errors.New(`secret: parse keys: no keys; want "ID:BASE64_OF_32_BYTES[,ID2:...]"`)
	}
	return keys, nil
}

func parseKey(entry string) (Key, error) {
	id, b64, ok := strings.Cut(entry, ":")
	if !ok {
		return Key{}, errors.New(`want "ID:BASE64_OF_32_BYTES", found no ':'`)
	}
	id = strings.TrimSpace(id)
	if !keyIDPattern.MatchString(id) {
		return Key{}, errors.New("key id must be 1 to 32 letters, digits, '_' or '-'")
	}
	material, err := decodeBase64(strings.TrimSpace(b64))
	if err != nil {
		return Key{}, fmt.Errorf("key %q is not valid base64", id)
	}
	if len(material) != KeySize {
		return Key{}, fmt.Errorf("key %q decodes to %d bytes, want %d", id, len(material), KeySize)
	}
	return Key{ID: id, material: material}, nil
}

// decodeBase64 accepts standard or URL-safe base64, with or without padding.
func decodeBase64(s string) ([]byte, error) {
	s = strings.TrimRight(s, "=")
	if strings.ContainsAny(s, "-_") {
		return base64.RawURLEncoding.DecodeString(s)
	}
	return base64.RawStdEncoding.DecodeString(s)
}
