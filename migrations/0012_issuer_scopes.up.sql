-- Issuer powers (issue 10, item 12) and the leaderboard's cache key (item 9).
--
-- Every issuer key holds scopes: rewards (issue rewards), rules (replace the reward rules and the
-- staff list; read every issuer's rewards), proposals (open, queue and execute proposals through
-- the API). Keys made before this migration keep all three, so nothing that worked stops working.
ALTER TABLE issuers ADD COLUMN scopes text[] NOT NULL DEFAULT '{rewards,rules,proposals}'
    CHECK (cardinality(scopes) > 0 AND scopes <@ '{rewards,rules,proposals}'::text[]);

-- The issuer that opened a proposal through the API; NULL for the plans saved before this
-- migration (their opener was not recorded). Proposals made from a wallet have no plan at all.
ALTER TABLE governance_plans ADD COLUMN issuer_id bigint REFERENCES issuers (id);

-- The reward ledger's versions, one row per community and issuer: a new value (from one sequence,
-- so never reused, even for a community deleted and made again) whenever a statement adds or
-- removes the issuer's rewards or changes what one counts for (wallet, amount, time, failed or
-- not). A read that finds every row of its community as it was when it cached a ranking knows the
-- ledger has not changed since, without aggregating it. A row per issuer, not per community, so
-- rewards of different issuers never wait for each other on it (an issuer's own requests already
-- queue on its budget row). Issuers with rewards get a version now.
CREATE SEQUENCE reward_ledger_version_seq;
CREATE TABLE reward_ledger_versions (
    community_id text   NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    issuer_id    bigint NOT NULL REFERENCES issuers (id) ON DELETE CASCADE,
    version      bigint NOT NULL,
    PRIMARY KEY (community_id, issuer_id)
);
INSERT INTO reward_ledger_versions (community_id, issuer_id, version)
SELECT community_id, issuer_id, nextval('reward_ledger_version_seq') FROM (SELECT DISTINCT community_id, issuer_id FROM rewards) c;

CREATE FUNCTION reward_ledger_changed() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER rewards_ledger_version_insert AFTER INSERT ON rewards REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reward_ledger_changed();
CREATE TRIGGER rewards_ledger_version_update AFTER UPDATE ON rewards REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reward_ledger_changed();
CREATE TRIGGER rewards_ledger_version_delete AFTER DELETE ON rewards REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reward_ledger_changed();
