-- health_rewards_changed as 0026 left it; no closed form for a returning member's first reward of a day.
-- Inserts and deletes (updates: rewards_counting_apply); new members' first rewards through
-- health_first_rewards_add.
CREATE OR REPLACE FUNCTION health_rewards_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    deltas member_activity_days[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT health_reward_deltas(array_agg(community_id), array_agg(wallet), array_agg(created_at), array_agg(amount),
                                    array_agg(status = 'failed'), 1) INTO deltas FROM new_rows;
        deltas := health_first_rewards_add(deltas);
    ELSE
        SELECT health_reward_deltas(array_agg(community_id), array_agg(wallet), array_agg(created_at), array_agg(amount),
                                    array_agg(status = 'failed'), -1) INTO deltas FROM old_rows;
    END IF;
    PERFORM member_activity_apply(deltas, TG_OP = 'DELETE');
    RETURN NULL;
END $$;
DROP FUNCTION health_returning_rewards_add(member_activity_days[]);
