-- The chain this database indexes. One row at most: a database belongs to exactly one chain, and
-- Guildhall refuses to use it with another (a restarted dev chain has a new genesis hash).
CREATE TABLE chain_identity (
    singleton    boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    chain_id     bigint      NOT NULL UNIQUE CHECK (chain_id > 0),
    genesis_hash text        NOT NULL CHECK (genesis_hash ~ '^0x[0-9a-f]{64}$'),
    recorded_at  timestamptz NOT NULL DEFAULT now()
);

-- One tokenized community: its token, governor and timelock, and the settings the governor was
-- deployed with. Addresses are stored EIP-55 checksummed; uniqueness ignores their case.
CREATE TABLE communities (
    id                            text          PRIMARY KEY
                                                CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$'),
    name                          text          NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    symbol                        text          NOT NULL CHECK (symbol ~ '^[A-Z0-9]{2,11}$'),
    chain_id                      bigint        NOT NULL REFERENCES chain_identity (chain_id),
    token_address                 text          NOT NULL CHECK (token_address ~ '^0x[0-9a-fA-F]{40}$'),
    governor_address              text          NOT NULL CHECK (governor_address ~ '^0x[0-9a-fA-F]{40}$'),
    timelock_address              text          NOT NULL CHECK (timelock_address ~ '^0x[0-9a-fA-F]{40}$'),
    deployment_block              bigint        NOT NULL CHECK (deployment_block >= 0),
    deployment_tx                 text          NOT NULL CHECK (deployment_tx ~ '^0x[0-9a-f]{64}$'),
    voting_delay_seconds          bigint        NOT NULL CHECK (voting_delay_seconds >= 0),
    voting_period_seconds         bigint        NOT NULL CHECK (voting_period_seconds > 0),
    timelock_delay_seconds        bigint        NOT NULL CHECK (timelock_delay_seconds >= 0),
    late_quorum_extension_seconds bigint        NOT NULL CHECK (late_quorum_extension_seconds >= 0),
    quorum_percent                smallint      NOT NULL CHECK (quorum_percent BETWEEN 1 AND 100),
    proposal_threshold            numeric(78,0) NOT NULL CHECK (proposal_threshold >= 0),
    created_at                    timestamptz   NOT NULL DEFAULT now(),
    CHECK (lower(token_address) <> lower(governor_address)
       AND lower(token_address) <> lower(timelock_address)
       AND lower(governor_address) <> lower(timelock_address))
);

CREATE UNIQUE INDEX communities_token_address_key ON communities (lower(token_address));
