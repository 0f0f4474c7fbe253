-- Every indexed event is keyed by its position on the chain, (block_number, log_index), instead of
-- (block_hash, log_index). Among the rows these tables keep, both are unique: a table holds only
-- canonical events (a reorg deletes the rows above the common ancestor in the transaction that
-- rewinds the cursor), a database follows one chain, and a log's index is its position in its
-- block. Writing an event twice still does nothing. But block hashes are random: each block's
-- events went into the middle of the key's B-tree, a 66-character text compared at every level
-- on the way down, while positions only grow, so new keys go to the tree's right edge (whose leaf
-- PostgreSQL keeps at hand for the next insert). The key now leads with block_number, so each
-- table's own block_number index (a rewind's DELETE ... WHERE block_number > $1) is redundant
-- and dropped.
ALTER TABLE token_transfers DROP CONSTRAINT token_transfers_pkey, ADD PRIMARY KEY (block_number, log_index);
DROP INDEX token_transfers_block;
ALTER TABLE token_reward_batches DROP CONSTRAINT token_reward_batches_pkey, ADD PRIMARY KEY (block_number, log_index);
DROP INDEX token_reward_batches_block;
ALTER TABLE token_delegate_changes DROP CONSTRAINT token_delegate_changes_pkey, ADD PRIMARY KEY (block_number, log_index);
DROP INDEX token_delegate_changes_block;
ALTER TABLE token_delegate_votes DROP CONSTRAINT token_delegate_votes_pkey, ADD PRIMARY KEY (block_number, log_index);
DROP INDEX token_delegate_votes_block;
ALTER TABLE votes DROP CONSTRAINT votes_pkey, ADD PRIMARY KEY (block_number, log_index);
DROP INDEX votes_block;
ALTER TABLE proposal_events DROP CONSTRAINT proposal_events_pkey, ADD PRIMARY KEY (block_number, log_index);
DROP INDEX proposal_events_block;
ALTER TABLE timelock_events DROP CONSTRAINT timelock_events_pkey, ADD PRIMARY KEY (block_number, log_index);
DROP INDEX timelock_events_block;
ALTER TABLE governance_setting_events DROP CONSTRAINT governance_setting_events_pkey, ADD PRIMARY KEY (block_number, log_index);
DROP INDEX governance_setting_events_block;
