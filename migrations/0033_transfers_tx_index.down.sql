CREATE INDEX token_transfers_tx ON token_transfers (tx_hash, to_address);

DO $$
DECLARE
    f regprocedure;
    def text;
    changed text;
BEGIN
    FOREACH f IN ARRAY ARRAY['health_chain_refresh(member_activity_days[], text)'::regprocedure,
                             'health_actions_changed()'::regprocedure] LOOP
        def := pg_get_functiondef(f);
        changed := replace(replace(def,
            'WHERE t.block_number = dc.block_number AND t.tx_hash = dc.tx_hash AND', 'WHERE t.tx_hash = dc.tx_hash AND'),
            'WHERE t.block_number = r.block_number AND t.tx_hash = r.tx_hash AND', 'WHERE t.tx_hash = r.tx_hash AND');
        IF changed = def THEN
            RAISE EXCEPTION 'migration 0033 down: % does not hold the condition 0033 added', f;
        END IF;
        EXECUTE changed;
    END LOOP;
END $$;
