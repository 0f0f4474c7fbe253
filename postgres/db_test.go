package postgres_test

import (
	"context"
	"database/sql"
	"net"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
)

func TestOpenRefusesWithOneLineFix(t *testing.T) {
	t.Parallel()
	closedPort := func(t *testing.T) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
		ln.Close()
		return port
	}
	// onTestServer returns the URL of database on the test server, as user: with the test
	// server's own password for its own user, else a wrong one. asksPassword says whether the
	// server checks passwords (the cluster pgtest runs does; a TEST_DATABASE_URL server may trust).
	onTestServer := func(t *testing.T, user, database string) (databaseURL, host string, asksPassword bool) {
		u, err := url.Parse(pgtest.URL(t))
		if err != nil {
			t.Fatal(err)
		}
		password, asksPassword := u.User.Password()
		if user != u.User.Username() {
			password = "s3cret-pw"
		}
		u.User = url.UserPassword(user, password)
		u.Path = "/" + database
		return u.String(), u.Host, asksPassword
	}
	tests := map[string]struct {
		url  func(t *testing.T) (databaseURL, want string)
		code string
	}{
		"server not running": {
			url: func(t *testing.T) (string, string) {
				port := closedPort(t)
				return "postgres://guildhall:s3cret-pw@127.0.0.1:" + port + "/guildhall?sslmode=disable",
					"cannot reach PostgreSQL at 127.0.0.1:" + port + ": connection refused; start it or fix --database-url"
			},
			code: guildhall.EUNAVAILABLE,
		},
		"database missing": {
			url: func(t *testing.T) (string, string) {
				u, host, _ := onTestServer(t, "postgres", "no_such_database")
				return u, `database "no_such_database" does not exist on PostgreSQL at ` + host + ": create it (createdb no_such_database) or fix --database-url"
			},
			code: guildhall.EUNAVAILABLE,
		},
		"unknown user": {
			url: func(t *testing.T) (string, string) {
				u, host, asksPassword := onTestServer(t, "nobody", "postgres")
				if asksPassword { // such a server does not say whether the role exists
					return u, `PostgreSQL at ` + host + ` refused user "nobody": password authentication failed; fix the user or password in --database-url`
				}
				return u, `PostgreSQL at ` + host + ` refused user "nobody": role "nobody" does not exist; fix --database-url`
			},
			code: guildhall.EUNAVAILABLE,
		},
		"malformed URL": {
			url: func(t *testing.T) (string, string) {
				return "postgres://guildhall:s3cret-pw@127.0.0.1:notaport/guildhall",
					`invalid database URL: invalid port ":notaport" after host; fix --database-url`
			},
			code: guildhall.EINVALID,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			databaseURL, want := tt.url(t)
			db, err := postgres.Open(t.Context(), databaseURL)
			if err == nil {
				db.Close()
				t.Fatalf("Open(%q) succeeded", databaseURL)
			}
			if code := guildhall.ErrorCode(err); code != tt.code {
				t.Errorf("code = %q, want %q (%v)", code, tt.code, err)
			}
			msg := guildhall.ErrorMessage(err)
			if msg != want {
				t.Errorf("message\n got %q\nwant %q", msg, want)
			}
			if strings.Contains(err.Error(), "s3cret-pw") {
				t.Errorf("error %q shows the password", err)
			}
		})
	}
}

func TestPing(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDB(t)
	if err := db.Ping(t.Context()); err != nil {
		t.Errorf("Ping of an open database: %v", err)
	}
}

// --db-max-conns caps the connections a process opens: with one allowed and held by a leader
// lock, the next query waits for it instead of opening another.
func TestSetPoolCapsConnections(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDB(t)
	db.SetPool(postgres.Pool{MaxOpen: 1, MaxIdle: 1, MaxIdleTime: time.Minute, MaxLifetime: time.Minute})
	_, unlock, err := db.LockMinter(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	if err := db.Ping(ctx); err == nil {
		t.Error("a second connection was opened past MaxOpen 1")
	}
	unlock()
	if err := db.Ping(t.Context()); err != nil {
		t.Errorf("after the lock's connection is returned: %v", err)
	}
}

// serve opens the pool's connections at its start: they are PostgreSQL backends waiting for the
// first requests, not opened by them.
func TestWarmOpensThePoolsConnectionsAhead(t *testing.T) {
	t.Parallel()
	db, url := pgtest.NewDBURL(t)
	if err := db.Warm(t.Context(), 6); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var backends int
	if err := raw.QueryRowContext(t.Context(), `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
		AND pid <> pg_backend_pid()`).Scan(&backends); err != nil {
		t.Fatal(err)
	}
	if backends < 6 {
		t.Errorf("after Warm(6) the database has %d other connections, want the 6 warmed ones", backends)
	}
}

// Each session compiles a PL/pgSQL function on its first call and plans its statements then:
// Warm has every connection it opens run the reward ledger's triggers once (a reward inserted,
// rolled back), so that a new server's first accepts do not pay for it; and it leaves nothing
// behind.
func TestWarmCompilesTheRewardTriggersInEachSession(t *testing.T) {
	t.Parallel()
	f := newLeaderFixture(t)
	f.reward(t, 1, 10, 0)
	const n = 3
	f.db.SetPool(postgres.Pool{MaxOpen: n, MaxIdle: n, MaxIdleTime: time.Minute, MaxLifetime: time.Hour})
	counts := func() string {
		var s string
		if err := f.raw.Get(&s, `SELECT concat_ws(' ', (SELECT count(*) FROM issuers), (SELECT count(*) FROM reward_rules),
			(SELECT count(*) FROM members), (SELECT count(*) FROM rewards), (SELECT count(*) FROM member_activity_days),
			(SELECT count(*) FROM idempotency_keys), (SELECT count(*) FROM health_journal), (SELECT count(*) FROM reward_ledger_versions))`); err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := counts()
	if err := f.db.Warm(t.Context(), n); err != nil {
		t.Fatal(err)
	}
	if after := counts(); after != before {
		t.Errorf("Warm left rows behind: counts %s before, %s after", before, after)
	}
	compiled, err := postgres.PooledSessions(t.Context(), f.db, n, `SELECT count(DISTINCT ident) FROM pg_backend_memory_contexts
		WHERE name = 'PL/pgSQL function' AND ident IN ('health_rewards_changed()', 'reward_ledger_changed()',
			'health_first_rewards_add(member_activity_days[])', 'member_activity_apply(member_activity_days[],boolean)',
			'reward_updates_apply()')`)
	if err != nil {
		t.Fatal(err)
	}
	for k, c := range compiled {
		if c != 5 {
			t.Errorf("session %d of %d after Warm has %d of the 5 reward trigger functions compiled, want all", k+1, n, c)
		}
	}
}

// Sessions warming at once (Warm's own connections, or two servers starting together) take none
// of each other's locks: another session's warm-up left open does not hold Warm up. With a name
// shared by every warm-up issuer, unique in its community, each waited for the one before it to
// roll back, and the 20 connections of a start were warmed one after another.
func TestWarmWaitsForNoOtherSessionsWarmUp(t *testing.T) {
	t.Parallel()
	f := newLeaderFixture(t)
	tx, err := f.raw.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for _, q := range postgres.WarmRewards {
		if _, err := tx.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := f.db.Warm(ctx, 3); err != nil {
		t.Fatalf("Warm beside another session's open warm-up: %v", err)
	}
}

// Warm beside connections held for good (a job's advisory lock) warms what the pool has room for
// instead of waiting for a connection that never comes back, holding the others: serve warms once
// its jobs hold their locks. Warm counts the pool's room first; and a connection taken by other
// work after that count (a batch that, holding one, waits for another) does not hold Warm up for
// good either: it stops with the connections it has once the pool gives it none for a while
// (WarmConns is Warm without the count).
func TestWarmLeavesTheHeldConnectionsAlone(t *testing.T) {
	t.Parallel()
	for name, warm := range map[string]func(*postgres.DB, context.Context, int) error{
		"counting the room": (*postgres.DB).Warm,
		"without the count": postgres.WarmConns,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newLeaderFixture(t)
			const n = 3
			f.db.SetPool(postgres.Pool{MaxOpen: n, MaxIdle: n, MaxIdleTime: time.Minute, MaxLifetime: time.Hour})
			_, unlock, err := f.db.LockIndexer(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			defer unlock()
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()
			if err := warm(f.db, ctx, n); err != nil {
				t.Fatalf("warming %d connections with one of %d held by a lock: %v", n, n, err)
			}
			var backends int
			if err := f.raw.Get(&backends, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`); err != nil {
				t.Fatal(err)
			}
			if backends < n {
				t.Errorf("after Warm the database has %d other connections, want the lock's and the %d warmed beside it", backends, n-1)
			}
			if err := f.db.Ping(t.Context()); err != nil {
				t.Errorf("the pool after Warm: %v", err)
			}
		})
	}
}

// Warm's statements find the session's own rows by index: on a ledger of many rewards none reads
// the whole of rewards or members (the warm-up's failing update once looked rewards up by wallet
// alone, a scan of the ledger for each connection a start opens).
func TestWarmReadsOnlyItsOwnRows(t *testing.T) {
	t.Parallel()
	f := newLeaderFixture(t)
	f.exec(t, `INSERT INTO members (community_id, wallet) SELECT 'bakery', '0x' || lpad(to_hex(n), 40, '0') FROM generate_series(1, 20000) n`)
	f.exec(t, `INSERT INTO rewards (community_id, issuer_id, rule_id, activity, wallet, amount)
		SELECT 'bakery', (SELECT min(id) FROM issuers), (SELECT min(id) FROM reward_rules), 'visit', '0x' || lpad(to_hex(1 + n % 20000), 40, '0'), 1
		FROM generate_series(1, 60000) n`)
	f.exec(t, `ANALYZE rewards`)
	f.exec(t, `ANALYZE members`)
	tx, err := f.raw.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for _, q := range postgres.WarmRewards {
		var plan []string
		if err := tx.Select(&plan, `EXPLAIN `+q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if p := strings.Join(plan, "\n"); strings.Contains(p, "Seq Scan on rewards") || strings.Contains(p, "Seq Scan on members") {
			t.Errorf("warm-up statement\n%s\nreads a whole table:\n%s", q, p)
		}
	}
}
