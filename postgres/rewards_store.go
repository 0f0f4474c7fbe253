package postgres

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/rewards"
)

// --- issuers ---

type issuerRow struct {
	ID          int64          `db:"id"`
	CommunityID string         `db:"community_id"`
	Name        string         `db:"name"`
	KeyPrefix   string         `db:"key_prefix"`
	KeyHash     []byte         `db:"key_hash"`
	Budget      string         `db:"budget"`
	Spent       string         `db:"spent"`
	RevokedAt   sql.NullTime   `db:"revoked_at"`
	CreatedAt   time.Time      `db:"created_at"`
	Scopes      pq.StringArray `db:"scopes"`
}

const issuerColumns = `id, community_id, name, key_prefix, key_hash, budget::text AS budget, spent::text AS spent, revoked_at, created_at, scopes`

func (r issuerRow) issuer() *rewards.Issuer {
	return &rewards.Issuer{
		ID: r.ID, CommunityID: r.CommunityID, Name: r.Name, KeyPrefix: r.KeyPrefix,
		Budget: parseBig(r.Budget), Spent: parseBig(r.Spent), Revoked: r.RevokedAt.Valid, CreatedAt: r.CreatedAt,
		Scopes: guildhall.CanonicalScopes(scopesOf(r.Scopes)),
	}
}

// scopesOf reads a stored scopes array.
func scopesOf(names []string) []guildhall.Scope {
	out := make([]guildhall.Scope, len(names))
	for k, n := range names {
		out[k] = guildhall.Scope(n)
	}
	return out
}

// CreateIssuer stores a new issuer of an existing community, with every scope unless i.Scopes
// names some. ENOTFOUND for an unknown community, ECONFLICT when the community has an active
// issuer of that name.
func (s *RewardsStore) CreateIssuer(ctx context.Context, i *rewards.Issuer, key rewards.APIKey) error {
	if n := len([]rune(i.Name)); n == 0 || n > 100 {
		return &guildhall.Error{Code: guildhall.EINVALID, Message: "invalid issuer", Fields: []guildhall.FieldError{{Field: "name", Message: "must be 1-100 characters"}}}
	}
	if i.Budget == nil || i.Budget.Sign() < 0 || i.Budget.BitLen() > 255 {
		return &guildhall.Error{Code: guildhall.EINVALID, Message: "invalid issuer", Fields: []guildhall.FieldError{{Field: "budget", Message: "must be zero or a positive amount"}}}
	}
	scopes := guildhall.CanonicalScopes(i.Scopes)
	if len(scopes) == 0 {
		scopes = guildhall.AllScopes
	}
	err := s.db.db.QueryRowxContext(ctx, `
		INSERT INTO issuers (community_id, name, key_prefix, key_hash, budget, scopes)
		VALUES ($1, $2, $3, $4, $5::numeric, $6) RETURNING id, created_at`,
		i.CommunityID, i.Name, key.Prefix, key.Hash, bigText(i.Budget), pq.Array(guildhall.ScopeNames(scopes))).Scan(&i.ID, &i.CreatedAt)
	if e := pq.As(err, pqerror.ForeignKeyViolation); e != nil {
		return guildhall.Errorf(guildhall.ENOTFOUND, "community %q not found", i.CommunityID)
	}
	if e := pq.As(err, pqerror.UniqueViolation); e != nil {
		if e.Constraint == "issuers_key_prefix_key" {
			return fmt.Errorf("create issuer: key prefix collision, try again: %w", err)
		}
		return guildhall.Errorf(guildhall.ECONFLICT, "community %q already has an issuer named %q", i.CommunityID, i.Name)
	}
	if err != nil {
		return s.db.queryError("create issuer", err)
	}
	i.KeyPrefix, i.Spent, i.Scopes = key.Prefix, new(big.Int), scopes
	return nil
}

// Issuers lists issuers by id.
func (s *RewardsStore) Issuers(ctx context.Context, communityID string) ([]*rewards.Issuer, error) {
	var rows []issuerRow
	err := s.db.db.SelectContext(ctx, &rows, `SELECT `+issuerColumns+` FROM issuers WHERE $1 = '' OR community_id = $1 ORDER BY id`, communityID)
	if err != nil {
		return nil, s.db.queryError("list issuers", err)
	}
	out := make([]*rewards.Issuer, len(rows))
	for k, r := range rows {
		out[k] = r.issuer()
	}
	return out, nil
}

// Issuer returns one issuer; ENOTFOUND if there is none.
func (s *RewardsStore) Issuer(ctx context.Context, id int64) (*rewards.Issuer, error) {
	var r issuerRow
	err := s.db.db.GetContext(ctx, &r, `SELECT `+issuerColumns+` FROM issuers WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, guildhall.Errorf(guildhall.ENOTFOUND, "issuer %d not found", id)
	}
	if err != nil {
		return nil, s.db.queryError("find issuer", err)
	}
	return r.issuer(), nil
}

// IssuerByKey finds the active issuer holding a key.
func (s *RewardsStore) IssuerByKey(ctx context.Context, prefix string, match func([]byte) bool) (*rewards.Issuer, error) {
	var r issuerRow
	err := s.db.db.GetContext(ctx, &r, `SELECT `+issuerColumns+` FROM issuers WHERE key_prefix = $1`, prefix)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (!match(r.KeyHash) || r.RevokedAt.Valid)) {
		return nil, guildhall.Errorf(guildhall.EUNAUTHORIZED, "invalid or revoked issuer API key")
	}
	if err != nil {
		return nil, s.db.queryError("find issuer", err)
	}
	return r.issuer(), nil
}

// RevokeIssuer revokes an issuer's key; revoking twice is a no-op.
func (s *RewardsStore) RevokeIssuer(ctx context.Context, id int64) error {
	res, err := s.db.db.ExecContext(ctx, `UPDATE issuers SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1`, id)
	if err != nil {
		return s.db.queryError("revoke issuer", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return guildhall.Errorf(guildhall.ENOTFOUND, "issuer %d not found", id)
	}
	return nil
}

// RotateIssuerKey gives an active issuer a new key.
func (s *RewardsStore) RotateIssuerKey(ctx context.Context, id int64, key rewards.APIKey) error {
	res, err := s.db.db.ExecContext(ctx, `UPDATE issuers SET key_prefix = $2, key_hash = $3, rotated_at = now() WHERE id = $1 AND revoked_at IS NULL`, id, key.Prefix, key.Hash)
	if err != nil {
		return s.db.queryError("rotate issuer key", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := s.Issuer(ctx, id); err != nil {
			return err
		}
		return guildhall.Errorf(guildhall.ECONFLICT, "issuer %d is revoked; create a new issuer instead", id)
	}
	return nil
}

// --- rules ---

type ruleRow struct {
	ID           int64          `db:"id"`
	CommunityID  string         `db:"community_id"`
	Activity     string         `db:"activity"`
	Amount       string         `db:"amount"`
	CapPerMember sql.NullString `db:"cap_per_member"`
	CapPeriod    sql.NullString `db:"cap_period"`
	ActiveFrom   sql.NullTime   `db:"active_from"`
	ActiveUntil  sql.NullTime   `db:"active_until"`
	CreatedAt    time.Time      `db:"created_at"`
	ruleKindColumns
}

const ruleColumns = `id, community_id, activity, amount::text AS amount, cap_per_member::text AS cap_per_member, cap_period, active_from, active_until, created_at, ` + ruleKindSelect

func (r ruleRow) rule() *rewards.Rule {
	out := &rewards.Rule{
		ID: r.ID, CommunityID: r.CommunityID, Activity: r.Activity, Amount: parseBig(r.Amount),
		CapPerMember: parseBigNull(r.CapPerMember), CapPeriod: rewards.CapPeriod(r.CapPeriod.String), UpdatedAt: r.CreatedAt,
	}
	r.ruleKindColumns.set(out)
	if r.ActiveFrom.Valid {
		t := r.ActiveFrom.Time
		out.ActiveFrom = &t
	}
	if r.ActiveUntil.Valid {
		t := r.ActiveUntil.Time
		out.ActiveUntil = &t
	}
	return out
}

// Rules returns a community's current rules by activity.
func (s *RewardsStore) Rules(ctx context.Context, communityID string) ([]*rewards.Rule, error) {
	var rows []ruleRow
	err := s.db.db.SelectContext(ctx, &rows, `SELECT `+ruleColumns+` FROM reward_rules WHERE community_id = $1 AND superseded_at IS NULL ORDER BY activity`, communityID)
	if err != nil {
		return nil, s.db.queryError("list rules", err)
	}
	out := make([]*rewards.Rule, len(rows))
	for k, r := range rows {
		out[k] = r.rule()
	}
	return out, nil
}

// PutRule supersedes the current rule of the activity (if any) with r.
func (s *RewardsStore) PutRule(ctx context.Context, r *rewards.Rule) error {
	if err := rewards.ValidateRule(r); err != nil {
		return err
	}
	var capAmount, capPeriod any
	if r.CapPerMember != nil {
		capAmount, capPeriod = r.CapPerMember.String(), string(r.CapPeriod)
	}
	return s.db.inTx(ctx, "put rule", true, func(tx *sqlx.Tx) error {
		// Lock the community's row so two writers of one activity take turns.
		var one int
		if err := tx.QueryRowxContext(ctx, `SELECT 1 FROM communities WHERE id = $1 FOR UPDATE`, r.CommunityID).Scan(&one); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return guildhall.Errorf(guildhall.ENOTFOUND, "community %q not found", r.CommunityID)
			}
			return err
		}
		if err := checkOneReferralRule(ctx, tx, r); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE reward_rules SET superseded_at = now() WHERE community_id = $1 AND activity = $2 AND superseded_at IS NULL`, r.CommunityID, r.Activity); err != nil {
			return err
		}
		kind, threshold, issuer := ruleKindValues(r)
		return tx.QueryRowxContext(ctx, `
			INSERT INTO reward_rules (community_id, activity, amount, cap_per_member, cap_period, active_from, active_until, kind, qualify_after_earned, issuer_id)
			VALUES ($1, $2, $3::numeric, $4::numeric, $5, $6, $7, $8, $9::numeric, $10) RETURNING id, created_at`,
			r.CommunityID, r.Activity, r.Amount.String(), capAmount, capPeriod, r.ActiveFrom, r.ActiveUntil, kind, threshold, issuer).Scan(&r.ID, &r.UpdatedAt)
	})
}

// --- accepting rewards ---

// parseMinReward reads a community's minimum reward as stored.
func parseMinReward(communityID, text string) (*big.Int, error) {
	min, ok := new(big.Int).SetString(text, 10)
	if !ok {
		return nil, fmt.Errorf("community %s: minimum reward %q is not an integer", communityID, text)
	}
	return min, nil
}

// currentRules returns the community's current rules of the items' activities, by activity.
func currentRules(ctx context.Context, tx *sqlx.Tx, communityID string, items []rewards.Request) (map[string]*rewards.Rule, error) {
	activities := map[string]bool{}
	for _, it := range items {
		activities[it.Activity] = true
	}
	var rows []ruleRow
	if err := tx.SelectContext(ctx, &rows, `SELECT `+ruleColumns+` FROM reward_rules
		WHERE community_id = $1 AND superseded_at IS NULL AND activity = ANY($2)`,
		communityID, pq.Array(keysOf(activities))); err != nil {
		return nil, err
	}
	rules := make(map[string]*rewards.Rule, len(rows))
	for _, r := range rows {
		rules[r.Activity] = r.rule()
	}
	return rules, nil
}

// insertMembers records the rewarded wallets as members of the community, in wallet order.
func insertMembers(ctx context.Context, tx *sqlx.Tx, communityID string, rs []*rewards.Reward) error {
	_, err := tx.ExecContext(ctx, insertMembersSQL("$2"), communityID, pq.Array(memberWallets(rs)))
	return err
}

// insertMembersSQL records the wallets of parameter wallets (memberWallets) as members of
// community $1.
func insertMembersSQL(wallets string) string {
	return `INSERT INTO members (community_id, wallet)
	SELECT $1, w FROM unnest(` + wallets + `::text[]) AS w ORDER BY w ON CONFLICT DO NOTHING`
}

// memberWallets returns the wallets of rs, once each, in order.
func memberWallets(rs []*rewards.Reward) []string {
	wallets := map[string]bool{}
	for _, r := range rs {
		wallets[r.Wallet] = true
	}
	return keysOf(wallets)
}

// addCapUsage adds each cap use to its counter and returns what each counter held before: what
// the member earned for the activity in the period. The rows are locked in caps' order
// (activity, wallet) by the upsert.
//
// A counter counts for one rule in one of its periods. Keyed by period start alone, a day's
// counter would be taken for a week's after a rule changed from "day" to "week" (a Monday starts
// both); keyed by the rule, which fixes the kind of period, a changed rule gets counters of its
// own. A counter that is not there yet starts from the ledger: what the member earned for the
// activity since the period began, under any rule. So a rule change neither resets the cap nor
// lets a member pass it, and in the usual case (the member's first reward of the period) the sum
// is 0. The sum is read only for a counter missing at the statement's start; one a concurrent
// request creates meanwhile is found by ON CONFLICT, which adds only this request's amount to it.
func addCapUsage(ctx context.Context, tx *sqlx.Tx, communityID string, caps []rewards.CapUse) ([]*big.Int, error) {
	if len(caps) == 0 {
		return nil, nil
	}
	acts, ws, ruleIDs, starts, amounts := make([]string, len(caps)), make([]string, len(caps)), make([]int64, len(caps)), make([]string, len(caps)), make([]string, len(caps))
	index := make(map[[2]string]int, len(caps))
	for k, c := range caps {
		acts[k], ws[k], ruleIDs[k] = c.Activity, c.Wallet, c.Rule.ID
		starts[k], amounts[k] = c.Start.Format(time.RFC3339), c.Amount.String()
		index[[2]string{c.Activity, c.Wallet}] = k
	}
	var rows []struct {
		Activity string `db:"activity"`
		Wallet   string `db:"wallet"`
		Used     string `db:"used"`
	}
	if err := tx.SelectContext(ctx, &rows, `
		WITH t AS (
			SELECT * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::timestamptz[], $6::numeric[])
				WITH ORDINALITY AS t(a, w, r, s, e, n))
		INSERT INTO member_cap_usage AS u (community_id, activity, wallet, rule_id, period_start, earned)
		SELECT $1, t.a, t.w, t.r, t.s, t.e + before.earned FROM t CROSS JOIN LATERAL (
			SELECT CASE WHEN EXISTS (SELECT 1 FROM member_cap_usage x WHERE x.community_id = $1 AND x.activity = t.a
			                             AND x.wallet = t.w AND x.rule_id = t.r AND x.period_start = t.s)
			       THEN 0
			       ELSE (SELECT coalesce(sum(amount), 0) FROM rewards WHERE community_id = $1 AND wallet = t.w
			                 AND activity = t.a AND created_at >= t.s AND status <> 'failed') END AS earned) before
		ORDER BY t.n
		ON CONFLICT (community_id, activity, wallet, rule_id, period_start) DO UPDATE
			SET earned = u.earned + (SELECT e FROM t WHERE t.a = EXCLUDED.activity AND t.w = EXCLUDED.wallet)
		RETURNING u.activity, u.wallet, (u.earned - (SELECT e FROM t WHERE t.a = u.activity AND t.w = u.wallet))::text AS used`,
		communityID, pq.Array(acts), pq.Array(ws), pq.Array(ruleIDs), pq.Array(starts), pq.Array(amounts)); err != nil {
		return nil, err
	}
	if len(rows) != len(caps) {
		return nil, fmt.Errorf("add cap usage: %d of %d counters updated", len(rows), len(caps))
	}
	used := make([]*big.Int, len(caps))
	for _, r := range rows {
		used[index[[2]string{r.Activity, r.Wallet}]] = parseBig(r.Used)
	}
	return used, nil
}

// lockIssuer locks the issuer's row, whose budget the request spends, and returns the issuer. The
// lock is the one an UPDATE of the row takes (FOR NO KEY UPDATE): a plain FOR UPDATE would also
// wait for every transaction that merely references the issuer (its idempotency key, its
// rewards), and those may be queued behind this one's member locks.
func lockIssuer(ctx context.Context, tx *sqlx.Tx, id int64) (*rewards.Issuer, error) {
	var r issuerRow
	if err := tx.GetContext(ctx, &r, `SELECT `+issuerColumns+` FROM issuers WHERE id = $1 FOR NO KEY UPDATE`, id); err != nil {
		return nil, err
	}
	return r.issuer(), nil
}

// insertRewards writes the ledger rows of iss's rewards rs, in request order, and sets their IDs and
// CreatedAt. A reward is dated at the moment it was priced and counted against its cap (now), so
// the ledger and the cap periods agree on which period it fell in: a counter that starts from the
// ledger counts exactly the rewards of its period. A zero now dates them at the transaction.
func insertRewards(ctx context.Context, tx *sqlx.Tx, iss *rewards.Issuer, rs []*rewards.Reward, now time.Time) error {
	times := make([]*time.Time, len(rs))
	if !now.IsZero() {
		for k := range times {
			times[k] = &now
		}
	}
	_, err := insertRewardRows(ctx, tx, iss, rs, times, false)
	return err
}

// insertRewardRows writes the ledger rows of iss's rewards rs, in order, reward k dated times[k]
// (nil: the transaction's time), and sets their IDs and CreatedAt. With members, the same
// statement records the rewarded wallets as members first (insertMembers). It reports whether a
// rewarded wallet has a referral not yet qualified (which the rewards may qualify: payReferrals),
// read by the same statement, so that a group with none spends no statement on referrals.
func insertRewardRows(ctx context.Context, tx *sqlx.Tx, iss *rewards.Issuer, rs []*rewards.Reward, times []*time.Time, members bool) (referred bool, err error) {
	ruleIDs, acts, ws, refs, amounts := make([]int64, len(rs)), make([]string, len(rs)), make([]string, len(rs)), make([]*string, len(rs)), make([]string, len(rs))
	ats := make([]*string, len(rs))
	for k, r := range rs {
		ruleIDs[k], acts[k], ws[k], amounts[k] = r.RuleID, r.Activity, r.Wallet, r.Amount.String()
		if r.Reference != "" {
			refs[k] = &r.Reference
		}
		if times[k] != nil {
			at := times[k].Format(time.RFC3339Nano)
			ats[k] = &at
		}
	}
	type insertedRow struct {
		ID        int64     `db:"id"`
		CreatedAt time.Time `db:"created_at"`
		Referred  bool      `db:"referred"`
	}
	var inserted []insertedRow
	query := `
		INSERT INTO rewards (community_id, issuer_id, rule_id, activity, wallet, reference, amount, created_at)
		SELECT $1, $2, r, a, w, f, m, coalesce(c, now()) FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::numeric[], $8::timestamptz[])
			WITH ORDINALITY AS t(r, a, w, f, m, c, n) ORDER BY n
		RETURNING id, created_at, EXISTS (SELECT 1 FROM referrals f
			WHERE f.community_id = $1 AND f.wallet = rewards.wallet AND f.qualified_at IS NULL) AS referred`
	args := []any{iss.CommunityID, iss.ID, pq.Array(ruleIDs), pq.Array(acts), pq.Array(ws), pq.Array(refs), pq.Array(amounts), pq.Array(ats)}
	if members {
		// Every sub-statement runs to completion and the ledger rows' member checks run at the
		// statement's end, so they find the members it adds.
		query = `WITH added AS (` + insertMembersSQL("$9") + `)` + query
		args = append(args, pq.Array(memberWallets(rs)))
	}
	if err := tx.SelectContext(ctx, &inserted, query, args...); err != nil {
		return false, err
	}
	// Ids follow the insert's order, which is the request's.
	slices.SortFunc(inserted, func(a, b insertedRow) int { return cmp.Compare(a.ID, b.ID) })
	for k := range rs {
		rs[k].ID, rs[k].CreatedAt = inserted[k].ID, inserted[k].CreatedAt
		referred = referred || inserted[k].Referred
	}
	return referred, nil
}

func keysOf(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// lockMemberActivities takes a transaction-scoped advisory lock per (community, activity, wallet)
// of items, in one order for every transaction so that batches cannot deadlock each other, and
// returns the community's minimum reward, read by the same statement.
func lockMemberActivities(ctx context.Context, tx *sqlx.Tx, communityID string, items []rewards.Request) (*big.Int, error) {
	keys := make([]int64, 0, len(items))
	for _, it := range items {
		h := fnv.New64a()
		h.Write([]byte("cap:" + communityID + "\x00" + it.Activity + "\x00" + strings.ToLower(it.Wallet)))
		keys = append(keys, int64(h.Sum64()))
	}
	slices.Sort(keys)
	var text string
	if err := tx.GetContext(ctx, &text, `SELECT c.min_reward::text FROM communities c,
		(SELECT count(*) FROM (SELECT pg_advisory_xact_lock(k) FROM unnest($2::bigint[]) AS k) l) locked
		WHERE c.id = $1`, communityID, pq.Array(slices.Compact(keys))); err != nil {
		return nil, err
	}
	return parseMinReward(communityID, text)
}
