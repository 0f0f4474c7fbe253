-- Backfill speed: fewer B-tree entries per event on the high-volume token event tables. Each
-- B-tree index costs an index tuple (and its WAL) for every inserted event; reviewing every query
-- on these tables (postgres/index_*.go, governance_*, rewards_*) shows two kinds that need not be
-- B-trees:
--   * the *_block indexes serve only the reorg rewind's DELETE ... WHERE block_number > $1 (the
--     reads order by (block_number, log_index) within a community or an account, through the
--     other indexes). Events are appended in block order, so a BRIN index (one summary per 32
--     pages) finds the rewound tail as well, for a fraction of the upkeep; pages not yet
--     summarized are always scanned, so the delete never misses a row;
--   * token_transfers_from serves the transfer list of an account (from_address = $2). Mints, the
--     bulk of a community's transfers (every reward), all have from_address = the zero address and
--     need no entry: the index becomes partial. The list of a non-zero address still uses it (the
--     planner proves from_address = $2 implies the predicate from the bound value); the zero
--     address's list (every mint) falls back to a scan. Mints are found by to_address
--     (token_transfers_to: rewards received) and tx_hash (token_transfers_tx: rewards confirmed).
DROP INDEX token_transfers_block;
CREATE INDEX token_transfers_block ON token_transfers USING brin (block_number);
DROP INDEX token_delegate_votes_block;
CREATE INDEX token_delegate_votes_block ON token_delegate_votes USING brin (block_number);
DROP INDEX token_delegate_changes_block;
CREATE INDEX token_delegate_changes_block ON token_delegate_changes USING brin (block_number);
DROP INDEX token_reward_batches_block;
CREATE INDEX token_reward_batches_block ON token_reward_batches USING brin (block_number);

DROP INDEX token_transfers_from;
CREATE INDEX token_transfers_from ON token_transfers (community_id, from_address, block_number DESC, log_index DESC)
    WHERE from_address <> '0x0000000000000000000000000000000000000000';
