package postgres

import (
	"context"
	"database/sql/driver"
	"time"
)

// lockCheckInterval is how often a held advisory lock's connection is checked.
const lockCheckInterval = 2 * time.Second

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
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		_ = conn.Close()
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
		ctx, stop := context.WithTimeout(context.Background(), 10*time.Second)
		defer stop()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, key); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		_ = conn.Close()
	}, nil
}
