// Package postgres opens Berth's PostgreSQL store (pgx) and migrates it.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/berth-dev/berth/internal/store"
	"github.com/berth-dev/berth/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// dialect is how sqlstore talks to PostgreSQL: timestamptz, SQLSTATE error codes.
var dialect = sqlstore.Dialect{
	TimeValue:             func(t time.Time) any { return t },
	IsUniqueViolation:     hasSQLState("23505"),
	IsForeignKeyViolation: hasSQLState("23503"),
	LockRows:              " FOR UPDATE",
}

// hasSQLState returns a func that reports whether an error is a *pgconn.PgError with code.
func hasSQLState(code string) func(error) bool {
	return func(err error) bool {
		var pe *pgconn.PgError
		return errors.As(err, &pe) && pe.Code == code
	}
}

// DB is an open PostgreSQL database: the Store, the pgx pool River uses, and a *sql.DB over it.
type DB struct {
	store.Store
	Pool *pgxpool.Pool
	SQL  *sql.DB
}

// Open connects to the PostgreSQL database at url (tables live in the first schema of its
// search_path). Call Migrate before use.
func Open(ctx context.Context, url string) (*DB, error) {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	return &DB{Store: sqlstore.New(db, dialect), Pool: pool, SQL: db}, nil
}

// Migrate applies Berth's migrations (goose) and then River's, holding an advisory lock per
// schema so replicas starting together migrate one at a time.
func (db *DB) Migrate(ctx context.Context) error {
	return db.withMigrationLock(ctx, func() error {
		if err := db.migrateBerth(ctx); err != nil {
			return err
		}
		return sqlstore.MigrateRiver(ctx, db.RiverDriver())
	})
}

// migrationLockKey names the advisory lock for the schema the connection works in.
const migrationLockKey = `hashtext('berth migrate ' || coalesce(current_schema(), ''))`

// withMigrationLock runs fn holding the schema's migration lock on a pinned connection.
func (db *DB) withMigrationLock(ctx context.Context, fn func() error) error {
	conn, err := db.Pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("migrate postgres: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(`+migrationLockKey+`)`); err != nil {
		return fmt.Errorf("migrate postgres: lock: %w", err)
	}
	defer func() {
		unlockCtx := context.WithoutCancel(ctx)
		if _, err := conn.Exec(unlockCtx, `SELECT pg_advisory_unlock(`+migrationLockKey+`)`); err != nil {
			_ = conn.Conn().Close(unlockCtx) // ending the session releases the lock
		}
	}()
	return fn()
}

func (db *DB) migrateBerth(ctx context.Context) error {
	if err := sqlstore.MigrateSchema(ctx, db.SQL, goose.DialectPostgres, migrations); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	return nil
}

// RiverDriver returns a River driver over the same pool, for building a River client.
func (db *DB) RiverDriver() *riverpgxv5.Driver { return riverpgxv5.New(db.Pool) }

// Close closes the *sql.DB and the pool.
func (db *DB) Close() error {
	err := db.SQL.Close()
	db.Pool.Close()
	return err
}
