DROP INDEX token_transfers_from;
CREATE INDEX token_transfers_from ON token_transfers (community_id, from_address, block_number DESC, log_index DESC);

DROP INDEX token_reward_batches_block;
CREATE INDEX token_reward_batches_block ON token_reward_batches (block_number);
DROP INDEX token_delegate_changes_block;
CREATE INDEX token_delegate_changes_block ON token_delegate_changes (block_number);
DROP INDEX token_delegate_votes_block;
CREATE INDEX token_delegate_votes_block ON token_delegate_votes (block_number);
DROP INDEX token_transfers_block;
CREATE INDEX token_transfers_block ON token_transfers (block_number);
