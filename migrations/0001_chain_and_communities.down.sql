DROP TABLE communities;
DROP TABLE chain_identity;
