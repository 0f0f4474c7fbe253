-- The chain side of member_activity_days says which kinds of action a member took on a day, not
-- how many (issue 11: "one row per (community, member, day) with which kinds of activity
-- happened"): transfer_count, delegation_count, vote_count and proposal_count are now 1 or 0.
-- No figure read more than whether each was above zero, and a backfill paid for the counts: every
-- batch rewrote each active member-day row it touched (a new heap version and index entries for
-- every row, per event table, per batch), though after a member's first action of a day nothing a
-- figure reads changes. Now:
--
-- * An insert of events writes only the (account, day, kind) not set yet: the batch's distinct
--   keys, less those whose row already has the kind, go through member_activity_apply as before
--   (a new kind on a day, or a new day: its rollups); the rest of a backfill writes no activity row.
-- * A delete of events (a reorg's rewind, a deleted community) and a delegation whose transfer went
--   (health_transfers_deleted: it is no longer the automatic self-delegation) set the kind of each
--   key they touch to what the events left say, read from the event tables
--   (health_chain_refresh), and apply the difference.
--
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
-- semi-join the planner may hash), as a rewind's keys are few and a deleted community's many.
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
    PERFORM member_activity_apply(keys, false);
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
