-- The statement-level UPDATE triggers of 0009 and 0012 again, with their functions as 0009 and 0022
-- left them; no staging, no shortcut for new members.
DROP TRIGGER rewards_counting_update ON rewards;
DROP TRIGGER rewards_counting_apply ON rewards;
DROP FUNCTION reward_update_stage();
DROP FUNCTION reward_updates_apply();
DROP TABLE reward_updates_staged;
DROP FUNCTION health_first_rewards_add(member_activity_days[]);
DROP FUNCTION health_reward_deltas(text[], text[], timestamptz[], numeric[], boolean[], integer);

CREATE OR REPLACE FUNCTION reward_ledger_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        -- The minter's status changes (pending, submitted, confirmed) change no ranking.
        INSERT INTO reward_ledger_versions (community_id, issuer_id, slot, version)
        SELECT community_id, issuer_id, reward_ledger_slot(community_id, issuer_id), nextval('reward_ledger_version_seq') FROM (
            SELECT x.community_id, x.issuer_id FROM old_rows o JOIN new_rows w USING (id),
                LATERAL (VALUES (o.community_id, o.issuer_id), (w.community_id, w.issuer_id)) x (community_id, issuer_id)
            WHERE (o.status = 'failed') <> (w.status = 'failed')
               OR (o.community_id, o.issuer_id, o.wallet, o.amount, o.created_at) IS DISTINCT FROM (w.community_id, w.issuer_id, w.wallet, w.amount, w.created_at)
            GROUP BY 1, 2) c
        ON CONFLICT (community_id, issuer_id, slot) DO UPDATE SET version = excluded.version;
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO reward_ledger_versions (community_id, issuer_id, slot, version)
        SELECT community_id, issuer_id, reward_ledger_slot(community_id, issuer_id), nextval('reward_ledger_version_seq') FROM (SELECT DISTINCT community_id, issuer_id FROM new_rows) c
        ON CONFLICT (community_id, issuer_id, slot) DO UPDATE SET version = excluded.version;
    ELSE
        INSERT INTO reward_ledger_versions (community_id, issuer_id, slot, version)
        SELECT community_id, issuer_id, reward_ledger_slot(community_id, issuer_id), nextval('reward_ledger_version_seq') FROM (SELECT DISTINCT community_id, issuer_id FROM old_rows) c
        ON CONFLICT (community_id, issuer_id, slot) DO UPDATE SET version = excluded.version;
    END IF;
    RETURN NULL;
END $$;
DROP FUNCTION reward_ledger_bump(text[], bigint[]);

CREATE OR REPLACE FUNCTION health_rewards_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    deltas member_activity_days[];
BEGIN
    IF TG_OP <> 'UPDATE' THEN
        EXECUTE format($q$SELECT array_agg(ROW(community_id, wallet, day, $1 * n, $1 * amount, 0, 0, 0, 0)::member_activity_days)
            FROM (SELECT community_id, wallet, health_day(created_at) AS day, count(*)::int AS n, sum(amount) AS amount
                  FROM %I WHERE status <> 'failed' GROUP BY 1, 2, 3) x$q$,
            CASE TG_OP WHEN 'INSERT' THEN 'new_rows' ELSE 'old_rows' END)
        INTO deltas USING CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END;
        PERFORM member_activity_apply(deltas, TG_OP = 'DELETE');
        RETURN NULL;
    END IF;
    SELECT array_agg(ROW(community_id, wallet, day, n, amount, 0, 0, 0, 0)::member_activity_days) INTO deltas
    FROM (SELECT community_id, wallet, day, sum(n)::int AS n, sum(amount) AS amount FROM (
            SELECT o.community_id, o.wallet, health_day(o.created_at) AS day, -1 AS n, -o.amount AS amount
            FROM old_rows o JOIN new_rows w USING (id)
            WHERE o.status <> 'failed' AND (w.status = 'failed' OR (o.community_id, o.wallet, o.created_at, o.amount)
                IS DISTINCT FROM (w.community_id, w.wallet, w.created_at, w.amount))
            UNION ALL
            SELECT w.community_id, w.wallet, health_day(w.created_at), 1, w.amount
            FROM old_rows o JOIN new_rows w USING (id)
            WHERE w.status <> 'failed' AND (o.status = 'failed' OR (o.community_id, o.wallet, o.created_at, o.amount)
                IS DISTINCT FROM (w.community_id, w.wallet, w.created_at, w.amount))
          ) c GROUP BY 1, 2, 3) x
    WHERE n <> 0 OR amount <> 0;
    PERFORM member_activity_apply(deltas, false);
    RETURN NULL;
END $$;

CREATE TRIGGER rewards_health_update AFTER UPDATE ON rewards REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION health_rewards_changed();
CREATE TRIGGER rewards_ledger_version_update AFTER UPDATE ON rewards REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reward_ledger_changed();
