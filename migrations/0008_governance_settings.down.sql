ALTER TABLE proposals DROP COLUMN timelock_operation_id;
DROP TABLE governance_settings;
DROP TABLE governance_setting_events;
