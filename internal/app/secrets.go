package app

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/secret"
)

// keyFileName is where the embedded default keeps a generated sealing key.
const keyFileName = "secret.key"

// loadSealer builds the token sealer from BERTH_SECRET_KEYS, or, for the embedded SQLite
// default only, from a key file in the data dir that it generates on first start.
func loadSealer(cfg config.Config, log *slog.Logger) (*secret.Sealer, error) {
	if cfg.SecretKeys != "" {
		keys, err := secret.ParseKeys(cfg.SecretKeys)
		if err != nil {
			return nil, fmt.Errorf("BERTH_SECRET_KEYS: %w", err)
		}
		return secret.NewSealer(keys)
	}
	if cfg.UsesPostgres() {
		return nil, errors.New("BERTH_SECRET_KEYS is required with PostgreSQL, so that every replica seals and opens tokens with the same keys: " +
			"set it to ID:BASE64_OF_32_BYTES, for example k1:$(openssl rand -base64 32)")
	}
	keys, err := localKeys(filepath.Join(cfg.DataDir, keyFileName), log)
	if err != nil {
		return nil, err
	}
	return secret.NewSealer(keys)
}

// localKeys reads the key file, generating it (mode 0600) when it does not exist.
func localKeys(path string, log *slog.Logger) ([]secret.Key, error) {
	data, err := os.ReadFile(path)
	if err == nil {
		keys, err := secret.ParseKeys(strings.TrimSpace(string(data)))
		if err != nil {
			return nil, fmt.Errorf("read sealing key file %s: %w", path, err)
		}
		return keys, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read sealing key file: %w", err)
	}
	key, err := secret.GenerateKey("local1")
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	if err := os.WriteFile(path, []byte(key.Encode()+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("write sealing key file: %w", err)
	}
	log.Warn("generated a token sealing key because BERTH_SECRET_KEYS is not set; back it up, since tokens cannot be opened without it", "path", path)
	return []secret.Key{key}, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
