DROP TRIGGER rewards_ledger_version_delete ON rewards;
DROP TRIGGER rewards_ledger_version_update ON rewards;
DROP TRIGGER rewards_ledger_version_insert ON rewards;
DROP FUNCTION reward_ledger_changed();
DROP TABLE reward_ledger_versions;
DROP SEQUENCE reward_ledger_version_seq;
ALTER TABLE governance_plans DROP COLUMN issuer_id;
ALTER TABLE issuers DROP COLUMN scopes;
