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
	bs, _, err := s.ClaimBatches(ctx, communityID, max, 1, maxWait)
	if err != nil || len(bs) == 0 {
		return nil, err
	}
	return bs[0], nil
}

// ClaimBatches moves up to n batches of up to size of a community's unbatched rewards, oldest
// first, into new batches in one transaction: every full batch, and a last one of fewer when its
// oldest reward has waited maxWait. It returns the batches, by id, and their rewards, by batch
// and id (as BatchRewards reads them); none when there is nothing to claim yet. Concurrent
// claimers skip each other's rows, so no reward lands in two batches.
func (s *BatchStore) ClaimBatches(ctx context.Context, communityID string, size, n int, maxWait time.Duration) ([]*rewards.Batch, []*rewards.Reward, error) {
	if size < 1 || n < 1 {
		return nil, nil, errors.New("claim mint batches: size and n must be at least 1")
	}
	var bs []*rewards.Batch
	var rs []*rewards.Reward
	err := s.db.inTx(ctx, "claim mint batches", true, func(tx *sqlx.Tx) error {
		bs, rs = nil, nil
		var rows []claimRow
		if err := tx.SelectContext(ctx, &rows, `SELECT id, amount::text AS amount, created_at FROM rewards
			WHERE community_id = $1 AND batch_id IS NULL ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`, communityID, size*n); err != nil {
			return err
		}
		chunks := claimChunks(rows, size, maxWait)
		if len(chunks) == 0 {
			return nil
		}
		ids, err := insertBatches(ctx, tx, communityID, chunks)
		if err != nil {
			return err
		}
		if bs, err = selectBatches(ctx, tx, ids); err != nil {
			return err
		}
		return selectRows(ctx, tx, &rs, rewardSelect+`WHERE r.batch_id = ANY($1) ORDER BY r.batch_id, r.id`, int64s(ids))
	})
	return bs, rs, err
}

// claimRow is an unbatched reward as a claim reads it.
type claimRow struct {
	ID        int64     `db:"id"`
	Amount    string    `db:"amount"`
	CreatedAt time.Time `db:"created_at"`
}

// claimChunks cuts rows, oldest first, into batches of size: every full one, and the last one
// of fewer when its oldest reward has waited maxWait.
func claimChunks(rows []claimRow, size int, maxWait time.Duration) [][]claimRow {
	var out [][]claimRow
	for len(rows) > 0 {
		chunk := rows[:min(size, len(rows))]
		if len(chunk) < size && time.Since(chunk[0].CreatedAt) < maxWait {
			break
		}
		out, rows = append(out, chunk), rows[len(chunk):]
	}
	return out
}

// insertBatches inserts a batch for each chunk of rewards and moves the rewards into it (batched
// and submitted), returning the batches' row ids in the order of chunks.
func insertBatches(ctx context.Context, tx *sqlx.Tx, communityID string, chunks [][]claimRow) ([]int64, error) {
	var ids []int64
	if err := tx.SelectContext(ctx, &ids, `SELECT nextval('mint_batches_id_seq') FROM generate_series(1, $1) ORDER BY 1`, len(chunks)); err != nil {
		return nil, err
	}
	var batchIDs, totals []string
	var counts, rewardIDs, rewardBatches []int64
	for k, chunk := range chunks {
		total := new(big.Int)
		for _, r := range chunk {
			total.Add(total, parseBig(r.Amount))
			rewardIDs, rewardBatches = append(rewardIDs, r.ID), append(rewardBatches, ids[k])
		}
		batchIDs = append(batchIDs, rewards.BatchID(communityID, ids[k]).Hex())
		counts, totals = append(counts, int64(len(chunk))), append(totals, total.String())
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO mint_batches (id, community_id, batch_id, reward_count, total)
		SELECT id, $2, batch_id, n, total::numeric FROM unnest($1::bigint[], $3::text[], $4::int[], $5::text[]) AS v(id, batch_id, n, total)`,
		int64s(ids), communityID, pq.Array(batchIDs), int64s(counts), pq.Array(totals)); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE rewards r SET batch_id = v.batch, status = 'submitted'
		FROM unnest($1::bigint[], $2::bigint[]) AS v(id, batch) WHERE r.id = v.id AND r.id = ANY($1)`, int64s(rewardIDs), int64s(rewardBatches)); err != nil {
		return nil, err
	}
	return ids, nil
}

// selectBatches reads the batches of ids, by id.
func selectBatches(ctx context.Context, q sqlx.QueryerContext, ids []int64) ([]*rewards.Batch, error) {
	var rows []batchRow
	if err := sqlx.SelectContext(ctx, q, &rows, batchSelect+`WHERE b.id = ANY($1) ORDER BY b.id`, int64s(ids)); err != nil {
		return nil, err
	}
	out := make([]*rewards.Batch, len(rows))
	for k, r := range rows {
		out[k] = r.batch()
	}
	return out, nil
}

// selectRows reads rewards by query.
func selectRows(ctx context.Context, q sqlx.QueryerContext, out *[]*rewards.Reward, query string, args ...any) error {
	var rows []rewardRow
	if err := sqlx.SelectContext(ctx, q, &rows, query, args...); err != nil {
		return err
	}
	*out = make([]*rewards.Reward, len(rows))
	for k, r := range rows {
		(*out)[k] = r.reward()
	}
	return nil
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
	var out []*rewards.Reward
	if err := selectRows(ctx, s.db.db, &out, rewardSelect+`WHERE r.batch_id = $1 ORDER BY r.id`, batchID); err != nil {
		return nil, s.db.queryError("list batch rewards", err)
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

// MarkBatchesSent links each batch of sent (row id to transaction id) to the sender's
// transaction that mints it, in one statement. A confirmed batch keeps its link.
func (s *BatchStore) MarkBatchesSent(ctx context.Context, sent map[int64]int64) error {
	ids, txIDs := make([]int64, 0, len(sent)), make([]int64, 0, len(sent))
	for id, txID := range sent {
		ids, txIDs = append(ids, id), append(txIDs, txID)
	}
	if _, err := s.db.db.ExecContext(ctx, `UPDATE mint_batches b SET state = 'sent', tx_id = v.tx_id
		FROM unnest($1::bigint[], $2::bigint[]) AS v(id, tx_id) WHERE b.id = v.id AND b.state <> 'confirmed'`, int64s(ids), int64s(txIDs)); err != nil {
		return s.db.queryError("mark batches sent", err)
	}
	return nil
}

// ConfirmBatchesFromIndex confirms, in one transaction, each batch of bs (mints[k] the coalesced
// mints of bs[k]) that the index says minted exactly its mints: its RewardBatchMinted event is final
// (see rewards.MintedBatches) and the mints of that transaction are mints[k].
// It returns the confirmed batches' transaction hashes by row id; a batch not indexed, not final
// or not matching yet is left as it is.
func (s *BatchStore) ConfirmBatchesFromIndex(ctx context.Context, bs []*rewards.Batch, mints [][]rewards.Mint, finalityDepth uint64) (map[int64]string, error) {
	refs := make([]rewards.BatchRef, len(bs))
	for k, b := range bs {
		refs[k] = rewards.BatchRef{CommunityID: b.CommunityID, BatchID: b.BatchID}
	}
	minted, err := s.minted.Minted(ctx, refs, finalityDepth)
	if err != nil {
		return nil, err
	}
	found := map[int64]*rewards.IndexedMint{}
	for k, b := range bs {
		if m := minted[refs[k]]; m != nil && m.Matches(b, mints[k]) {
			found[b.ID] = m
		}
	}
	if len(found) == 0 {
		return nil, nil
	}
	if err := s.db.inTx(ctx, "confirm mint batches", true, func(tx *sqlx.Tx) error {
		return confirmBatches(ctx, tx, found)
	}); err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(found))
	for id, m := range found {
		out[id] = m.TxHash
	}
	return out, nil
}

// confirmBatches marks batches and their rewards confirmed, each by its indexed transaction.
func confirmBatches(ctx context.Context, tx *sqlx.Tx, found map[int64]*rewards.IndexedMint) error {
	var ids, blocks []int64
	var hashes []string
	for id, m := range found {
		ids, blocks, hashes = append(ids, id), append(blocks, int64(m.Block)), append(hashes, m.TxHash)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE mint_batches b SET state = 'confirmed', tx_hash = v.tx_hash, block_number = v.block, confirmed_at = now()
		FROM unnest($1::bigint[], $2::text[], $3::bigint[]) AS v(id, tx_hash, block) WHERE b.id = v.id`,
		int64s(ids), pq.Array(hashes), int64s(blocks)); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE rewards SET status = 'confirmed' WHERE batch_id = ANY($1)`, int64s(ids))
	return err
}

// SetBatchTxHash records the transaction hash of a batch's mined transaction, for the API, before
// it is confirmed.
func (s *BatchStore) SetBatchTxHash(ctx context.Context, batchID int64, txHash string, block uint64) error {
	return s.SetBatchTxHashes(ctx, []int64{batchID}, []string{txHash}, []uint64{block})
}

// SetBatchTxHashes records, in one statement, the hash and block of each batch's mined
// transaction (batch ids[k] mined in txHashes[k] at blocks[k]), for the API, before they are
// confirmed. A confirmed batch keeps what its confirmation recorded.
func (s *BatchStore) SetBatchTxHashes(ctx context.Context, ids []int64, txHashes []string, blocks []uint64) error {
	if len(ids) != len(txHashes) || len(ids) != len(blocks) {
		return errors.New("record batch transactions: ids, hashes and blocks differ in number")
	}
	nums := make([]int64, len(blocks))
	for k, b := range blocks {
		nums[k] = int64(b)
	}
	if _, err := s.db.db.ExecContext(ctx, `UPDATE mint_batches b SET tx_hash = v.tx_hash, block_number = v.block
		FROM unnest($1::bigint[], $2::text[], $3::bigint[]) AS v(id, tx_hash, block) WHERE b.id = v.id AND b.state <> 'confirmed'`,
		int64s(ids), pq.Array(txHashes), int64s(nums)); err != nil {
		return s.db.queryError("record batch transactions", err)
	}
	return nil
}

func int64s(v []int64) any { return pq.Array(v) }
