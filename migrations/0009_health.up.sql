-- Community health: each community's staff (excluded from every figure) and the member activity
-- model, one row per (community, account, UTC day) with how many actions of each kind the
-- account took that day.
--
-- member_activity_days is derived from the facts by the triggers below, in the transaction that
-- writes or deletes them, so the indexer (COPY batches, INSERT ... ON CONFLICT, reorg rewinds that
-- DELETE every row above the common ancestor) and the reward ledger keep it exact without knowing
-- it exists. The triggers are statement-level with transition tables: one aggregated statement
-- per event table and batch, not one per row. Invariant (tests check it against a recomputation
-- from the raw rows): a row holds, for its account and UTC day,
--   reward_count, reward_amount  the account's rewards accepted that day (rewards.created_at),
--                                status not 'failed';
--   transfer_count    Transfers it sent (from_address = account; mints, from the zero address,
--                     are nobody's action);
--   delegation_count  its explicit delegations: every DelegateChanged by it except the token's
--                     automatic self-delegation, DelegateChanged(X, 0x0 -> X) in a transaction
--                     holding a Transfer to X;
--   vote_count        its votes (VoteCast and VoteCastWithParams, relayed ones too);
--   proposal_count    the proposals it created (proposer);
-- chain kinds on the UTC day of the event's block_time. A row whose counts are all 0 is deleted.
-- Every account is kept (excluded accounts, days before a first reward): the reads apply the
-- rules (membership starts on the day of the first reward; excluded accounts never count).
-- member_first_rewards caches each account's first reward day (its earliest day with
-- reward_count > 0), which every membership rule reads.

CREATE TABLE community_staff (
    community_id text        NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    address      text        NOT NULL CHECK (address ~ '^0x[0-9a-fA-F]{40}$'),
    added_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (community_id, address)
);

-- No foreign key to communities (a key-share lock per upserted row on the indexer's path); the
-- communities_delete_health trigger removes a deleted community's rows.
CREATE TABLE member_activity_days (
    community_id     text          NOT NULL,
    account          text          NOT NULL,
    day              date          NOT NULL,
    reward_count     integer       NOT NULL DEFAULT 0,
    reward_amount    numeric(78,0) NOT NULL DEFAULT 0,
    transfer_count   integer       NOT NULL DEFAULT 0,
    delegation_count integer       NOT NULL DEFAULT 0,
    vote_count       integer       NOT NULL DEFAULT 0,
    proposal_count   integer       NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, account, day)
);
-- The windowed reads (active in the last 7, 28, 90 days; a series' periods) scan by day.
CREATE INDEX member_activity_days_day ON member_activity_days (community_id, day, account)
    INCLUDE (reward_count, reward_amount, transfer_count, delegation_count, vote_count, proposal_count);

CREATE TABLE member_first_rewards (
    community_id text NOT NULL,
    account      text NOT NULL,
    first_day    date NOT NULL,
    PRIMARY KEY (community_id, account)
);
CREATE INDEX member_first_rewards_day ON member_first_rewards (community_id, first_day, account);

-- The UTC day of a block timestamp (Unix seconds, never negative) or of a ledger time.
CREATE FUNCTION health_day(seconds bigint) RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN date '1970-01-01' + (seconds / 86400)::integer;
CREATE FUNCTION health_day(t timestamptz) RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (t AT TIME ZONE 'UTC')::date;

-- member_activity_apply adds deltas (rows of member_activity_days whose counts are changes, one
-- per key) to the table, deletes the rows left with nothing, and recomputes the first reward day
-- of the accounts whose reward days changed. With only_existing (deletions) no row is created: a
-- delta for a row already gone (a community being deleted) changes nothing.
CREATE FUNCTION member_activity_apply(deltas member_activity_days[], only_existing boolean) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(deltas) IS NULL THEN
        RETURN;
    END IF;
    IF only_existing THEN
        UPDATE member_activity_days m SET
            reward_count = m.reward_count + d.reward_count, reward_amount = m.reward_amount + d.reward_amount,
            transfer_count = m.transfer_count + d.transfer_count, delegation_count = m.delegation_count + d.delegation_count,
            vote_count = m.vote_count + d.vote_count, proposal_count = m.proposal_count + d.proposal_count
        FROM unnest(deltas) d
        WHERE m.community_id = d.community_id AND m.account = d.account AND m.day = d.day;
    ELSE
        INSERT INTO member_activity_days AS m SELECT * FROM unnest(deltas)
        ON CONFLICT (community_id, account, day) DO UPDATE SET
            reward_count = m.reward_count + excluded.reward_count, reward_amount = m.reward_amount + excluded.reward_amount,
            transfer_count = m.transfer_count + excluded.transfer_count,
            delegation_count = m.delegation_count + excluded.delegation_count,
            vote_count = m.vote_count + excluded.vote_count, proposal_count = m.proposal_count + excluded.proposal_count;
    END IF;
    DELETE FROM member_activity_days m USING unnest(deltas) d
    WHERE m.community_id = d.community_id AND m.account = d.account AND m.day = d.day
      AND m.reward_count = 0 AND m.transfer_count = 0 AND m.delegation_count = 0 AND m.vote_count = 0 AND m.proposal_count = 0;
    IF EXISTS (SELECT 1 FROM unnest(deltas) d WHERE d.reward_count <> 0) THEN
        WITH k AS (SELECT DISTINCT community_id, account FROM unnest(deltas) WHERE reward_count <> 0),
        f AS (SELECT k.community_id, k.account, (SELECT min(m.day) FROM member_activity_days m
                WHERE m.community_id = k.community_id AND m.account = k.account AND m.reward_count > 0) AS first_day FROM k),
        gone AS (DELETE FROM member_first_rewards r USING f
                 WHERE f.first_day IS NULL AND r.community_id = f.community_id AND r.account = f.account)
        INSERT INTO member_first_rewards (community_id, account, first_day)
        SELECT community_id, account, first_day FROM f WHERE first_day IS NOT NULL
        ON CONFLICT (community_id, account) DO UPDATE SET first_day = excluded.first_day;
    END IF;
END $$;

-- Rewards: one count per accepted, not failed reward, on its ledger day. An insert adds its rows,
-- a delete takes them away; an update moves only the rows whose counting changed (a status to or
-- from failed, mostly).
CREATE FUNCTION health_rewards_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    deltas member_activity_days[];
BEGIN
    IF TG_OP <> 'UPDATE' THEN
        EXECUTE format($q$SELECT array_agg(ROW(community_id, wallet, day, $1 * n, $1 * amount, 0, 0, 0, 0)::member_activity_days)
            FROM (SELECT community_id, wallet, health_day(created_at) AS day, count(*)::int AS n, sum(amount) AS amount
                  FROM %I WHERE status <> 'failed' GROUP BY 1, 2, 3) x$q$,
            CASE TG_OP WHEN 'INSERT' THEN 'new_rows' ELSE 'old_rows' END)
        INTO deltas USING CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END;
        PERFORM member_activity_apply(deltas, TG_OP = 'DELETE');
        RETURN NULL;
    END IF;
    SELECT array_agg(ROW(community_id, wallet, day, n, amount, 0, 0, 0, 0)::member_activity_days) INTO deltas
    FROM (SELECT community_id, wallet, day, sum(n)::int AS n, sum(amount) AS amount FROM (
            SELECT o.community_id, o.wallet, health_day(o.created_at) AS day, -1 AS n, -o.amount AS amount
            FROM old_rows o JOIN new_rows w USING (id)
            WHERE o.status <> 'failed' AND (w.status = 'failed' OR (o.community_id, o.wallet, o.created_at, o.amount)
                IS DISTINCT FROM (w.community_id, w.wallet, w.created_at, w.amount))
            UNION ALL
            SELECT w.community_id, w.wallet, health_day(w.created_at), 1, w.amount
            FROM old_rows o JOIN new_rows w USING (id)
            WHERE w.status <> 'failed' AND (o.status = 'failed' OR (o.community_id, o.wallet, o.created_at, o.amount)
                IS DISTINCT FROM (w.community_id, w.wallet, w.created_at, w.amount))
          ) c GROUP BY 1, 2, 3) x
    WHERE n <> 0 OR amount <> 0;
    PERFORM member_activity_apply(deltas, false);
    RETURN NULL;
END $$;

CREATE TRIGGER rewards_health_insert AFTER INSERT ON rewards REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION health_rewards_changed();
CREATE TRIGGER rewards_health_update AFTER UPDATE ON rewards REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION health_rewards_changed();
CREATE TRIGGER rewards_health_delete AFTER DELETE ON rewards REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION health_rewards_changed();

-- The actions on chain, one function for the four event tables: TG_ARGV[0] names the column of
-- the account that acted, TG_ARGV[1] the kind ('transfer', 'delegation', 'vote', 'proposal').
-- An insert adds the statement's rows (new_rows) to their kind's count, a delete (a rewind, or a
-- proposal's votes going with it) takes its rows (old_rows) away. Transfers count when sent by
-- someone (not mints, from the zero address). A DelegateChanged counts unless it is the token's
-- automatic self-delegation, DelegateChanged(X, 0x0 -> X) in a transaction holding a Transfer to X,
-- judged against the transfers stored when it is inserted or deleted. That relies on the indexer's
-- insert order: a transaction's events are in one block and so in one batch, and ApplyBatch
-- (postgres/index_token.go, applyTokenEvents) inserts a batch's transfers before its delegate
-- changes, on the COPY path and the general path alike, so the Transfer that makes a
-- self-delegation automatic is always there first (health_transfers_deleted covers the other way).
CREATE FUNCTION health_actions_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    kind CONSTANT text := TG_ARGV[1];
    deltas member_activity_days[];
BEGIN
    EXECUTE format($q$SELECT array_agg(ROW(community_id, account, day, 0, 0,
            CASE $2 WHEN 'transfer' THEN n ELSE 0 END, CASE $2 WHEN 'delegation' THEN n ELSE 0 END,
            CASE $2 WHEN 'vote' THEN n ELSE 0 END, CASE $2 WHEN 'proposal' THEN n ELSE 0 END)::member_activity_days)
        FROM (SELECT community_id, %1$I AS account, health_day(block_time) AS day, $1 * count(*)::int AS n
              FROM %2$I r WHERE %3$s GROUP BY 1, 2, 3) x$q$,
        TG_ARGV[0],
        CASE TG_OP WHEN 'INSERT' THEN 'new_rows' ELSE 'old_rows' END,
        CASE kind
            WHEN 'transfer' THEN $c$r.from_address <> '0x0000000000000000000000000000000000000000'$c$
            WHEN 'delegation' THEN $c$NOT (r.from_delegate = '0x0000000000000000000000000000000000000000'
                AND r.to_delegate = r.delegator AND EXISTS (SELECT 1 FROM token_transfers t
                    WHERE t.tx_hash = r.tx_hash AND t.community_id = r.community_id AND t.to_address = r.delegator))$c$
            ELSE 'true' END)
    INTO deltas USING CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END, kind;
    PERFORM member_activity_apply(deltas, TG_OP = 'DELETE');
    RETURN NULL;
END $$;

CREATE TRIGGER token_transfers_health_insert AFTER INSERT ON token_transfers REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION health_actions_changed('from_address', 'transfer');
CREATE TRIGGER token_transfers_health_delete AFTER DELETE ON token_transfers REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION health_actions_changed('from_address', 'transfer');
CREATE TRIGGER token_delegate_changes_health_insert AFTER INSERT ON token_delegate_changes REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION health_actions_changed('delegator', 'delegation');
CREATE TRIGGER token_delegate_changes_health_delete AFTER DELETE ON token_delegate_changes REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION health_actions_changed('delegator', 'delegation');
CREATE TRIGGER votes_health_insert AFTER INSERT ON votes REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION health_actions_changed('voter', 'vote');
CREATE TRIGGER votes_health_delete AFTER DELETE ON votes REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION health_actions_changed('voter', 'vote');
CREATE TRIGGER proposals_health_insert AFTER INSERT ON proposals REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION health_actions_changed('proposer', 'proposal');
CREATE TRIGGER proposals_health_delete AFTER DELETE ON proposals REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION health_actions_changed('proposer', 'proposal');

-- Deleted transfers (a rewind deletes transfers before delegate changes): a DelegateChanged(X,
-- 0x0 -> X) whose transaction loses its last Transfer to X is no longer the automatic
-- self-delegation by definition, so it starts to count as explicit; the delete of the delegate
-- change that normally follows in the same transaction takes the count away again.
CREATE FUNCTION health_transfers_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    flipped member_activity_days[];
BEGIN
    SELECT array_agg(ROW(community_id, delegator, day, 0, 0, 0, n, 0, 0)::member_activity_days) INTO flipped
    FROM (SELECT dc.community_id, dc.delegator, health_day(dc.block_time) AS day, count(*)::int AS n
          FROM token_delegate_changes dc
          JOIN (SELECT DISTINCT community_id, to_address, block_number, tx_hash FROM old_rows) o
            ON dc.community_id = o.community_id AND dc.delegator = o.to_address
           AND dc.block_number = o.block_number AND dc.tx_hash = o.tx_hash
          WHERE dc.from_delegate = '0x0000000000000000000000000000000000000000' AND dc.to_delegate = dc.delegator
            AND NOT EXISTS (SELECT 1 FROM token_transfers t WHERE t.tx_hash = dc.tx_hash
                            AND t.community_id = dc.community_id AND t.to_address = dc.delegator)
          GROUP BY 1, 2, 3) x;
    PERFORM member_activity_apply(flipped, false);
    RETURN NULL;
END $$;

CREATE TRIGGER token_transfers_health_unmade_automatic AFTER DELETE ON token_transfers REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION health_transfers_deleted();

-- A deleted community's derived rows go with it (named to fire after the event deletions of
-- communities_delete_token_events, triggers firing in name order).
CREATE FUNCTION delete_community_health() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM member_activity_days WHERE community_id = OLD.id;
    DELETE FROM member_first_rewards WHERE community_id = OLD.id;
    RETURN OLD;
END $$;

CREATE TRIGGER communities_delete_health AFTER DELETE ON communities
    FOR EACH ROW EXECUTE FUNCTION delete_community_health();

-- The history indexed and accepted before this migration, counted as the triggers count it.
INSERT INTO member_activity_days
SELECT community_id, account, day, sum(r)::int, sum(ra), sum(t)::int, sum(d)::int, sum(v)::int, sum(p)::int FROM (
    SELECT community_id, wallet AS account, health_day(created_at) AS day, 1 AS r, amount AS ra, 0 AS t, 0 AS d, 0 AS v, 0 AS p
    FROM rewards WHERE status <> 'failed'
    UNION ALL
    SELECT community_id, from_address, health_day(block_time), 0, 0, 1, 0, 0, 0
    FROM token_transfers WHERE from_address <> '0x0000000000000000000000000000000000000000'
    UNION ALL
    SELECT community_id, delegator, health_day(block_time), 0, 0, 0, 1, 0, 0 FROM token_delegate_changes dc
    WHERE NOT (dc.from_delegate = '0x0000000000000000000000000000000000000000' AND dc.to_delegate = dc.delegator
               AND EXISTS (SELECT 1 FROM token_transfers t WHERE t.tx_hash = dc.tx_hash
                           AND t.community_id = dc.community_id AND t.to_address = dc.delegator))
    UNION ALL
    SELECT community_id, voter, health_day(block_time), 0, 0, 0, 0, 1, 0 FROM votes
    UNION ALL
    SELECT community_id, proposer, health_day(block_time), 0, 0, 0, 0, 0, 1 FROM proposals
) x GROUP BY 1, 2, 3;

INSERT INTO member_first_rewards
SELECT community_id, account, min(day) FROM member_activity_days WHERE reward_count > 0 GROUP BY 1, 2;
