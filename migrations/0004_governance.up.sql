-- Governance writes and member sign-in: the transactions the relay sent for wallets (for the
-- per-wallet relay limit and so one ballot or delegation is relayed at most once), the plans of
-- proposals the API opened (queue and execute need their actions), Sign-In with Ethereum nonces and
-- member sessions. Addresses are EIP-55 checksummed text, proposal ids numeric(78,0), as in 0002.

CREATE TABLE governance_relays (
    id           bigserial     PRIMARY KEY,
    community_id text          NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    kind         text          NOT NULL CHECK (kind IN ('ballot', 'delegation')),
    wallet       text          NOT NULL CHECK (wallet ~ '^0x[0-9a-fA-F]{40}$'),
    proposal_id  numeric(78,0) CHECK ((kind = 'ballot') = (proposal_id IS NOT NULL)),
    nonce        numeric(78,0) NOT NULL,
    tx_hash      text          CHECK (tx_hash ~ '^0x[0-9a-f]{64}$'),
    created_at   timestamptz   NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX governance_relays_one_ballot ON governance_relays (community_id, proposal_id, wallet) WHERE kind = 'ballot';
CREATE UNIQUE INDEX governance_relays_one_delegation ON governance_relays (community_id, wallet, nonce) WHERE kind = 'delegation';
CREATE INDEX governance_relays_window ON governance_relays (community_id, wallet, created_at);

CREATE TABLE governance_plans (
    community_id text          NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    proposal_id  numeric(78,0) NOT NULL,
    description  text          NOT NULL,
    targets      text[]        NOT NULL,
    amounts      numeric(78,0)[] NOT NULL,
    calldatas    bytea[]       NOT NULL,
    tx_hash      text          NOT NULL CHECK (tx_hash ~ '^0x[0-9a-f]{64}$'),
    created_at   timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (community_id, proposal_id),
    CHECK (cardinality(targets) = cardinality(amounts) AND cardinality(targets) = cardinality(calldatas))
);

-- A nonce is issued by POST /v1/auth/nonce and used by at most one sign-in before it expires.
CREATE TABLE siwe_nonces (
    nonce      text        PRIMARY KEY CHECK (nonce ~ '^[A-Za-z0-9]{8,64}$'),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX siwe_nonces_expires ON siwe_nonces (expires_at);

-- Member sessions: only the SHA-256 of the bearer token is stored.
CREATE TABLE member_sessions (
    token_hash bytea       PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    address    text        NOT NULL CHECK (address ~ '^0x[0-9a-fA-F]{40}$'),
    chain_id   bigint      NOT NULL,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX member_sessions_expires ON member_sessions (expires_at);
