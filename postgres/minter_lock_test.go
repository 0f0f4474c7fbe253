package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/guildhall/guildhall/postgres/pgtest"
)

// Only one process mints for a database: a second LockMinter waits until the first unlocks.
func TestLockMinterAdmitsOneAtATime(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDB(t)
	ctx := context.Background()
	unlock, err := db.LockMinter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	waitCtx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if second, err := db.LockMinter(waitCtx); err == nil {
		second()
		t.Fatal("a second minter got the lock while the first held it")
	}
	unlock()
	got := make(chan error, 1)
	go func() {
		second, err := db.LockMinter(ctx)
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
