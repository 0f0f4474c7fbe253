-- member_activity_apply as in 0019.
CREATE OR REPLACE FUNCTION member_activity_apply(deltas member_activity_days[], only_existing boolean) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    takes_away boolean; -- a count goes down
    rewards_in boolean; -- a reward count or amount changes
    spans health_span[]; -- accounts with days whose kinds changed, or whose first day moved, and the days to read again
    befores health_span[]; -- the same, with the first days before of those whose first day moved
    changes health_member_change[]; -- accounts whose first or last day moved
BEGIN
    IF cardinality(deltas) IS NULL THEN
        RETURN;
    END IF;
    PERFORM health_lock(c, a) FROM (SELECT array_agg(community_id) AS c, array_agg(account) AS a FROM unnest(deltas)) x;
    SELECT bool_or(d.reward_count < 0 OR d.transfer_count < 0 OR d.delegation_count < 0 OR d.vote_count < 0 OR d.proposal_count < 0),
           bool_or(d.reward_count <> 0 OR d.reward_amount <> 0)
    INTO takes_away, rewards_in FROM unnest(deltas) d;
    IF only_existing THEN
        WITH u AS (
            UPDATE member_activity_days m SET
                reward_count = m.reward_count + d.reward_count, reward_amount = m.reward_amount + d.reward_amount,
                transfer_count = m.transfer_count + d.transfer_count, delegation_count = m.delegation_count + d.delegation_count,
                vote_count = m.vote_count + d.vote_count, proposal_count = m.proposal_count + d.proposal_count
            FROM unnest(deltas) d
            WHERE m.community_id = d.community_id AND m.account = d.account AND m.day = d.day
            RETURNING m.community_id, m.account, m.day, m.reward_count AS r, d.reward_count AS dr,
                      m.transfer_count + m.delegation_count + m.vote_count + m.proposal_count AS c,
                      d.transfer_count + d.delegation_count + d.vote_count + d.proposal_count AS dc)
        SELECT array_agg(ROW(community_id, account, lo, hi, false, NULL)::health_span) INTO spans
        FROM (SELECT community_id, account, min(day) AS lo, max(day) AS hi FROM u
              WHERE (r > 0) <> (r - dr > 0) OR (c > 0) <> (c - dc > 0) GROUP BY 1, 2) x;
    ELSE
        WITH u AS (
            INSERT INTO member_activity_days AS m SELECT * FROM unnest(deltas)
            ON CONFLICT (community_id, account, day) DO UPDATE SET
                reward_count = m.reward_count + excluded.reward_count, reward_amount = m.reward_amount + excluded.reward_amount,
                transfer_count = m.transfer_count + excluded.transfer_count,
                delegation_count = m.delegation_count + excluded.delegation_count,
                vote_count = m.vote_count + excluded.vote_count, proposal_count = m.proposal_count + excluded.proposal_count
            RETURNING m.community_id, m.account, m.day, m.reward_count AS r,
                      m.transfer_count + m.delegation_count + m.vote_count + m.proposal_count AS c)
        SELECT array_agg(ROW(community_id, account, lo, hi, false, NULL)::health_span) INTO spans
        FROM (SELECT community_id, account, min(day) AS lo, max(day) AS hi FROM (
                SELECT community_id, account, day, sum(r) AS r, sum(dr) AS dr, sum(c) AS c, sum(dc) AS dc FROM (
                    SELECT community_id, account, day, r, 0 AS dr, c, 0 AS dc FROM u
                    UNION ALL
                    SELECT community_id, account, day, 0, reward_count, 0, transfer_count + delegation_count + vote_count + proposal_count
                    FROM unnest(deltas)) k
                GROUP BY 1, 2, 3) g
              WHERE (r > 0) <> (r - dr > 0) OR (c > 0) <> (c - dc > 0) GROUP BY 1, 2) x;
    END IF;
    IF spans IS NULL AND NOT takes_away AND NOT rewards_in THEN
        -- Actions added on days already active (most of a backfill): no day changed kinds, and a
        -- member's last day moves only with a day it had no row for (whose kinds changed).
        RETURN;
    END IF;
    changes := health_member_changes(deltas, takes_away);
    IF changes IS NOT NULL THEN
        DELETE FROM member_first_rewards r USING unnest(changes) c
        WHERE c.new_first IS NULL AND r.community_id = c.community_id AND r.account = c.account;
        UPDATE member_first_rewards r SET first_day = c.new_first, last_day = c.new_last FROM unnest(changes) c
        WHERE c.old_first IS NOT NULL AND c.new_first IS NOT NULL AND r.community_id = c.community_id AND r.account = c.account;
        INSERT INTO member_first_rewards (community_id, account, first_day, last_day)
        SELECT community_id, account, new_first, new_last FROM unnest(changes) WHERE old_first IS NULL AND new_first IS NOT NULL
        ON CONFLICT (community_id, account) DO UPDATE SET first_day = excluded.first_day, last_day = excluded.last_day;
    END IF;
    -- Read again: around a day whose kinds changed, its month and the months either side (every
    -- week and month holding it and their neighbours, whole: returning looks one period back); an
    -- account whose first day moved, whole (its cohort and its counted days change).
    SELECT array_agg(ROW(community_id, account, lo, hi, false, NULL)::health_span),
           array_agg(ROW(community_id, account, lo, hi, moved, old_first)::health_span) INTO spans, befores FROM (
        SELECT community_id, account, min(lo) AS lo, max(hi) AS hi, bool_or(moved) AS moved, max(old_first) AS old_first FROM (
            SELECT community_id, account, (date_trunc('month', lo::timestamp) - interval '1 month')::date AS lo,
                   (date_trunc('month', hi::timestamp) + interval '2 months' - interval '1 day')::date AS hi, false AS moved,
                   NULL::date AS old_first
            FROM unnest(spans)
            UNION ALL
            SELECT community_id, account, '-infinity'::date, 'infinity'::date, true, old_first FROM unnest(changes)
            WHERE old_first IS DISTINCT FROM new_first) s
        GROUP BY 1, 2) x;
    PERFORM health_journal_add(ARRAY(
        SELECT ROW(y.*)::health_rollup_row FROM (
            SELECT * FROM health_contributions(spans, 'infinity', false, NULL)
            UNION ALL
            SELECT b.community_id, b.grain, b.cohort, b.period, -b.active, -b.reward, -b.chain, -b."both", -b."returning",
                   -b.new_members, -b.last_members, -b.rewards, -b.rewards_amount
            FROM health_contributions(befores, 'infinity', false, deltas) b
            UNION ALL
            SELECT * FROM health_member_rollup(changes)
            UNION ALL
            SELECT d.community_id, gr.grain, NULL, date_trunc(gr.grain, d.day::timestamp)::date, 0, 0, 0, 0, 0, 0, 0,
                   d.reward_count, d.reward_amount
            FROM unnest(deltas) d CROSS JOIN (VALUES ('day'), ('week'), ('month')) gr(grain)
            WHERE d.reward_count <> 0 OR d.reward_amount <> 0) y));
    IF takes_away THEN
        DELETE FROM member_activity_days m USING unnest(deltas) d
        WHERE m.community_id = d.community_id AND m.account = d.account AND m.day = d.day
          AND m.reward_count = 0 AND m.transfer_count = 0 AND m.delegation_count = 0 AND m.vote_count = 0 AND m.proposal_count = 0;
    END IF;
END $$;
