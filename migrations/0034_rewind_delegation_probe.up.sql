-- health_transfers_deleted (0027) looks up, for each deleted Transfer to X, a DelegateChanged(X,
-- 0x0 -> X) in its transaction. Written as a join, its plan rested on the statistics of
-- token_delegate_changes: where they say few rows are self-delegations from nobody (a column
-- compared with another is guessed at 0.5%, and a table vacuumed but not analyzed yet, as after a
-- backfill, holds nearly none by the guess), it was a nested loop comparing every such
-- delegation in the table with every deleted Transfer. A rewind of one block of 1,000 mints over
-- 8,000 such delegations took 0.7-1.7 s so, 7 ms once the table was analyzed; it grows with the
-- delegations a community ever had. Now each deleted (recipient, block, transaction) is one probe
-- of token_delegate_changes_delegator (community_id, delegator, block_number, ...), whatever the
-- statistics say (OFFSET 0 keeps the subquery a probe per row, as the other health lookups do).
CREATE OR REPLACE FUNCTION health_transfers_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    keys member_activity_days[];
BEGIN
    SELECT array_agg(ROW(dc.community_id, dc.delegator, health_day(dc.block_time), 0, 0, 0, 0, 0, 0)::member_activity_days) INTO keys
    FROM (SELECT DISTINCT community_id, to_address, block_number, tx_hash FROM old_rows) o
    CROSS JOIN LATERAL (SELECT d.community_id, d.delegator, d.block_time FROM token_delegate_changes d
        WHERE d.community_id = o.community_id AND d.delegator = o.to_address AND d.block_number = o.block_number
          AND d.tx_hash = o.tx_hash AND d.from_delegate = '0x0000000000000000000000000000000000000000'
          AND d.to_delegate = d.delegator OFFSET 0) dc;
    PERFORM health_chain_refresh(keys, 'delegation');
    RETURN NULL;
END $$;
