-- The minter's updates of rewards (a batch claimed or given back, a status pending -> submitted
-- -> confirmed) change nothing the health figures or the ledger version read: a reward counts
-- unless it is failed, on its member's ledger day, for its amount. The statement-level UPDATE
-- triggers of 0009 and 0012 still captured every updated row twice (transition tables) and ran
-- their functions on each such statement, only to find nothing changed. PostgreSQL takes no
-- column list or WHEN for a trigger with transition tables, so the UPDATE triggers are now
-- row-level with a WHEN that lets only an update changing what they read queue any work (a
-- reward failing or coming back, an amount, wallet, time, community or issuer rewritten by hand);
-- the minter's updates queue none. Such an update applies its row's change alone, through the
-- same member_activity_apply and the same ledger version slot as a statement of rewards does.
-- Inserts and deletes keep their statement-level triggers.
DROP TRIGGER rewards_health_update ON rewards;
DROP TRIGGER rewards_ledger_version_update ON rewards;

-- reward_ledger_bump gives each (community, issuer) of the arrays a new ledger version in the
-- slot this transaction holds.
CREATE FUNCTION reward_ledger_bump(cids text[], issuers bigint[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO reward_ledger_versions (community_id, issuer_id, slot, version)
    SELECT c, i, reward_ledger_slot(c, i), nextval('reward_ledger_version_seq') FROM (SELECT DISTINCT c, i FROM unnest(cids, issuers) u(c, i)) x
    ON CONFLICT (community_id, issuer_id, slot) DO UPDATE SET version = excluded.version
$$;

-- Inserts and deletes (updates have their own function below).
CREATE OR REPLACE FUNCTION reward_ledger_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('SELECT reward_ledger_bump(array_agg(community_id), array_agg(issuer_id)) FROM %I',
        CASE TG_OP WHEN 'INSERT' THEN 'new_rows' ELSE 'old_rows' END);
    RETURN NULL;
END $$;

CREATE FUNCTION reward_ledger_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM reward_ledger_bump(ARRAY[OLD.community_id, NEW.community_id], ARRAY[OLD.issuer_id, NEW.issuer_id]);
    RETURN NULL;
END $$;

-- Inserts and deletes (updates have their own function below).
CREATE OR REPLACE FUNCTION health_rewards_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    deltas member_activity_days[];
BEGIN
    EXECUTE format($q$SELECT array_agg(ROW(community_id, wallet, day, $1 * n, $1 * amount, 0, 0, 0, 0)::member_activity_days)
        FROM (SELECT community_id, wallet, health_day(created_at) AS day, count(*)::int AS n, sum(amount) AS amount
              FROM %I WHERE status <> 'failed' GROUP BY 1, 2, 3) x$q$,
        CASE TG_OP WHEN 'INSERT' THEN 'new_rows' ELSE 'old_rows' END)
    INTO deltas USING CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END;
    PERFORM member_activity_apply(deltas, TG_OP = 'DELETE');
    RETURN NULL;
END $$;

-- One updated reward whose counting changed: its old row taken away where it counted, its new
-- row added where it counts.
CREATE FUNCTION health_reward_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM member_activity_apply((
        SELECT array_agg(ROW(community_id, wallet, day, n, amount, 0, 0, 0, 0)::member_activity_days)
        FROM (SELECT community_id, wallet, day, sum(n)::int AS n, sum(amount) AS amount
              FROM (VALUES (OLD.community_id, OLD.wallet, health_day(OLD.created_at), -1, -OLD.amount, OLD.status <> 'failed'),
                           (NEW.community_id, NEW.wallet, health_day(NEW.created_at), 1, NEW.amount, NEW.status <> 'failed'))
                   c (community_id, wallet, day, n, amount, counts)
              WHERE counts GROUP BY 1, 2, 3) x
        WHERE n <> 0 OR amount <> 0), false);
    RETURN NULL;
END $$;

CREATE TRIGGER rewards_health_update AFTER UPDATE ON rewards FOR EACH ROW
    WHEN ((OLD.status = 'failed') IS DISTINCT FROM (NEW.status = 'failed')
          OR (OLD.community_id, OLD.wallet, OLD.amount, OLD.created_at) IS DISTINCT FROM (NEW.community_id, NEW.wallet, NEW.amount, NEW.created_at))
    EXECUTE FUNCTION health_reward_updated();
CREATE TRIGGER rewards_ledger_version_update AFTER UPDATE ON rewards FOR EACH ROW
    WHEN ((OLD.status = 'failed') IS DISTINCT FROM (NEW.status = 'failed')
          OR (OLD.community_id, OLD.issuer_id, OLD.wallet, OLD.amount, OLD.created_at)
             IS DISTINCT FROM (NEW.community_id, NEW.issuer_id, NEW.wallet, NEW.amount, NEW.created_at))
    EXECUTE FUNCTION reward_ledger_updated();
