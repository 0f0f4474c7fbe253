package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/guildhall/guildhall/rewards"
)

type batchRow struct {
	ID          int64         `db:"id"`
	CommunityID string        `db:"community_id"`
	Token       string        `db:"token_address"`
	BatchID     string        `db:"batch_id"`
	Count       int           `db:"reward_count"`
	Total       string        `db:"total"`
	State       string        `db:"state"`
	TxID        sql.NullInt64 `db:"tx_id"`
	CreatedAt   time.Time     `db:"created_at"`
}

const batchSelect = `SELECT b.id, b.community_id, c.token_address, b.batch_id, b.reward_count, b.total::text AS total, b.state, b.tx_id, b.created_at
	FROM mint_batches b JOIN communities c ON c.id = b.community_id `

func (r batchRow) batch() *rewards.Batch {
	return &rewards.Batch{ID: r.ID, CommunityID: r.CommunityID, Token: common.HexToAddress(r.Token), BatchID: common.HexToHash(r.BatchID),
		Count: r.Count, Total: parseBig(r.Total), State: r.State, TxID: r.TxID.Int64, CreatedAt: r.CreatedAt}
}

// ClaimBatch moves up to max of a community's unbatched rewards, oldest first, into a new batch,
// when there are max of them or the oldest has waited maxWait; otherwise it returns nil.
// Concurrent claimers skip each other's rows, so no reward lands in two batches.
func (s *BatchStore) ClaimBatch(ctx context.Context, communityID string, max int, maxWait time.Duration) (*rewards.Batch, error) {
	var out *rewards.Batch
	err := s.db.inTx(ctx, "claim mint batch", true, func(tx *sqlx.Tx) error {
		out = nil
		var rows []struct {
			ID        int64     `db:"id"`
			Amount    string    `db:"amount"`
			CreatedAt time.Time `db:"created_at"`
		}
		if err := tx.SelectContext(ctx, &rows, `SELECT id, amount::text AS amount, created_at FROM rewards
			WHERE community_id = $1 AND batch_id IS NULL ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`, communityID, max); err != nil {
			return err
		}
		if len(rows) == 0 || (len(rows) < max && time.Since(rows[0].CreatedAt) < maxWait) {
			return nil
		}
		var id int64
		if err := tx.GetContext(ctx, &id, `SELECT nextval('mint_batches_id_seq')`); err != nil {
			return err
		}
		total := new(big.Int)
		ids := make([]int64, len(rows))
		for k, r := range rows {
			total.Add(total, parseBig(r.Amount))
			ids[k] = r.ID
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO mint_batches (id, community_id, batch_id, reward_count, total) VALUES ($1, $2, $3, $4, $5::numeric)`,
			id, communityID, rewards.BatchID(communityID, id).Hex(), len(rows), total.String()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE rewards SET batch_id = $1, status = 'submitted' WHERE id = ANY($2)`, id, int64s(ids)); err != nil {
			return err
		}
		var r batchRow
		if err := tx.GetContext(ctx, &r, batchSelect+`WHERE b.id = $1`, id); err != nil {
			return err
		}
		out = r.batch()
		return nil
	})
	return out, err
}

// UnconfirmedBatches returns the batches not confirmed yet, oldest first.
func (s *BatchStore) UnconfirmedBatches(ctx context.Context) ([]*rewards.Batch, error) {
	var rows []batchRow
	if err := s.db.db.SelectContext(ctx, &rows, batchSelect+`WHERE b.state <> 'confirmed' ORDER BY b.id`); err != nil {
		return nil, s.db.queryError("list mint batches", err)
	}
	out := make([]*rewards.Batch, len(rows))
	for k, r := range rows {
		out[k] = r.batch()
	}
	return out, nil
}

// Batch returns one mint batch by row id, or nil when there is none.
func (s *BatchStore) Batch(ctx context.Context, batchID int64) (*rewards.Batch, error) {
	var r batchRow
	err := s.db.db.GetContext(ctx, &r, batchSelect+`WHERE b.id = $1`, batchID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.db.queryError("read mint batch", err)
	}
	return r.batch(), nil
}

// BatchRewards returns a batch's rewards by id.
func (s *BatchStore) BatchRewards(ctx context.Context, batchID int64) ([]*rewards.Reward, error) {
	var rows []rewardRow
	if err := s.db.db.SelectContext(ctx, &rows, rewardSelect+`WHERE r.batch_id = $1 ORDER BY r.id`, batchID); err != nil {
		return nil, s.db.queryError("list batch rewards", err)
	}
	out := make([]*rewards.Reward, len(rows))
	for k, r := range rows {
		out[k] = r.reward()
	}
	return out, nil
}

// ShrinkBatch returns every reward of an open batch (one nothing was sent for) after its first keep,
// by id, to the unbatched pool, and returns the batch as it is then. The minter cuts a claimed
// batch this way when its mintBatch would not fit one transaction's gas; the rewards it lets go
// are the oldest unbatched ones again, so the next batch takes them. A batch no longer open, or
// keep < 1, is an error and nothing changes.
func (s *BatchStore) ShrinkBatch(ctx context.Context, batchID int64, keep int) (*rewards.Batch, error) {
	if keep < 1 {
		return nil, errors.New("shrink mint batch: must keep at least one reward")
	}
	var out *rewards.Batch
	err := s.db.inTx(ctx, "shrink mint batch", true, func(tx *sqlx.Tx) error {
		var state string
		if err := tx.GetContext(ctx, &state, `SELECT state FROM mint_batches WHERE id = $1 FOR UPDATE`, batchID); err != nil {
			return err
		}
		if state != rewards.BatchOpen {
			return fmt.Errorf("batch %d is %s, not open: its rewards are fixed", batchID, state)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE rewards SET batch_id = NULL, status = 'pending'
			WHERE id IN (SELECT id FROM rewards WHERE batch_id = $1 ORDER BY id OFFSET $2)`, batchID, keep); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE mint_batches b SET reward_count = s.n, total = s.total
			FROM (SELECT count(*) AS n, sum(amount) AS total FROM rewards WHERE batch_id = $1) s WHERE b.id = $1`, batchID); err != nil {
			return err
		}
		var r batchRow
		if err := tx.GetContext(ctx, &r, batchSelect+`WHERE b.id = $1`, batchID); err != nil {
			return err
		}
		out = r.batch()
		return nil
	})
	return out, err
}

// MarkBatchSent links a batch to the sender's transaction that mints it.
func (s *BatchStore) MarkBatchSent(ctx context.Context, batchID, txID int64) error {
	if _, err := s.db.db.ExecContext(ctx, `UPDATE mint_batches SET state = 'sent', tx_id = $2 WHERE id = $1 AND state <> 'confirmed'`, batchID, txID); err != nil {
		return s.db.queryError("mark batch sent", err)
	}
	return nil
}

// ConfirmBatchFromIndex confirms a batch, and its rewards, when the index says it minted exactly
// mints, the batch's coalesced mints: its RewardBatchMinted event is final (see
// rewards.MintedBatches) and the mints of that transaction are mints. It reports whether it
// confirmed, with the transaction's hash; false means not yet (not indexed, not final, or not
// matching).
func (s *BatchStore) ConfirmBatchFromIndex(ctx context.Context, b *rewards.Batch, mints []rewards.Mint, finalityDepth uint64) (confirmed bool, txHash string, err error) {
	m, err := s.minted.MintedBatch(ctx, b.CommunityID, b.BatchID, finalityDepth)
	if err != nil || m == nil || !m.Matches(b, mints) {
		return false, "", err
	}
	if err := s.db.inTx(ctx, "confirm mint batch", true, func(tx *sqlx.Tx) error {
		return confirmBatch(ctx, tx, b.ID, m)
	}); err != nil {
		return false, "", err
	}
	return true, m.TxHash, nil
}

// confirmBatch marks a batch and its rewards confirmed by the indexed transaction m.
func confirmBatch(ctx context.Context, tx *sqlx.Tx, batchID int64, m *rewards.IndexedMint) error {
	if _, err := tx.ExecContext(ctx, `UPDATE mint_batches SET state = 'confirmed', tx_hash = $2, block_number = $3, confirmed_at = now() WHERE id = $1`,
		batchID, m.TxHash, int64(m.Block)); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE rewards SET status = 'confirmed' WHERE batch_id = $1`, batchID)
	return err
}

// SetBatchTxHash records the transaction hash of a batch's mined transaction, for the API, before
// it is confirmed.
func (s *BatchStore) SetBatchTxHash(ctx context.Context, batchID int64, txHash string, block uint64) error {
	if _, err := s.db.db.ExecContext(ctx, `UPDATE mint_batches SET tx_hash = $2, block_number = $3 WHERE id = $1 AND state <> 'confirmed'`, batchID, txHash, int64(block)); err != nil {
		return s.db.queryError("record batch transaction", err)
	}
	return nil
}

func int64s(v []int64) any { return pq.Array(v) }
