// Package pgtest gives tests in any package a fresh, isolated PostgreSQL schema.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/berth-dev/berth/internal/store/postgres"
)

// DefaultURL is the base database used when BERTH_TEST_DATABASE_URL is unset.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

const howToStart = "start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start, " +
	"or set BERTH_TEST_DATABASE_URL"

// BaseURL is BERTH_TEST_DATABASE_URL, or DefaultURL.
func BaseURL() string {
	if u := os.Getenv("BERTH_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultURL
}

// URL creates an empty schema t_<random> in the base database, drops it when t ends, and returns
// the base URL with search_path set to it, so everything created through the URL (Berth's and
// River's tables alike; see postgres.DB.Migrate) lands in that schema. An unreachable server
// fails the test.
func URL(t testing.TB) string {
	t.Helper()
	base := BaseURL()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("pgtest: PostgreSQL at %s is unreachable (%v); %s", redact(base), err, howToStart)
	}
	defer conn.Close(ctx)
	schema := "t_" + randomHex(t)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("pgtest: create schema %s: %v", schema, err)
	}
	t.Cleanup(func() { dropSchema(t, base, schema) })
	return withSearchPath(t, base, schema)
}

// NewDB opens and migrates a postgres.DB in a fresh schema, closed when t ends.
func NewDB(t testing.TB) *postgres.DB {
	t.Helper()
	ctx := context.Background()
	db, err := postgres.Open(ctx, URL(t))
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return db
}

func dropSchema(t testing.TB, base, schema string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Errorf("pgtest: drop schema %s: %v", schema, err)
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
		t.Errorf("pgtest: drop schema %s: %v", schema, err)
	}
}

// withSearchPath adds search_path=schema to a URL or keyword/value connection string; pgx sends
// unknown parameters to the server as run-time parameters.
func withSearchPath(t testing.TB, base, schema string) string {
	if !strings.Contains(base, "://") {
		return base + " search_path=" + schema
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("pgtest: parse BERTH_TEST_DATABASE_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// redact hides a password in a URL so it never reaches test output.
func redact(base string) string {
	u, err := url.Parse(base)
	if err != nil || !strings.Contains(base, "://") {
		return "BERTH_TEST_DATABASE_URL"
	}
	return u.Redacted()
}

func randomHex(t testing.TB) string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return hex.EncodeToString(b)
}
