-- Community health reads (issue 11) at the issue's scale.
--
-- earners_never_voted_share anti-joins the members active in a window with the accounts that
-- ever voted: a partial index holds only the activity days with a vote, so that set is read
-- without scanning every account's year of days.
CREATE INDEX member_activity_days_voted ON member_activity_days (community_id, account) WHERE vote_count > 0;

-- holders_end and the supply at each proposal's snapshot read the transfers since a time: block
-- times grow with the insertion order, so a BRIN index (a few pages, nearly free to keep) skips
-- the older blocks.
CREATE INDEX token_transfers_time ON token_transfers USING brin (block_time);
