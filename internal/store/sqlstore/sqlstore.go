// Package sqlstore implements store.Store once over database/sql for both SQLite and PostgreSQL.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/store"
	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivermigrate"
)

// Dialect is what differs between the engines; everything else is shared SQL with $n placeholders.
type Dialect struct {
	// TimeValue converts a UTC time, already truncated to microseconds, to the value the engine
	// stores. Stored times must sort like the times they encode.
	TimeValue func(time.Time) any
	// IsUniqueViolation reports whether err is a unique or primary key violation.
	IsUniqueViolation func(error) bool
	// IsForeignKeyViolation reports whether err says a referenced row does not exist.
	IsForeignKeyViolation func(error) bool
	// LockRows is appended to a SELECT to lock the rows it reads until the transaction ends
	// (" FOR UPDATE"); empty where the transaction already holds the lock (SQLite's immediate
	// transactions take the database's write lock when they begin).
	LockRows string
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Store is store.Store over one *sql.DB, or over one of its transactions.
type Store struct {
	db      *sql.DB
	tx      *sql.Tx // nil outside a transaction
	q       querier
	dialect Dialect
}

var _ store.Store = (*Store)(nil)

// New returns a Store over db that speaks dialect d. The schema must already be migrated.
func New(db *sql.DB, d Dialect) *Store {
	return &Store{db: db, q: db, dialect: d}
}

// InTx runs fn in one transaction, or in the current one when s is already transactional. The
// transaction rolls back when fn returns an error, panics or calls runtime.Goexit.
func (s *Store) InTx(ctx context.Context, fn func(tx store.Store) error) error {
	if s.tx != nil {
		return fn(s)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			_ = tx.Rollback()
		}
	}()
	if err := fn(&Store{db: s.db, tx: tx, q: tx, dialect: s.dialect}); err != nil {
		return err
	}
	committed = true
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit transaction: %w", err)
	}
	return nil
}

// fail translates a driver error for operation op: no rows is domain.ErrNotFound, a unique
// violation domain.ErrConflict, a missing referenced row domain.ErrNotFound.
func (s *Store) fail(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%s: %w", op, domain.ErrNotFound)
	case s.dialect.IsUniqueViolation(err):
		return fmt.Errorf("%s: %w", op, domain.ErrConflict)
	case s.dialect.IsForeignKeyViolation(err):
		return fmt.Errorf("%s: referenced row does not exist: %w", op, domain.ErrNotFound)
	default:
		return fmt.Errorf("%s: %w", op, err)
	}
}

// execOne runs a write that must touch exactly one row; zero rows is domain.ErrNotFound.
func (s *Store) execOne(ctx context.Context, op, query string, args ...any) error {
	n, err := s.execCount(ctx, query, args...)
	if err != nil {
		return s.fail(op, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", op, domain.ErrNotFound)
	}
	return nil
}

// execCount runs a write and returns how many rows it touched.
func (s *Store) execCount(ctx context.Context, query string, args ...any) (int, error) {
	res, err := s.q.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// rowScanner is *sql.Row or *sql.Rows.
type rowScanner interface {
	Scan(dest ...any) error
}

// queryList runs query and scans every row with scan.
func queryList[T any](ctx context.Context, s *Store, op string, scan func(rowScanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := s.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, s.fail(op, err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, s.fail(op, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(op, err)
	}
	return out, nil
}

// MigrateRiver applies River's own migrations through driver. River v0.47 qualifies its tables
// only when rivermigrate.Config.Schema is set; left empty (as here) its SQL is unqualified and
// its existence checks use current_schema(), so on PostgreSQL everything lands in the first
// schema of the connection's search_path, like Berth's tables. pgtest relies on this.
func MigrateRiver[TTx any](ctx context.Context, driver riverdriver.Driver[TTx]) error {
	migrator, err := rivermigrate.New(driver, nil)
	if err != nil {
		return fmt.Errorf("migrate river: %w", err)
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrate river: %w", err)
	}
	return nil
}

// MigrateSchema applies the goose migrations under "migrations" in fsys to db, in dialect.
func MigrateSchema(ctx context.Context, db *sql.DB, dialect goose.Dialect, fsys fs.FS) error {
	sub, err := fs.Sub(fsys, "migrations")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	p, err := goose.NewProvider(dialect, db, sub)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}
