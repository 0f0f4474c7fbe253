package postgres

import (
	"cmp"
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"time"

	"github.com/golang-migrate/migrate/v4"
	migratepg "github.com/golang-migrate/migrate/v4/database/postgres"
	"github.com/golang-migrate/migrate/v4/source"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/migrations"
)

// MigrationState is one migration known to this binary and whether the database has it.
type MigrationState struct {
	Version uint
	Name    string // e.g. "chain_and_communities"
	Applied bool
}

// MigrateUp applies every migration the database does not have yet, in order; with none missing it
// does nothing. Concurrent callers (several processes starting at once) wait for each other
// through an advisory lock. A database marked dirty by a failed migration, or one migrated by a
// newer Guildhall, gives an EUNAVAILABLE *guildhall.Error saying what to do.
func (db *DB) MigrateUp(ctx context.Context) error {
	return db.migrate(ctx, "migrate up", true, func(m *migrate.Migrate) error {
		current, _, err := m.Version()
		if errors.Is(err, migrate.ErrNilVersion) {
			return m.Up()
		}
		if err != nil {
			return err
		}
		all, err := knownMigrations()
		if err != nil {
			return err
		}
		if current >= all[len(all)-1].Version {
			return nil // nothing to apply: indexes a backfill deferred stay deferred
		}
		// Indexes a backfill deferred (0035) are built before any migration runs: none meets a
		// schema without them.
		if _, err := db.restoreDeferredIndexes(ctx); err != nil {
			return err
		}
		return m.Up()
	})
}

// MigrateDown reverts the last steps applied migrations (the CLI's default is 1); with fewer
// applied it reverts them all, with none it does nothing. steps < 1 is EINVALID.
func (db *DB) MigrateDown(ctx context.Context, steps int) error {
	if steps < 1 {
		return guildhall.Errorf(guildhall.EINVALID, "migrate down: steps must be at least 1, not %d", steps)
	}
	return db.migrate(ctx, "migrate down", true, func(m *migrate.Migrate) error {
		if _, err := db.restoreDeferredIndexes(ctx); err != nil { // as for MigrateUp
			return err
		}
		err := m.Steps(-steps)
		var short migrate.ErrShortLimit
		if errors.As(err, &short) || errors.Is(err, fs.ErrNotExist) { // fewer than steps, or none, applied
			return nil
		}
		return err
	})
}

// MigrateForce records version as the database's migration version and clears the dirty mark,
// without running anything: the way out after repairing a failed migration by hand. version 0
// records that no migration is applied.
func (db *DB) MigrateForce(ctx context.Context, version uint) error {
	v := int(version)
	if version == 0 {
		v = -1 // golang-migrate's "no version"
	} else if _, ok := knownMigration(version); !ok {
		return guildhall.Errorf(guildhall.EINVALID, "migrate force: there is no migration %d", version)
	}
	return db.migrate(ctx, "migrate force", false, func(m *migrate.Migrate) error { return m.Force(v) })
}

// MigrationStatus lists the migrations this binary knows, oldest first, with whether each is
// applied, and reports whether the database is marked dirty (a migration failed part way; the
// dirty version is not counted as applied). It only reads: a database never migrated is not
// changed. A version applied by a newer Guildhall is listed with the name "(unknown to this
// version of guildhall)".
func (db *DB) MigrationStatus(ctx context.Context) ([]MigrationState, bool, error) {
	current, dirty, ok, err := db.schemaVersion(ctx)
	if err != nil {
		return nil, false, err
	}
	all, err := knownMigrations()
	if err != nil {
		return nil, false, err
	}
	states := make([]MigrationState, 0, len(all)+1)
	for _, m := range all {
		applied := ok && (m.Version < current || m.Version == current && !dirty)
		states = append(states, MigrationState{Version: m.Version, Name: m.Identifier, Applied: applied})
	}
	if _, known := knownMigration(current); ok && !known {
		states = append(states, MigrationState{Version: current, Name: "(unknown to this version of guildhall)", Applied: !dirty})
	}
	return states, dirty, nil
}

// checkMigratable refuses a dirty database and one newer than this binary, with messages naming
// the fix, before golang-migrate gives its own terser errors.
func (db *DB) checkMigratable(ctx context.Context) error {
	current, dirty, ok, err := db.schemaVersion(ctx)
	if err != nil || !ok {
		return err
	}
	if dirty {
		return dirtyError(current)
	}
	if _, known := knownMigration(current); !known {
		return guildhall.Errorf(guildhall.EUNAVAILABLE,
			"the database schema is at migration %d, which this guildhall does not know: it was migrated by a newer version; upgrade guildhall", current)
	}
	return nil
}

func dirtyError(version uint) error {
	return guildhall.Errorf(guildhall.EUNAVAILABLE,
		"the database schema is marked dirty: migration %d failed part way; each migration runs in one transaction, so after checking the schema run `guildhall migrate force %d` and migrate again",
		version, version-1)
}

// schemaVersion reads golang-migrate's schema_migrations table without creating it; ok is false
// when no migration has been applied.
func (db *DB) schemaVersion(ctx context.Context) (version uint, dirty, ok bool, err error) {
	var exists bool
	if err := db.db.GetContext(ctx, &exists, `SELECT to_regclass('schema_migrations') IS NOT NULL`); err != nil {
		return 0, false, false, db.queryError("read schema version", err)
	}
	if !exists {
		return 0, false, false, nil
	}
	var rows []struct {
		Version int64 `db:"version"`
		Dirty   bool  `db:"dirty"`
	}
	if err := db.db.SelectContext(ctx, &rows, `SELECT version, dirty FROM schema_migrations LIMIT 1`); err != nil {
		return 0, false, false, db.queryError("read schema version", err)
	}
	if len(rows) == 0 || rows[0].Version < 0 {
		return 0, false, false, nil
	}
	return uint(rows[0].Version), rows[0].Dirty, true, nil
}

// migrateLockKey is the advisory lock that serializes Guildhall's migration commands, so that
// the checks before a migration see no other one half done. (golang-migrate's own lock covers only
// its steps.)
const migrateLockKey = 0x6775696c64 // "guild"

// migrate runs fn on a golang-migrate instance that uses one connection of the pool (returned to
// it afterwards), while holding migrateLockKey; with check, it first refuses a dirty or newer
// schema (checkMigratable). Cancelling ctx stops between migrations.
func (db *DB) migrate(ctx context.Context, op string, check bool, fn func(*migrate.Migrate) error) error {
	unlock, err := db.lockMigrations(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	if check {
		if err := db.checkMigratable(ctx); err != nil {
			return err
		}
	}
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		return fmt.Errorf("%s: read migrations: %w", op, err)
	}
	conn, err := db.db.Conn(ctx)
	if err != nil {
		_ = src.Close()
		return db.connectError(err)
	}
	// WithConnection, unlike WithInstance, leaves the pool open when the migrator closes.
	pgDriver, err := migratepg.WithConnection(ctx, conn, &migratepg.Config{})
	if err != nil {
		_ = src.Close()
		_ = conn.Close()
		return fmt.Errorf("%s: %w", op, err)
	}
	m, err := migrate.NewWithInstance("iofs", src, "postgres", pgDriver)
	if err != nil {
		_ = src.Close()
		_ = pgDriver.Close()
		return fmt.Errorf("%s: %w", op, err)
	}
	defer m.Close()
	stop := context.AfterFunc(ctx, func() { m.GracefulStop <- true })
	defer stop()

	err = fn(m)
	var dirty migrate.ErrDirty
	switch {
	case errors.Is(err, migrate.ErrNoChange):
		err = nil
	case errors.As(err, &dirty):
		return dirtyError(uint(dirty.Version))
	}
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// lockMigrations takes migrateLockKey on a connection of its own, waiting for other migrating
// processes, until the returned function releases it.
func (db *DB) lockMigrations(ctx context.Context) (unlock func(), err error) {
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return nil, db.connectError(err)
	}
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrateLockKey); err != nil {
		_ = conn.Close()
		return nil, db.queryError("lock migrations", err)
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, migrateLockKey); err != nil {
			// A session lock outlives its use; never hand the connection back still holding it.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		_ = conn.Close()
	}, nil
}

// knownMigrations returns the up migrations embedded in this binary, oldest first.
func knownMigrations() ([]*source.Migration, error) {
	names, err := fs.Glob(migrations.FS, "*.up.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	all := make([]*source.Migration, 0, len(names))
	for _, name := range names {
		m, err := source.Parse(name)
		if err != nil {
			return nil, fmt.Errorf("parse migration name %s: %w", name, err)
		}
		all = append(all, m)
	}
	slices.SortFunc(all, func(a, b *source.Migration) int { return cmp.Compare(a.Version, b.Version) })
	return all, nil
}

func knownMigration(version uint) (*source.Migration, bool) {
	all, err := knownMigrations()
	if err != nil {
		return nil, false
	}
	for _, m := range all {
		if m.Version == version {
			return m, true
		}
	}
	return nil, false
}
