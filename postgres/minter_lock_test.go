package postgres_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
)

// Only one process mints for a database: a second LockMinter waits until the first unlocks.
func TestLockMinterAdmitsOneAtATime(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDB(t)
	ctx := context.Background()
	_, unlock, err := db.LockMinter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	waitCtx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if _, second, err := db.LockMinter(waitCtx); err == nil {
		second()
		t.Fatal("a second minter got the lock while the first held it")
	}
	unlock()
	got := make(chan error, 1)
	go func() {
		_, second, err := db.LockMinter(ctx)
		if err == nil {
			second()
		}
		got <- err
	}()
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the lock was not released by unlock")
	}
}

// A leader whose connection is cut loses the lock with it: its held context ends, so it stops
// leading before another process takes over.
func TestLockMinterEndsWhenTheConnectionIsLost(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	ctx := context.Background()
	db, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	held, unlock, err := db.LockMinter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	raw, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.ExecContext(ctx, `SELECT pg_terminate_backend(pid) FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND objid = $1
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`, 0x6775696c646d&0xffffffff); err != nil {
		t.Fatal(err)
	}
	select {
	case <-held.Done():
	case <-time.After(15 * time.Second):
		t.Fatal("the held context did not end after the lock's connection was terminated")
	}
	// Another process can now lead.
	waitCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, second, err := db.LockMinter(waitCtx)
	if err != nil {
		t.Fatalf("the lock was not free after its holder's connection died: %v", err)
	}
	second()
}
