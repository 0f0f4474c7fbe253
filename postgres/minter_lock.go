package postgres

import "context"

// minterLockKey is the advisory lock held by the one process that mints rewards and follows the
// operator's transactions (the minter and the sender's Run loop) for a database.
const minterLockKey = 0x6775696c646d // "guildm"

// LockMinter takes the minter's advisory lock, waiting while another process holds it, until unlock
// is called. Run the minter under held: it ends if the lock is lost with its connection, after which
// another process may lead. Cancelling ctx while waiting returns ctx's error.
//
// Two minters at once could each cut and send the same claimed batch from their own view of it,
// and two senders could each give one stuck intent a new nonce; one leader at a time rules both
// out, as the indexer's lock does for the indexer.
func (db *DB) LockMinter(ctx context.Context) (held context.Context, unlock func(), err error) {
	return db.holdAdvisoryLock(ctx, minterLockKey, "lock minter")
}
