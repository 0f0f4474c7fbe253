-- Backfill speed: the four high-volume token event tables lose their foreign key to communities.
-- PostgreSQL checks a foreign key row by row (a SELECT ... FOR KEY SHARE on communities for every
-- inserted event), which was about 45% of the cost of inserting an event. The guarantees stay:
--   * no event of an unknown community: the indexer writes a batch's events in the transaction
--     that upserts the batch's communities' index_progress, whose foreign key checks (and
--     key-share locks) each community once per batch, and every event of a batch belongs to one
--     of those communities;
--   * deleting a community deletes its events: the trigger below does what ON DELETE CASCADE did.
ALTER TABLE token_transfers DROP CONSTRAINT token_transfers_community_id_fkey;
ALTER TABLE token_delegate_votes DROP CONSTRAINT token_delegate_votes_community_id_fkey;
ALTER TABLE token_delegate_changes DROP CONSTRAINT token_delegate_changes_community_id_fkey;
ALTER TABLE token_reward_batches DROP CONSTRAINT token_reward_batches_community_id_fkey;

CREATE FUNCTION delete_community_token_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM token_transfers WHERE community_id = OLD.id;
    DELETE FROM token_delegate_votes WHERE community_id = OLD.id;
    DELETE FROM token_delegate_changes WHERE community_id = OLD.id;
    DELETE FROM token_reward_batches WHERE community_id = OLD.id;
    RETURN OLD;
END $$;

CREATE TRIGGER communities_delete_token_events AFTER DELETE ON communities
    FOR EACH ROW EXECUTE FUNCTION delete_community_token_events();
