package postgres

import (
	"context"
	"database/sql"
	"fmt"
)

// warmRewards are the statements warmRewardTriggers runs, in a transaction rolled back: in the
// first community (none: nothing to warm), an issuer, a rule and a member of the session's own
// (each named after its backend, the issuer's name too, which is unique in its community: sessions
// warming at once take none of each other's locks),
// then the rewards that take each path of the ledger's triggers as an accept or the minter does:
// a new member's first reward (health_first_rewards_add), a second the same day (the same-day
// sums), one the next day (member_activity_apply reading the periods again), the minter's
// update (staged, then applied: the rewards failed), and an idempotency key.
var warmRewards = []string{
	`INSERT INTO issuers (community_id, name, key_prefix, key_hash, budget)
	SELECT id, 'warm-' || pg_backend_pid(), 'warm-' || pg_backend_pid(), sha256(''::bytea), 0 FROM communities ORDER BY id LIMIT 1`,
	`INSERT INTO reward_rules (community_id, activity, amount)
	SELECT community_id, 'warm-' || pg_backend_pid(), 1 FROM issuers WHERE key_prefix = 'warm-' || pg_backend_pid()`,
	`INSERT INTO members (community_id, wallet)
	SELECT community_id, '0x' || lpad(to_hex(pg_backend_pid()), 40, 'f') FROM issuers WHERE key_prefix = 'warm-' || pg_backend_pid()
	ON CONFLICT DO NOTHING`,
	warmReward("now()"),
	warmReward("now()"),
	warmReward("now() + interval '1 day'"),
	// By (community, wallet), the ledger's index: by wallet alone it read the whole ledger, once
	// per connection a start opens.
	`UPDATE rewards SET status = 'failed'
	WHERE (community_id, wallet, issuer_id) = (SELECT community_id, '0x' || lpad(to_hex(pg_backend_pid()), 40, 'f'), id
		FROM issuers WHERE key_prefix = 'warm-' || pg_backend_pid())`,
	`INSERT INTO idempotency_keys (issuer_id, key, request_hash, status, response)
	SELECT id, 'warm', '', 0, '' FROM issuers WHERE key_prefix = 'warm-' || pg_backend_pid()`,
}

// warmReward is a statement inserting one reward of the session's warm-up issuer, at created.
func warmReward(created string) string {
	return `INSERT INTO rewards (community_id, issuer_id, rule_id, activity, wallet, amount, created_at)
	SELECT i.community_id, i.id, r.id, r.activity, '0x' || lpad(to_hex(pg_backend_pid()), 40, 'f'), 1, ` + created + `
	FROM issuers i JOIN reward_rules r ON r.community_id = i.community_id AND r.activity = i.key_prefix
	WHERE i.key_prefix = 'warm-' || pg_backend_pid()`
}

// warmRewardTriggers runs warmRewards on c and rolls them back: nothing is left, but the session
// has compiled the ledger's trigger functions and planned their statements (and its foreign key
// checks), which each new session otherwise does in its first accepts.
func warmRewardTriggers(ctx context.Context, c *sql.Conn) error {
	tx, err := c.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("warm the reward triggers: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	for _, q := range warmRewards {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("warm the reward triggers: %w", err)
		}
	}
	if err := tx.Rollback(); err != nil {
		return fmt.Errorf("warm the reward triggers: %w", err)
	}
	return nil
}
