-- Backfill speed, as 0005 did for the event tables: token_accounts loses its foreign key to
-- communities. PostgreSQL checks it row by row for every new account (a SELECT ... FOR KEY SHARE
-- on communities each): 0.43 s of the 2.27 s that upserting 150,000 new holders takes, the
-- largest write of a backfill whose history mints to many new holders. The guarantees stay:
--   * no account of an unknown community: the indexer writes accounts only in a batch's
--     transaction, which upserts the batch's communities' index_progress (whose foreign key
--     checks and key-share locks each community once per batch), and every account of a batch
--     belongs to one of those communities;
--   * deleting a community deletes its accounts: the trigger below does what ON DELETE CASCADE
--     did (beside 0005's, which deletes the community's events).
ALTER TABLE token_accounts DROP CONSTRAINT token_accounts_community_id_fkey;

CREATE FUNCTION delete_community_token_accounts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM token_accounts WHERE community_id = OLD.id;
    RETURN OLD;
END $$;

CREATE TRIGGER communities_delete_token_accounts AFTER DELETE ON communities
    FOR EACH ROW EXECUTE FUNCTION delete_community_token_accounts();
