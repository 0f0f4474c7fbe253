package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
)

// WarmRewards are the statements Warm runs on each connection.
var WarmRewards = warmRewards

// WarmConns is Warm without its bound by the pool's room: it asks for n connections whatever
// the pool holds.
func WarmConns(db *DB, ctx context.Context, n int) error { return db.warmConns(ctx, n) }

// LeaderboardAggregations is how many times s aggregated a leaderboard ranking from the ledger.
func LeaderboardAggregations(s *RewardsStore) int64 { return s.leaders.reads.Load() }

// AcceptGroups is how many groups of more than one request s has committed together.
func AcceptGroups(s *RewardsStore) int64 { return s.accepts.groups.Load() }

// MaxGroupRunners is how many groups of one issuer a process records at once.
const MaxGroupRunners = maxGroupRunners

// NewRewardsStoreOf returns another rewards store on s's database, as another process has.
func NewRewardsStoreOf(s *RewardsStore) *RewardsStore { return NewRewardsStore(s.db) }

// RefreshRoleChecks brings s's role check index of community up to date now, as a background
// refresh does, once none is running.
func RefreshRoleChecks(ctx context.Context, s *RecognitionStore, community string) error {
	idx := s.db.roleChecks.index(community)
	idx.refreshing.Lock()
	defer idx.refreshing.Unlock()
	return s.refreshChecks(ctx, community, idx)
}

// RoleCheckIndex renders s's role check index of community as "role account since" lines, by
// role and account, after a line naming the block it is true at.
func RoleCheckIndex(s *RecognitionStore, community string) string {
	idx := s.db.roleChecks.index(community)
	idx.mu.RLock()
	defer idx.mu.RUnlock()
	lines := []string{fmt.Sprint("block ", idx.asOf.Number)}
	for role, holders := range idx.roles {
		for a, since := range holders {
			lines = append(lines, strings.Join([]string{role, a.Hex(), since.Format(time.RFC3339)}, " "))
		}
	}
	slices.Sort(lines[1:])
	return strings.Join(lines, "\n")
}

// HasRoleCheckIndex reports whether s's database keeps a role check index of community.
func HasRoleCheckIndex(s *RecognitionStore, community string) bool {
	return s.db.roleChecks.load(community) != nil
}

// StoredRoleChecks is how many of s's database's role checks were read from the database.
func StoredRoleChecks(s *RecognitionStore) int64 { return s.db.roleChecks.stored.Load() }

// PooledSessions runs q on n of db's pooled connections at once (all of them held together, so
// each is another session) and returns what each answered, as an integer.
func PooledSessions(ctx context.Context, db *DB, n int, q string) ([]int64, error) {
	out := make([]int64, n)
	conns := make([]*sql.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			_ = c.Close()
		}
	}()
	for k := range n {
		c, err := db.db.Conn(ctx)
		if err != nil {
			return nil, err
		}
		conns = append(conns, c)
		if err := c.QueryRowContext(ctx, q).Scan(&out[k]); err != nil {
			return nil, err
		}
	}
	return out, nil
}
