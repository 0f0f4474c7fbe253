-- A returning member's first reward of a day, dated at or after its last active day (the accept
-- path's every first reward of a day to a member), is added to the rollups in closed form, as a
-- new member's first rewards are (0026): member_activity_apply read the member's periods around
-- the day again, before and after, which cost about twice a same-day statement.
--
-- health_returning_rewards_add applies the deltas of such rewards (an account with a first
-- reward day F and a last active day L, rewarded on a day D with no reward yet, F < D, L <= D,
-- rewards only, one day of the account in the statement) and returns the others, for
-- member_activity_apply. No active day of the account is after D, so for each grain the period P
-- holding D is the account's last active period and nothing after it changes; in P the account
-- becomes active (unless it was), rewarded (unless it was) and both (if on chain and not yet
-- rewarded), returning if it becomes active and was in the period before; in its cohort's
-- retention row of P (week and month, P after the cohort) active and rewarded likewise; its first
-- day stays, its last day moves from L to D (health_member_rollup); the rewards are summed into
-- P. What the account was in P and the period before is read before they change
-- (health_periods_before, 0027), under the accounts' locks (health_lock, as member_activity_apply
-- takes them).
CREATE FUNCTION health_returning_rewards_add(deltas member_activity_days[]) RETURNS member_activity_days[] LANGUAGE plpgsql AS $$
DECLARE
    taken member_activity_days[];
    changes health_member_change[];
BEGIN
    IF deltas IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM health_lock(c, a) FROM (SELECT array_agg(community_id) AS c, array_agg(account) AS a FROM unnest(deltas)) x;
    SELECT array_agg(d), array_agg(ROW(d.community_id, d.account, r.first_day, r.last_day, r.first_day, greatest(r.last_day, d.day))::health_member_change)
    INTO taken, changes
    FROM unnest(deltas) d
    JOIN (SELECT community_id, account FROM unnest(deltas) GROUP BY 1, 2 HAVING count(*) = 1) k USING (community_id, account)
    JOIN member_first_rewards r ON r.community_id = d.community_id AND r.account = d.account
    WHERE d.reward_count > 0 AND d.transfer_count = 0 AND d.delegation_count = 0 AND d.vote_count = 0 AND d.proposal_count = 0
      AND r.first_day < d.day AND r.last_day <= d.day
      AND NOT EXISTS (SELECT 1 FROM member_activity_days m
                      WHERE m.community_id = d.community_id AND m.account = d.account AND m.day = d.day AND m.reward_count > 0);
    IF taken IS NULL THEN
        RETURN deltas;
    END IF;
    PERFORM health_journal_add(ARRAY(
        WITH f AS (
            SELECT t.community_id, b.grain, b.period, b.cohort, t.reward_count, t.reward_amount, b.act, b.r, b.c, b.prev
            FROM unnest(taken) t JOIN unnest(changes) ch USING (community_id, account)
            CROSS JOIN LATERAL health_periods_before(t.community_id, t.account, t.day, ch.old_first) b)
        SELECT ROW(y.*)::health_rollup_row FROM (
            SELECT community_id, grain, NULL::date, period, (NOT act)::int::bigint, (NOT r)::int::bigint, 0::bigint,
                   (c AND NOT r)::int::bigint, (NOT act AND prev)::int::bigint, 0::bigint, 0::bigint, reward_count::bigint,
                   reward_amount::numeric
            FROM f
            UNION ALL
            SELECT community_id, grain, cohort, period, (NOT act)::int, (NOT r)::int, 0, 0, 0, 0, 0, 0, 0
            FROM f WHERE grain <> 'day' AND period > cohort
            UNION ALL
            SELECT * FROM health_member_rollup(changes)) y));
    INSERT INTO member_activity_days AS m SELECT * FROM unnest(taken)
    ON CONFLICT (community_id, account, day) DO UPDATE SET
        reward_count = m.reward_count + excluded.reward_count, reward_amount = m.reward_amount + excluded.reward_amount;
    UPDATE member_first_rewards r SET last_day = c.new_last FROM unnest(changes) c
    WHERE r.community_id = c.community_id AND r.account = c.account AND c.new_last <> c.old_last;
    RETURN (SELECT array_agg(ROW(d.*)::member_activity_days) FROM (SELECT * FROM unnest(deltas) EXCEPT ALL SELECT * FROM unnest(taken)) d);
END $$;

-- Inserts and deletes (updates: rewards_counting_apply); new members' first rewards through
-- health_first_rewards_add, returning members' first rewards of a day through
-- health_returning_rewards_add.
CREATE OR REPLACE FUNCTION health_rewards_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    deltas member_activity_days[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT health_reward_deltas(array_agg(community_id), array_agg(wallet), array_agg(created_at), array_agg(amount),
                                    array_agg(status = 'failed'), 1) INTO deltas FROM new_rows;
        deltas := health_returning_rewards_add(health_first_rewards_add(deltas));
    ELSE
        SELECT health_reward_deltas(array_agg(community_id), array_agg(wallet), array_agg(created_at), array_agg(amount),
                                    array_agg(status = 'failed'), -1) INTO deltas FROM old_rows;
    END IF;
    PERFORM member_activity_apply(deltas, TG_OP = 'DELETE');
    RETURN NULL;
END $$;
