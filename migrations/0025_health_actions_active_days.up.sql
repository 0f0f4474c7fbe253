-- The activity triggers' cost in a backfill (issue 11), measured with track_functions = all and
-- auto_explain of the nested statements (BenchmarkHealthTriggerCost): besides the upsert of
-- member_activity_days, health_actions_changed's own time went mostly to the automatic
-- self-delegation test, a correlated subquery run once per candidate (DelegateChanged(X, 0x0 -> X)):
-- a backfill batch of 5,000 mints ran 5,000 probes of token_transfers by transaction.
--
-- The candidates are now judged all at once: the transfers of their transactions are read in one
-- index scan (tx_hash = ANY of the candidates' transactions, by token_transfers_tx: a transaction
-- hash is as good as unique, so the planner takes that index whatever the statistics) and summed
-- with the candidates per (community, account, transaction); a candidate counts when its group
-- holds no Transfer to it. An aggregate has no plan that takes rows one by one against the
-- others'. Tried and left: reading the candidates' blocks' transfers (by token_transfers_block)
-- and joining or grouping them: with the statistics of a young table (a few distinct block
-- numbers) the planner scanned token_transfers once per block, and the cost grew with the table.
--
-- What the function returns is the same, row for row (TestHealthMatchesBruteForce,
-- TestHealthAutomaticSelfDelegationIsNotActivity, TestHealthChainActionsOnActiveDays).
CREATE OR REPLACE FUNCTION health_actions_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    kind CONSTANT text := TG_ARGV[1];
    rows_in CONSTANT text := CASE TG_OP WHEN 'INSERT' THEN 'new_rows' ELSE 'old_rows' END;
    deltas member_activity_days[];
BEGIN
    EXECUTE format($q$SELECT array_agg(ROW(community_id, account, day, 0, 0,
            CASE $2 WHEN 'transfer' THEN n ELSE 0 END, CASE $2 WHEN 'delegation' THEN n ELSE 0 END,
            CASE $2 WHEN 'vote' THEN n ELSE 0 END, CASE $2 WHEN 'proposal' THEN n ELSE 0 END)::member_activity_days)
        FROM (SELECT community_id, account, health_day(block_time) AS day, $1 * sum(n)::int AS n
              FROM (%s) r GROUP BY 1, 2, 3) x$q$,
        CASE kind
            WHEN 'delegation' THEN format($r$
                SELECT community_id, delegator AS account, block_time, 1 AS n FROM %1$I
                WHERE from_delegate <> '0x0000000000000000000000000000000000000000' OR to_delegate <> delegator
                UNION ALL
                SELECT community_id, account, max(block_time), sum(here) FROM (
                    SELECT community_id, delegator AS account, tx_hash, block_time, 1 AS here FROM %1$I
                    WHERE from_delegate = '0x0000000000000000000000000000000000000000' AND to_delegate = delegator
                    UNION ALL
                    SELECT community_id, to_address, tx_hash, NULL, 0 FROM token_transfers
                    WHERE tx_hash = ANY (ARRAY(SELECT tx_hash FROM %1$I
                        WHERE from_delegate = '0x0000000000000000000000000000000000000000' AND to_delegate = delegator))) c
                GROUP BY community_id, account, tx_hash HAVING min(here) = 1$r$, rows_in)
            ELSE format($r$SELECT community_id, %I AS account, block_time, 1 AS n FROM %I r WHERE %s$r$, TG_ARGV[0], rows_in,
                CASE kind WHEN 'transfer' THEN $c$r.from_address <> '0x0000000000000000000000000000000000000000'$c$ ELSE 'true' END)
        END)
    INTO deltas USING CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END, kind;
    PERFORM member_activity_apply(deltas, TG_OP = 'DELETE');
    RETURN NULL;
END $$;
