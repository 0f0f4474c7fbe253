-- Rewards: issuers with budgets and API keys, reward rules, the reward ledger with its mint
-- batches, and the operator's transactions (the sender's durable intents and signed attempts).

-- An issuer records member activity for one community through the API. Its key is shown once;
-- only its SHA-256 is kept, found by the key's prefix. spent never exceeds budget.
CREATE TABLE issuers (
    id           bigserial     PRIMARY KEY,
    community_id text          NOT NULL REFERENCES communities (id),
    name         text          NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    key_prefix   text          NOT NULL UNIQUE,
    key_hash     bytea         NOT NULL CHECK (octet_length(key_hash) = 32),
    budget       numeric(78,0) NOT NULL CHECK (budget >= 0),
    spent        numeric(78,0) NOT NULL DEFAULT 0 CHECK (spent >= 0 AND spent <= budget),
    revoked_at   timestamptz,
    created_at   timestamptz   NOT NULL DEFAULT now(),
    rotated_at   timestamptz
);
CREATE UNIQUE INDEX issuers_community_name_key ON issuers (community_id, name) WHERE revoked_at IS NULL;

-- A reward rule: what one activity earns in a community. Replacing a rule supersedes the row, so
-- every reward keeps pointing at the rule it was priced with.
CREATE TABLE reward_rules (
    id             bigserial     PRIMARY KEY,
    community_id   text          NOT NULL REFERENCES communities (id),
    activity       text          NOT NULL CHECK (activity ~ '^[a-z0-9][a-z0-9_.-]{0,63}$'),
    amount         numeric(78,0) NOT NULL CHECK (amount > 0),
    cap_per_member numeric(78,0) CHECK (cap_per_member > 0),
    cap_period     text          CHECK (cap_period IN ('day', 'week', 'month')),
    active_from    timestamptz,
    active_until   timestamptz,
    created_at     timestamptz   NOT NULL DEFAULT now(),
    superseded_at  timestamptz,
    CHECK ((cap_per_member IS NULL) = (cap_period IS NULL)),
    CHECK (active_from IS NULL OR active_until IS NULL OR active_from < active_until)
);
CREATE UNIQUE INDEX reward_rules_current_key ON reward_rules (community_id, activity) WHERE superseded_at IS NULL;

-- A member is a wallet that has been rewarded in a community; created with its first reward.
CREATE TABLE members (
    community_id     text          NOT NULL REFERENCES communities (id),
    wallet           text          NOT NULL CHECK (wallet ~ '^0x[0-9a-fA-F]{40}$'),
    earned           numeric(78,0) NOT NULL DEFAULT 0 CHECK (earned >= 0),
    first_rewarded_at timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (community_id, wallet)
);

-- What a member has earned for one capped activity in one cap period; the row is the lock that
-- keeps concurrent rewards under the cap.
CREATE TABLE member_cap_usage (
    community_id text          NOT NULL,
    activity     text          NOT NULL,
    wallet       text          NOT NULL,
    period_start timestamptz   NOT NULL,
    earned       numeric(78,0) NOT NULL CHECK (earned >= 0),
    PRIMARY KEY (community_id, activity, wallet, period_start),
    FOREIGN KEY (community_id, wallet) REFERENCES members (community_id, wallet)
);

-- The operator's transactions: one row per intent (a key names it, so an intent is recorded
-- once), with the nonce it holds; every signed attempt (the first and each fee bump) is kept
-- before it is broadcast, so a restart can rebroadcast it or find it mined.
CREATE TABLE chain_nonces (
    chain_id    bigint NOT NULL,
    address     text   NOT NULL CHECK (address ~ '^0x[0-9a-fA-F]{40}$'),
    next_nonce  bigint NOT NULL CHECK (next_nonce >= 0),
    PRIMARY KEY (chain_id, address)
);

CREATE TABLE chain_txs (
    id            bigserial   PRIMARY KEY,
    chain_id      bigint      NOT NULL,
    key           text        NOT NULL UNIQUE,
    from_address  text        NOT NULL,
    to_address    text        NOT NULL,
    nonce         bigint      NOT NULL CHECK (nonce >= 0),
    data          bytea       NOT NULL,
    value         numeric(78,0) NOT NULL DEFAULT 0,
    gas_limit     bigint      NOT NULL CHECK (gas_limit > 0),
    state         text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'mined', 'final')),
    mined_hash    text,
    block_number  bigint,
    block_hash    text,
    succeeded     boolean,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (chain_id, from_address, nonce)
);
CREATE INDEX chain_txs_open ON chain_txs (id) WHERE state <> 'final';

CREATE TABLE chain_tx_attempts (
    hash        text          PRIMARY KEY CHECK (hash ~ '^0x[0-9a-f]{64}$'),
    tx_id       bigint        NOT NULL REFERENCES chain_txs (id),
    raw         bytea         NOT NULL,
    max_fee     numeric(78,0) NOT NULL,
    tip         numeric(78,0) NOT NULL,
    created_at  timestamptz   NOT NULL DEFAULT now()
);
CREATE INDEX chain_tx_attempts_tx ON chain_tx_attempts (tx_id, created_at);

-- A mint batch: the rewards one mintBatch call mints. batch_id is keccak256 of the community and
-- this row's id, so a resend after a crash carries the same id and the token refuses a double.
CREATE TABLE mint_batches (
    id            bigserial     PRIMARY KEY,
    community_id  text          NOT NULL REFERENCES communities (id),
    batch_id      text          NOT NULL UNIQUE CHECK (batch_id ~ '^0x[0-9a-f]{64}$'),
    reward_count  integer       NOT NULL CHECK (reward_count > 0),
    total         numeric(78,0) NOT NULL CHECK (total > 0),
    state         text          NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'sent', 'confirmed')),
    tx_id         bigint        REFERENCES chain_txs (id),
    tx_hash       text,
    block_number  bigint,
    created_at    timestamptz   NOT NULL DEFAULT now(),
    confirmed_at  timestamptz
);
CREATE INDEX mint_batches_unconfirmed ON mint_batches (id) WHERE state <> 'confirmed';

-- The reward ledger: every accepted reward, linked to its issuer, rule and batch.
CREATE TABLE rewards (
    id           bigserial     PRIMARY KEY,
    community_id text          NOT NULL REFERENCES communities (id),
    issuer_id    bigint        NOT NULL REFERENCES issuers (id),
    rule_id      bigint        NOT NULL REFERENCES reward_rules (id),
    activity     text          NOT NULL,
    wallet       text          NOT NULL,
    reference    text,
    amount       numeric(78,0) NOT NULL CHECK (amount > 0),
    status       text          NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'submitted', 'confirmed', 'failed')),
    batch_id     bigint        REFERENCES mint_batches (id),
    created_at   timestamptz   NOT NULL DEFAULT now(),
    FOREIGN KEY (community_id, wallet) REFERENCES members (community_id, wallet)
);
CREATE INDEX rewards_unbatched ON rewards (community_id, id) WHERE batch_id IS NULL;
CREATE INDEX rewards_batch ON rewards (batch_id);
CREATE INDEX rewards_community_wallet ON rewards (community_id, wallet, id);
CREATE INDEX rewards_community_created ON rewards (community_id, created_at);

-- An issuer's idempotency key: the hash of the request it first came with and the answer given.
CREATE TABLE idempotency_keys (
    issuer_id    bigint      NOT NULL REFERENCES issuers (id),
    key          text        NOT NULL,
    request_hash bytea       NOT NULL,
    status       integer     NOT NULL,
    response     bytea       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (issuer_id, key)
);
