-- member_activity_apply and delete_community_health as migrations 0013 and 0009 made them.
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

CREATE OR REPLACE FUNCTION delete_community_health() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM member_activity_days WHERE community_id = OLD.id;
    DELETE FROM member_first_rewards WHERE community_id = OLD.id;
    RETURN OLD;
END $$;

DROP TRIGGER index_progress_proposal_snapshots ON index_progress;
DROP FUNCTION proposal_snapshots_refresh();
DROP FUNCTION proposal_snapshots_compute(text, bigint);
DROP TABLE proposal_snapshots;
DROP FUNCTION health_rollup_fill();
DROP FUNCTION health_journal_compact(text[]);
DROP FUNCTION health_journal_add(health_rollup_row[]);
DROP FUNCTION health_lock(text[], text[]);
DROP FUNCTION health_lock_accounts();
DROP FUNCTION health_account_key(text, text);
DROP FUNCTION health_community_key(text);
DROP TABLE health_journal;
DROP FUNCTION health_rollup_read(text, text[], date, text, date, date, boolean);
DROP FUNCTION health_member_rollup(health_member_change[]);
DROP FUNCTION health_member_changes(member_activity_days[], boolean);
DROP FUNCTION health_rollup_apply(health_rollup_row[]);
DROP FUNCTION health_contributions(health_span[], date, boolean, member_activity_days[]);
DROP TYPE health_rollup_row;
DROP TYPE health_member_change;
DROP TYPE health_span;
DROP TABLE health_retention;
DROP TABLE health_periods;
