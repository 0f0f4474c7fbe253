CREATE OR REPLACE FUNCTION delete_community_token_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM token_transfers WHERE community_id = OLD.id;
    DELETE FROM token_delegate_votes WHERE community_id = OLD.id;
    DELETE FROM token_delegate_changes WHERE community_id = OLD.id;
    DELETE FROM token_reward_batches WHERE community_id = OLD.id;
    RETURN OLD;
END $$;

-- An account left by a community deleted meanwhile would refuse the constraint: there is none,
-- the trigger above deleted them with their community.
ALTER TABLE token_accounts ADD CONSTRAINT token_accounts_community_id_fkey
    FOREIGN KEY (community_id) REFERENCES communities (id) ON DELETE CASCADE;
