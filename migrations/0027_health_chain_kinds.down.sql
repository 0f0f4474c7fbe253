-- Back to counts: health_actions_changed as migration 0023 made it, health_transfers_deleted as
-- 0009 made it, and every community's chain counts recomputed from the stored events (the kinds
-- do not change, so neither do first and last days nor rollups).
DROP FUNCTION health_chain_refresh(member_activity_days[], text);
DROP FUNCTION health_chain_first_actions_add(member_activity_days[]);
DROP FUNCTION health_periods_before(text, text, date, date);
ALTER TABLE token_delegate_changes DROP COLUMN automatic;

CREATE OR REPLACE FUNCTION health_actions_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    kind CONSTANT text := TG_ARGV[1];
    deltas member_activity_days[];
BEGIN
    EXECUTE format($q$SELECT array_agg(ROW(community_id, account, day, 0, 0,
            CASE $2 WHEN 'transfer' THEN n ELSE 0 END, CASE $2 WHEN 'delegation' THEN n ELSE 0 END,
            CASE $2 WHEN 'vote' THEN n ELSE 0 END, CASE $2 WHEN 'proposal' THEN n ELSE 0 END)::member_activity_days)
        FROM (SELECT community_id, %1$I AS account, health_day(block_time) AS day, $1 * count(*)::int AS n
              FROM %2$I r WHERE %3$s GROUP BY 1, 2, 3) x$q$,
        TG_ARGV[0],
        CASE TG_OP WHEN 'INSERT' THEN 'new_rows' ELSE 'old_rows' END,
        CASE kind
            WHEN 'transfer' THEN $c$r.from_address <> '0x0000000000000000000000000000000000000000'$c$
            WHEN 'delegation' THEN $c$NOT (r.from_delegate = '0x0000000000000000000000000000000000000000'
                AND r.to_delegate = r.delegator AND EXISTS (SELECT 1 FROM token_transfers t
                    WHERE t.tx_hash = r.tx_hash AND t.community_id = r.community_id AND t.to_address = r.delegator OFFSET 0))$c$
            ELSE 'true' END)
    INTO deltas USING CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END, kind;
    PERFORM member_activity_apply(deltas, TG_OP = 'DELETE');
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION health_transfers_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    flipped member_activity_days[];
BEGIN
    SELECT array_agg(ROW(community_id, delegator, day, 0, 0, 0, n, 0, 0)::member_activity_days) INTO flipped
    FROM (SELECT dc.community_id, dc.delegator, health_day(dc.block_time) AS day, count(*)::int AS n
          FROM token_delegate_changes dc
          JOIN (SELECT DISTINCT community_id, to_address, block_number, tx_hash FROM old_rows) o
            ON dc.community_id = o.community_id AND dc.delegator = o.to_address
           AND dc.block_number = o.block_number AND dc.tx_hash = o.tx_hash
          WHERE dc.from_delegate = '0x0000000000000000000000000000000000000000' AND dc.to_delegate = dc.delegator
            AND NOT EXISTS (SELECT 1 FROM token_transfers t WHERE t.tx_hash = dc.tx_hash
                            AND t.community_id = dc.community_id AND t.to_address = dc.delegator)
          GROUP BY 1, 2, 3) x;
    PERFORM member_activity_apply(flipped, false);
    RETURN NULL;
END $$;

WITH fresh AS (
    SELECT community_id, account, day, sum(t)::int AS t, sum(d)::int AS d, sum(v)::int AS v, sum(p)::int AS p FROM (
        SELECT community_id, from_address AS account, health_day(block_time) AS day, 1 AS t, 0 AS d, 0 AS v, 0 AS p
        FROM token_transfers WHERE from_address <> '0x0000000000000000000000000000000000000000'
        UNION ALL
        SELECT community_id, delegator, health_day(block_time), 0, 1, 0, 0 FROM token_delegate_changes dc
        WHERE NOT (dc.from_delegate = '0x0000000000000000000000000000000000000000' AND dc.to_delegate = dc.delegator
            AND EXISTS (SELECT 1 FROM token_transfers t WHERE t.tx_hash = dc.tx_hash
                        AND t.community_id = dc.community_id AND t.to_address = dc.delegator))
        UNION ALL
        SELECT community_id, voter, health_day(block_time), 0, 0, 1, 0 FROM votes
        UNION ALL
        SELECT community_id, proposer, health_day(block_time), 0, 0, 0, 1 FROM proposals
    ) x GROUP BY 1, 2, 3)
UPDATE member_activity_days m SET transfer_count = f.t, delegation_count = f.d, vote_count = f.v, proposal_count = f.p
FROM fresh f
WHERE m.community_id = f.community_id AND m.account = f.account AND m.day = f.day
  AND (m.transfer_count, m.delegation_count, m.vote_count, m.proposal_count) <> (f.t, f.d, f.v, f.p);
