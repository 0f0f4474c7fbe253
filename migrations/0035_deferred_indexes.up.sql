-- A first backfill writes most of its time into two B-trees keyed by account: token_transfers_to
-- and token_delegate_votes_delegate, a random insert per Transfer and per DelegateVotesChanged
-- (200,000 rows: 0.7-0.8 s each of the table's 1.9 s and 1.5 s COPY). Built once over the rows
-- (CREATE INDEX sorts them) the same index costs about half of that. So an indexer far behind a
-- long final history may put them off (indexer.Config.DeferIndexesAbove): index_defer records each
-- index's definition here and drops it; index_restore builds every recorded index again and
-- forgets it, all in the caller's transaction. The indexer restores them before its first batch
-- of blocks a reorg may still replace (and when it reaches the head); migrations restore them
-- before they run, so no migration ever meets a schema without them. While a row is here the
-- reads that look members up by these indexes answer 503 (health, recognition): without them
-- each of their per-member lookups would scan a whole table.
CREATE TABLE index_deferred (
    index_name  text        PRIMARY KEY,
    table_name  text        NOT NULL,
    definition  text        NOT NULL CHECK (definition LIKE 'CREATE INDEX %'),
    deferred_at timestamptz NOT NULL DEFAULT now()
);

-- index_defer drops the named indexes that exist (unqualified names, found on the search path)
-- after recording their definitions; it returns how many it dropped.
CREATE FUNCTION index_defer(names text[]) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    n text;
    idx regclass;
    dropped integer := 0;
BEGIN
    FOREACH n IN ARRAY names LOOP
        idx := to_regclass(n);
        CONTINUE WHEN idx IS NULL;
        INSERT INTO index_deferred (index_name, table_name, definition)
        SELECT n, i.indrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i WHERE i.indexrelid = idx;
        EXECUTE format('DROP INDEX %s', idx);
        dropped := dropped + 1;
    END LOOP;
    RETURN dropped;
END $$;

-- index_restore builds every deferred index from its recorded definition and forgets it; it
-- returns how many it built.
CREATE FUNCTION index_restore() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    r index_deferred;
    built integer := 0;
BEGIN
    FOR r IN SELECT * FROM index_deferred ORDER BY index_name FOR UPDATE LOOP
        EXECUTE r.definition;
        DELETE FROM index_deferred WHERE index_name = r.index_name;
        built := built + 1;
    END LOOP;
    RETURN built;
END $$;
