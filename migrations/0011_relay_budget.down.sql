DROP TABLE relay_gas_days;
DROP INDEX governance_relays_unsettled;
ALTER TABLE governance_relays DROP COLUMN gas_used, DROP COLUMN gas_reserved;
ALTER TABLE communities DROP COLUMN min_reward;
