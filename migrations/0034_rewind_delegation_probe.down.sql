-- health_transfers_deleted as migration 0027 made it.
CREATE OR REPLACE FUNCTION health_transfers_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    keys member_activity_days[];
BEGIN
    SELECT array_agg(ROW(dc.community_id, dc.delegator, health_day(dc.block_time), 0, 0, 0, 0, 0, 0)::member_activity_days) INTO keys
    FROM token_delegate_changes dc
    JOIN (SELECT DISTINCT community_id, to_address, block_number, tx_hash FROM old_rows) o
      ON dc.community_id = o.community_id AND dc.delegator = o.to_address
     AND dc.block_number = o.block_number AND dc.tx_hash = o.tx_hash
    WHERE dc.from_delegate = '0x0000000000000000000000000000000000000000' AND dc.to_delegate = dc.delegator;
    PERFORM health_chain_refresh(keys, 'delegation');
    RETURN NULL;
END $$;
