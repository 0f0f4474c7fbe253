DROP INDEX token_transfers_time;
DROP INDEX member_activity_days_voted;
