-- Referrals: a new member's first reward may name the wallet that referred them; a referral rule
-- rewards the referrer once, when the referred member's accepted earnings reach its threshold.

-- A rule is of kind 'activity' (what an issuer's reward for the activity earns) or 'referral'
-- (what a referrer earns, once per referred member who qualifies; never issued directly). A
-- referral rule names the issuer that pays it (the one that wrote it) and the threshold.
ALTER TABLE reward_rules
    ADD COLUMN kind text NOT NULL DEFAULT 'activity' CHECK (kind IN ('activity', 'referral')),
    ADD COLUMN qualify_after_earned numeric(78,0) CHECK (qualify_after_earned > 0),
    ADD COLUMN issuer_id bigint REFERENCES issuers (id),
    ADD CHECK ((kind = 'referral') = (qualify_after_earned IS NOT NULL)),
    ADD CHECK (kind <> 'referral' OR issuer_id IS NOT NULL);
-- At most one current referral rule per community.
CREATE UNIQUE INDEX reward_rules_current_referral ON reward_rules (community_id) WHERE kind = 'referral' AND superseded_at IS NULL;

-- One row per referred member, written with the first reward that named the referrer. The
-- referral qualifies once (qualified_at, rule_id: the referral rule it was decided under), in the
-- transaction of the reward that brought the member's earnings to the threshold; the referrer's
-- reward (paid_reward_id, unique: a reward pays one referral) is recorded in that transaction, or
-- unpaid_reason says why it was not (the referrer's cap, the paying issuer's budget or key).
CREATE TABLE referrals (
    community_id   text        NOT NULL,
    wallet         text        NOT NULL,
    referrer       text        NOT NULL CHECK (referrer ~ '^0x[0-9a-fA-F]{40}$'),
    reward_id      bigint      NOT NULL REFERENCES rewards (id),
    created_at     timestamptz NOT NULL,
    qualified_at   timestamptz,
    rule_id        bigint      REFERENCES reward_rules (id),
    paid_reward_id bigint      UNIQUE REFERENCES rewards (id),
    unpaid_reason  text        CHECK (unpaid_reason IN ('member_cap', 'budget', 'issuer_revoked')),
    PRIMARY KEY (community_id, wallet),
    FOREIGN KEY (community_id, wallet) REFERENCES members (community_id, wallet),
    CHECK (referrer <> wallet),
    CHECK ((qualified_at IS NULL) = (rule_id IS NULL)),
    CHECK (qualified_at IS NOT NULL OR (paid_reward_id IS NULL AND unpaid_reason IS NULL)),
    CHECK (paid_reward_id IS NULL OR unpaid_reason IS NULL)
);
CREATE INDEX referrals_referrer ON referrals (community_id, referrer);
