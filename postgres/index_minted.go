package postgres

import (
	"context"
	"slices"

	"github.com/ethereum/go-ethereum/common"
	"github.com/lib/pq"

	"github.com/guildhall/guildhall/rewards"
)

// Minted returns, for each batch of refs, its first indexed RewardBatchMinted event with the
// mints of its transaction, once the event is final; see rewards.MintedBatches. Two statements
// for all of them: a round of batches confirmed together reads the index once.
func (x *MintIndex) Minted(ctx context.Context, refs []rewards.BatchRef, finalityDepth uint64) (map[rewards.BatchRef]*rewards.IndexedMint, error) {
	out := map[rewards.BatchRef]*rewards.IndexedMint{}
	if len(refs) == 0 {
		return out, nil
	}
	cids, ids := make([]string, len(refs)), make([]string, len(refs))
	for k, r := range refs {
		cids[k], ids[k] = r.CommunityID, r.BatchID.Hex()
	}
	var events []struct {
		CommunityID string `db:"community_id"`
		BatchID     string `db:"batch_id"`
		Block       int64  `db:"block_number"`
		TxHash      string `db:"tx_hash"`
		Count       string `db:"count"`
		Total       string `db:"total"`
		Final       bool   `db:"final"`
	}
	if err := x.db.db.SelectContext(ctx, &events, `SELECT DISTINCT ON (e.community_id, e.batch_id) e.community_id, e.batch_id,
			e.block_number, e.tx_hash, e.count::text AS count, e.total::text AS total, e.block_number + $3 <= p.block_number AS final
		FROM unnest($1::text[], $2::text[]) AS t(c, b)
		JOIN token_reward_batches e ON e.community_id = t.c AND e.batch_id = t.b
		JOIN index_progress p ON p.community_id = e.community_id
		ORDER BY e.community_id, e.batch_id, e.block_number`,
		pq.Array(cids), pq.Array(ids), int64(finalityDepth)); err != nil {
		return nil, x.db.queryError("read minted batches", err)
	}
	type txRef struct{ community, hash string }
	mints := map[txRef][]rewards.Mint{}
	var txCids, txHashes []string
	var blocks []int64 // distinct: their transactions' Transfers lie in them
	for _, ev := range events {
		if !ev.Final {
			continue
		}
		out[rewards.BatchRef{CommunityID: ev.CommunityID, BatchID: common.HexToHash(ev.BatchID)}] = &rewards.IndexedMint{
			TxHash: ev.TxHash, Block: uint64(ev.Block), Count: parseBig(ev.Count), Total: parseBig(ev.Total)}
		if t := (txRef{ev.CommunityID, ev.TxHash}); mints[t] == nil {
			mints[t] = []rewards.Mint{}
			txCids, txHashes = append(txCids, t.community), append(txHashes, t.hash)
			if !slices.Contains(blocks, ev.Block) {
				blocks = append(blocks, ev.Block)
			}
		}
	}
	if len(mints) == 0 {
		return out, nil
	}
	var transfers []struct {
		CommunityID string `db:"community_id"`
		TxHash      string `db:"tx_hash"`
		To          string `db:"to_address"`
		Value       string `db:"value"`
	}
	// A transaction's Transfers lie in its block: one range of the primary key per block, however
	// many of the batches' transactions it holds.
	if err := x.db.db.SelectContext(ctx, &transfers, `SELECT x.community_id, x.tx_hash, x.to_address, x.value::text AS value
		FROM token_transfers x
		WHERE x.block_number = ANY($3::bigint[]) AND x.from_address = $4
		  AND (x.community_id, x.tx_hash) IN (SELECT * FROM unnest($1::text[], $2::text[]))
		ORDER BY x.community_id, x.tx_hash, x.log_index`,
		pq.Array(txCids), pq.Array(txHashes), pq.Array(blocks), indexZeroAddress); err != nil {
		return nil, x.db.queryError("read minted batches", err)
	}
	for _, t := range transfers {
		ref := txRef{t.CommunityID, t.TxHash}
		mints[ref] = append(mints[ref], rewards.Mint{Wallet: common.HexToAddress(t.To), Amount: parseBig(t.Value)})
	}
	for ref, m := range out {
		m.Mints = mints[txRef{ref.CommunityID, m.TxHash}]
	}
	return out, nil
}
