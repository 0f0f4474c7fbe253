-- Community health rollups (issue 11): the member figures read a few rows per period instead of
-- every activity day of the window.
--
-- health_periods holds, per community, grain ('day', 'week' or 'month', date_trunc's spelling)
-- and period (its first day), what every account of member_activity_days adds to that period:
--   active, reward, chain, both  accounts with a counted day (from their first reward day on) in
--                                the period: of any kind, with a reward, with an action on chain,
--                                with both kinds (not necessarily on one day);
--   returning      accounts active in the period and in the one before it;
--   new_members    accounts whose first reward day is in the period;
--   last_members   (grain 'day') accounts whose last active day (member_first_rewards.last_day)
--                  is that day;
--   rewards, rewards_amount  the rewards (reward_count, reward_amount) of the period's days.
-- health_retention holds, per community, grain ('week', 'month'), cohort (the period of the
-- first reward day) and period (a later one), how many of the cohort were active in the period,
-- of any kind, with a reward, on chain.
--
-- Both hold every account, excluded ones and days after any as_of included, exactly as
-- member_activity_days does: a read subtracts what the few accounts it must leave out add
-- (health_contributions over the excluded accounts and over those active after today), so a staff
-- change or a new day needs no rewrite. Invariant (TestHealthMatchesBruteForce compares them with
-- the recomputation from member_activity_days after random histories with rewinds): each row is
-- the sum over all accounts of health_contributions(every day, whole).
--
-- member_activity_apply keeps them in the transaction of every change of member_activity_days
-- (the statement-level triggers of 0009): from the changed rows it returns, it finds the days
-- whose kinds changed (a first reward that day, a first action on chain) and the accounts whose
-- first or last day moved; only those accounts' periods around those days are read again (before
-- and after the change), so the indexer's inserts of actions on days already active, most of a
-- backfill, add nothing but the upsert they already did.
--
-- Concurrent writers (grouped reward accepts, the indexer, the minter's failures, a reindex's
-- swap) neither queue behind one another nor hold a shared row to their commit:
-- * What an account adds to the rollups depends on that account's days alone, so writers are
--   serialised per (community, account), not per community: health_lock takes a transaction-level
--   advisory lock per account of a statement's changes, sorted by key, under a shared lock of the
--   community. A writer that waits for an account sees, in its next statement, the days of the
--   transaction it waited for, and none of any transaction still waiting for it: the changes of
--   one account's days are counted in the order of that lock, each from the days the previous
--   ones left (before = the rows now less its own change). A statement changing more than
--   health_lock_accounts accounts (a bulk load, a backfill batch) takes the community's lock
--   exclusively instead (the lock table holds a few thousand locks in all), as do a rewind and a
--   reindex's swap, which change days without naming their accounts first.
-- * The writers do not update health_periods or health_retention: they append what they add
--   (summed per key, one row per key and statement) to health_journal, which nobody updates.
--   A read sums the rollup rows and the journal's; health_journal_compact folds the journal into
--   the rollup rows in a short transaction of its own (the indexer after each batch, a read that
--   finds the journal long): it deletes the rows it takes (FOR UPDATE SKIP LOCKED, so two
--   compactions take disjoint rows) and adds their sums in one commit, which a read's snapshot sees
--   whole or not at all. The sum of rollup and journal rows is what the invariant above names.

CREATE TABLE health_periods (
    community_id   text          NOT NULL,
    grain          text          NOT NULL CHECK (grain IN ('day', 'week', 'month')),
    period         date          NOT NULL,
    active         integer       NOT NULL DEFAULT 0,
    reward         integer       NOT NULL DEFAULT 0,
    chain          integer       NOT NULL DEFAULT 0,
    "both"         integer       NOT NULL DEFAULT 0,
    "returning"    integer       NOT NULL DEFAULT 0,
    new_members    integer       NOT NULL DEFAULT 0,
    last_members   integer       NOT NULL DEFAULT 0,
    rewards        integer       NOT NULL DEFAULT 0,
    rewards_amount numeric(78,0) NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, grain, period)
);

CREATE TABLE health_retention (
    community_id text    NOT NULL,
    grain        text    NOT NULL CHECK (grain IN ('week', 'month')),
    cohort       date    NOT NULL,
    period       date    NOT NULL,
    active       integer NOT NULL DEFAULT 0,
    reward       integer NOT NULL DEFAULT 0,
    chain        integer NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, grain, cohort, period)
);


-- An account's days to read again, lo..hi; with assume, first_day is its first reward day to
-- assume (null: not a member) instead of member_first_rewards'.
CREATE TYPE health_span AS (community_id text, account text, lo date, hi date, assume boolean, first_day date);
-- An account's first reward and last active days before and after a change (null: not a member).
CREATE TYPE health_member_change AS (community_id text, account text, old_first date, old_last date, new_first date, new_last date);
-- What some accounts add to a row of health_periods (cohort null) or health_retention.
CREATE TYPE health_rollup_row AS (community_id text, grain text, cohort date, period date, active bigint, reward bigint,
    chain bigint, "both" bigint, "returning" bigint, new_members bigint, last_members bigint, rewards bigint, rewards_amount numeric);

-- What the writers added to health_periods (cohort null) and health_retention and no compaction
-- has folded in yet: appended, never updated.
CREATE TABLE health_journal OF health_rollup_row;
CREATE INDEX health_journal_key ON health_journal (community_id, grain, period);

-- The advisory lock keys of a community and of an account in it.
CREATE FUNCTION health_community_key(cid text) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN hashtextextended('guildhall health ' || cid, 0);
CREATE FUNCTION health_account_key(cid text, account text) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN hashtextextended('guildhall health ' || cid || ' ' || account, 0);

-- The most accounts health_lock locks one by one.
CREATE FUNCTION health_lock_accounts() RETURNS integer LANGUAGE sql IMMUTABLE RETURN 64;

-- health_lock takes, to the end of the transaction, the locks under which the accounts (cids[i],
-- accounts[i]) may change their days: each community's lock shared and each account's lock, or,
-- past health_lock_accounts accounts, each community's lock exclusively. Keys are taken in one
-- order (communities, then accounts by key), so transactions that take theirs in one call never
-- deadlock; a lock already held is taken again at once.
CREATE FUNCTION health_lock(cids text[], accounts text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    n integer;
BEGIN
    SELECT count(*) INTO n FROM (SELECT DISTINCT c, a FROM unnest(cids, accounts) u(c, a)) x;
    IF n = 0 THEN
        RETURN;
    ELSIF n > health_lock_accounts() THEN
        PERFORM pg_advisory_xact_lock(health_community_key(c)) FROM (SELECT DISTINCT c FROM unnest(cids) c ORDER BY 1) x;
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock_shared(health_community_key(c)) FROM (SELECT DISTINCT c FROM unnest(cids) c ORDER BY 1) x;
    PERFORM pg_advisory_xact_lock(k) FROM (SELECT DISTINCT health_account_key(c, a) AS k FROM unnest(cids, accounts) u(c, a) ORDER BY 1) x;
END $$;

-- health_journal_add appends rows (summed per key; keys left at zero change nothing) to the journal.
CREATE FUNCTION health_journal_add(rows_in health_rollup_row[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO health_journal
    SELECT community_id, grain, cohort, period, sum(active), sum(reward), sum(chain), sum("both"), sum("returning"),
           sum(new_members), sum(last_members), sum(rewards), sum(rewards_amount)
    FROM unnest(rows_in) GROUP BY 1, 2, 3, 4
    HAVING (sum(active), sum(reward), sum(chain), sum("both"), sum("returning"), sum(new_members), sum(last_members), sum(rewards),
            sum(rewards_amount)) <> (0, 0, 0, 0, 0, 0, 0, 0, 0)
$$;

-- health_contributions returns what the accounts of spans add to the rollups, counting their days
-- in lo..hi up to lim. sub (changes of member_activity_days rows) is taken away from the rows
-- first and the spans' assumed first reward days replace the accounts' own: together they give
-- the rows as they were before a change. No join takes an array's rows one by one against
-- another's (a statement's arrays hold a million rows when a bulk load fires the triggers): the
-- rows and their changes are summed per key. With whole (every day of the accounts read), also what an account adds as
-- a whole: new_members at its first reward day, last_members at its last counted day, its rewards.
-- A period cut by lo or hi counts only the days read: callers take differences of two reads over
-- the same spans, in which such periods cancel.
CREATE FUNCTION health_contributions(spans health_span[], lim date, whole boolean, sub member_activity_days[])
RETURNS SETOF health_rollup_row LANGUAGE sql STABLE AS $$
    WITH f AS MATERIALIZED (
        SELECT s.community_id, s.account, s.lo, s.hi,
               CASE WHEN s.assume THEN s.first_day ELSE (SELECT r.first_day FROM member_first_rewards r
                   WHERE r.community_id = s.community_id AND r.account = s.account) END AS first_day
        FROM unnest(spans) s),
    d AS (
        SELECT community_id, account, max(first_day) AS first_day, day, sum(rc) AS rc, sum(ra) AS ra, sum(cc) AS cc FROM (
            SELECT m.community_id, m.account, f.first_day, m.day, m.reward_count AS rc, m.reward_amount AS ra,
                   m.transfer_count + m.delegation_count + m.vote_count + m.proposal_count AS cc, 1 AS here
            FROM f JOIN member_activity_days m ON m.community_id = f.community_id AND m.account = f.account
                 AND m.day >= greatest(f.lo, f.first_day) AND m.day <= least(f.hi, lim)
            WHERE f.first_day <= lim
            UNION ALL
            SELECT x.community_id, x.account, NULL, x.day, -x.reward_count, -x.reward_amount,
                   -(x.transfer_count + x.delegation_count + x.vote_count + x.proposal_count), 0
            FROM unnest(sub) x) y
        GROUP BY community_id, account, day HAVING max(here) = 1),
    gr (grain, step) AS (VALUES ('day', interval '1 day'), ('week', interval '1 week'), ('month', interval '1 month')),
    g AS (
        SELECT d.community_id, d.account, gr.grain, min(gr.step) AS step, date_trunc(gr.grain, d.day::timestamp)::date AS period,
               date_trunc(gr.grain, min(d.first_day)::timestamp)::date AS cohort, bool_or(d.rc > 0) AS r, bool_or(d.cc > 0) AS c
        FROM d CROSS JOIN gr WHERE d.rc > 0 OR d.cc > 0
        GROUP BY 1, 2, 3, 5),
    w AS (
        SELECT g.*, coalesce(lag(g.period) OVER (PARTITION BY g.community_id, g.account, g.grain ORDER BY g.period)
                             = (g.period - g.step)::date, false) AS ret
        FROM g)
    SELECT w.community_id, w.grain, NULL::date, w.period, count(*), count(*) FILTER (WHERE w.r), count(*) FILTER (WHERE w.c),
           count(*) FILTER (WHERE w.r AND w.c), count(*) FILTER (WHERE w.ret), 0::bigint, 0::bigint, 0::bigint, 0::numeric
    FROM w GROUP BY 1, 2, 4
    UNION ALL
    SELECT w.community_id, w.grain, w.cohort, w.period, count(*), count(*) FILTER (WHERE w.r), count(*) FILTER (WHERE w.c),
           0, 0, 0, 0, 0, 0
    FROM w WHERE w.grain <> 'day' AND w.period > w.cohort GROUP BY 1, 2, 3, 4
    UNION ALL
    SELECT f.community_id, gr.grain, NULL, date_trunc(gr.grain, f.first_day::timestamp)::date, 0, 0, 0, 0, 0, count(*), 0, 0, 0
    FROM f CROSS JOIN gr WHERE whole AND f.first_day <= lim GROUP BY 1, 2, 4
    UNION ALL
    SELECT l.community_id, 'day', NULL, l.day, 0, 0, 0, 0, 0, 0, count(*), 0, 0
    FROM (SELECT d.community_id, max(d.day) AS day FROM d WHERE whole AND (d.rc > 0 OR d.cc > 0) GROUP BY d.community_id, d.account) l
    GROUP BY 1, 4
    UNION ALL
    SELECT d.community_id, gr.grain, NULL, date_trunc(gr.grain, d.day::timestamp)::date, 0, 0, 0, 0, 0, 0, 0, sum(d.rc), sum(d.ra)
    FROM d CROSS JOIN gr WHERE whole AND d.rc <> 0 GROUP BY 1, 2, 4
$$;

-- health_rollup_apply adds rows (summed per key; keys left at zero change nothing) to
-- health_periods and health_retention, in key order (two compactions lock rows in one order).
CREATE FUNCTION health_rollup_apply(rows_in health_rollup_row[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(cardinality(rows_in), 0) = 0 THEN
        RETURN;
    END IF;
    INSERT INTO health_periods AS h (community_id, grain, period, active, reward, chain, "both", "returning", new_members,
                                     last_members, rewards, rewards_amount)
    SELECT community_id, grain, period, sum(active), sum(reward), sum(chain), sum("both"), sum("returning"), sum(new_members),
           sum(last_members), sum(rewards), sum(rewards_amount)
    FROM unnest(rows_in) WHERE cohort IS NULL GROUP BY 1, 2, 3
    HAVING (sum(active), sum(reward), sum(chain), sum("both"), sum("returning"), sum(new_members), sum(last_members), sum(rewards),
            sum(rewards_amount)) <> (0, 0, 0, 0, 0, 0, 0, 0, 0)
    ORDER BY 1, 2, 3
    ON CONFLICT (community_id, grain, period) DO UPDATE SET
        active = h.active + excluded.active, reward = h.reward + excluded.reward, chain = h.chain + excluded.chain,
        "both" = h."both" + excluded."both", "returning" = h."returning" + excluded."returning",
        new_members = h.new_members + excluded.new_members, last_members = h.last_members + excluded.last_members,
        rewards = h.rewards + excluded.rewards, rewards_amount = h.rewards_amount + excluded.rewards_amount;
    INSERT INTO health_retention AS h (community_id, grain, cohort, period, active, reward, chain)
    SELECT community_id, grain, cohort, period, sum(active), sum(reward), sum(chain)
    FROM unnest(rows_in) WHERE cohort IS NOT NULL GROUP BY 1, 2, 3, 4
    HAVING (sum(active), sum(reward), sum(chain)) <> (0, 0, 0)
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (community_id, grain, cohort, period) DO UPDATE SET
        active = h.active + excluded.active, reward = h.reward + excluded.reward, chain = h.chain + excluded.chain;
END $$;

-- health_journal_compact folds community cids' journal rows into health_periods and
-- health_retention, in the caller's transaction (keep it short: the rollup rows it changes stay
-- locked to its commit), under the communities' locks shared so that a reindex's swap, which
-- rebuilds the rollups whole, is never half folded into; rows another compaction has taken are
-- left to it. Returns how many journal rows it folded.
CREATE FUNCTION health_journal_compact(cids text[]) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    taken health_rollup_row[];
BEGIN
    PERFORM pg_advisory_xact_lock_shared(health_community_key(c)) FROM (SELECT DISTINCT c FROM unnest(cids) c ORDER BY 1) x;
    WITH t AS (
        DELETE FROM health_journal j WHERE j.ctid = ANY(ARRAY(
            SELECT ctid FROM health_journal WHERE community_id = ANY(cids) FOR UPDATE SKIP LOCKED))
        RETURNING j.*)
    SELECT array_agg(ROW(t.*)::health_rollup_row) INTO taken FROM t;
    PERFORM health_rollup_apply(taken);
    RETURN coalesce(cardinality(taken), 0);
END $$;

-- health_member_changes returns, for the accounts of deltas (just applied to member_activity_days,
-- emptied rows not yet swept), those whose first reward day or last active day moved. Deltas that
-- only add move a member's last day forward to their newest day; any that takes away
-- (takes_away) recomputes it; a reward count that changes recomputes the first day.
CREATE FUNCTION health_member_changes(deltas member_activity_days[], takes_away boolean) RETURNS health_member_change[]
LANGUAGE sql STABLE AS $$
    SELECT array_agg(ROW(k.community_id, k.account, r.first_day, r.last_day, nf.first_day, nl.last_day)::health_member_change)
    FROM (SELECT community_id, account, bool_or(reward_count <> 0) AS rewards, max(day) AS day FROM unnest(deltas) GROUP BY 1, 2) k
    LEFT JOIN member_first_rewards r ON r.community_id = k.community_id AND r.account = k.account
    CROSS JOIN LATERAL (SELECT CASE WHEN k.rewards THEN (SELECT min(m.day) FROM member_activity_days m
            WHERE m.community_id = k.community_id AND m.account = k.account AND m.reward_count > 0) ELSE r.first_day END AS first_day) nf
    CROSS JOIN LATERAL (SELECT CASE WHEN nf.first_day IS NULL THEN NULL
            WHEN takes_away OR r.first_day IS NULL THEN (SELECT max(m.day) FROM member_activity_days m
                WHERE m.community_id = k.community_id AND m.account = k.account AND (m.reward_count > 0 OR m.transfer_count > 0
                  OR m.delegation_count > 0 OR m.vote_count > 0 OR m.proposal_count > 0))
            ELSE greatest(r.last_day, k.day) END AS last_day) nl
    WHERE (r.first_day, r.last_day) IS DISTINCT FROM (nf.first_day, nl.last_day)
$$;

-- health_member_rollup returns what changes of first and last days change in health_periods.
CREATE FUNCTION health_member_rollup(changes health_member_change[]) RETURNS SETOF health_rollup_row LANGUAGE sql IMMUTABLE AS $$
    SELECT c.community_id, gr.grain, NULL::date, date_trunc(gr.grain, x.day::timestamp)::date, 0::bigint, 0::bigint, 0::bigint,
           0::bigint, 0::bigint, x.n::bigint, 0::bigint, 0::bigint, 0::numeric
    FROM unnest(changes) c CROSS JOIN LATERAL (VALUES (c.old_first, -1), (c.new_first, 1)) x(day, n)
    CROSS JOIN (VALUES ('day'), ('week'), ('month')) gr(grain)
    WHERE x.day IS NOT NULL AND c.old_first IS DISTINCT FROM c.new_first
    UNION ALL
    SELECT c.community_id, 'day', NULL, x.day, 0, 0, 0, 0, 0, 0, x.n, 0, 0
    FROM unnest(changes) c CROSS JOIN LATERAL (VALUES (c.old_last, -1), (c.new_last, 1)) x(day, n)
    WHERE x.day IS NOT NULL AND c.old_last IS DISTINCT FROM c.new_last
$$;

-- member_activity_apply as in 0013 (the deltas applied, first and last days kept, emptied rows
-- swept when something was taken away), plus the rollups. The days whose kinds changed come from
-- the rows the upsert returns (a row's counts before are its counts now less its delta); the
-- sweep comes last, so that the rows as they were can still be read.
CREATE OR REPLACE FUNCTION member_activity_apply(deltas member_activity_days[], only_existing boolean) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    takes_away boolean; -- a count goes down
    rewards_in boolean; -- a reward count or amount changes
    spans health_span[]; -- accounts with days whose kinds changed, or whose first day moved, and the days to read again
    befores health_span[]; -- the same, with the first days before of those whose first day moved
    changes health_member_change[]; -- accounts whose first or last day moved
BEGIN
    IF cardinality(deltas) IS NULL THEN
        RETURN;
    END IF;
    PERFORM health_lock(c, a) FROM (SELECT array_agg(community_id) AS c, array_agg(account) AS a FROM unnest(deltas)) x;
    SELECT bool_or(d.reward_count < 0 OR d.transfer_count < 0 OR d.delegation_count < 0 OR d.vote_count < 0 OR d.proposal_count < 0),
           bool_or(d.reward_count <> 0 OR d.reward_amount <> 0)
    INTO takes_away, rewards_in FROM unnest(deltas) d;
    IF only_existing THEN
        WITH u AS (
            UPDATE member_activity_days m SET
                reward_count = m.reward_count + d.reward_count, reward_amount = m.reward_amount + d.reward_amount,
                transfer_count = m.transfer_count + d.transfer_count, delegation_count = m.delegation_count + d.delegation_count,
                vote_count = m.vote_count + d.vote_count, proposal_count = m.proposal_count + d.proposal_count
            FROM unnest(deltas) d
            WHERE m.community_id = d.community_id AND m.account = d.account AND m.day = d.day
            RETURNING m.community_id, m.account, m.day, m.reward_count AS r, d.reward_count AS dr,
                      m.transfer_count + m.delegation_count + m.vote_count + m.proposal_count AS c,
                      d.transfer_count + d.delegation_count + d.vote_count + d.proposal_count AS dc)
        SELECT array_agg(ROW(community_id, account, lo, hi, false, NULL)::health_span) INTO spans
        FROM (SELECT community_id, account, min(day) AS lo, max(day) AS hi FROM u
              WHERE (r > 0) <> (r - dr > 0) OR (c > 0) <> (c - dc > 0) GROUP BY 1, 2) x;
    ELSE
        WITH u AS (
            INSERT INTO member_activity_days AS m SELECT * FROM unnest(deltas)
            ON CONFLICT (community_id, account, day) DO UPDATE SET
                reward_count = m.reward_count + excluded.reward_count, reward_amount = m.reward_amount + excluded.reward_amount,
                transfer_count = m.transfer_count + excluded.transfer_count,
                delegation_count = m.delegation_count + excluded.delegation_count,
                vote_count = m.vote_count + excluded.vote_count, proposal_count = m.proposal_count + excluded.proposal_count
            RETURNING m.community_id, m.account, m.day, m.reward_count AS r,
                      m.transfer_count + m.delegation_count + m.vote_count + m.proposal_count AS c)
        SELECT array_agg(ROW(community_id, account, lo, hi, false, NULL)::health_span) INTO spans
        FROM (SELECT community_id, account, min(day) AS lo, max(day) AS hi FROM (
                SELECT community_id, account, day, sum(r) AS r, sum(dr) AS dr, sum(c) AS c, sum(dc) AS dc FROM (
                    SELECT community_id, account, day, r, 0 AS dr, c, 0 AS dc FROM u
                    UNION ALL
                    SELECT community_id, account, day, 0, reward_count, 0, transfer_count + delegation_count + vote_count + proposal_count
                    FROM unnest(deltas)) k
                GROUP BY 1, 2, 3) g
              WHERE (r > 0) <> (r - dr > 0) OR (c > 0) <> (c - dc > 0) GROUP BY 1, 2) x;
    END IF;
    IF spans IS NULL AND NOT takes_away AND NOT rewards_in THEN
        -- Actions added on days already active (most of a backfill): no day changed kinds, and a
        -- member's last day moves only with a day it had no row for (whose kinds changed).
        RETURN;
    END IF;
    changes := health_member_changes(deltas, takes_away);
    IF changes IS NOT NULL THEN
        DELETE FROM member_first_rewards r USING unnest(changes) c
        WHERE c.new_first IS NULL AND r.community_id = c.community_id AND r.account = c.account;
        UPDATE member_first_rewards r SET first_day = c.new_first, last_day = c.new_last FROM unnest(changes) c
        WHERE c.old_first IS NOT NULL AND c.new_first IS NOT NULL AND r.community_id = c.community_id AND r.account = c.account;
        INSERT INTO member_first_rewards (community_id, account, first_day, last_day)
        SELECT community_id, account, new_first, new_last FROM unnest(changes) WHERE old_first IS NULL AND new_first IS NOT NULL
        ON CONFLICT (community_id, account) DO UPDATE SET first_day = excluded.first_day, last_day = excluded.last_day;
    END IF;
    -- Read again: around a day whose kinds changed, its month and the months either side (every
    -- week and month holding it and their neighbours, whole: returning looks one period back); an
    -- account whose first day moved, whole (its cohort and its counted days change).
    SELECT array_agg(ROW(community_id, account, lo, hi, false, NULL)::health_span),
           array_agg(ROW(community_id, account, lo, hi, moved, old_first)::health_span) INTO spans, befores FROM (
        SELECT community_id, account, min(lo) AS lo, max(hi) AS hi, bool_or(moved) AS moved, max(old_first) AS old_first FROM (
            SELECT community_id, account, (date_trunc('month', lo::timestamp) - interval '1 month')::date AS lo,
                   (date_trunc('month', hi::timestamp) + interval '2 months' - interval '1 day')::date AS hi, false AS moved,
                   NULL::date AS old_first
            FROM unnest(spans)
            UNION ALL
            SELECT community_id, account, '-infinity'::date, 'infinity'::date, true, old_first FROM unnest(changes)
            WHERE old_first IS DISTINCT FROM new_first) s
        GROUP BY 1, 2) x;
    PERFORM health_journal_add(ARRAY(
        SELECT ROW(y.*)::health_rollup_row FROM (
            SELECT * FROM health_contributions(spans, 'infinity', false, NULL)
            UNION ALL
            SELECT b.community_id, b.grain, b.cohort, b.period, -b.active, -b.reward, -b.chain, -b."both", -b."returning",
                   -b.new_members, -b.last_members, -b.rewards, -b.rewards_amount
            FROM health_contributions(befores, 'infinity', false, deltas) b
            UNION ALL
            SELECT * FROM health_member_rollup(changes)
            UNION ALL
            SELECT d.community_id, gr.grain, NULL, date_trunc(gr.grain, d.day::timestamp)::date, 0, 0, 0, 0, 0, 0, 0,
                   d.reward_count, d.reward_amount
            FROM unnest(deltas) d CROSS JOIN (VALUES ('day'), ('week'), ('month')) gr(grain)
            WHERE d.reward_count <> 0 OR d.reward_amount <> 0) y));
    IF takes_away THEN
        DELETE FROM member_activity_days m USING unnest(deltas) d
        WHERE m.community_id = d.community_id AND m.account = d.account AND m.day = d.day
          AND m.reward_count = 0 AND m.transfer_count = 0 AND m.delegation_count = 0 AND m.vote_count = 0 AND m.proposal_count = 0;
    END IF;
END $$;

-- health_rollup_read returns community cid's rollup rows of grain g with periods in lo..hi (and,
-- with cohorts, health_retention's with cohorts in it too), plus the journal's rows not yet
-- folded into them, as a read at today leaving out the accounts excluded: what the excluded
-- accounts add is taken away, and so is what the accounts active after today add, less what they
-- add up to today.
CREATE FUNCTION health_rollup_read(cid text, excluded text[], today date, g text, lo date, hi date, cohorts boolean)
RETURNS SETOF health_rollup_row LANGUAGE sql STABLE AS $$
    WITH fix AS (
        SELECT account, account = ANY(excluded) AS out FROM (
            SELECT DISTINCT account FROM member_activity_days WHERE community_id = cid AND day > today
            UNION SELECT unnest(excluded)) a),
    every AS (SELECT array_agg(ROW(cid, account, '-infinity', 'infinity', false, NULL)::health_span) AS s FROM fix),
    kept AS (SELECT array_agg(ROW(cid, account, '-infinity', 'infinity', false, NULL)::health_span) AS s FROM fix WHERE NOT out),
    x AS (
        SELECT NULL::date AS cohort, period, active, reward, chain, "both", "returning", new_members, last_members, rewards, rewards_amount
        FROM health_periods WHERE community_id = cid AND grain = g AND period BETWEEN lo AND hi
        UNION ALL
        SELECT cohort, period, active, reward, chain, 0, 0, 0, 0, 0, 0
        FROM health_retention WHERE cohorts AND community_id = cid AND grain = g AND cohort BETWEEN lo AND hi AND period <= hi
        UNION ALL
        SELECT cohort, period, active, reward, chain, "both", "returning", new_members, last_members, rewards, rewards_amount
        FROM health_journal WHERE community_id = cid AND grain = g AND coalesce(cohort, period) BETWEEN lo AND hi AND period <= hi
          AND (cohorts OR cohort IS NULL)
        UNION ALL
        SELECT c.cohort, c.period, -c.active, -c.reward, -c.chain, -c."both", -c."returning", -c.new_members, -c.last_members,
               -c.rewards, -c.rewards_amount
        FROM every, health_contributions(every.s, 'infinity', true, NULL) c
        WHERE c.grain = g AND coalesce(c.cohort, c.period) BETWEEN lo AND hi AND c.period <= hi AND (cohorts OR c.cohort IS NULL)
        UNION ALL
        SELECT c.cohort, c.period, c.active, c.reward, c.chain, c."both", c."returning", c.new_members, c.last_members,
               c.rewards, c.rewards_amount
        FROM kept, health_contributions(kept.s, today, true, NULL) c
        WHERE c.grain = g AND coalesce(c.cohort, c.period) BETWEEN lo AND hi AND c.period <= hi AND (cohorts OR c.cohort IS NULL))
    SELECT cid, g, cohort, period, sum(active)::bigint, sum(reward)::bigint, sum(chain)::bigint, sum("both")::bigint,
           sum("returning")::bigint, sum(new_members)::bigint, sum(last_members)::bigint, sum(rewards)::bigint, sum(rewards_amount)
    FROM x GROUP BY cohort, period
$$;

-- health_rollup_fill returns every member's contributions: what the rollups hold when exact.
CREATE FUNCTION health_rollup_fill() RETURNS SETOF health_rollup_row LANGUAGE sql STABLE AS $$
    SELECT * FROM health_contributions(
        (SELECT array_agg(ROW(community_id, account, '-infinity', 'infinity', false, NULL)::health_span) FROM member_first_rewards),
        'infinity', true, NULL)
$$;

-- A deleted community's derived rows go with it.
CREATE OR REPLACE FUNCTION delete_community_health() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM member_activity_days WHERE community_id = OLD.id;
    DELETE FROM member_first_rewards WHERE community_id = OLD.id;
    DELETE FROM health_periods WHERE community_id = OLD.id;
    DELETE FROM health_retention WHERE community_id = OLD.id;
    DELETE FROM health_journal WHERE community_id = OLD.id;
    DELETE FROM proposal_snapshots WHERE community_id = OLD.id;
    RETURN OLD;
END $$;

-- Governance at a proposal's snapshot, computed once, when the indexed chain passes it (the
-- snapshot is before the as_of block's time), instead of per read from every voting power
-- checkpoint and every transfer since the snapshot: eligible counts the accounts (excluded ones
-- too: a read takes away the few it leaves out) with voting power > 0 at the snapshot, supply is
-- the total supply then. proposal_snapshots_refresh runs at the commit of every transaction that
-- moves a community's progress (a deferred trigger, so the batch's checkpoints, transfers and
-- proposals are in): it forgets the snapshots at or after the new progress time (a rewind: the
-- checkpoints there may be gone, and so may the proposals) and computes those now passed.
CREATE TABLE proposal_snapshots (
    community_id text          NOT NULL,
    proposal_id  numeric(78,0) NOT NULL,
    vote_start   bigint        NOT NULL,
    eligible     integer       NOT NULL,
    supply       numeric(78,0) NOT NULL,
    PRIMARY KEY (community_id, proposal_id)
);

-- proposal_snapshots_compute computes the snapshots of community cid's proposals whose snapshot is
-- before t and not yet computed: one pass over the checkpoints serves every snapshot (a checkpoint
-- holds from its block_time until its delegate's next one), and one over the mints and burns
-- since the earliest, bucketed by the sorted snapshots, gives each supply as the supply now less
-- the net mints after it.
CREATE FUNCTION proposal_snapshots_compute(cid text, t bigint) RETURNS void LANGUAGE sql AS $$
    INSERT INTO proposal_snapshots (community_id, proposal_id, vote_start, eligible, supply)
    WITH recent AS (
        SELECT p.proposal_id, p.vote_start FROM proposals p WHERE p.community_id = cid AND p.vote_start < t
          AND NOT EXISTS (SELECT 1 FROM proposal_snapshots s WHERE s.community_id = cid AND s.proposal_id = p.proposal_id)),
    c AS (
        SELECT delegate, new_votes, block_time, lead(block_time) OVER (PARTITION BY delegate ORDER BY block_number, log_index) AS until
        FROM token_delegate_votes WHERE community_id = cid AND block_time <= (SELECT max(vote_start) FROM recent)),
    el AS (
        SELECT r.proposal_id, count(*) AS n FROM c JOIN recent r ON c.block_time <= r.vote_start AND (c.until IS NULL OR c.until > r.vote_start)
        WHERE c.new_votes > 0 GROUP BY 1),
    sn AS (SELECT array_agg(DISTINCT vote_start ORDER BY vote_start) AS t FROM recent),
    mb AS (
        SELECT width_bucket(tt.block_time - 1, sn.t) AS i,
               sum(CASE WHEN tt.from_address = '0x0000000000000000000000000000000000000000' THEN tt.value ELSE -tt.value END) AS net
        FROM token_transfers tt, sn WHERE tt.community_id = cid AND tt.block_time > sn.t[1]
          AND (tt.from_address = '0x0000000000000000000000000000000000000000') <> (tt.to_address = '0x0000000000000000000000000000000000000000')
        GROUP BY 1),
    sup AS (
        SELECT s.t AS vote_start, coalesce((SELECT total_supply FROM token_supply WHERE community_id = cid), 0)
               - coalesce((SELECT sum(net) FROM mb WHERE mb.i >= s.i), 0) AS supply
        FROM sn, unnest(sn.t) WITH ORDINALITY s(t, i))
    SELECT cid, r.proposal_id, r.vote_start, coalesce(el.n, 0), sup.supply
    FROM recent r LEFT JOIN el ON el.proposal_id = r.proposal_id JOIN sup ON sup.vote_start = r.vote_start
$$;

CREATE FUNCTION proposal_snapshots_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    p index_progress;
BEGIN
    -- The progress as the transaction leaves it (a deferred trigger fires once per row change).
    SELECT * INTO p FROM index_progress WHERE community_id = NEW.community_id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    DELETE FROM proposal_snapshots WHERE community_id = p.community_id AND vote_start >= p.block_time;
    IF EXISTS (SELECT 1 FROM proposals pr WHERE pr.community_id = p.community_id AND pr.vote_start < p.block_time
               AND NOT EXISTS (SELECT 1 FROM proposal_snapshots s WHERE s.community_id = p.community_id AND s.proposal_id = pr.proposal_id)) THEN
        PERFORM proposal_snapshots_compute(p.community_id, p.block_time);
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER index_progress_proposal_snapshots AFTER INSERT OR UPDATE ON index_progress
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION proposal_snapshots_refresh();

-- The history indexed and accepted before this migration.
SELECT health_rollup_apply(ARRAY(SELECT ROW(c.*)::health_rollup_row FROM health_rollup_fill() c));
SELECT proposal_snapshots_compute(community_id, block_time) FROM index_progress;
