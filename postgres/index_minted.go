package postgres

import (
	"context"
	"database/sql"
	"errors"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall/rewards"
)

// MintedBatch returns the batch's first indexed RewardBatchMinted event with the mints of its
// transaction, once the event is final; see rewards.MintedBatches.
func (x *MintIndex) MintedBatch(ctx context.Context, communityID string, batchID common.Hash, finalityDepth uint64) (*rewards.IndexedMint, error) {
	var ev struct {
		Block  int64  `db:"block_number"`
		TxHash string `db:"tx_hash"`
		Count  string `db:"count"`
		Total  string `db:"total"`
		Final  bool   `db:"final"`
	}
	err := x.db.db.GetContext(ctx, &ev, `SELECT e.block_number, e.tx_hash, e.count::text AS count, e.total::text AS total,
			e.block_number + $3 <= p.block_number AS final
		FROM token_reward_batches e JOIN index_progress p ON p.community_id = e.community_id
		WHERE e.community_id = $1 AND e.batch_id = $2 ORDER BY e.block_number LIMIT 1`,
		communityID, batchID.Hex(), int64(finalityDepth))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, x.db.queryError("read minted batch", err)
	}
	if !ev.Final {
		return nil, nil
	}
	var transfers []struct {
		To    string `db:"to_address"`
		Value string `db:"value"`
	}
	if err := x.db.db.SelectContext(ctx, &transfers, `SELECT to_address, value::text AS value FROM token_transfers
		WHERE community_id = $1 AND tx_hash = $2 AND from_address = $3 ORDER BY log_index`,
		communityID, ev.TxHash, indexZeroAddress); err != nil {
		return nil, x.db.queryError("read minted batch", err)
	}
	m := &rewards.IndexedMint{TxHash: ev.TxHash, Block: uint64(ev.Block), Count: parseBig(ev.Count), Total: parseBig(ev.Total),
		Mints: make([]rewards.Mint, len(transfers))}
	for k, t := range transfers {
		m.Mints[k] = rewards.Mint{Wallet: common.HexToAddress(t.To), Amount: parseBig(t.Value)}
	}
	return m, nil
}
