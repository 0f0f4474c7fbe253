-- Community health at the issue's scale (issue 11): the member figures are cached by the API
-- process per (as_of block hash, ledger version, exclusions), as the chain figures are per block
-- hash. The block hash names what the indexer wrote; the ledger version names what the reward
-- ledger wrote into member_activity_days.
--
-- The ledger version is the one the leaderboard keeps (0012's reward_ledger_versions: a row per
-- community and issuer, bumped from one sequence in the transaction of every reward change that
-- counts, never by a status change alone). The figures are cached per sum of a community's rows:
-- every row only grows, so the sum changes with any of them, and a snapshot sees it together with
-- the member_activity_days rows of the same rewards.

-- member_first_rewards also keeps each member's last active day (its latest day in
-- member_activity_days, of any kind), so the overview counts the members active in the last 7 and
-- 28 days from one row per member instead of their activity days. Not indexed: an update that
-- only moves it stays on its page (HOT), which the free space left per page helps.
ALTER TABLE member_first_rewards ADD COLUMN last_day date;
UPDATE member_first_rewards r SET last_day = (SELECT max(m.day) FROM member_activity_days m
    WHERE m.community_id = r.community_id AND m.account = r.account);
ALTER TABLE member_first_rewards ALTER COLUMN last_day SET NOT NULL;
ALTER TABLE member_first_rewards SET (fillfactor = 80);

-- The indexer's upsert of an activity row (a second transfer by an account on a day, and so on)
-- changed columns the windowed reads' covering index held, so every update wrote a new tuple and
-- an entry in both indexes. Keyed by day only, an update that changes only counts stays on its
-- page (HOT) when there is room, which the free space left per page gives; the windowed reads
-- fetch the counts from the heap, where rows of a day lie together (they arrive in day order).
DROP INDEX member_activity_days_day;
CREATE INDEX member_activity_days_day ON member_activity_days (community_id, day);
ALTER TABLE member_activity_days SET (fillfactor = 80);

-- The automatic self-delegation check (health_actions_changed, health_transfers_deleted) looks
-- for a Transfer to the delegator in the delegation's transaction. By tx_hash alone the planner
-- preferred token_transfers_to, reading every transfer the delegator ever received, per
-- delegation: a cost that grew with the history. Keyed by both, one probe finds it.
DROP INDEX token_transfers_tx;
CREATE INDEX token_transfers_tx ON token_transfers (tx_hash, to_address);

-- member_activity_apply as in 0009, plus the version bump and the last active day, and with the
-- sweep of rows left with nothing only when a delta takes something away: the indexer's inserts
-- (every chain action arrives as an insert) add only, and the sweep cost them a second index
-- probe per row. What the deltas do is read in one pass over them, not one per question. Deltas that only add move a member's last day forward; any that takes away
-- recomputes it for the accounts it names.
CREATE OR REPLACE FUNCTION member_activity_apply(deltas member_activity_days[], only_existing boolean) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    rewards_changed boolean; -- a reward count changes
    takes_away boolean; -- a count goes down
BEGIN
    IF cardinality(deltas) IS NULL THEN
        RETURN;
    END IF;
    SELECT bool_or(d.reward_count <> 0),
           bool_or(d.reward_count < 0 OR d.transfer_count < 0 OR d.delegation_count < 0 OR d.vote_count < 0 OR d.proposal_count < 0)
    INTO rewards_changed, takes_away FROM unnest(deltas) d;
    IF only_existing THEN
        UPDATE member_activity_days m SET
            reward_count = m.reward_count + d.reward_count, reward_amount = m.reward_amount + d.reward_amount,
            transfer_count = m.transfer_count + d.transfer_count, delegation_count = m.delegation_count + d.delegation_count,
            vote_count = m.vote_count + d.vote_count, proposal_count = m.proposal_count + d.proposal_count
        FROM unnest(deltas) d
        WHERE m.community_id = d.community_id AND m.account = d.account AND m.day = d.day;
    ELSE
        INSERT INTO member_activity_days AS m SELECT * FROM unnest(deltas)
        ON CONFLICT (community_id, account, day) DO UPDATE SET
            reward_count = m.reward_count + excluded.reward_count, reward_amount = m.reward_amount + excluded.reward_amount,
            transfer_count = m.transfer_count + excluded.transfer_count,
            delegation_count = m.delegation_count + excluded.delegation_count,
            vote_count = m.vote_count + excluded.vote_count, proposal_count = m.proposal_count + excluded.proposal_count;
    END IF;
    IF takes_away THEN
        DELETE FROM member_activity_days m USING unnest(deltas) d
        WHERE m.community_id = d.community_id AND m.account = d.account AND m.day = d.day
          AND m.reward_count = 0 AND m.transfer_count = 0 AND m.delegation_count = 0 AND m.vote_count = 0 AND m.proposal_count = 0;
    END IF;
    IF rewards_changed THEN
        WITH k AS (SELECT DISTINCT community_id, account FROM unnest(deltas) WHERE reward_count <> 0),
        f AS (SELECT k.community_id, k.account, (SELECT min(m.day) FROM member_activity_days m
                WHERE m.community_id = k.community_id AND m.account = k.account AND m.reward_count > 0) AS first_day FROM k),
        gone AS (DELETE FROM member_first_rewards r USING f
                 WHERE f.first_day IS NULL AND r.community_id = f.community_id AND r.account = f.account)
        INSERT INTO member_first_rewards (community_id, account, first_day, last_day)
        SELECT community_id, account, first_day, (SELECT max(m.day) FROM member_activity_days m
            WHERE m.community_id = f.community_id AND m.account = f.account) FROM f WHERE first_day IS NOT NULL
        ON CONFLICT (community_id, account) DO UPDATE SET first_day = excluded.first_day, last_day = excluded.last_day;
    END IF;
    IF takes_away THEN
        UPDATE member_first_rewards r SET last_day = (SELECT max(m.day) FROM member_activity_days m
            WHERE m.community_id = r.community_id AND m.account = r.account)
        FROM (SELECT DISTINCT community_id, account FROM unnest(deltas)) k
        WHERE r.community_id = k.community_id AND r.account = k.account;
    ELSE
        UPDATE member_first_rewards r SET last_day = k.day
        FROM (SELECT community_id, account, max(day) AS day FROM unnest(deltas) GROUP BY 1, 2) k
        WHERE r.community_id = k.community_id AND r.account = k.account AND r.last_day < k.day;
    END IF;
END $$;
