-- A "votes" condition counts a member's votes on the last N proposals, but since 0027
-- member_activity_days says only whether a member voted on a day: a second vote of the same day
-- (on another proposal, or one that enters the window) wrote no activity row, so it logged no
-- change (0018) and an incremental evaluation left the member as the last one decided them (a
-- voter tier not granted). votes now logs its voters itself, on insert and on a rewind's delete,
-- as token_delegate_votes logs its delegates. One heap insert per voter and statement.
CREATE TRIGGER votes_recognition_insert AFTER INSERT ON votes REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION recognition_facts_changed('voter');
CREATE TRIGGER votes_recognition_delete AFTER DELETE ON votes REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION recognition_facts_changed('voter');
CREATE TRIGGER votes_recognition_truncate AFTER TRUNCATE ON votes
    FOR EACH STATEMENT EXECUTE FUNCTION recognition_facts_truncated();
