// Package pgtest gives each test its own PostgreSQL database, so tests run against the real thing
// in parallel without seeing each other's rows.
//
// The databases live on the server at $TEST_DATABASE_URL (a postgres:// URL of a role allowed to
// create databases). Without it, pgtest starts a cluster of its own with package localpg at
// $TMPDIR/guildhall-test-postgres on 127.0.0.1:54330, shared by every test process (go test runs
// packages in parallel) and left running afterwards so the next run starts at once; stop it with
// `pg_ctl stop -D $TMPDIR/guildhall-test-postgres` (as the postgres user when root).
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/guildhall/guildhall/localpg"
	"github.com/guildhall/guildhall/postgres"
	"github.com/lib/pq"
)

// EnvURL names the environment variable holding the URL of the server to create test databases
// on. Unset, pgtest runs its own cluster.
const EnvURL = "TEST_DATABASE_URL"

// Port is the port of the cluster pgtest runs when EnvURL is unset.
const Port = 54330

// NewDB returns an open connection to a fresh database, migrated up, that is closed and dropped
// when the test ends. It fails the test if no server can be had.
func NewDB(t testing.TB) *postgres.DB {
	t.Helper()
	db, _ := NewDBURL(t)
	return db
}

// NewDBURL is NewDB that also returns the database's URL, for tests that open a second, plain
// connection to it or hand it to the guildhall binary.
func NewDBURL(t testing.TB) (*postgres.DB, string) {
	t.Helper()
	databaseURL := URL(t)
	db, err := postgres.Open(t.Context(), databaseURL)
	if err != nil {
		t.Fatalf("pgtest: open test database: %v", err)
	}
	t.Cleanup(func() { db.Close() }) // runs before URL's cleanup drops the database
	if err := db.MigrateUp(t.Context()); err != nil {
		t.Fatalf("pgtest: migrate test database: %v", err)
	}
	return db, databaseURL
}

// NewDBRaw is NewDB that also returns a plain connection to the same database, for tests that
// write or read rows the store has no method for; it is closed when the test ends.
func NewDBRaw(t testing.TB) (*postgres.DB, *sqlx.DB) {
	t.Helper()
	db, databaseURL := NewDBURL(t)
	raw, err := sqlx.Open("postgres", databaseURL)
	if err != nil {
		t.Fatalf("pgtest: open a plain connection: %v", err)
	}
	t.Cleanup(func() { raw.Close() }) // before NewDBURL's: cleanups run last in, first out
	return db, raw
}

// IndexDefs returns the definitions (pg_indexes.indexdef) of those of the named indexes that
// exist, ordered by name.
func IndexDefs(t testing.TB, raw *sqlx.DB, names ...string) []string {
	t.Helper()
	var defs []string
	if err := raw.SelectContext(t.Context(), &defs, `SELECT indexdef FROM pg_indexes WHERE indexname = ANY($1) ORDER BY indexname`,
		pq.Array(names)); err != nil {
		t.Fatalf("pgtest: read index definitions: %v", err)
	}
	return defs
}

// URL creates a fresh, empty database (not migrated: run `migrate up` or use NewDB) that is
// dropped when the test ends, disconnecting whoever still uses it, and returns its URL, e.g. for
// end-to-end tests of the guildhall binary.
func URL(t testing.TB) string {
	t.Helper()
	srv, err := sharedServer()
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	name := databaseName(t)
	if _, err := srv.admin.ExecContext(t.Context(), "CREATE DATABASE "+pq.QuoteIdentifier(name)); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		// t.Context is already cancelled while cleanups run.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := srv.admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(name)+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	u := *srv.url
	u.Path = "/" + name
	u.RawPath = ""
	return u.String()
}

// server is where test databases are made: its URL and a connection to create and drop them.
type server struct {
	url   *url.URL
	admin *sql.DB
}

// sharedServer finds or starts the server once per test process. Every test of the process
// shares it, hence a package-level memo: the one piece of state in pgtest.
var sharedServer = sync.OnceValues(func() (*server, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	raw := os.Getenv(EnvURL)
	if raw == "" {
		cluster := &localpg.Cluster{
			Dir:  filepath.Join(os.TempDir(), "guildhall-test-postgres"),
			Port: Port,
			// Throwaway data: skip the disk flushes that make a test suite slow. Test binaries of
			// several packages (and benchmarks with 16-32 clients) share the server at once.
			Settings: map[string]string{"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off", "max_connections": "300"},
		}
		var err error
		if raw, err = cluster.Start(ctx); err != nil {
			return nil, fmt.Errorf("start the test PostgreSQL (or set %s to use another server): %w", EnvURL, err)
		}
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, fmt.Errorf("%s must be a postgres:// URL", EnvURL)
	}
	admin, err := sql.Open("postgres", raw)
	if err != nil {
		return nil, fmt.Errorf("open test server: %w", err)
	}
	admin.SetMaxOpenConns(4)
	if err := admin.PingContext(ctx); err != nil {
		_ = admin.Close()
		return nil, fmt.Errorf("connect to the test server at %s: %w", u.Redacted(), err)
	}
	return &server{url: u, admin: admin}, nil
})

// databaseName returns a new database name that says which test made it, e.g.
// test_createcommunity_duplicate_id_3f9a0c1e.
func databaseName(t testing.TB) string {
	var b strings.Builder
	b.WriteString("test_")
	for _, r := range strings.ToLower(t.Name()) {
		if b.Len() >= 45 {
			break
		}
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			if !strings.HasSuffix(b.String(), "_") {
				b.WriteByte('_')
			}
		}
	}
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	return strings.TrimSuffix(b.String(), "_") + "_" + hex.EncodeToString(suffix)
}
