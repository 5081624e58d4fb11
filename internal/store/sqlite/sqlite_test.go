package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/riverqueue/river"

	"github.com/berth-dev/berth/internal/store"
	"github.com/berth-dev/berth/internal/store/sqlite"
	"github.com/berth-dev/berth/internal/store/storetest"
)

// newDB opens and migrates a database in a fresh file under t.TempDir, closed when t ends.
func newDB(t *testing.T) *sqlite.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "nested", "dir", "berth.db")
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open(%q) = %v", path, err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	})
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate() = %v", err)
	}
	return db
}

func TestStore(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) store.Store { return newDB(t) })
}

func TestMigrateTwice(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatalf("second Migrate() = %v, want nil", err)
	}
}

func TestRiverTables(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	for _, table := range []string{"river_job", "river_migration", "users", "cloud_accounts"} {
		var n int
		err := db.SQL.QueryRowContext(t.Context(),
			`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $1`, table).Scan(&n)
		if err != nil || n != 1 {
			t.Errorf("table %s: count = %d, %v, want 1, nil", table, n, err)
		}
	}
}

func TestPragmas(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	tests := []struct{ pragma, want string }{
		{"journal_mode", "wal"},
		{"foreign_keys", "1"},
		{"busy_timeout", "30000"},
	}
	for _, tt := range tests {
		var got string
		if err := db.SQL.QueryRowContext(t.Context(), "PRAGMA "+tt.pragma).Scan(&got); err != nil || got != tt.want {
			t.Errorf("PRAGMA %s = %q, %v, want %q", tt.pragma, got, err, tt.want)
		}
	}
}

type pingArgs struct{}

func (pingArgs) Kind() string { return "ping" }

// TestRiverInsert checks that a River client built on RiverDriver shares the database.
func TestRiverInsert(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	client, err := river.NewClient(db.RiverDriver(), &river.Config{})
	if err != nil {
		t.Fatalf("river.NewClient() = %v", err)
	}
	if _, err := client.Insert(t.Context(), pingArgs{}, nil); err != nil {
		t.Fatalf("Insert(ping) = %v", err)
	}
	var n int
	if err := db.SQL.QueryRowContext(t.Context(), `SELECT count(*) FROM river_job WHERE kind = 'ping'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("ping jobs = %d, %v, want 1, nil", n, err)
	}
}
