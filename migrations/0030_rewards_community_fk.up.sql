-- A reward's community is already checked twice over: its (community_id, wallet) must be a row of
-- members, whose community_id references communities. The ledger's own foreign key to
-- communities only repeated that check, once per inserted reward (about 4 ms of a 1,000-reward
-- request's insert), and allows no state the other two do not: a community with rewards cannot be
-- deleted while their members exist, and a member cannot be deleted while it has rewards.
ALTER TABLE rewards DROP CONSTRAINT rewards_community_id_fkey;
