package postgres

import (
	"context"
	"database/sql/driver"
	"time"
)

// minterLockKey is the advisory lock held by the one process that mints rewards and follows the
// operator's transactions (the minter and the sender's Run loop) for a database.
const minterLockKey = 0x6775696c646d // "guildm"

// LockMinter takes the minter's advisory lock on a connection of its own, waiting while another
// process holds it, until unlock is called. Cancelling ctx while waiting returns ctx's error.
// Two minters at once could each cut and send the same claimed batch from their own view of it,
// and two senders could each give one stuck intent a new nonce; one leader at a time rules both
// out, as the indexer's lock does for the indexer.
func (db *DB) LockMinter(ctx context.Context) (unlock func(), err error) {
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return nil, db.connectError(err)
	}
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, minterLockKey); err != nil {
		_ = conn.Close()
		return nil, db.queryError("lock minter", err)
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, minterLockKey); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		_ = conn.Close()
	}, nil
}
