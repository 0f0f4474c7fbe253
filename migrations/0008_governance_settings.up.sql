-- Governance settings from the chain, and the timelock operation of each proposal.
--
-- Governance can change its own settings (a proposal calling the governor's setVotingDelay,
-- setVotingPeriod, setProposalThreshold, updateQuorumNumerator or setLateQuorumVoteExtension, or
-- the timelock's updateDelay), so the settings a community was created with (communities) are
-- only where they started. The indexer keeps every change event, with the conventions of 0002
-- (natural key (block_hash, log_index); rows above a reorg's common ancestor are deleted), and
-- derives the setting in force in the same transaction. The constructors emit the same events,
-- so a community indexed from its deployment has every setting here.

-- Governor VotingDelaySet, VotingPeriodSet, ProposalThresholdSet, QuorumNumeratorUpdated and
-- LateQuorumVoteExtensionSet, and timelock MinDelayChange events. Delays, periods and the
-- extension are seconds (the governor's clock), the threshold base units, the quorum numerator
-- percent of the total supply.
CREATE TABLE governance_setting_events (
    community_id text          NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    setting      text          NOT NULL CHECK (setting IN ('voting_delay', 'voting_period', 'proposal_threshold',
                                   'quorum_numerator', 'late_quorum_extension', 'timelock_delay')),
    old_value    numeric(78,0) NOT NULL,
    new_value    numeric(78,0) NOT NULL,
    block_number bigint        NOT NULL,
    block_hash   text          NOT NULL,
    block_time   bigint        NOT NULL,
    tx_hash      text          NOT NULL,
    log_index    integer       NOT NULL,
    PRIMARY KEY (block_hash, log_index)
);
CREATE INDEX governance_setting_events_block ON governance_setting_events (block_number);
CREATE INDEX governance_setting_events_newest ON governance_setting_events
    (community_id, setting, block_number DESC, log_index DESC);

-- Derived: each setting in force, from its newest event (whose block and log index are kept to
-- order later ones).
CREATE TABLE governance_settings (
    community_id text          NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    setting      text          NOT NULL,
    value        numeric(78,0) NOT NULL,
    block_number bigint        NOT NULL,
    log_index    integer       NOT NULL,
    PRIMARY KEY (community_id, setting)
);

-- The timelock operation (hashOperationBatch of the proposal's actions, predecessor 0 and the
-- governor's salt) that queuing the proposal schedules: a CallExecuted or Cancelled naming it
-- executes or cancels the proposal even when sent to the timelock directly, which the governor
-- does not announce. Null for proposals indexed before this migration.
ALTER TABLE proposals ADD COLUMN timelock_operation_id text CHECK (timelock_operation_id ~ '^0x[0-9a-f]{64}$');
