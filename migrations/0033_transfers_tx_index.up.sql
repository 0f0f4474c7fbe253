-- token_transfers_tx (tx_hash, to_address) cost a backfill more than any other index of the
-- table but token_transfers_to: a random B-tree insert per Transfer, about a quarter of
-- PostgreSQL's time in the COPY of transfers (200,000 Transfers: 1.93 s with it, 1.43 s without,
-- measured side by side). Its readers all know the block of the transaction they look in: the
-- automatic self-delegation check (a Transfer to the delegator in the delegation's transaction,
-- hence its block) and the minter's read of a batch's mints (the block of its RewardBatchMinted
-- event). With the block named, token_transfers_to (community_id, to_address, block_number, ...)
-- finds the first in one probe, and the primary key (block_number, log_index) the second in one
-- range of a block; the index goes.
--
-- The two health functions of 0027 that look for that Transfer get the block condition in place:
-- their text as stored, the one condition added, checked to have changed.
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
            'WHERE t.tx_hash = dc.tx_hash AND', 'WHERE t.block_number = dc.block_number AND t.tx_hash = dc.tx_hash AND'),
            'WHERE t.tx_hash = r.tx_hash AND', 'WHERE t.block_number = r.block_number AND t.tx_hash = r.tx_hash AND');
        IF changed = def THEN
            RAISE EXCEPTION 'migration 0033: % does not look for the transaction''s Transfer as 0027 wrote it', f;
        END IF;
        EXECUTE changed;
    END LOOP;
END $$;

DROP INDEX token_transfers_tx;
