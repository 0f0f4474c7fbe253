DROP TRIGGER communities_delete_token_accounts ON communities;
DROP FUNCTION delete_community_token_accounts();

-- No account is left of a deleted community to refuse the constraint: the trigger above deleted
-- them with it.
ALTER TABLE token_accounts ADD CONSTRAINT token_accounts_community_id_fkey
    FOREIGN KEY (community_id) REFERENCES communities (id) ON DELETE CASCADE;
