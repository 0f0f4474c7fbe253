-- The chain side of member_activity_days says which kinds of action a member took on a day, not
-- how many (issue 11: "one row per (community, member, day) with which kinds of activity
-- happened"): transfer_count, delegation_count, vote_count and proposal_count are now 1 or 0.
-- No figure read more than whether each was above zero, and a backfill paid for the counts: every
-- batch rewrote each active member-day row it touched (a new heap version and index entries for
-- every row, per event table, per batch), though after a member's first action of a day nothing a
-- figure reads changes. Now:
--
-- * An insert of events writes only the (account, day, kind) not set yet: the batch's distinct
--   keys, less those whose row already has the kind. A first action of a kind on a day on or after
--   the account's last active day (a backfill's, nearly always), or by an account that is no
--   member, is added to the rollups in closed form (health_chain_first_actions_add); the others go
--   through member_activity_apply as before. The rest of a backfill writes no activity row.
-- * A delete of events (a reorg's rewind) and a delegation whose transfer went
--   (health_transfers_deleted: it is no longer the automatic self-delegation) set the kind of each
--   key they touch to what the events left say, read from the event tables
--   (health_chain_refresh), and apply the difference.
-- * The automatic self-delegation is marked by the indexer on the row (it knows the transaction's
--   Transfers), so an insert no longer looks up a transfer per DelegateChanged(X, 0x0 -> X).
--
-- Reward counts and amounts are unchanged (the ledger's, still counts).

-- Whether a DelegateChanged is the token's automatic self-delegation (DelegateChanged(X, 0x0 -> X)
-- in a transaction holding a Transfer to X), as the indexer saw the transaction's events when it
-- stored the row; NULL for rows stored before. Only the insert trigger reads it: a rewind and a
-- rebuild judge by the transfers stored (see health_transfers_deleted).
ALTER TABLE token_delegate_changes ADD COLUMN automatic boolean;

UPDATE member_activity_days SET transfer_count = least(transfer_count, 1), delegation_count = least(delegation_count, 1),
    vote_count = least(vote_count, 1), proposal_count = least(proposal_count, 1)
WHERE transfer_count > 1 OR delegation_count > 1 OR vote_count > 1 OR proposal_count > 1;

-- health_chain_refresh sets kind ('transfer', 'delegation', 'vote' or 'proposal') of each key
-- (community_id, account, day of the rows; their counts are ignored) to whether the stored events
-- hold such an action, and applies what changed through member_activity_apply. The automatic
-- self-delegation (see 0009) is no action. Each kind's events are read once for all keys (a
-- semi-join the planner may hash).
CREATE FUNCTION health_chain_refresh(keys member_activity_days[], kind text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    deltas member_activity_days[];
BEGIN
    IF cardinality(keys) IS NULL THEN
        RETURN;
    END IF;
    -- A deleted community's events go before its activity rows (delete_community_health): its
    -- keys are left to that.
    WITH k AS (SELECT DISTINCT community_id, account, day FROM unnest(keys) u
               WHERE EXISTS (SELECT 1 FROM communities c WHERE c.id = u.community_id)),
    live AS (
        SELECT k.* FROM k WHERE kind = 'transfer' AND EXISTS (SELECT 1 FROM token_transfers t
            WHERE t.community_id = k.community_id AND t.from_address = k.account AND health_day(t.block_time) = k.day
              AND t.from_address <> '0x0000000000000000000000000000000000000000')
        UNION ALL
        SELECT k.* FROM k WHERE kind = 'delegation' AND EXISTS (SELECT 1 FROM token_delegate_changes dc
            WHERE dc.community_id = k.community_id AND dc.delegator = k.account AND health_day(dc.block_time) = k.day
              AND NOT (dc.from_delegate = '0x0000000000000000000000000000000000000000' AND dc.to_delegate = dc.delegator
                  AND EXISTS (SELECT 1 FROM token_transfers t
                      WHERE t.tx_hash = dc.tx_hash AND t.community_id = dc.community_id AND t.to_address = dc.delegator OFFSET 0)))
        UNION ALL
        SELECT k.* FROM k WHERE kind = 'vote' AND EXISTS (SELECT 1 FROM votes v
            WHERE v.community_id = k.community_id AND v.voter = k.account AND health_day(v.block_time) = k.day)
        UNION ALL
        SELECT k.* FROM k WHERE kind = 'proposal' AND EXISTS (SELECT 1 FROM proposals p
            WHERE p.community_id = k.community_id AND p.proposer = k.account AND health_day(p.block_time) = k.day)),
    now AS (
        SELECT k.community_id, k.account, k.day,
               (l.account IS NOT NULL)::int - coalesce(CASE kind WHEN 'transfer' THEN m.transfer_count
                   WHEN 'delegation' THEN m.delegation_count WHEN 'vote' THEN m.vote_count ELSE m.proposal_count END, 0) AS n
        FROM k LEFT JOIN live l USING (community_id, account, day)
        LEFT JOIN member_activity_days m USING (community_id, account, day))
    SELECT array_agg(ROW(community_id, account, day, 0, 0, CASE kind WHEN 'transfer' THEN n ELSE 0 END,
            CASE kind WHEN 'delegation' THEN n ELSE 0 END, CASE kind WHEN 'vote' THEN n ELSE 0 END,
            CASE kind WHEN 'proposal' THEN n ELSE 0 END)::member_activity_days)
    INTO deltas FROM now WHERE n <> 0;
    PERFORM member_activity_apply(deltas, false);
END $$;

-- health_periods_before returns, for an account (first reward day since) whose active days all
-- lie on or before on_day, for each grain the period holding on_day, the account's cohort period,
-- and what the account was in that period (active, rewarded, on chain) and whether it was active
-- in the period before, as its days say before a change of on_day: read from its days since the
-- month before on_day's (every week and month holding on_day, and the one before), from since on.
-- A first action or reward of a day on or after the last active day changes only those periods
-- (health_chain_first_actions_add).
CREATE FUNCTION health_periods_before(cid text, who text, on_day date, since date)
RETURNS TABLE (grain text, period date, cohort date, act boolean, r boolean, c boolean, prev boolean) LANGUAGE sql STABLE AS $$
    SELECT gr.grain, p.period, p.cohort, b.act, b.r, b.c, b.prev
    FROM (VALUES ('day', interval '1 day'), ('week', interval '1 week'), ('month', interval '1 month')) gr(grain, step)
    CROSS JOIN LATERAL (SELECT date_trunc(gr.grain, on_day::timestamp)::date AS period,
                               date_trunc(gr.grain, since::timestamp)::date AS cohort) p
    CROSS JOIN LATERAL (
        SELECT coalesce(bool_or(m.day >= p.period AND (m.reward_count > 0 OR m.cc > 0)), false) AS act,
               coalesce(bool_or(m.day >= p.period AND m.reward_count > 0), false) AS r,
               coalesce(bool_or(m.day >= p.period AND m.cc > 0), false) AS c,
               coalesce(bool_or(m.day < p.period AND m.day >= (p.period - gr.step)::date AND (m.reward_count > 0 OR m.cc > 0)),
                        false) AS prev
        FROM (SELECT d.day, d.reward_count, d.transfer_count + d.delegation_count + d.vote_count + d.proposal_count AS cc
              FROM member_activity_days d
              WHERE d.community_id = cid AND d.account = who AND d.day <= on_day
                AND d.day >= greatest(since, (date_trunc('month', on_day::timestamp) - interval '1 month')::date)) m) b
$$;

-- health_chain_first_actions_add applies, in closed form, the deltas of first actions of a kind
-- on a day (each sets one chain kind to 1 on a day that lacked it; an account with one day in the
-- statement) of an account that is no member (nothing but the row: a member's days are read again
-- when it becomes one) or of a member (first reward day F, last active day L) on a day D with
-- F <= D and L <= D, the way a backfill meets them; it returns the other deltas, for
-- member_activity_apply. No active day of the account is after D, so for each grain only the
-- period P holding D changes: the account becomes active in P unless it was (returning if it was active in the
-- period before), on chain unless it was, and both if rewarded in P and not yet on chain; its
-- cohort's retention row of P likewise (week and month, P after the cohort); its last day moves
-- to D. What the account was in P and the period before is read before they change
-- (health_periods_before), under the accounts' health locks (taken again at once when the
-- indexer took them for its batch; taken here for any other writer of events).
CREATE FUNCTION health_chain_first_actions_add(deltas member_activity_days[]) RETURNS member_activity_days[] LANGUAGE plpgsql AS $$
DECLARE
    taken member_activity_days[];
    changes health_member_change[];
BEGIN
    IF deltas IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM health_lock(c, a) FROM (SELECT array_agg(community_id) AS c, array_agg(account) AS a FROM unnest(deltas)) x;
    SELECT array_agg(d), array_agg(ROW(d.community_id, d.account, r.first_day, r.last_day, r.first_day, greatest(r.last_day, d.day))::health_member_change)
                         FILTER (WHERE r.account IS NOT NULL)
    INTO taken, changes
    FROM unnest(deltas) d
    JOIN (SELECT community_id, account FROM unnest(deltas) GROUP BY 1, 2 HAVING count(*) = 1) k USING (community_id, account)
    LEFT JOIN member_first_rewards r ON r.community_id = d.community_id AND r.account = d.account
    WHERE d.reward_count = 0 AND d.reward_amount = 0 AND (r.account IS NULL OR (r.first_day <= d.day AND r.last_day <= d.day));
    IF taken IS NULL THEN
        RETURN deltas;
    END IF;
    PERFORM health_journal_add(ARRAY(
        WITH f AS (
            SELECT t.community_id, b.grain, b.period, b.cohort, b.act, b.r, b.c, b.prev
            FROM unnest(taken) t JOIN unnest(changes) ch USING (community_id, account)
            CROSS JOIN LATERAL health_periods_before(t.community_id, t.account, t.day, ch.old_first) b)
        SELECT ROW(y.*)::health_rollup_row FROM (
            SELECT community_id, grain, NULL::date, period, (NOT act)::int::bigint, 0::bigint, (NOT c)::int::bigint,
                   (r AND NOT c)::int::bigint, (NOT act AND prev)::int::bigint, 0::bigint, 0::bigint, 0::bigint, 0::numeric
            FROM f
            UNION ALL
            SELECT community_id, grain, cohort, period, (NOT act)::int, 0, (NOT c)::int, 0, 0, 0, 0, 0, 0
            FROM f WHERE grain <> 'day' AND period > cohort
            UNION ALL
            SELECT * FROM health_member_rollup(changes)) y));
    INSERT INTO member_activity_days AS m SELECT * FROM unnest(taken)
    ON CONFLICT (community_id, account, day) DO UPDATE SET
        transfer_count = m.transfer_count + excluded.transfer_count, delegation_count = m.delegation_count + excluded.delegation_count,
        vote_count = m.vote_count + excluded.vote_count, proposal_count = m.proposal_count + excluded.proposal_count;
    UPDATE member_first_rewards r SET last_day = c.new_last FROM unnest(changes) c
    WHERE r.community_id = c.community_id AND r.account = c.account AND c.new_last <> c.old_last;
    RETURN (SELECT array_agg(ROW(d.*)::member_activity_days) FROM (SELECT * FROM unnest(deltas) EXCEPT ALL SELECT * FROM unnest(taken)) d);
END $$;

CREATE OR REPLACE FUNCTION health_actions_changed() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
DECLARE
    kind CONSTANT text := TG_ARGV[1];
    keys member_activity_days[];
BEGIN
    IF TG_OP = 'DELETE' THEN
        EXECUTE format($q$SELECT array_agg(ROW(community_id, account, day, 0, 0, 0, 0, 0, 0)::member_activity_days)
            FROM (SELECT DISTINCT community_id, %1$I AS account, health_day(block_time) AS day FROM old_rows) x$q$, TG_ARGV[0])
        INTO keys;
        PERFORM health_chain_refresh(keys, kind);
        RETURN NULL;
    END IF;
    EXECUTE format($q$WITH acts AS (%2$s)
        SELECT array_agg(ROW(community_id, account, day, 0, 0, $1, $2, $3, $4)::member_activity_days)
        FROM (SELECT DISTINCT community_id, account, health_day(block_time) AS day FROM acts) x
        WHERE NOT EXISTS (SELECT 1 FROM member_activity_days m
                          WHERE m.community_id = x.community_id AND m.account = x.account AND m.day = x.day AND m.%1$I > 0)$q$,
        kind || '_count',
        CASE kind
            WHEN 'transfer' THEN $c$SELECT community_id, from_address AS account, block_time FROM new_rows
                WHERE from_address <> '0x0000000000000000000000000000000000000000'$c$
            -- The indexer marks the automatic self-delegation as it stores it (the column automatic);
            -- a row stored without the mark (before this migration) is judged by its transfers.
            WHEN 'delegation' THEN $c$SELECT community_id, delegator AS account, block_time FROM new_rows r
                WHERE NOT coalesce(r.automatic, r.from_delegate = '0x0000000000000000000000000000000000000000'
                    AND r.to_delegate = r.delegator AND EXISTS (SELECT 1 FROM token_transfers t
                        WHERE t.tx_hash = r.tx_hash AND t.community_id = r.community_id AND t.to_address = r.delegator OFFSET 0))$c$
            ELSE format('SELECT community_id, %I AS account, block_time FROM new_rows', TG_ARGV[0]) END)
    INTO keys USING (kind = 'transfer')::int, (kind = 'delegation')::int, (kind = 'vote')::int, (kind = 'proposal')::int;
    PERFORM member_activity_apply(health_chain_first_actions_add(keys), false);
    RETURN NULL;
END $$;

-- Deleted transfers (a rewind deletes transfers before delegate changes): a DelegateChanged(X,
-- 0x0 -> X) whose transaction loses its last Transfer to X is no longer the automatic
-- self-delegation by definition, so its day may gain the kind; the delete of the delegate change
-- that normally follows in the same transaction sets it back.
CREATE OR REPLACE FUNCTION health_transfers_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    keys member_activity_days[];
BEGIN
    SELECT array_agg(ROW(dc.community_id, dc.delegator, health_day(dc.block_time), 0, 0, 0, 0, 0, 0)::member_activity_days) INTO keys
    FROM token_delegate_changes dc
    JOIN (SELECT DISTINCT community_id, to_address, block_number, tx_hash FROM old_rows) o
      ON dc.community_id = o.community_id AND dc.delegator = o.to_address
     AND dc.block_number = o.block_number AND dc.tx_hash = o.tx_hash
    WHERE dc.from_delegate = '0x0000000000000000000000000000000000000000' AND dc.to_delegate = dc.delegator;
    PERFORM health_chain_refresh(keys, 'delegation');
    RETURN NULL;
END $$;
