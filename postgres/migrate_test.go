package postgres_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
	"github.com/jmoiron/sqlx"
)

// openEmpty opens a fresh database no migration has touched.
func openEmpty(t *testing.T) (*postgres.DB, *sqlx.DB) {
	t.Helper()
	databaseURL := pgtest.URL(t)
	db, err := postgres.Open(t.Context(), databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	raw, err := sqlx.Open("postgres", databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return db, raw
}

func tableExists(t *testing.T, raw *sqlx.DB, table string) bool {
	t.Helper()
	var exists bool
	if err := raw.GetContext(t.Context(), &exists, `SELECT to_regclass($1) IS NOT NULL`, table); err != nil {
		t.Fatal(err)
	}
	return exists
}

// assertStatus checks every known migration is applied (or not) and the dirty mark.
func assertStatus(t *testing.T, db *postgres.DB, applied, dirty bool) []postgres.MigrationState {
	t.Helper()
	states, gotDirty, err := db.MigrationStatus(t.Context())
	if err != nil {
		t.Fatalf("MigrationStatus: %v", err)
	}
	if len(states) == 0 {
		t.Fatal("MigrationStatus lists no migrations")
	}
	if states[0].Version != 1 || states[0].Name != "chain_and_communities" {
		t.Errorf("first migration = %d %q, want 1 chain_and_communities", states[0].Version, states[0].Name)
	}
	for _, s := range states {
		if s.Applied != applied {
			t.Errorf("migration %d %s: applied = %v, want %v", s.Version, s.Name, s.Applied, applied)
		}
	}
	if gotDirty != dirty {
		t.Errorf("dirty = %v, want %v", gotDirty, dirty)
	}
	return states
}

func TestMigrateUpDownUp(t *testing.T) {
	t.Parallel()
	db, raw := openEmpty(t)

	assertStatus(t, db, false, false)
	if tableExists(t, raw, "schema_migrations") {
		t.Error("MigrationStatus created schema_migrations: status must only read")
	}

	if err := db.MigrateUp(t.Context()); err != nil {
		t.Fatalf("MigrateUp: %v", err)
	}
	assertStatus(t, db, true, false)
	for _, table := range []string{"chain_identity", "communities"} {
		if !tableExists(t, raw, table) {
			t.Errorf("table %s missing after MigrateUp", table)
		}
	}
	if err := db.MigrateUp(t.Context()); err != nil {
		t.Fatalf("MigrateUp with nothing to do: %v", err)
	}

	if err := db.MigrateDown(t.Context(), 100); err != nil {
		t.Fatalf("MigrateDown(100) with fewer applied: %v", err)
	}
	assertStatus(t, db, false, false)
	for _, table := range []string{"chain_identity", "communities"} {
		if tableExists(t, raw, table) {
			t.Errorf("table %s still there after MigrateDown", table)
		}
	}
	if err := db.MigrateDown(t.Context(), 1); err != nil {
		t.Fatalf("MigrateDown with nothing applied: %v", err)
	}

	if err := db.MigrateUp(t.Context()); err != nil {
		t.Fatalf("MigrateUp after down: %v", err)
	}
	assertStatus(t, db, true, false)
}

func TestMigrateDownOneStepRevertsTheLast(t *testing.T) {
	t.Parallel()
	db, _ := openEmpty(t)
	if err := db.MigrateUp(t.Context()); err != nil {
		t.Fatal(err)
	}
	before, _, err := db.MigrationStatus(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := db.MigrateDown(t.Context(), 1); err != nil {
		t.Fatalf("MigrateDown(1): %v", err)
	}
	after, _, err := db.MigrationStatus(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for i := range before {
		want := i < len(before)-1
		if after[i].Applied != want {
			t.Errorf("after one step down, migration %d applied = %v, want %v", after[i].Version, after[i].Applied, want)
		}
	}
	if err := db.MigrateDown(t.Context(), 0); guildhall.ErrorCode(err) != guildhall.EINVALID {
		t.Errorf("MigrateDown(0) = %v, want EINVALID", err)
	}
}

func TestConcurrentMigrateUp(t *testing.T) {
	t.Parallel()
	databaseURL := pgtest.URL(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			// As separate processes would: a pool each.
			db, err := postgres.Open(t.Context(), databaseURL)
			if err != nil {
				errs[i] = err
				return
			}
			defer db.Close()
			errs[i] = db.MigrateUp(t.Context())
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("MigrateUp %d: %v", i, err)
		}
	}
}

func TestMigrateRefusesDatabaseItCannotTrust(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		tamper   string
		mentions []string
	}{
		"dirty after a failed migration": {
			tamper:   `UPDATE schema_migrations SET version = 1, dirty = true`,
			mentions: []string{"dirty", "migration 1 failed", "guildhall migrate force 0"},
		},
		"migrated by a newer guildhall": {
			tamper:   `UPDATE schema_migrations SET version = 9999`,
			mentions: []string{"migration 9999", "newer", "upgrade guildhall"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			db, raw := openEmpty(t)
			if err := db.MigrateUp(t.Context()); err != nil {
				t.Fatal(err)
			}
			if _, err := raw.ExecContext(t.Context(), tt.tamper); err != nil {
				t.Fatal(err)
			}
			for op, migrate := range map[string]func() error{
				"up":   func() error { return db.MigrateUp(t.Context()) },
				"down": func() error { return db.MigrateDown(t.Context(), 1) },
			} {
				err := migrate()
				if code := guildhall.ErrorCode(err); code != guildhall.EUNAVAILABLE {
					t.Fatalf("migrate %s: code %q (%v), want %q", op, code, err, guildhall.EUNAVAILABLE)
				}
				for _, m := range tt.mentions {
					if msg := guildhall.ErrorMessage(err); !strings.Contains(msg, m) {
						t.Errorf("migrate %s: message %q does not mention %q", op, msg, m)
					}
				}
			}
		})
	}
}

func TestMigrateForceClearsDirty(t *testing.T) {
	t.Parallel()
	db, raw := openEmpty(t)
	if err := db.MigrateUp(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(t.Context(), `UPDATE schema_migrations SET dirty = true`); err != nil {
		t.Fatal(err)
	}
	// The newest migration is the one marked dirty.
	states, dirty, err := db.MigrationStatus(t.Context())
	if err != nil || !dirty || len(states) == 0 || states[len(states)-1].Applied {
		t.Fatalf("status of a dirty database: %+v dirty=%v err=%v; want dirty with the newest migration not applied", states, dirty, err)
	}
	newest := states[len(states)-1].Version
	if err := db.MigrateForce(t.Context(), newest); err != nil {
		t.Fatalf("MigrateForce(%d): %v", newest, err)
	}
	assertStatus(t, db, true, false)
	if err := db.MigrateUp(t.Context()); err != nil {
		t.Errorf("MigrateUp after force: %v", err)
	}
	if err := db.MigrateForce(t.Context(), 9999); guildhall.ErrorCode(err) != guildhall.EINVALID {
		t.Errorf("MigrateForce(9999) = %v, want EINVALID", err)
	}
}
