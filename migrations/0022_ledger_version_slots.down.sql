-- One row per community and issuer again, holding the issuer's latest version (a new value from
-- the sequence, so every cached figure is read afresh), and 0012's trigger function.
DELETE FROM reward_ledger_versions WHERE slot <> 0;
UPDATE reward_ledger_versions SET version = nextval('reward_ledger_version_seq');
INSERT INTO reward_ledger_versions (community_id, issuer_id, slot, version)
SELECT DISTINCT community_id, issuer_id, 0, nextval('reward_ledger_version_seq') FROM rewards
ON CONFLICT DO NOTHING;
ALTER TABLE reward_ledger_versions DROP CONSTRAINT reward_ledger_versions_pkey;
ALTER TABLE reward_ledger_versions DROP COLUMN slot;
ALTER TABLE reward_ledger_versions ADD PRIMARY KEY (community_id, issuer_id);

CREATE OR REPLACE FUNCTION reward_ledger_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        -- The minter's status changes (pending, submitted, confirmed) change no ranking.
        INSERT INTO reward_ledger_versions (community_id, issuer_id, version)
        SELECT community_id, issuer_id, nextval('reward_ledger_version_seq') FROM (
            SELECT x.community_id, x.issuer_id FROM old_rows o JOIN new_rows w USING (id),
                LATERAL (VALUES (o.community_id, o.issuer_id), (w.community_id, w.issuer_id)) x (community_id, issuer_id)
            WHERE (o.status = 'failed') <> (w.status = 'failed')
               OR (o.community_id, o.issuer_id, o.wallet, o.amount, o.created_at) IS DISTINCT FROM (w.community_id, w.issuer_id, w.wallet, w.amount, w.created_at)
            GROUP BY 1, 2) c
        ON CONFLICT (community_id, issuer_id) DO UPDATE SET version = excluded.version;
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO reward_ledger_versions (community_id, issuer_id, version)
        SELECT community_id, issuer_id, nextval('reward_ledger_version_seq') FROM (SELECT DISTINCT community_id, issuer_id FROM new_rows) c
        ON CONFLICT (community_id, issuer_id) DO UPDATE SET version = excluded.version;
    ELSE
        INSERT INTO reward_ledger_versions (community_id, issuer_id, version)
        SELECT community_id, issuer_id, nextval('reward_ledger_version_seq') FROM (SELECT DISTINCT community_id, issuer_id FROM old_rows) c
        ON CONFLICT (community_id, issuer_id) DO UPDATE SET version = excluded.version;
    END IF;
    RETURN NULL;
END $$;

DROP FUNCTION reward_ledger_slot(text, bigint);
