package main

import (
	"context"
	"log/slog"

	"github.com/guildhall/guildhall/chain"
)

// lockFunc takes a database advisory lock, waiting while another process holds it. held ends
// with the lock: on unlock, with ctx, or when the lock is lost with its database connection.
type lockFunc func(ctx context.Context) (held context.Context, unlock func(), err error)

// lead runs run while this process holds the lock that lock takes (name says which, for the
// log), and queues for it again when it is lost with its database connection, since another
// process may lead meanwhile. It returns nil when ctx ends, or run's error when run fails.
// Errors taking the lock are logged and retried with a backoff.
//
// Every leader (the indexer; the minter with the operator's sender) takes its lock here, where the
// process is wired, rather than inside its Run: the minter and the sender lead together under
// one lock while neither knows the other, the sender (package chain) knows nothing of
// PostgreSQL, and tests drive an indexer or a minter without a lock to race for. Each Run only
// runs until its context, the held lock's, ends.
func lead(ctx context.Context, log *slog.Logger, name string, lock lockFunc, run func(held context.Context) error) error {
	for ctx.Err() == nil {
		log.Info("waiting for the " + name + " lock")
		var (
			held   context.Context
			unlock func()
		)
		if err := chain.Retry(ctx, func() (err error) {
			if held, unlock, err = lock(ctx); err != nil && ctx.Err() == nil {
				log.Warn("cannot take the "+name+" lock; will retry", "err", err)
			}
			return err
		}); err != nil {
			return nil // ctx ended
		}
		err := run(held)
		unlock()
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			return err
		}
		log.Warn("lost the " + name + " lock with its database connection; waiting to lead again")
	}
	return nil
}
