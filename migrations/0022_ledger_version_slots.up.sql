-- The reward ledger's versions (0012) in slots: a row per community, issuer and slot (16 of
-- them). A transaction that changes an issuer's rewards bumps one slot's row and holds it to its
-- commit; with one row per issuer, every transaction recording that issuer's rewards waited there
-- for the one before it to commit, so an issuer's rewards were recorded one transaction at a time
-- even where nothing else made them wait (the budget row is now taken by one statement just
-- before the commit). Each transaction takes a slot no other open transaction holds: the first
-- free one from a start its id picks, held by a transaction-scoped advisory lock taken without
-- waiting (the two-key form, its own lock space); only when all 16 are held does it wait for its
-- start's row.
--
-- What the readers rely on still holds: every row only grows (a value from the one sequence), so
-- the sum of a community's rows, the health figures' cache key, changes with any of them, and the
-- leaderboard's key lists every row.
ALTER TABLE reward_ledger_versions ADD COLUMN slot smallint NOT NULL DEFAULT 0;
ALTER TABLE reward_ledger_versions DROP CONSTRAINT reward_ledger_versions_pkey;
ALTER TABLE reward_ledger_versions ADD PRIMARY KEY (community_id, issuer_id, slot);
ALTER TABLE reward_ledger_versions ALTER COLUMN slot DROP DEFAULT;

-- The slot of (community, issuer) this transaction bumps (see above).
CREATE FUNCTION reward_ledger_slot(community text, issuer bigint) RETURNS smallint LANGUAGE plpgsql AS $$
DECLARE
    start CONSTANT int := (pg_current_xact_id()::text::bigint % 16)::int;
    key CONSTANT int := hashtext('guildhall ledger version ' || community || ' ' || issuer);
BEGIN
    FOR k IN 0..15 LOOP
        IF pg_try_advisory_xact_lock(key, (start + k) % 16) THEN
            RETURN ((start + k) % 16)::smallint;
        END IF;
    END LOOP;
    RETURN start::smallint;
END $$;

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
