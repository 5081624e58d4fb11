// Package secret seals values (tokens) with AES-256-GCM under rotatable keys, bound to their row and field.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
)

// version is the first byte of every sealed value.
const version byte = 1

const nonceSize = 12

// Sentinel errors of Open; neither says anything about the plaintext or the key.
var (
	// ErrUnknownKey means the value was sealed with a key this Sealer does not have: add the old
	// key after the new one to keep opening values sealed before a rotation.
	ErrUnknownKey = errors.New("secret: sealed with an unknown key")
	// ErrInvalid means the value is malformed, was tampered with, or belongs to another row or field.
	ErrInvalid = errors.New("secret: sealed value is invalid, tampered with or bound to another row or field")
)

// AAD binds a sealed value to where it is stored, so a copy in another row or field fails to open.
type AAD struct {
	Table string
	RowID string
	Field string
}

// bytes encodes the AAD unambiguously: each part length-prefixed.
func (a AAD) bytes() []byte {
	out := []byte("berth-secret-aad")
	for _, part := range []string{a.Table, a.RowID, a.Field} {
		out = binary.BigEndian.AppendUint32(out, uint32(len(part)))
		out = append(out, part...)
	}
	return out
}

// Sealer seals with its first key and opens with any of its keys.
type Sealer struct {
	primary string
	aeads   map[string]cipher.AEAD
}

// NewSealer returns a Sealer whose first key seals; all keys open. Key IDs must be distinct.
func NewSealer(keys []Key) (*Sealer, error) {
	if len(keys) == 0 {
		return nil, errors.New("secret: no keys: generate one with GenerateKey")
	}
	s := &Sealer{primary: keys[0].ID, aeads: make(map[string]cipher.AEAD, len(keys))}
	for i, k := range keys {
		if err := k.validate(); err != nil {
			return nil, fmt.Errorf("secret: key %d: %w", i+1, err)
		}
		if _, dup := s.aeads[k.ID]; dup {
			return nil, fmt.Errorf("secret: key %d: id %q is used twice", i+1, k.ID)
		}
		aead, err := newAEAD(k.material)
		if err != nil {
			return nil, fmt.Errorf("secret: key %q: %w", k.ID, err)
		}
		s.aeads[k.ID] = aead
	}
	return s, nil
}

func newAEAD(material []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(material)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Seal encrypts plaintext with the first key, bound to aad. The result is: version byte, key id
// length, key id, 12-byte random nonce, GCM ciphertext with tag.
func (s *Sealer) Seal(plaintext []byte, aad AAD) ([]byte, error) {
	out := header(s.primary)
	nonce := make([]byte, nonceSize)
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("secret: seal: %w", err)
	}
	out = append(out, nonce...)
	return s.aeads[s.primary].Seal(out, nonce, plaintext, additionalData(out[:len(out)-nonceSize], aad)), nil
}

// Open decrypts a value from Seal with the key it names, checking that aad matches. It returns
// ErrUnknownKey or ErrInvalid (wrapped) when it cannot.
func (s *Sealer) Open(sealed []byte, aad AAD) ([]byte, error) {
	keyID, rest, err := parseHeader(sealed)
	if err != nil {
		return nil, err
	}
	aead, ok := s.aeads[keyID]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownKey, keyID)
	}
	if len(rest) < nonceSize+aead.Overhead() {
		return nil, fmt.Errorf("%w: too short", ErrInvalid)
	}
	nonce, ciphertext := rest[:nonceSize], rest[nonceSize:]
	hdr := sealed[:len(sealed)-len(rest)]
	plaintext, err := aead.Open(nil, nonce, ciphertext, additionalData(hdr, aad))
	if err != nil {
		return nil, ErrInvalid
	}
	return plaintext, nil
}

// header is the version byte and the length-prefixed key id.
func header(keyID string) []byte {
	out := []byte{version, byte(len(keyID))}
	return append(out, keyID...)
}

// parseHeader splits a sealed value into its key id and the nonce and ciphertext after it.
func parseHeader(sealed []byte) (keyID string, rest []byte, err error) {
	if len(sealed) < 2 {
		return "", nil, fmt.Errorf("%w: too short", ErrInvalid)
	}
	if sealed[0] != version {
		return "", nil, fmt.Errorf("%w: unknown version %d", ErrInvalid, sealed[0])
	}
	n := int(sealed[1])
	if n == 0 || len(sealed) < 2+n {
		return "", nil, fmt.Errorf("%w: bad key id", ErrInvalid)
	}
	return string(sealed[2 : 2+n]), sealed[2+n:], nil
}

// additionalData authenticates the header (so it cannot be altered) and the AAD.
func additionalData(hdr []byte, aad AAD) []byte {
	return append(append([]byte(nil), hdr...), aad.bytes()...)
}
