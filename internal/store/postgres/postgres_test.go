package postgres_test

import (
	"context"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/berth-dev/berth/internal/store"
	"github.com/berth-dev/berth/internal/store/postgres"
	"github.com/berth-dev/berth/internal/store/postgres/pgtest"
	"github.com/berth-dev/berth/internal/store/storetest"
)

func TestStore(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) store.Store { return pgtest.NewDB(t) })
}

// TestTablesInTestSchema checks that Berth's and River's tables land in the search_path schema
// pgtest made, and nowhere else.
func TestTablesInTestSchema(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDB(t)
	var schema string
	if err := db.Pool.QueryRow(t.Context(), `SELECT current_schema()`).Scan(&schema); err != nil {
		t.Fatalf("current_schema() = %v", err)
	}
	for _, table := range []string{"river_job", "river_migration", "river_queue", "users", "cloud_accounts", "goose_db_version"} {
		var schemas []string
		rows, err := db.Pool.Query(t.Context(),
			`SELECT table_schema FROM information_schema.tables WHERE table_name = $1 AND table_schema LIKE 't\_%'`, table)
		if err == nil {
			schemas, err = pgx.CollectRows(rows, pgx.RowTo[string])
		}
		if err != nil {
			t.Fatalf("find table %s: %v", table, err)
		}
		found := false
		for _, s := range schemas {
			found = found || s == schema
		}
		if !found {
			t.Errorf("table %s is in schemas %v, want it in %s", table, schemas, schema)
		}
	}
}

// TestConcurrentMigrate checks that replicas migrating the same schema at once all succeed.
func TestConcurrentMigrate(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	const replicas = 4
	errs := make([]error, replicas)
	var wg sync.WaitGroup
	for i := range replicas {
		db, err := postgres.Open(t.Context(), url)
		if err != nil {
			t.Fatalf("Open() = %v", err)
		}
		t.Cleanup(func() { _ = db.Close() })
		wg.Go(func() { errs[i] = db.Migrate(t.Context()) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("replica %d: Migrate() = %v, want nil", i, err)
		}
	}
}

// TestURLDropsSchema checks that pgtest.URL's schema is gone after its test.
func TestURLDropsSchema(t *testing.T) {
	t.Parallel()
	var schema string
	t.Run("use", func(t *testing.T) {
		conn, err := pgx.Connect(t.Context(), pgtest.URL(t))
		if err != nil {
			t.Fatalf("connect: %v", err)
		}
		defer conn.Close(context.Background())
		if err := conn.QueryRow(t.Context(), `SELECT current_schema()`).Scan(&schema); err != nil {
			t.Fatalf("current_schema() = %v", err)
		}
	})
	conn, err := pgx.Connect(t.Context(), pgtest.BaseURL())
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(context.Background())
	var exists bool
	err = conn.QueryRow(t.Context(), `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)`, schema).Scan(&exists)
	if schema == "" || err != nil || exists {
		t.Errorf("schema %q exists after its test = %v, %v; want a t_ schema that was dropped", schema, exists, err)
	}
}

type pingArgs struct{}

func (pingArgs) Kind() string { return "ping" }

// TestRiverInsert checks that a River client built on RiverDriver inserts into the test schema.
func TestRiverInsert(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDB(t)
	client, err := river.NewClient(db.RiverDriver(), &river.Config{})
	if err != nil {
		t.Fatalf("river.NewClient() = %v", err)
	}
	if _, err := client.Insert(t.Context(), pingArgs{}, nil); err != nil {
		t.Fatalf("Insert(ping) = %v", err)
	}
	var n int
	if err := db.Pool.QueryRow(t.Context(), `SELECT count(*) FROM river_job WHERE kind = 'ping'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("ping jobs = %d, %v, want 1, nil", n, err)
	}
}
