package postgres

import (
	"context"
	"database/sql/driver"
	"time"
)

// lockCheckInterval is how often a held advisory lock's connection is checked.
const lockCheckInterval = 2 * time.Second

// lockSessionSettings make the server end a leader's session, and so free its lock, within
// seconds when the leader can no longer speak for it: the host is gone (TCP keepalives, unacked
// data) or the process is frozen (no check for 10 s while holding it; the holder checks every
// lockCheckInterval). The keepalive settings are ignored on Unix sockets, where the kernel reports
// a dead peer at once.
const lockSessionSettings = `SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 2; SET tcp_keepalives_count = 3;
SET tcp_user_timeout = 10000; SET idle_session_timeout = 10000`

// holdAdvisoryLock takes the session advisory lock key on a connection of its own, waiting while
// another session holds it (cancelling ctx while waiting returns ctx's error).
//
// PostgreSQL releases a session lock with its connection, so a holder whose connection breaks no
// longer leads and another process may take over. The returned context ends when that happens (the
// connection stops answering a check every lockCheckInterval), when ctx ends, or when unlock is
// called: run the leader's work under it.
func (db *DB) holdAdvisoryLock(ctx context.Context, key int64, op string) (held context.Context, unlock func(), err error) {
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return nil, nil, db.connectError(err)
	}
	// Ending the session releases the lock; the connection, with its leader-only settings, never
	// goes back to the pool.
	discard := func() {
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		_ = conn.Close()
	}
	if _, err := conn.ExecContext(ctx, lockSessionSettings); err != nil {
		discard()
		return nil, nil, db.queryError(op, err)
	}
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		discard()
		return nil, nil, db.queryError(op, err)
	}
	held, cancel := context.WithCancel(ctx)
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		t := time.NewTicker(lockCheckInterval)
		defer t.Stop()
		for {
			select {
			case <-held.Done():
				return
			case <-t.C:
				pingCtx, stop := context.WithTimeout(held, lockCheckInterval)
				err := conn.PingContext(pingCtx)
				stop()
				if err != nil && held.Err() == nil {
					cancel() // the lock went with the connection
					return
				}
			}
		}
	}()
	return held, func() {
		cancel()
		<-watched
		discard()
	}, nil
}
