DROP TABLE IF EXISTS member_sessions;
DROP TABLE IF EXISTS siwe_nonces;
DROP TABLE IF EXISTS governance_plans;
DROP TABLE IF EXISTS governance_relays;
