// Package postgres implements Guildhall's stores on PostgreSQL with sqlx and lib/pq, runs the
// embedded migrations, and turns database errors into *guildhall.Error values at its boundary:
// a unique violation becomes ECONFLICT, a missing row ENOTFOUND, an unreachable server
// EUNAVAILABLE with a one-line message naming the fix.
package postgres

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/guildhall/guildhall"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"
	"golang.org/x/sync/errgroup"
)

// pingTimeout bounds a connection check when the caller's context has no deadline.
const pingTimeout = 10 * time.Second

// DB is a pool of connections to one Guildhall database. It is safe for concurrent use; close it
// with Close.
type DB struct {
	db       *sqlx.DB
	target   string // host:port, for messages
	user     string
	database string
	password string // only to scrub it from messages
	cfg      pq.Config

	roleChecks roleChecks // the role check indexes of the communities checked (recognition_checks.go)
}

// Open connects to the database at databaseURL (a postgres:// URL or a key=value string, as libpq
// takes; PG* environment variables fill in what it leaves out) and checks that it answers. It does
// not migrate. Problems a user can fix are EUNAVAILABLE *guildhall.Error values with one-line
// messages naming the fix, e.g. "cannot reach PostgreSQL at 127.0.0.1:54329: connection refused;
// start it or fix --database-url"; a malformed URL is EINVALID. No message contains the password.
func Open(ctx context.Context, databaseURL string) (*DB, error) {
	cfg, err := pq.NewConfig(databaseURL)
	if err != nil {
		return nil, guildhall.Errorf(guildhall.EINVALID, "invalid database URL: %s; fix --database-url",
			scrub(urlErrorReason(err), passwordOf(databaseURL)))
	}
	return openConfig(ctx, cfg)
}

// openConfig connects with cfg and checks that the database answers (see Open).
func openConfig(ctx context.Context, cfg pq.Config) (*DB, error) {
	// A statement with parameters in one round trip (Parse, Bind, Execute and Sync sent
	// together) instead of two (Parse and Describe, answered, then Bind and Execute): lib/pq
	// needs the parameters' types only to encode them as text, which this mode skips by sending
	// []byte parameters as binary (bytea) and the others as text for the server to type. So JSON
	// for a jsonb parameter goes as a string (a []byte would be taken for binary jsonb).
	cfg.BinaryParameters = true
	connector, err := pq.NewConnectorConfig(cfg)
	if err != nil {
		return nil, guildhall.Errorf(guildhall.EINVALID, "invalid database URL: %s; fix --database-url",
			scrub(err.Error(), cfg.Password))
	}
	sqlDB := sql.OpenDB(connector)
	db := &DB{
		db:       sqlx.NewDb(sqlDB, "postgres"),
		target:   target(cfg),
		user:     cfg.User,
		database: cmp.Or(cfg.Database, cfg.User), // libpq's default
		password: cfg.Password,
		cfg:      cfg,
	}
	db.SetPool(DefaultPool)
	if err := db.Ping(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, err
	}
	return db, nil
}

// Pool says how many connections a DB keeps open and for how long.
type Pool struct {
	MaxOpen     int           // connections open at most, busy or idle (each leader lock holds one for good)
	MaxIdle     int           // idle connections kept for reuse
	MaxIdleTime time.Duration // an idle connection is closed after this long
	MaxLifetime time.Duration // a connection is closed after this long (so a fail-over or DNS change is picked up)
}

// DefaultPool is enough for the API, the indexer and the minter of one process; PostgreSQL's
// default max_connections (100) leaves room for a few processes and psql. Every open connection
// may stay idle (until MaxIdleTime): with fewer idle than open, a burst of requests closes the
// connections it returns past the idle limit and opens them again on the next, each a new
// PostgreSQL backend and a SCRAM handshake; reward accepts under 32 clients ran 5x slower so.
var DefaultPool = Pool{MaxOpen: 20, MaxIdle: 20, MaxIdleTime: 5 * time.Minute, MaxLifetime: 30 * time.Minute}

// SetPool applies p to the connections from now on.
func (db *DB) SetPool(p Pool) {
	db.db.SetMaxOpenConns(p.MaxOpen)
	db.db.SetMaxIdleConns(p.MaxIdle)
	db.db.SetConnMaxIdleTime(p.MaxIdleTime)
	db.db.SetConnMaxLifetime(p.MaxLifetime)
}

// warmParallel is how many connections Warm opens and warms at once: enough to overlap the
// handshakes' round trips and keep a few server cores busy, few enough not to crowd the server.
const warmParallel = 4

// warmConnWait is how long Warm waits for the pool to give it one more connection: longer means
// the pool has none to spare (the requests and jobs hold the rest), and Warm stops there.
const warmConnWait = 2 * time.Second

// Warm opens n of the pool's connections before they are needed and keeps them idle (n at most
// the pool's idle limit), so that the first burst of requests after a start does not wait for
// backends to start and SCRAM handshakes to finish, all at once. Each connection then runs the
// reward ledger's triggers once (warmRewardTriggers), as a session compiles a PL/pgSQL function
// and plans its statements on the function's first call. The connections are opened and warmed
// warmParallel at a time (one after another, the 20 of the default pool took 2.3 s of every
// start); each is held until all are warm, so that each is a connection of its own. Held so, n
// connections could never all be had beside connections the process holds for good (the jobs'
// advisory locks), nor beside one held by work that waits for another (a batch that compacts
// the health journal before returning its own): n is at most the pool's room beside the
// connections in use when Warm starts, and Warm stops, with the connections it has, when the
// pool has given it none for warmConnWait.
func (db *DB) Warm(ctx context.Context, n int) error {
	if st := db.db.Stats(); st.MaxOpenConnections > 0 {
		n = min(n, st.MaxOpenConnections-st.InUse)
	}
	return db.warmConns(ctx, n)
}

// warmConns is Warm without the bound by the pool's room.
func (db *DB) warmConns(ctx context.Context, n int) error {
	if n <= 0 {
		return nil
	}
	conns := make([]*sql.Conn, n)
	defer func() {
		for _, c := range conns {
			if c != nil {
				_ = c.Close() // back to the pool, idle
			}
		}
	}()
	var g errgroup.Group
	g.SetLimit(warmParallel)
	var busy atomic.Bool // the pool gave none for warmConnWait: no more are asked for
	for i := range conns {
		g.Go(func() error {
			if busy.Load() {
				return nil
			}
			wait, stop := context.WithTimeout(ctx, warmConnWait)
			c, err := db.db.Conn(wait)
			stop()
			if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
				busy.Store(true)
				return nil
			}
			if err == nil {
				conns[i] = c
				err = c.PingContext(ctx)
			}
			if err != nil {
				return db.connectError(err)
			}
			return warmRewardTriggers(ctx, c)
		})
	}
	return g.Wait()
}

// Close closes every connection. Calls in flight fail; the DB cannot be used afterwards.
func (db *DB) Close() error {
	if err := db.db.Close(); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	return nil
}

// Ping checks that the database answers, for readiness checks. It returns nil or the same
// one-line EUNAVAILABLE *guildhall.Error as Open.
func (db *DB) Ping(ctx context.Context) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, pingTimeout)
		defer cancel()
	}
	if err := db.db.PingContext(ctx); err != nil {
		return db.connectError(err)
	}
	return nil
}

// connectError turns a failure to connect into a one-line message naming what is wrong and how
// to fix it.
func (db *DB) connectError(err error) error {
	if e := pq.As(err); e != nil {
		msg := scrub(e.Message, db.password)
		switch {
		case e.Code == pqerror.InvalidCatalogName:
			return guildhall.Errorf(guildhall.EUNAVAILABLE,
				"database %q does not exist on PostgreSQL at %s: create it (createdb %s) or fix --database-url",
				db.database, db.target, db.database)
		case e.Code == pqerror.InvalidPassword:
			return guildhall.Errorf(guildhall.EUNAVAILABLE,
				"PostgreSQL at %s refused user %q: password authentication failed; fix the user or password in --database-url",
				db.target, db.user)
		case e.Code.Class() == pqerror.ClassInvalidAuthorizationSpecification:
			return guildhall.Errorf(guildhall.EUNAVAILABLE,
				"PostgreSQL at %s refused user %q: %s; fix --database-url", db.target, db.user, msg)
		default:
			return guildhall.Errorf(guildhall.EUNAVAILABLE,
				"PostgreSQL at %s refused the connection: %s", db.target, msg)
		}
	}
	if errors.Is(err, pq.ErrSSLNotSupported) {
		return guildhall.Errorf(guildhall.EUNAVAILABLE,
			"PostgreSQL at %s does not accept SSL: add sslmode=disable to --database-url, or enable SSL on the server", db.target)
	}
	return guildhall.Errorf(guildhall.EUNAVAILABLE, "cannot reach PostgreSQL at %s: %s; start it or fix --database-url",
		db.target, scrub(networkReason(err), db.password))
}

// networkReason names why a connection could not be made, in a few words.
func networkReason(err error) string {
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return "timed out"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.As(err, &dnsErr):
		return "unknown host " + dnsErr.Name
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "no route to host"
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Err != nil {
		return opErr.Err.Error()
	}
	return strings.TrimPrefix(err.Error(), "pq: ")
}

// target renders the server a config points at, e.g. 127.0.0.1:54329 or /var/run/postgresql:5432.
func target(cfg pq.Config) string {
	host := cfg.Host
	if host == "" {
		host = "localhost"
	}
	if cfg.Hostaddr.IsValid() {
		host = cfg.Hostaddr.String()
	}
	return net.JoinHostPort(host, strconv.Itoa(int(cfg.Port)))
}

// urlErrorReason returns the reason inside a URL parse error without the URL itself (which would
// carry the password).
func urlErrorReason(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

// passwordOf returns the password in a postgres:// URL, or "" if it has none or cannot be parsed.
func passwordOf(databaseURL string) string {
	u, err := url.Parse(databaseURL)
	if err != nil || u.User == nil {
		return ""
	}
	pw, _ := u.User.Password()
	return pw
}

// scrub removes password from s: no message we return may carry it.
func scrub(s, password string) string {
	if password == "" {
		return s
	}
	return strings.ReplaceAll(s, password, "********")
}

// queryError wraps the error of a query as "op: err", except that a lost or refused connection
// becomes the same EUNAVAILABLE message as Open gives.
func (db *DB) queryError(op string, err error) error {
	if isConnectionError(err) {
		return db.connectError(err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// isConnectionError reports whether err means the server could not be reached or went away, as
// opposed to refusing a statement.
func isConnectionError(err error) bool {
	if e := pq.As(err); e != nil {
		return e.Code.Class() == pqerror.ClassConnectionException ||
			e.Code == pqerror.AdminShutdown || e.Code == pqerror.CannotConnectNow ||
			e.Code == pqerror.InvalidCatalogName || e.Code.Class() == pqerror.ClassInvalidAuthorizationSpecification
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, syscall.ECONNREFUSED)
}

// maxTxRetries bounds how often a transaction that lost a deadlock or serialization race is run
// again; each retry starts afresh, so all-or-none still holds.
const maxTxRetries = 8

// inTx runs fn in a transaction, committing when it returns nil (and commit is set) and rolling
// back otherwise. A deadlock or serialization failure runs it again.
func (db *DB) inTx(ctx context.Context, op string, commit bool, fn func(tx *sqlx.Tx) error) error {
	for attempt := 0; ; attempt++ {
		err := db.tryTx(ctx, commit, fn)
		if e := pq.As(err, pqerror.TRDeadlockDetected, pqerror.TRSerializationFailure); e != nil && attempt < maxTxRetries {
			time.Sleep(time.Duration(attempt+1) * 3 * time.Millisecond)
			continue
		}
		var ge *guildhall.Error
		if err == nil || errors.As(err, &ge) {
			return err
		}
		return db.queryError(op, err)
	}
}

func (db *DB) tryTx(ctx context.Context, commit bool, fn func(tx *sqlx.Tx) error) error {
	tx, err := db.db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if !commit {
		return nil
	}
	return tx.Commit()
}
