-- Rewards fixes: member cap counters keyed by the rule (and so the kind of period) they count
-- for, and the unused members.earned dropped.
--
-- A cap counter was keyed by (community, activity, wallet, period_start) alone. Periods of
-- different kinds share starts (a Monday starts a day and a week; the 1st a day and a month), so a
-- rule changed from "day" to "week" on a Wednesday found Monday's day counter and took it for the
-- week's. A counter now names the rule whose cap it counts: the rule fixes the kind of period,
-- and a rule changed back and forth within one period never finds a counter that missed the
-- rewards of the rule in between. A counter starts, with its member's first reward under its rule
-- in a period, from what the ledger holds for that member, activity and period (see
-- postgres.accept), so a rule change neither resets the cap nor counts a reward twice.
--
-- The counters are a cache of the ledger (and the lock that orders concurrent rewards of one
-- member), so the old ones are dropped rather than guessed: which kind of period a row counted
-- cannot be told from its start. The next reward of each member recounts from the ledger.
DELETE FROM member_cap_usage;
ALTER TABLE member_cap_usage ADD COLUMN rule_id bigint NOT NULL REFERENCES reward_rules (id),
    DROP CONSTRAINT member_cap_usage_pkey,
    ADD PRIMARY KEY (community_id, activity, wallet, rule_id, period_start);

-- members.earned was never maintained (always 0) and nothing reads it: the leaderboard sums the
-- ledger per period (7d, 30d, all; a running total cannot answer a window), and /v1/me serves
-- rewards_received from the indexed mints. Keeping it right would also update the member's row
-- with every reward: a second hot row lock on the accept path beside the cap counter, and one more
-- figure to correct when a reward fails.
ALTER TABLE members DROP COLUMN earned;
