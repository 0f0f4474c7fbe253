-- Recognition (issue 12): each community's level ladder and roles (badges and tiers), what every
-- member holds as the last evaluation decided, and the feed of changes.
--
-- An evaluation reads a community's facts at one block (index_progress) and ledger time and
-- writes, in one transaction, the levels and holdings that changed and one event per change, each
-- naming that block (number, hash, time) and ledger time. A change decided on a block that a reorg
-- later removed is undone by the next evaluation, which appends a '<kind>_withdrawn' event naming
-- it (withdraws) and marks it withdrawn.

CREATE TABLE recognition_ladders (
    community_id text        PRIMARY KEY REFERENCES communities (id) ON DELETE CASCADE,
    levels       jsonb       NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE recognition_roles (
    community_id text        NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    role         text        NOT NULL CHECK (role ~ '^[a-z0-9][a-z0-9_.-]{0,63}$'),
    kind         text        NOT NULL CHECK (kind IN ('badge', 'tier')),
    rule         jsonb       NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (community_id, role)
);

-- The feed. ids grow in commit order within a community (its evaluations are serialized by an
-- advisory lock), so a cursor of the last id seen never skips an event.
CREATE TABLE recognition_events (
    id             bigserial   PRIMARY KEY,
    community_id   text        NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    kind           text        NOT NULL,
    account        text        NOT NULL,
    role           text,
    level          text,
    previous       text,
    -- What undoing the event restores: a revoked holding's grant and since; a level change's
    -- previous level's since.
    prior_since    timestamptz,
    prior_event    bigint,
    withdraws      bigint      REFERENCES recognition_events (id),
    withdrawn      boolean     NOT NULL DEFAULT false,
    block_number   bigint      NOT NULL,
    block_hash     text        NOT NULL,
    block_time     bigint      NOT NULL,
    ledger_through timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX recognition_events_feed ON recognition_events (community_id, id);
CREATE INDEX recognition_events_live ON recognition_events (community_id, block_number)
    WHERE NOT withdrawn AND withdraws IS NULL;

-- Levels held: since is the decision time the level was reached or last lowered.
CREATE TABLE recognition_levels (
    community_id text        NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    account      text        NOT NULL,
    level        text        NOT NULL,
    since        timestamptz NOT NULL,
    event_id     bigint      NOT NULL REFERENCES recognition_events (id),
    PRIMARY KEY (community_id, account)
);

-- Roles held: the role check reads one row by key. failing_since is set while a held tier's
-- conditions fail (its grace running).
CREATE TABLE recognition_holdings (
    community_id  text        NOT NULL,
    role          text        NOT NULL,
    account       text        NOT NULL,
    since         timestamptz NOT NULL,
    failing_since timestamptz,
    event_id      bigint      NOT NULL REFERENCES recognition_events (id),
    PRIMARY KEY (community_id, role, account),
    FOREIGN KEY (community_id, role) REFERENCES recognition_roles (community_id, role) ON DELETE CASCADE
);

-- The block and ledger time of each community's last evaluation, which the role check names.
CREATE TABLE recognition_state (
    community_id   text        PRIMARY KEY REFERENCES communities (id) ON DELETE CASCADE,
    block_number   bigint      NOT NULL,
    block_hash     text        NOT NULL,
    block_time     bigint      NOT NULL,
    ledger_through timestamptz,
    evaluated_at   timestamptz NOT NULL DEFAULT now()
);

-- Webhooks: each receives every event of its community's feed, in id order (so in order per
-- member), at least once: cursor is the last event it acknowledged with a 2xx; a failed attempt
-- is retried at next_attempt_at with backoff, and nothing after it is sent before it succeeds.
-- The secret signs each delivery (HMAC-SHA256); it is stored sealed (AES-256-GCM under a key derived
-- from the operator key, which the database never holds), never logged or listed.
CREATE TABLE recognition_webhooks (
    id              bigserial   PRIMARY KEY,
    community_id    text        NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    url             text        NOT NULL CHECK (url ~ '^https?://'),
    secret          text        NOT NULL CHECK (char_length(secret) >= 16),
    cursor          bigint      NOT NULL DEFAULT 0,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT '-infinity',
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX recognition_webhooks_community ON recognition_webhooks (community_id, id);

-- Seasons: a named period with its own leaderboards. When a season has ended (its end is at or
-- before a community's as_of block time), the next evaluation seals its final ranking: computed
-- once at that block and ledger time, stored, and never recomputed (a later reorg cannot change it).
CREATE TABLE recognition_seasons (
    community_id          text        NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    season                text        NOT NULL CHECK (season ~ '^[a-z0-9][a-z0-9_.-]{0,63}$'),
    name                  text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    starts_at             timestamptz NOT NULL,
    ends_at               timestamptz NOT NULL CHECK (starts_at < ends_at),
    sealed_at             timestamptz,
    sealed_block_number   bigint,
    sealed_block_hash     text,
    sealed_block_time     bigint,
    sealed_ledger_through timestamptz,
    ranking               jsonb,
    updated_at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (community_id, season)
);
