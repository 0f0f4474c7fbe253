-- The operator's gas bounded: a minimum reward per community, and a gas budget per community per
-- UTC day for the transactions the relay sends for wallets (gasless ballots and delegations).
--
-- Every relay reserves the gas limit it may use before it is sent (gas_reserved) and is settled
-- with its receipt's gas once its transaction is final (gas_used). relay_gas_days holds, per
-- community and UTC day, the sum over that day's relays of gas_used, or gas_reserved while a relay
-- is not settled: the figure the budget is checked against, under the row's lock, so concurrent
-- relays from any number of processes cannot pass it together.

ALTER TABLE communities ADD COLUMN min_reward numeric(78,0) NOT NULL DEFAULT 0 CHECK (min_reward >= 0);

ALTER TABLE governance_relays
    ADD COLUMN gas_reserved bigint NOT NULL DEFAULT 0 CHECK (gas_reserved >= 0),
    ADD COLUMN gas_used     bigint CHECK (gas_used >= 0);
-- The relays sent and not settled yet, which the settler looks for.
CREATE INDEX governance_relays_unsettled ON governance_relays (id) WHERE gas_used IS NULL AND tx_hash IS NOT NULL;

CREATE TABLE relay_gas_days (
    community_id text   NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    day          date   NOT NULL,
    gas          bigint NOT NULL DEFAULT 0 CHECK (gas >= 0),
    PRIMARY KEY (community_id, day)
);
