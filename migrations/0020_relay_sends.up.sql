-- A relay's reservation carries what sending it takes: the sender key of its intent (send_key,
-- unique in chain_txs, so sending it from any process sends one transaction), the contract it
-- calls (send_to) and the signed call (calldata). A reservation whose process died before it sent
-- the transaction, or before it recorded the one it sent (tx_hash still NULL), is then finished
-- by a surviving process instead of refusing the member's retry for ever.
--
-- Reservations made before this migration have no calldata: they get their key (govchain's
-- BallotRelayKey and the delegation key, from the row) so that a transaction the sender recorded
-- for one is found; one the sender never recorded can only be released.

ALTER TABLE governance_relays
    ADD COLUMN send_key text,
    ADD COLUMN send_to  text CHECK (send_to ~ '^0x[0-9a-fA-F]{40}$'),
    ADD COLUMN calldata bytea;

UPDATE governance_relays SET send_key = CASE kind
    WHEN 'ballot' THEN 'gov:ballot:' || community_id || ':' || proposal_id::text || ':' || wallet
    ELSE 'gov:delegation:' || community_id || ':' || wallet || ':' || nonce::text END;

-- The reservations that name no transaction yet, which the resumer looks for by age.
CREATE INDEX governance_relays_unsent ON governance_relays (created_at) WHERE tx_hash IS NULL;
