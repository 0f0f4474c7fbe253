-- health_actions_changed as migration 0023 made it.
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
