package sqlstore

import (
	"context"
	"strings"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/store"
)

const userColumns = `id, email, password_hash, created_at`

func scanUser(r rowScanner) (domain.User, error) {
	var u domain.User
	err := r.Scan(&u.ID, &u.Email, &u.PasswordHash, timeDest{&u.CreatedAt})
	return u, err
}

// CreateUser stores a user with a lower-cased email; a taken email is domain.ErrConflict.
func (s *Store) CreateUser(ctx context.Context, p store.CreateUserParams) (domain.User, error) {
	row := s.q.QueryRowContext(ctx,
		`INSERT INTO users (id, email, password_hash, created_at) VALUES ($1, $2, $3, $4)
		RETURNING `+userColumns,
		p.ID, strings.ToLower(p.Email), p.PasswordHash, s.timeArg(p.CreatedAt))
	u, err := scanUser(row)
	return u, s.fail("create user", err)
}

// GetUser returns the user with id.
func (s *Store) GetUser(ctx context.Context, id string) (domain.User, error) {
	row := s.q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id)
	u, err := scanUser(row)
	return u, s.fail("get user", err)
}

// GetUserByEmail returns the user with email, compared case-insensitively.
func (s *Store) GetUserByEmail(ctx context.Context, email string) (domain.User, error) {
	row := s.q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1`,
		strings.ToLower(email))
	u, err := scanUser(row)
	return u, s.fail("get user by email", err)
}

// CountUsers returns how many users exist.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.q.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n, s.fail("count users", err)
}
