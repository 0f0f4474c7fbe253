DROP TRIGGER communities_delete_token_events ON communities;
DROP FUNCTION delete_community_token_events();

ALTER TABLE token_transfers ADD CONSTRAINT token_transfers_community_id_fkey
    FOREIGN KEY (community_id) REFERENCES communities (id) ON DELETE CASCADE;
ALTER TABLE token_delegate_votes ADD CONSTRAINT token_delegate_votes_community_id_fkey
    FOREIGN KEY (community_id) REFERENCES communities (id) ON DELETE CASCADE;
ALTER TABLE token_delegate_changes ADD CONSTRAINT token_delegate_changes_community_id_fkey
    FOREIGN KEY (community_id) REFERENCES communities (id) ON DELETE CASCADE;
ALTER TABLE token_reward_batches ADD CONSTRAINT token_reward_batches_community_id_fkey
    FOREIGN KEY (community_id) REFERENCES communities (id) ON DELETE CASCADE;
