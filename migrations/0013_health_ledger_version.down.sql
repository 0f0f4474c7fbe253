-- member_activity_apply as migration 0009 made it.
CREATE OR REPLACE FUNCTION member_activity_apply(deltas member_activity_days[], only_existing boolean) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(deltas) IS NULL THEN
        RETURN;
    END IF;
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
    DELETE FROM member_activity_days m USING unnest(deltas) d
    WHERE m.community_id = d.community_id AND m.account = d.account AND m.day = d.day
      AND m.reward_count = 0 AND m.transfer_count = 0 AND m.delegation_count = 0 AND m.vote_count = 0 AND m.proposal_count = 0;
    IF EXISTS (SELECT 1 FROM unnest(deltas) d WHERE d.reward_count <> 0) THEN
        WITH k AS (SELECT DISTINCT community_id, account FROM unnest(deltas) WHERE reward_count <> 0),
        f AS (SELECT k.community_id, k.account, (SELECT min(m.day) FROM member_activity_days m
                WHERE m.community_id = k.community_id AND m.account = k.account AND m.reward_count > 0) AS first_day FROM k),
        gone AS (DELETE FROM member_first_rewards r USING f
                 WHERE f.first_day IS NULL AND r.community_id = f.community_id AND r.account = f.account)
        INSERT INTO member_first_rewards (community_id, account, first_day)
        SELECT community_id, account, first_day FROM f WHERE first_day IS NOT NULL
        ON CONFLICT (community_id, account) DO UPDATE SET first_day = excluded.first_day;
    END IF;
END $$;

DROP INDEX token_transfers_tx;
CREATE INDEX token_transfers_tx ON token_transfers (tx_hash);
ALTER TABLE member_activity_days RESET (fillfactor);
DROP INDEX member_activity_days_day;
CREATE INDEX member_activity_days_day ON member_activity_days (community_id, day, account)
    INCLUDE (reward_count, reward_amount, transfer_count, delegation_count, vote_count, proposal_count);
ALTER TABLE member_first_rewards RESET (fillfactor);
ALTER TABLE member_first_rewards DROP COLUMN last_day;
