DROP TABLE referrals;
DROP INDEX reward_rules_current_referral;
ALTER TABLE reward_rules DROP COLUMN issuer_id, DROP COLUMN qualify_after_earned, DROP COLUMN kind;
