-- The activity triggers' cost in a backfill (issue 11), measured with track_functions = all and
-- auto_explain of the nested statements (BenchmarkHealthTriggerCost):
--
-- * health_contributions read an account's days in a span by the community and the day range, on
--   which both member_activity_days_day (community_id, day) and the primary key (community_id,
--   account, day) match; when the statistics are those of a young table (a fresh community, a
--   backfill's first batches) the planner took the day index and filtered by account, reading
--   every row of the day for each account: a first action on a day of n members read n x n rows
--   (1.1 s for 2,000 members). The day range is now given as a row comparison on (account, day),
--   which only the primary key matches: one probe per account whatever the statistics.
-- * The automatic self-delegation check (health_actions_changed) was planned as a hashed subplan
--   over every transfer of every community (a sequential scan of token_transfers per statement,
--   growing with the history) while the table was small enough; OFFSET 0 keeps the EXISTS a
--   probe of token_transfers_tx per candidate delegation, and only for the candidates
--   (DelegateChanged(X, 0x0 -> X)).
--
-- Both functions return what they returned before, row for row.

CREATE OR REPLACE FUNCTION health_contributions(spans health_span[], lim date, whole boolean, sub member_activity_days[])
RETURNS SETOF health_rollup_row LANGUAGE sql STABLE AS $$
    WITH f AS MATERIALIZED (
        SELECT s.community_id, s.account, s.lo, s.hi,
               CASE WHEN s.assume THEN s.first_day ELSE (SELECT r.first_day FROM member_first_rewards r
                   WHERE r.community_id = s.community_id AND r.account = s.account) END AS first_day
        FROM unnest(spans) s),
    d AS (
        SELECT community_id, account, max(first_day) AS first_day, day, sum(rc) AS rc, sum(ra) AS ra, sum(cc) AS cc FROM (
            SELECT m.community_id, m.account, f.first_day, m.day, m.reward_count AS rc, m.reward_amount AS ra,
                   m.transfer_count + m.delegation_count + m.vote_count + m.proposal_count AS cc, 1 AS here
            FROM f JOIN member_activity_days m ON m.community_id = f.community_id AND m.account = f.account
                 AND (m.account, m.day) >= (f.account, greatest(f.lo, f.first_day)) AND (m.account, m.day) <= (f.account, least(f.hi, lim))
            WHERE f.first_day <= lim
            UNION ALL
            SELECT x.community_id, x.account, NULL, x.day, -x.reward_count, -x.reward_amount,
                   -(x.transfer_count + x.delegation_count + x.vote_count + x.proposal_count), 0
            FROM unnest(sub) x) y
        GROUP BY community_id, account, day HAVING max(here) = 1),
    gr (grain, step) AS (VALUES ('day', interval '1 day'), ('week', interval '1 week'), ('month', interval '1 month')),
    g AS (
        SELECT d.community_id, d.account, gr.grain, min(gr.step) AS step, date_trunc(gr.grain, d.day::timestamp)::date AS period,
               date_trunc(gr.grain, min(d.first_day)::timestamp)::date AS cohort, bool_or(d.rc > 0) AS r, bool_or(d.cc > 0) AS c
        FROM d CROSS JOIN gr WHERE d.rc > 0 OR d.cc > 0
        GROUP BY 1, 2, 3, 5),
    w AS (
        SELECT g.*, coalesce(lag(g.period) OVER (PARTITION BY g.community_id, g.account, g.grain ORDER BY g.period)
                             = (g.period - g.step)::date, false) AS ret
        FROM g)
    SELECT w.community_id, w.grain, NULL::date, w.period, count(*), count(*) FILTER (WHERE w.r), count(*) FILTER (WHERE w.c),
           count(*) FILTER (WHERE w.r AND w.c), count(*) FILTER (WHERE w.ret), 0::bigint, 0::bigint, 0::bigint, 0::numeric
    FROM w GROUP BY 1, 2, 4
    UNION ALL
    SELECT w.community_id, w.grain, w.cohort, w.period, count(*), count(*) FILTER (WHERE w.r), count(*) FILTER (WHERE w.c),
           0, 0, 0, 0, 0, 0
    FROM w WHERE w.grain <> 'day' AND w.period > w.cohort GROUP BY 1, 2, 3, 4
    UNION ALL
    SELECT f.community_id, gr.grain, NULL, date_trunc(gr.grain, f.first_day::timestamp)::date, 0, 0, 0, 0, 0, count(*), 0, 0, 0
    FROM f CROSS JOIN gr WHERE whole AND f.first_day <= lim GROUP BY 1, 2, 4
    UNION ALL
    SELECT l.community_id, 'day', NULL, l.day, 0, 0, 0, 0, 0, 0, count(*), 0, 0
    FROM (SELECT d.community_id, max(d.day) AS day FROM d WHERE whole AND (d.rc > 0 OR d.cc > 0) GROUP BY d.community_id, d.account) l
    GROUP BY 1, 4
    UNION ALL
    SELECT d.community_id, gr.grain, NULL, date_trunc(gr.grain, d.day::timestamp)::date, 0, 0, 0, 0, 0, 0, 0, sum(d.rc), sum(d.ra)
    FROM d CROSS JOIN gr WHERE whole AND d.rc <> 0 GROUP BY 1, 2, 4
$$;

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

