DROP TABLE recognition_seasons;
DROP TABLE recognition_webhooks;
DROP TABLE recognition_state;
DROP TABLE recognition_holdings;
DROP TABLE recognition_levels;
DROP TABLE recognition_events;
DROP TABLE recognition_roles;
DROP TABLE recognition_ladders;
