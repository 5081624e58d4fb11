package app

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/jobs"
	"github.com/berth-dev/berth/internal/store"
	"github.com/berth-dev/berth/internal/store/postgres"
	"github.com/berth-dev/berth/internal/store/sqlite"
)

// database is the opened store with what the app needs from its engine.
type database struct {
	kind     string // "sqlite" or "postgres"
	store    store.Store
	newQueue func(jobs.Options) (jobs.Queue, error)
	ping     func(context.Context) error
	close    func() error
}

// openDatabase opens and migrates the store cfg selects.
func openDatabase(ctx context.Context, cfg config.Config, log *slog.Logger) (*database, error) {
	if cfg.UsesPostgres() {
		db, err := postgres.Open(ctx, cfg.DatabaseURL)
		if err != nil {
			return nil, fmt.Errorf("open PostgreSQL (BERTH_DATABASE_URL): %w", err)
		}
		if err := db.Migrate(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("migrate PostgreSQL: %w", err)
		}
		return &database{
			kind: "postgres", store: db.Store, ping: db.Pool.Ping, close: db.Close,
			newQueue: func(o jobs.Options) (jobs.Queue, error) { return jobs.NewQueue(db.RiverDriver(), o) },
		}, nil
	}
	path := filepath.Join(cfg.DataDir, "berth.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("open SQLite at %s: %w", path, err)
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate SQLite at %s: %w", path, err)
	}
	log.Debug("store opened", "engine", "sqlite", "path", path)
	return &database{
		kind: "sqlite", store: db.Store, ping: db.SQL.PingContext, close: db.Close,
		newQueue: func(o jobs.Options) (jobs.Queue, error) { return jobs.NewQueue(db.RiverDriver(), o) },
	}, nil
}

// Migrate opens the store cfg selects and applies every pending migration, then closes it.
func Migrate(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	if err := cfg.Normalize(); err != nil {
		return err
	}
	db, err := openDatabase(ctx, cfg, log)
	if err != nil {
		return err
	}
	return db.close()
}
