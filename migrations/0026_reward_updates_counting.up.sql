-- The minter's updates of rewards (a batch claimed or cut: batch_id set or cleared, pending <->
-- submitted; a batch confirmed) change nothing the health figures or the ledger version read: a
-- reward counts unless it is failed, on its member's ledger day, for its amount, under its
-- issuer. The statement-level UPDATE triggers of 0009 and 0012 still captured every updated row
-- twice (transition tables) and ran their functions on each such statement, only to find nothing
-- changed. PostgreSQL takes no column list or WHEN for a trigger with transition tables, so:
-- * rewards_counting_update, a row-level trigger whose WHEN lets only an update that changes what
--   they read queue anything (a reward failing or coming back, an amount, wallet, time, community
--   or issuer rewritten by hand), stages that row's change, old and new, in
--   reward_updates_staged and marks the transaction;
-- * rewards_counting_apply, statement-level without transition tables, fires after the row
--   triggers of every UPDATE of rewards; unmarked (the minter's updates) it returns at once,
--   marked it takes the staged changes and hands them, summed per member and day, to the same
--   member_activity_apply, and their (community, issuer) pairs to the same ledger version slot,
--   as the statement-level work did: one call for a statement however many rows it changed.
-- Staged rows live from a row trigger to the end of its statement, in its transaction, so nobody
-- else ever sees them (unlogged: nothing in them outlives a crash). Inserts and deletes keep
-- their statement-level triggers, now with static statements (planned once a session), and a
-- new member's first rewards are added without reading anything again (health_first_rewards_add).
DROP TRIGGER rewards_health_update ON rewards;
DROP TRIGGER rewards_ledger_version_update ON rewards;

-- reward_ledger_bump gives each (community, issuer) of the arrays a new ledger version in the
-- slot this transaction holds. The trigger functions below call it, and health_reward_deltas,
-- with static statements, so that each session plans them once (a statement run through EXECUTE,
-- or in a LANGUAGE sql function, is planned on every call).
CREATE FUNCTION reward_ledger_bump(cids text[], issuers bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reward_ledger_versions (community_id, issuer_id, slot, version)
    SELECT c, i, reward_ledger_slot(c, i), nextval('reward_ledger_version_seq') FROM (SELECT DISTINCT c, i FROM unnest(cids, issuers) u(c, i)) x
    ON CONFLICT (community_id, issuer_id, slot) DO UPDATE SET version = excluded.version;
END $$;

-- Inserts and deletes (updates: rewards_counting_apply).
CREATE OR REPLACE FUNCTION reward_ledger_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM reward_ledger_bump(array_agg(community_id), array_agg(issuer_id)) FROM new_rows;
    ELSE
        PERFORM reward_ledger_bump(array_agg(community_id), array_agg(issuer_id)) FROM old_rows;
    END IF;
    RETURN NULL;
END $$;

-- health_reward_deltas returns what rewards (those not failed) add to member_activity_days, each
-- counted sign times (1: added, -1: taken away), one delta per member and day that changes.
CREATE FUNCTION health_reward_deltas(cids text[], wallets text[], created timestamptz[], amounts numeric[], failed boolean[],
                                     sign integer) RETURNS member_activity_days[] LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT array_agg(ROW(c, w, day, sign * n, sign * amount, 0, 0, 0, 0)::member_activity_days)
            FROM (SELECT c, w, health_day(t) AS day, count(*)::int AS n, sum(a) AS amount
                  FROM unnest(cids, wallets, created, amounts, failed) u(c, w, t, a, f) WHERE NOT f GROUP BY 1, 2, 3) x
            WHERE n <> 0 OR amount <> 0);
END $$;

-- health_first_rewards_add applies the deltas of new members' first rewards (an account with no
-- activity day at all, rewarded on one day) and returns the others, for member_activity_apply.
-- What such an account adds to the rollups needs no reading again: its one day is active with a
-- reward and nothing on chain, in no period before or after it (no returning, no retention
-- period after its cohort), and it is the account's first reward day and last active day, so
-- each of its day, week and month gains one active member with a reward, one new member and the
-- rewards, and its day one last member. Under the accounts' locks, taken first for every account
-- of the deltas (member_activity_apply takes them again at once for the others), a concurrent
-- writer of the same account either committed before (then the account has days and is left to
-- member_activity_apply) or waits for this transaction.
CREATE FUNCTION health_first_rewards_add(deltas member_activity_days[]) RETURNS member_activity_days[] LANGUAGE plpgsql AS $$
DECLARE
    fresh member_activity_days[];
BEGIN
    IF deltas IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM health_lock(c, a) FROM (SELECT array_agg(community_id) AS c, array_agg(account) AS a FROM unnest(deltas)) x;
    SELECT array_agg(d) INTO fresh FROM unnest(deltas) d
    JOIN (SELECT community_id, account FROM unnest(deltas) GROUP BY 1, 2 HAVING count(*) = 1) k USING (community_id, account)
    WHERE d.reward_count > 0
      AND NOT EXISTS (SELECT 1 FROM member_activity_days m WHERE m.community_id = d.community_id AND m.account = d.account);
    IF fresh IS NULL THEN
        RETURN deltas;
    END IF;
    INSERT INTO member_activity_days SELECT * FROM unnest(fresh);
    INSERT INTO member_first_rewards (community_id, account, first_day, last_day)
    SELECT community_id, account, day, day FROM unnest(fresh);
    PERFORM health_journal_add(ARRAY(
        SELECT ROW(d.community_id, gr.grain, NULL, date_trunc(gr.grain, d.day::timestamp)::date, 1, 1, 0, 0, 0, 1,
                   (gr.grain = 'day')::int, d.reward_count, d.reward_amount)::health_rollup_row
        FROM unnest(fresh) d CROSS JOIN (VALUES ('day'), ('week'), ('month')) gr(grain)));
    RETURN (SELECT array_agg(ROW(d.*)::member_activity_days) FROM (SELECT * FROM unnest(deltas) EXCEPT ALL SELECT * FROM unnest(fresh)) d);
END $$;

-- Inserts and deletes (updates: rewards_counting_apply); new members' first rewards through
-- health_first_rewards_add.
CREATE OR REPLACE FUNCTION health_rewards_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    deltas member_activity_days[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT health_reward_deltas(array_agg(community_id), array_agg(wallet), array_agg(created_at), array_agg(amount),
                                    array_agg(status = 'failed'), 1) INTO deltas FROM new_rows;
        deltas := health_first_rewards_add(deltas);
    ELSE
        SELECT health_reward_deltas(array_agg(community_id), array_agg(wallet), array_agg(created_at), array_agg(amount),
                                    array_agg(status = 'failed'), -1) INTO deltas FROM old_rows;
    END IF;
    PERFORM member_activity_apply(deltas, TG_OP = 'DELETE');
    RETURN NULL;
END $$;

CREATE UNLOGGED TABLE reward_updates_staged (
    community_id text          NOT NULL,
    issuer_id    bigint        NOT NULL,
    wallet       text          NOT NULL,
    day          date          NOT NULL,
    n            integer       NOT NULL,
    amount       numeric(78,0) NOT NULL,
    counts       boolean       NOT NULL
);

-- An updated reward whose counting may have changed: its old row to take away, its new row to add.
CREATE FUNCTION reward_update_stage() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reward_updates_staged VALUES
        (OLD.community_id, OLD.issuer_id, OLD.wallet, health_day(OLD.created_at), -1, -OLD.amount, OLD.status <> 'failed'),
        (NEW.community_id, NEW.issuer_id, NEW.wallet, health_day(NEW.created_at), 1, NEW.amount, NEW.status <> 'failed');
    PERFORM set_config('guildhall.reward_updates_staged', 'yes', true);
    RETURN NULL;
END $$;

CREATE FUNCTION reward_updates_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    staged reward_updates_staged[];
    deltas member_activity_days[];
BEGIN
    IF current_setting('guildhall.reward_updates_staged', true) IS DISTINCT FROM 'yes' THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('guildhall.reward_updates_staged', '', true);
    WITH d AS (DELETE FROM reward_updates_staged RETURNING *)
    SELECT array_agg(d) INTO staged FROM d;
    SELECT array_agg(ROW(community_id, wallet, day, n, amount, 0, 0, 0, 0)::member_activity_days) INTO deltas
    FROM (SELECT community_id, wallet, day, sum(n)::int AS n, sum(amount) AS amount FROM unnest(staged)
          WHERE counts GROUP BY 1, 2, 3) x
    WHERE n <> 0 OR amount <> 0;
    PERFORM member_activity_apply(deltas, false);
    PERFORM reward_ledger_bump(array_agg(community_id), array_agg(issuer_id)) FROM unnest(staged);
    RETURN NULL;
END $$;

CREATE TRIGGER rewards_counting_update AFTER UPDATE ON rewards FOR EACH ROW
    WHEN ((OLD.status = 'failed') IS DISTINCT FROM (NEW.status = 'failed')
          OR (OLD.community_id, OLD.issuer_id, OLD.wallet, OLD.amount, OLD.created_at)
             IS DISTINCT FROM (NEW.community_id, NEW.issuer_id, NEW.wallet, NEW.amount, NEW.created_at))
    EXECUTE FUNCTION reward_update_stage();
CREATE TRIGGER rewards_counting_apply AFTER UPDATE ON rewards FOR EACH STATEMENT EXECUTE FUNCTION reward_updates_apply();
