-- Back to (block_hash, log_index) keys and separate block_number indexes, as before 0031.
ALTER TABLE token_transfers DROP CONSTRAINT token_transfers_pkey, ADD PRIMARY KEY (block_hash, log_index);
CREATE INDEX token_transfers_block ON token_transfers USING brin (block_number);
ALTER TABLE token_reward_batches DROP CONSTRAINT token_reward_batches_pkey, ADD PRIMARY KEY (block_hash, log_index);
CREATE INDEX token_reward_batches_block ON token_reward_batches USING brin (block_number);
ALTER TABLE token_delegate_changes DROP CONSTRAINT token_delegate_changes_pkey, ADD PRIMARY KEY (block_hash, log_index);
CREATE INDEX token_delegate_changes_block ON token_delegate_changes USING brin (block_number);
ALTER TABLE token_delegate_votes DROP CONSTRAINT token_delegate_votes_pkey, ADD PRIMARY KEY (block_hash, log_index);
CREATE INDEX token_delegate_votes_block ON token_delegate_votes USING brin (block_number);
ALTER TABLE votes DROP CONSTRAINT votes_pkey, ADD PRIMARY KEY (block_hash, log_index);
CREATE INDEX votes_block ON votes (block_number);
ALTER TABLE proposal_events DROP CONSTRAINT proposal_events_pkey, ADD PRIMARY KEY (block_hash, log_index);
CREATE INDEX proposal_events_block ON proposal_events (block_number);
ALTER TABLE timelock_events DROP CONSTRAINT timelock_events_pkey, ADD PRIMARY KEY (block_hash, log_index);
CREATE INDEX timelock_events_block ON timelock_events (block_number);
ALTER TABLE governance_setting_events DROP CONSTRAINT governance_setting_events_pkey, ADD PRIMARY KEY (block_hash, log_index);
CREATE INDEX governance_setting_events_block ON governance_setting_events (block_number);
