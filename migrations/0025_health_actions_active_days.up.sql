-- The activity triggers' cost in a backfill (issue 11), second part. Most of a backfill's actions
-- fall on days on which their account already acted on chain (after the first batch of a day,
-- all of them): such an action changes a count and nothing else, no day's kinds, no first or last
-- day, no rollup. health_actions_changed now adds those to their rows with one UPDATE and hands
-- member_activity_apply only the others (a first action on chain of a day, or any action taken
-- away), instead of an INSERT ... ON CONFLICT of every account's day (each row speculatively
-- inserted, locked and updated) followed by the comparison of every row before and after.
--
-- The self-delegation test no longer probes token_transfers once per candidate through its
-- transaction index (5,000 probes for a batch of 5,000 mints): the candidates
-- (DelegateChanged(X, 0x0 -> X)) are anti-joined with the transfers to them in their own block
-- (a transaction's events are in one block), whose block numbers lie between the statement's
-- first and last: the planner may hash the statement's blocks' transfers once (found by
-- token_transfers_block) or probe them by token_transfers_to, and never reads older blocks'.
--
-- member_activity_days, member_first_rewards and the rollups are what they were, row for row
-- (TestHealthMatchesBruteForce, TestHealthChainActionsOnActiveDays).

-- health_actions_add_counted adds to member_activity_days the deltas (actions on chain, counts >= 0,
-- no reward) whose day already counts an action on chain, under the accounts' locks, and returns
-- the others (null: none).
CREATE FUNCTION health_actions_add_counted(deltas member_activity_days[]) RETURNS member_activity_days[]
LANGUAGE plpgsql AS $$
DECLARE
    rest member_activity_days[];
BEGIN
    IF cardinality(deltas) IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM health_lock(c, a) FROM (SELECT array_agg(community_id) AS c, array_agg(account) AS a FROM unnest(deltas)) x;
    WITH u AS (
        UPDATE member_activity_days m SET
            transfer_count = m.transfer_count + d.transfer_count, delegation_count = m.delegation_count + d.delegation_count,
            vote_count = m.vote_count + d.vote_count, proposal_count = m.proposal_count + d.proposal_count
        FROM unnest(deltas) d
        WHERE m.community_id = d.community_id AND m.account = d.account AND m.day = d.day
          AND m.transfer_count + m.delegation_count + m.vote_count + m.proposal_count > 0
        RETURNING m.community_id, m.account, m.day)
    SELECT array_agg(ROW(d.*)::member_activity_days) INTO rest FROM unnest(deltas) d
    WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.community_id = d.community_id AND u.account = d.account AND u.day = d.day);
    RETURN rest;
END $$;

CREATE OR REPLACE FUNCTION health_actions_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    kind CONSTANT text := TG_ARGV[1];
    rows_in CONSTANT text := CASE TG_OP WHEN 'INSERT' THEN 'new_rows' ELSE 'old_rows' END;
    deltas member_activity_days[];
BEGIN
    EXECUTE format($q$SELECT array_agg(ROW(community_id, account, day, 0, 0,
            CASE $2 WHEN 'transfer' THEN n ELSE 0 END, CASE $2 WHEN 'delegation' THEN n ELSE 0 END,
            CASE $2 WHEN 'vote' THEN n ELSE 0 END, CASE $2 WHEN 'proposal' THEN n ELSE 0 END)::member_activity_days)
        FROM (SELECT community_id, %1$I AS account, health_day(block_time) AS day, $1 * count(*)::int AS n
              FROM %2$I r WHERE %3$s GROUP BY 1, 2, 3) x$q$,
        TG_ARGV[0], rows_in,
        CASE kind
            WHEN 'transfer' THEN $c$r.from_address <> '0x0000000000000000000000000000000000000000'$c$
            WHEN 'delegation' THEN format($c$NOT EXISTS (SELECT 1 FROM token_transfers t
                WHERE r.from_delegate = '0x0000000000000000000000000000000000000000' AND r.to_delegate = r.delegator
                  AND t.community_id = r.community_id AND t.to_address = r.delegator AND t.block_number = r.block_number
                  AND t.tx_hash = r.tx_hash AND t.block_number BETWEEN (SELECT min(block_number) FROM %1$I)
                  AND (SELECT max(block_number) FROM %1$I))$c$, rows_in)
            ELSE 'true' END)
    INTO deltas USING CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END, kind;
    IF TG_OP = 'INSERT' THEN
        deltas := health_actions_add_counted(deltas);
    END IF;
    PERFORM member_activity_apply(deltas, TG_OP = 'DELETE');
    RETURN NULL;
END $$;
