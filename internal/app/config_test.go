package app_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth-dev/berth/internal/app"
	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/store/postgres/pgtest"
)

func TestPostgresRequiresSecretKeys(t *testing.T) {
	t.Parallel()
	cfg := config.Default()
	cfg.DatabaseURL = pgtest.URL(t)
	_, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "BERTH_SECRET_KEYS is required with PostgreSQL") {
		t.Errorf("app.New(postgres, no keys) = %v, want it to refuse and say why", err)
	}
}

func TestEmbeddedDefaultGeneratesAPrivateKeyFile(t *testing.T) {
	t.Parallel()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	info, err := os.Stat(filepath.Join(cfg.DataDir, "secret.key"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("secret.key = %v, %v; want a file with mode 0600", info, err)
	}
	before, _ := os.ReadFile(filepath.Join(cfg.DataDir, "secret.key"))
	a, err = app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	if after, _ := os.ReadFile(filepath.Join(cfg.DataDir, "secret.key")); string(after) != string(before) {
		t.Errorf("a restart replaced the key file")
	}
}

func TestBadSecretKeysAreRefused(t *testing.T) {
	t.Parallel()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.SecretKeys = "k1:not-base64"
	_, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "BERTH_SECRET_KEYS") || strings.Contains(err.Error(), "not-base64") {
		t.Errorf("app.New(bad keys) = %v, want an error naming BERTH_SECRET_KEYS without echoing the key", err)
	}
}
