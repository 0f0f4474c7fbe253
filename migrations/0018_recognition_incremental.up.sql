-- Recognition evaluated incrementally (issue 12): an evaluation decides only the members whose
-- facts changed since the last one, and every member on the first evaluation of a day (windows
-- slide by whole days), after a change of rules or exclusions, and on the first evaluation ever.
--
-- recognition_changes logs the accounts whose facts changed: every statement that writes
-- member_activity_days (rewards, transfers, delegations, votes and proposals, reorg rewinds
-- included) or token_delegate_votes (voting power) appends the accounts it touched, in its own
-- transaction. An evaluation (REPEATABLE READ, one at a time per community) deletes the rows its
-- snapshot sees and decides those accounts: rows committed after its snapshot stay for the next
-- one, with the facts they describe. Append-only and unindexed, so the writers' cost is one heap
-- insert per account and statement and no lock is ever shared with an evaluation. A TRUNCATE of
-- either table logs '' for every community: the next evaluation decides everybody.
CREATE TABLE recognition_changes (
    community_id text NOT NULL,
    account      text NOT NULL
);

-- TG_ARGV[0] names the account column of the table the trigger is on.
CREATE FUNCTION recognition_facts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('INSERT INTO recognition_changes (community_id, account) SELECT DISTINCT community_id, %I FROM %I',
        TG_ARGV[0], CASE TG_OP WHEN 'DELETE' THEN 'old_rows' ELSE 'new_rows' END);
    RETURN NULL;
END $$;

CREATE FUNCTION recognition_facts_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO recognition_changes (community_id, account) SELECT id, '' FROM communities;
    RETURN NULL;
END $$;

CREATE TRIGGER member_activity_days_recognition_insert AFTER INSERT ON member_activity_days REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION recognition_facts_changed('account');
CREATE TRIGGER member_activity_days_recognition_update AFTER UPDATE ON member_activity_days REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION recognition_facts_changed('account');
CREATE TRIGGER member_activity_days_recognition_delete AFTER DELETE ON member_activity_days REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION recognition_facts_changed('account');
CREATE TRIGGER member_activity_days_recognition_truncate AFTER TRUNCATE ON member_activity_days
    FOR EACH STATEMENT EXECUTE FUNCTION recognition_facts_truncated();
CREATE TRIGGER token_delegate_votes_recognition_insert AFTER INSERT ON token_delegate_votes REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION recognition_facts_changed('delegate');
CREATE TRIGGER token_delegate_votes_recognition_delete AFTER DELETE ON token_delegate_votes REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION recognition_facts_changed('delegate');
CREATE TRIGGER token_delegate_votes_recognition_truncate AFTER TRUNCATE ON token_delegate_votes
    FOR EACH STATEMENT EXECUTE FUNCTION recognition_facts_truncated();

-- What the last evaluation decided by, besides its block: a fingerprint of the rules and the
-- excluded accounts (another one: everybody is decided again), and the community's newest
-- proposals, newest first (a "votes" condition counts the last N: the voters of the proposals
-- that entered or left a window are decided again).
ALTER TABLE recognition_state ADD COLUMN rules text;
ALTER TABLE recognition_state ADD COLUMN proposals text[];

-- The tiers in grace, which every evaluation decides again (their grace runs by the hour).
CREATE INDEX recognition_holdings_failing ON recognition_holdings (community_id) WHERE failing_since IS NOT NULL;

-- The member profile and an evaluation of a few members read those members' roles: by account,
-- not every holding of the community (the primary key leads with the role).
CREATE INDEX recognition_holdings_account ON recognition_holdings (community_id, account);
