-- A binary before 0015 knows no contract creations: refuse to go back while one is recorded
-- rather than turn it into a call to some address.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM chain_txs WHERE to_address IS NULL) THEN
        RAISE EXCEPTION 'chain_txs records contract creations (community deployments), which the schema before 0015 cannot hold';
    END IF;
END $$;
ALTER TABLE chain_txs ALTER COLUMN to_address SET NOT NULL;
