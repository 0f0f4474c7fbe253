-- Backfill speed: while a backfill defers its indexes (0035), the statements that write the facts
-- recognition decides by log nothing to recognition_changes (0018); the indexes' restore logs ''
-- for every community instead, in its own transaction, so the first evaluation after it decides
-- everybody. A deferred backfill writes a DelegateVotesChanged for most of its Transfers and a
-- member day for most of its actors: logging each account it touched cost about a quarter of the
-- token_delegate_votes COPY, and every account is decided again afterwards anyway. Nothing is
-- missed: no evaluation decides while the indexes are deferred (its reads answer 503, the check
-- in the evaluation's own snapshot), and one whose snapshot began before the deferral sees no ''
-- and leaves it for the next.
CREATE OR REPLACE FUNCTION recognition_facts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM index_deferred) THEN
        RETURN NULL;
    END IF;
    EXECUTE format('INSERT INTO recognition_changes (community_id, account) SELECT DISTINCT community_id, %I FROM %I',
        TG_ARGV[0], CASE TG_OP WHEN 'DELETE' THEN 'old_rows' ELSE 'new_rows' END);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION index_restore() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    r index_deferred;
    built integer := 0;
BEGIN
    FOR r IN SELECT * FROM index_deferred ORDER BY index_name FOR UPDATE LOOP
        EXECUTE r.definition;
        DELETE FROM index_deferred WHERE index_name = r.index_name;
        built := built + 1;
    END LOOP;
    IF built > 0 THEN
        INSERT INTO recognition_changes (community_id, account) SELECT id, '' FROM communities;
    END IF;
    RETURN built;
END $$;
