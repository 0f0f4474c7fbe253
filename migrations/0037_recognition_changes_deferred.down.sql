-- The definitions of 0018 and 0035. With the indexes deferred there is nothing to log first: any
-- migration builds them (and logs '') before it runs.
CREATE OR REPLACE FUNCTION recognition_facts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
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
    RETURN built;
END $$;
