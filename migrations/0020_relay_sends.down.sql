DROP INDEX IF EXISTS governance_relays_unsent;
ALTER TABLE governance_relays DROP COLUMN IF EXISTS calldata, DROP COLUMN IF EXISTS send_to, DROP COLUMN IF EXISTS send_key;
