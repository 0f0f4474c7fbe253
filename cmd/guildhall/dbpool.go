package main

import (
	"flag"

	"github.com/guildhall/guildhall/postgres"
)

// minServeConns is the smallest pool serve can work with: the indexer's and the minter's leader
// locks each hold a connection for as long as they lead, and the API and the jobs need the rest.
const minServeConns = 4

// registerPoolFlags adds the database pool settings to fs, defaulting to postgres.DefaultPool.
func registerPoolFlags(fs *flag.FlagSet, p *postgres.Pool) {
	*p = postgres.DefaultPool
	fs.IntVar(&p.MaxOpen, "db-max-conns", p.MaxOpen,
		"database connections this process opens at most (each leader lock holds one; managed PostgreSQL plans cap the total across processes)")
	fs.IntVar(&p.MaxIdle, "db-max-idle-conns", p.MaxIdle, "idle database connections kept for reuse (at most --db-max-conns)")
	fs.DurationVar(&p.MaxIdleTime, "db-conn-max-idle-time", p.MaxIdleTime, "an idle database connection is closed after this long")
	fs.DurationVar(&p.MaxLifetime, "db-conn-max-lifetime", p.MaxLifetime,
		"a database connection is replaced after this long (picks up a failed-over primary's new address)")
}

// validatePool refuses a pool serve cannot run in. More idle than open connections is no error:
// the pool keeps at most --db-max-conns.
func validatePool(fs *flag.FlagSet, p postgres.Pool) error {
	switch {
	case p.MaxOpen < minServeConns:
		return usageError(fs, "--db-max-conns must be at least %d (the two leader locks hold one each), not %d", minServeConns, p.MaxOpen)
	case p.MaxIdle < 0:
		return usageError(fs, "--db-max-idle-conns must not be negative")
	case p.MaxIdleTime < 0 || p.MaxLifetime < 0:
		return usageError(fs, "--db-conn-max-idle-time and --db-conn-max-lifetime must not be negative")
	}
	return nil
}
