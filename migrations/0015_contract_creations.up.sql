-- The operator's sender also deploys contracts (a community's token, timelock and governor), so
-- that every transaction of the key takes its nonce from chain_nonces: an intent without a
-- to_address is a contract creation.
ALTER TABLE chain_txs ALTER COLUMN to_address DROP NOT NULL;
