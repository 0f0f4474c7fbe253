package postgres

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"

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
// each with its indexed balance. The ranking and the balances are read in one snapshot with the
// community's indexed block (readIndex, as every read of chain data), so each balance is the
// chain's at the AsOf the page names. Before the indexer reaches the community the ranking is
// served all the same, without AsOf or balances: nothing is known of them yet.
func (s *RewardsStore) Leaderboard(ctx context.Context, communityID string, since time.Time, offset, limit int) (*rewards.LeaderboardPage, error) {
	var page *rewards.LeaderboardPage
	err := s.db.readIndex(ctx, "leaderboard", communityID, func(tx *sqlx.Tx, asOf guildhall.AsOf) error {
		entries, err := leaderboard(ctx, tx, communityID, since, offset, limit, true)
		if err != nil {
			return err
		}
		page = &rewards.LeaderboardPage{Entries: entries,
			AsOf: &asOf}
		return nil
	})
	if guildhall.ErrorCode(err) == guildhall.EUNAVAILABLE { // not indexed yet (an unknown community is ENOTFOUND)
		var entries []rewards.LeaderEntry
		entries, err = leaderboard(ctx, s.db.db, communityID, since, offset, limit, false)
		if err != nil {
			return nil, s.db.queryError("leaderboard", err)
		}
		return &rewards.LeaderboardPage{Entries: entries}, nil
	}
	if err != nil {
		return nil, err
	}
	return page, nil
}

// leaderboard reads one page of the ranking, with the balances when withBalances is set.
func leaderboard(ctx context.Context, q sqlx.QueryerContext, communityID string, since time.Time, offset, limit int, withBalances bool) ([]rewards.LeaderEntry, error) {
	var rows []struct {
		Wallet  string `db:"wallet"`
		Earned  string `db:"earned"`
		Balance string `db:"balance"`
		Rank    int    `db:"rank"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `
		SELECT t.wallet, t.earned::text AS earned, coalesce(a.balance, 0)::text AS balance, t.rank FROM (
			SELECT wallet, sum(amount) AS earned, rank() OVER (ORDER BY sum(amount) DESC) AS rank
			FROM rewards WHERE community_id = $1 AND created_at >= $2 AND status <> 'failed'
			GROUP BY wallet) t
		LEFT JOIN token_accounts a ON a.community_id = $1 AND a.address = t.wallet
		ORDER BY t.rank, t.wallet OFFSET $3 LIMIT $4`, communityID, since, offset, limit)
	if err != nil {
		return nil, err
	}
	out := make([]rewards.LeaderEntry, len(rows))
	for k, r := range rows {
		out[k] = rewards.LeaderEntry{Rank: r.Rank, Wallet: r.Wallet, Earned: parseBig(r.Earned)}
		if withBalances {
			out[k].Balance = parseBig(r.Balance)
		}
	}
	return out, nil
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
