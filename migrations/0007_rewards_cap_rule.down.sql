ALTER TABLE members ADD COLUMN earned numeric(78,0) NOT NULL DEFAULT 0 CHECK (earned >= 0);

-- Back to one counter per (community, activity, wallet, period_start), which the old code never
-- recounts from the ledger. Counters of several rules sharing a start are merged into the largest:
-- a later rule's counter started from the ledger, so it already holds what the earlier ones counted.
ALTER TABLE member_cap_usage DROP CONSTRAINT member_cap_usage_pkey;
WITH old AS (DELETE FROM member_cap_usage RETURNING *)
INSERT INTO member_cap_usage (community_id, activity, wallet, rule_id, period_start, earned)
SELECT community_id, activity, wallet, max(rule_id), period_start, max(earned)
FROM old GROUP BY community_id, activity, wallet, period_start;
ALTER TABLE member_cap_usage DROP COLUMN rule_id,
    ADD PRIMARY KEY (community_id, activity, wallet, period_start);
