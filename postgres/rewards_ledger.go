package postgres

import (
	"context"
	"database/sql"
	"errors"
	"math/big"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/rewards"
)

type rewardRow struct {
	ID          int64          `db:"id"`
	CommunityID string         `db:"community_id"`
	IssuerID    int64          `db:"issuer_id"`
	RuleID      int64          `db:"rule_id"`
	Activity    string         `db:"activity"`
	Wallet      string         `db:"wallet"`
	Reference   sql.NullString `db:"reference"`
	Amount      string         `db:"amount"`
	Status      string         `db:"status"`
	BatchID     sql.NullInt64  `db:"batch_id"`
	TxHash      sql.NullString `db:"tx_hash"`
	BlockNumber sql.NullInt64  `db:"block_number"`
	CreatedAt   time.Time      `db:"created_at"`
}

const rewardSelect = `SELECT r.id, r.community_id, r.issuer_id, r.rule_id, r.activity, r.wallet, r.reference,
	r.amount::text AS amount, r.status, r.batch_id, b.tx_hash, b.block_number, r.created_at
	FROM rewards r LEFT JOIN mint_batches b ON b.id = r.batch_id `

func (r rewardRow) reward() *rewards.Reward {
	return &rewards.Reward{
		ID: r.ID, CommunityID: r.CommunityID, IssuerID: r.IssuerID, RuleID: r.RuleID, Activity: r.Activity,
		Wallet: r.Wallet, Reference: r.Reference.String, Amount: parseBig(r.Amount), Status: r.Status,
		BatchID: r.BatchID.Int64, TxHash: r.TxHash.String, BlockNumber: uint64(r.BlockNumber.Int64), CreatedAt: r.CreatedAt,
	}
}

// Reward returns one reward of a community; ENOTFOUND if the community has no such reward.
func (s *RewardsStore) Reward(ctx context.Context, communityID string, id int64) (*rewards.Reward, error) {
	var r rewardRow
	err := s.db.db.GetContext(ctx, &r, rewardSelect+`WHERE r.community_id = $1 AND r.id = $2`, communityID, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, guildhall.Errorf(guildhall.ENOTFOUND, "reward %d not found in community %q", id, communityID)
	}
	if err != nil {
		return nil, s.db.queryError("find reward", err)
	}
	return r.reward(), nil
}

// Rewards lists a community's rewards newest first.
func (s *RewardsStore) Rewards(ctx context.Context, communityID string, f rewards.RewardFilter) ([]*rewards.Reward, error) {
	var rows []rewardRow
	before := f.BeforeID
	if before <= 0 {
		before = 1<<63 - 1
	}
	err := s.db.db.SelectContext(ctx, &rows, rewardSelect+`WHERE r.community_id = $1 AND r.id < $2
		AND ($3 = '' OR r.wallet = $3) AND ($4 = '' OR r.activity = $4) AND ($5 = '' OR r.status = $5)
		AND ($7 = 0 OR r.issuer_id = $7)
		ORDER BY r.id DESC LIMIT $6`, communityID, before, f.Wallet, f.Activity, f.Status, f.Limit, f.IssuerID)
	if err != nil {
		return nil, s.db.queryError("list rewards", err)
	}
	out := make([]*rewards.Reward, len(rows))
	for k, r := range rows {
		out[k] = r.reward()
	}
	return out, nil
}

// Leaderboard ranks members by the sum of their rewards (all but failed) created since since,
// ties sharing a rank and listed by wallet, with their indexed balances at the page's AsOf (nil
// while the community is not indexed). The ranking is aggregated from the ledger only when the
// ledger changed (its version, migration 0012) or a reward left the window since the last read:
// repeated reads take it from the store's cache and read just the page's balances.
func (s *RewardsStore) Leaderboard(ctx context.Context, communityID string, since time.Time, offset, limit int) (*rewards.LeaderboardPage, error) {
	var page *rewards.LeaderboardPage
	err := s.db.readIndex(ctx, "leaderboard", communityID, func(tx *sqlx.Tx, asOf guildhall.AsOf) error {
		entries, err := s.rankingPage(ctx, tx, communityID, since, offset, limit)
		if err == nil {
			err = readBalances(ctx, tx, communityID, entries)
		}
		page = &rewards.LeaderboardPage{Entries: entries, AsOf: &asOf}
		return err
	})
	if guildhall.ErrorCode(err) == guildhall.EUNAVAILABLE { // not indexed yet (an unknown community is ENOTFOUND)
		page, err = s.unindexedLeaderboard(ctx, communityID, since, offset, limit)
	}
	if err != nil {
		return nil, err
	}
	return page, nil
}

// unindexedLeaderboard is the ranking of a community the indexer has not reached: no balances.
func (s *RewardsStore) unindexedLeaderboard(ctx context.Context, communityID string, since time.Time, offset, limit int) (*rewards.LeaderboardPage, error) {
	tx, err := s.db.db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, s.db.queryError("leaderboard", err)
	}
	defer tx.Rollback()
	entries, err := s.rankingPage(ctx, tx, communityID, since, offset, limit)
	if err != nil {
		return nil, s.db.queryError("leaderboard", err)
	}
	return &rewards.LeaderboardPage{Entries: entries}, nil
}

// rankingPage returns entries offset..offset+limit of the ranking since since in tx's snapshot,
// from the cache when it holds that ranking at the snapshot's ledger version.
func (s *RewardsStore) rankingPage(ctx context.Context, tx *sqlx.Tx, communityID string, since time.Time, offset, limit int) ([]rewards.LeaderEntry, error) {
	var version string
	if err := tx.GetContext(ctx, &version, `SELECT coalesce(string_agg(issuer_id || ':' || slot || ':' || version, ',' ORDER BY issuer_id, slot), '')
		FROM reward_ledger_versions WHERE community_id = $1`, communityID); err != nil {
		return nil, err
	}
	r := s.leaders.find(communityID, version, since)
	if r == nil {
		var err error
		if r, err = readRanking(ctx, tx, communityID, since, version); err != nil {
			return nil, err
		}
		s.leaders.add(communityID, r)
	}
	from, to := min(offset, len(r.entries)), min(offset+limit, len(r.entries))
	return slices.Clone(r.entries[from:to]), nil
}

// readRanking aggregates the ledger into the whole ranking since since.
func readRanking(ctx context.Context, tx *sqlx.Tx, communityID string, since time.Time, version string) (*leaderRanking, error) {
	var rows []struct {
		Wallet string    `db:"wallet"`
		Earned string    `db:"earned"`
		Rank   int       `db:"rank"`
		Oldest time.Time `db:"oldest"`
	}
	err := tx.SelectContext(ctx, &rows, `
		SELECT wallet, sum(amount)::text AS earned, rank() OVER (ORDER BY sum(amount) DESC) AS rank, min(created_at) AS oldest
		FROM rewards WHERE community_id = $1 AND created_at >= $2 AND status <> 'failed'
		GROUP BY wallet ORDER BY rank, wallet`, communityID, since)
	if err != nil {
		return nil, err
	}
	r := &leaderRanking{version: version, since: since, entries: make([]rewards.LeaderEntry, len(rows))}
	for k, row := range rows {
		r.entries[k] = rewards.LeaderEntry{Rank: row.Rank, Wallet: row.Wallet, Earned: parseBig(row.Earned)}
		if r.oldest.IsZero() || row.Oldest.Before(r.oldest) {
			r.oldest = row.Oldest
		}
	}
	return r, nil
}

// readBalances sets every entry's Balance to the wallet's indexed balance in tx's snapshot.
func readBalances(ctx context.Context, tx *sqlx.Tx, communityID string, entries []rewards.LeaderEntry) error {
	wallets := make([]string, len(entries))
	for k, e := range entries {
		wallets[k] = e.Wallet
	}
	var rows []struct {
		Address string `db:"address"`
		Balance string `db:"balance"`
	}
	if err := tx.SelectContext(ctx, &rows, `SELECT address, balance::text AS balance FROM token_accounts
		WHERE community_id = $1 AND address = ANY($2)`, communityID, pq.Array(wallets)); err != nil {
		return err
	}
	balances := make(map[string]*big.Int, len(rows))
	for _, row := range rows {
		balances[row.Address] = parseBig(row.Balance)
	}
	for k := range entries {
		if entries[k].Balance = balances[entries[k].Wallet]; entries[k].Balance == nil {
			entries[k].Balance = new(big.Int)
		}
	}
	return nil
}

// leaderRanking is a community's whole ranking since one time, read at one ledger version (its
// issuers' versions, "id:version,..."; "" before its first reward). Its entries are shared
// between reads: nobody changes them (a page is a copy; Earned is read only).
type leaderRanking struct {
	version string
	since   time.Time // the window's start it was read with
	oldest  time.Time // created_at of the oldest reward it counts; zero when it counts none
	entries []rewards.LeaderEntry
}

// answers reports whether r is the ranking since since at version: the ledger is the same, and
// the window starting at since (not before r.since, so it adds no reward) drops none r counts.
func (r *leaderRanking) answers(version string, since time.Time) bool {
	return r.version == version && !since.Before(r.since) && (r.oldest.IsZero() || !since.After(r.oldest))
}

// leaderCacheSize is how many rankings a community keeps: one per period a board is asked for.
const leaderCacheSize = 4

// leaderCache keeps each community's newest rankings, newest first. A ranking at an older ledger
// version is dropped as soon as one at a newer version is added, so memory stays a few rankings
// per community.
type leaderCache struct {
	mu    sync.Mutex
	m     map[string][]*leaderRanking
	reads atomic.Int64 // rankings aggregated from the ledger (added), for tests
}

// find returns a ranking that answers (version, since), or nil.
func (c *leaderCache) find(community string, version string, since time.Time) *leaderRanking {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range c.m[community] {
		if r.answers(version, since) {
			return r
		}
	}
	return nil
}

// add keeps r, first, with the community's other rankings at r's version.
func (c *leaderCache) add(community string, r *leaderRanking) {
	c.reads.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string][]*leaderRanking{}
	}
	kept := []*leaderRanking{r}
	for _, old := range c.m[community] {
		if old.version == r.version && len(kept) < leaderCacheSize {
			kept = append(kept, old)
		}
	}
	c.m[community] = kept
}

// Ledger streams every reward of a community with its audit links, oldest first.
func (s *RewardsStore) Ledger(ctx context.Context, communityID string, fn func(rewards.LedgerRow) error) error {
	rows, err := s.db.db.QueryxContext(ctx, `
		SELECT r.id, r.community_id, r.issuer_id, r.rule_id, r.activity, r.wallet, r.reference,
			r.amount::text AS amount, r.status, r.batch_id, b.tx_hash, b.block_number, r.created_at,
			i.name AS issuer_name, ru.amount::text AS rule_amount, coalesce(b.batch_id, '') AS batch_hash
		FROM rewards r JOIN issuers i ON i.id = r.issuer_id JOIN reward_rules ru ON ru.id = r.rule_id
		LEFT JOIN mint_batches b ON b.id = r.batch_id
		WHERE r.community_id = $1 ORDER BY r.id`, communityID)
	if err != nil {
		return s.db.queryError("export ledger", err)
	}
	defer rows.Close()
	for rows.Next() {
		var row struct {
			rewardRow
			IssuerName string `db:"issuer_name"`
			RuleAmount string `db:"rule_amount"`
			BatchHash  string `db:"batch_hash"`
		}
		if err := rows.StructScan(&row); err != nil {
			return s.db.queryError("export ledger", err)
		}
		if err := fn(rewards.LedgerRow{Reward: *row.reward(), IssuerName: row.IssuerName, RuleAmount: parseBig(row.RuleAmount), BatchHash: row.BatchHash}); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return s.db.queryError("export ledger", err)
	}
	return nil
}
