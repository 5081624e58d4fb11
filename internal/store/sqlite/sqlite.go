// Package sqlite opens Berth's embedded SQLite store (modernc.org/sqlite) and migrates it.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/berth-dev/berth/internal/store"
	"github.com/berth-dev/berth/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// dialect is how sqlstore talks to SQLite: times as fixed-width UTC text, modernc error codes.
var dialect = sqlstore.Dialect{
	TimeValue:             func(t time.Time) any { return sqlstore.TextTime(t) },
	IsUniqueViolation:     hasCode(sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY),
	IsForeignKeyViolation: hasCode(sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY),
	LockRows:              "", // _txlock=immediate: every transaction holds the write lock
}

// hasCode returns a func that reports whether an error is a *sqlite.Error with one of codes.
func hasCode(codes ...int) func(error) bool {
	return func(err error) bool {
		var se *sqlite.Error
		if !errors.As(err, &se) {
			return false
		}
		for _, c := range codes {
			if se.Code() == c {
				return true
			}
		}
		return false
	}
}

// DB is an open SQLite database: the Store over it and the *sql.DB it shares with River.
type DB struct {
	store.Store
	SQL *sql.DB
}

// Open opens (creating it and its directory if needed) the SQLite database file at path, in WAL
// mode with foreign keys on, a 10s busy timeout and IMMEDIATE transactions. Call Migrate before use.
func Open(ctx context.Context, path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open sqlite: create directory: %w", err)
	}
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return &DB{Store: sqlstore.New(db, dialect), SQL: db}, nil
}

// dsn is the modernc connection string for path; the pragmas apply to every pooled connection.
func dsn(path string) string {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(30000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// Migrate applies Berth's migrations (goose) and then River's.
func (db *DB) Migrate(ctx context.Context) error {
	if err := sqlstore.MigrateSchema(ctx, db.SQL, goose.DialectSQLite3, migrations); err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	return sqlstore.MigrateRiver(ctx, db.RiverDriver())
}

// RiverDriver returns a River driver over the same *sql.DB, for building a River client.
func (db *DB) RiverDriver() *riversqlite.Driver { return riversqlite.New(db.SQL) }

// Close closes the database.
func (db *DB) Close() error { return db.SQL.Close() }
