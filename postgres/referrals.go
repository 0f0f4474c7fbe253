package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/rewards"
)

// Referrals (see package rewards): recorded with a new member's first reward and paid, once, in
// the transaction of the reward that brings the referred member's earnings to the referral
// rule's threshold. The referral row is the lock: the transactions that accept rewards of one
// referred member take it in turns (FOR UPDATE), and each reads the member's earnings after it
// holds it, so exactly one of them finds the threshold reached and the row still open.

// ruleKindColumns are the kind columns of a rule row (migration 0017).
type ruleKindColumns struct {
	Kind               string         `db:"kind"`
	QualifyAfterEarned sql.NullString `db:"qualify_after_earned"`
	IssuerID           sql.NullInt64  `db:"issuer_id"`
}

const ruleKindSelect = `kind, qualify_after_earned::text AS qualify_after_earned, issuer_id`

func (k ruleKindColumns) set(r *rewards.Rule) {
	r.Kind, r.QualifyAfterEarned, r.IssuerID = k.Kind, parseBigNull(k.QualifyAfterEarned), k.IssuerID.Int64
}

// ruleKindValues are the kind, threshold and issuer of r as PutRule stores them.
func ruleKindValues(r *rewards.Rule) (kind string, threshold, issuer any) {
	kind = r.Kind
	if kind == "" {
		kind = rewards.KindActivity
	}
	if r.QualifyAfterEarned != nil {
		threshold = r.QualifyAfterEarned.String()
	}
	if r.IssuerID != 0 {
		issuer = r.IssuerID
	}
	return kind, threshold, issuer
}

// checkOneReferralRule refuses a referral rule while another activity's rule of the community is
// the current referral rule (ECONFLICT naming it): a referred member qualifies under one rule.
func checkOneReferralRule(ctx context.Context, tx *sqlx.Tx, r *rewards.Rule) error {
	if r.Kind != rewards.KindReferral {
		return nil
	}
	var other string
	err := tx.GetContext(ctx, &other, `SELECT activity FROM reward_rules WHERE community_id = $1 AND kind = 'referral'
		AND superseded_at IS NULL AND activity <> $2`, r.CommunityID, r.Activity)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	e := guildhall.Errorf(guildhall.ECONFLICT, "the community's referral rule is %q: replace that one, or make it an activity rule first", other)
	e.Fields = []guildhall.FieldError{{Field: "kind", Message: e.Message}}
	return e
}

// acceptReferrals records the referrals in's items name (rs are their rewards, inserted) and pays
// those the rewards qualify: the ones just recorded and, when referred (insertRewardRows), those
// recorded before.
func acceptReferrals(ctx context.Context, tx *sqlx.Tx, in rewards.AcceptInput, rs []*rewards.Reward, referred bool) error {
	if err := recordReferrals(ctx, tx, in, rs); err != nil {
		return err
	}
	if !referred && !namesReferrer(in) {
		return nil
	}
	return payReferrals(ctx, tx, in.Issuer.CommunityID, rs, in.Now)
}

// recordReferrals records the referrer of each wallet whose item names one. The wallet must have
// become a member in this transaction (its member row is this transaction's: a concurrent first
// reward that committed first makes it a member already), and the referrer must not be on the
// community's staff list: either is EUNPROCESSABLE naming the item's field.
func recordReferrals(ctx context.Context, tx *sqlx.Tx, in rewards.AcceptInput, rs []*rewards.Reward) error {
	first, err := rewards.ReferredItems(in)
	if err != nil || len(first) == 0 {
		return err
	}
	community := in.Issuer.CommunityID
	ws, refs, ids := []string{}, []string{}, []int64{}
	for w, k := range first {
		ws, refs, ids = append(ws, w), append(refs, in.Items[k].Referrer), append(ids, rs[k].ID)
	}
	var bad []struct {
		Wallet string `db:"wallet"`
		Why    string `db:"why"`
	}
	if err := tx.SelectContext(ctx, &bad, `
		SELECT t.w AS wallet, CASE WHEN m.xmin <> pg_current_xact_id()::xid THEN 'member' ELSE 'staff' END AS why
		FROM unnest($2::text[], $3::text[]) AS t(w, r)
		JOIN members m ON m.community_id = $1 AND m.wallet = t.w
		WHERE m.xmin <> pg_current_xact_id()::xid
		   OR EXISTS (SELECT 1 FROM community_staff s WHERE s.community_id = $1 AND s.address = t.r)`,
		community, pq.Array(ws), pq.Array(refs)); err != nil {
		return err
	}
	if len(bad) > 0 {
		return referralRefusal(in, first, bad)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO referrals (community_id, wallet, referrer, reward_id, created_at)
		SELECT $1, w, r, id, coalesce($5::timestamptz, now()) FROM unnest($2::text[], $3::text[], $4::bigint[]) AS t(w, r, id) ORDER BY w`,
		community, pq.Array(ws), pq.Array(refs), pq.Array(ids), nullTime(in.Now))
	return err
}

// referralRefusal is the 422 naming the referrer of each refused item, in request order.
func referralRefusal(in rewards.AcceptInput, first map[string]int, bad []struct {
	Wallet string `db:"wallet"`
	Why    string `db:"why"`
}) error {
	slices.SortFunc(bad, func(a, b struct {
		Wallet string `db:"wallet"`
		Why    string `db:"why"`
	}) int {
		return first[a.Wallet] - first[b.Wallet]
	})
	fields := make([]guildhall.FieldError, len(bad))
	for i, b := range bad {
		msg := "is on this community's staff list, an excluded account: staff cannot refer members"
		if b.Why == "member" {
			msg = "is only accepted with a new member's first reward: " + b.Wallet + " is already a member"
		}
		fields[i] = guildhall.FieldError{Field: rewards.ItemField(in, first[b.Wallet]) + "referrer", Message: msg}
	}
	return &guildhall.Error{Code: guildhall.EUNPROCESSABLE, Message: "referral refused: nothing was recorded", Fields: fields}
}

// payReferrals qualifies the open referrals of rs's wallets whose earnings (accepted, not
// failed, this transaction's rewards included) reach the current referral rule's threshold, and
// pays each (payReferral). The referral rows are locked first, in wallet order.
func payReferrals(ctx context.Context, tx *sqlx.Tx, community string, rs []*rewards.Reward, now time.Time) error {
	wallets := map[string]bool{}
	for _, r := range rs {
		wallets[r.Wallet] = true
	}
	// The lock is taken first; the earnings are read after it, so they include every reward of a
	// transaction that held it before.
	var ws []string
	if err := tx.SelectContext(ctx, &ws, `SELECT wallet FROM referrals
		WHERE community_id = $1 AND wallet = ANY($2) AND qualified_at IS NULL ORDER BY wallet FOR UPDATE`,
		community, pq.Array(keysOf(wallets))); err != nil || len(ws) == 0 {
		return err
	}
	rule, err := currentReferralRule(ctx, tx, community)
	if err != nil || rule == nil {
		return err
	}
	var open []struct {
		Wallet   string `db:"wallet"`
		Referrer string `db:"referrer"`
		Earned   string `db:"earned"`
	}
	if err := tx.SelectContext(ctx, &open, `SELECT f.wallet, f.referrer, coalesce(sum(r.amount), 0)::text AS earned
		FROM referrals f LEFT JOIN rewards r ON r.community_id = f.community_id AND r.wallet = f.wallet AND r.status <> 'failed'
		WHERE f.community_id = $1 AND f.wallet = ANY($2) GROUP BY f.wallet, f.referrer ORDER BY f.wallet`,
		community, pq.Array(ws)); err != nil {
		return err
	}
	for _, o := range open {
		if rule.Qualifies(parseBig(o.Earned), qualifyTime(now)) {
			if err := payReferral(ctx, tx, rule, o.Wallet, o.Referrer, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// currentReferralRule returns the community's current referral rule, nil when it has none.
func currentReferralRule(ctx context.Context, tx *sqlx.Tx, community string) (*rewards.Rule, error) {
	var row ruleRow
	err := tx.GetContext(ctx, &row, `SELECT `+ruleColumns+` FROM reward_rules
		WHERE community_id = $1 AND kind = 'referral' AND superseded_at IS NULL`, community)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return row.rule(), nil
}

// payReferral records the referral of referred as qualified under rule and rewards referrer
// through the ledger: the referrer's member row, then the paying issuer's row, then the cap
// counter (an order every payer keeps: counters of a referral rule are only ever taken under its
// issuer's row), the budget and the reward. When the cap, the budget or a revoked key refuse it,
// what it wrote rolls back to a savepoint and the referral stays unpaid, with the reason.
func payReferral(ctx context.Context, tx *sqlx.Tx, rule *rewards.Rule, referred, referrer string, now time.Time) error {
	order := rewards.ReferralOrder(rule, referrer, referred, now)
	if _, err := tx.ExecContext(ctx, `SAVEPOINT referral_payment`); err != nil {
		return err
	}
	if err := insertMembers(ctx, tx, rule.CommunityID, order.Rewards); err != nil {
		return err
	}
	issuer, err := lockIssuer(ctx, tx, rule.IssuerID)
	if err != nil {
		return err
	}
	used, err := addCapUsage(ctx, tx, rule.CommunityID, order.Caps)
	if err != nil {
		return err
	}
	var paid any
	reason := order.Unpaid(used, issuer)
	if reason != "" {
		if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT referral_payment`); err != nil {
			return err
		}
	} else {
		if _, err := tx.ExecContext(ctx, `UPDATE issuers SET spent = spent + $2::numeric WHERE id = $1`, issuer.ID, order.Total.String()); err != nil {
			return err
		}
		if err := insertRewards(ctx, tx, issuer, order.Rewards, now); err != nil {
			return err
		}
		paid = order.Rewards[0].ID
	}
	// The row is locked (payReferrals) and open; should it not be, the whole request rolls back
	// rather than pay a referral twice.
	res, err := tx.ExecContext(ctx, `UPDATE referrals SET qualified_at = coalesce($3::timestamptz, now()), rule_id = $4,
		paid_reward_id = $5, unpaid_reason = nullif($6, '') WHERE community_id = $1 AND wallet = $2 AND qualified_at IS NULL`,
		rule.CommunityID, referred, nullTime(now), rule.ID, paid, reason)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("referral of %s in %s: decided already (%d rows, %v)", referred, rule.CommunityID, n, err)
	}
	// Released, so a batch paying many referrals does not pile up subtransactions.
	_, err = tx.ExecContext(ctx, `RELEASE SAVEPOINT referral_payment`)
	return err
}

// nullTime is t for a timestamptz parameter, NULL when t is zero (the statement then uses now()).
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// qualifyTime is the time a referral's rule window is checked at: now, or the clock when the
// request gave none.
func qualifyTime(now time.Time) time.Time {
	if now.IsZero() {
		return time.Now()
	}
	return now
}

// referralsMeasure reads recognition's referrals condition (healthTx.base(members) arguments):
// per referrer, the members it referred who qualified on or before today (ledger time), neither
// of them an excluded account.
var referralsMeasure = `SELECT referrer AS account, count(*)::text AS value FROM referrals
	WHERE community_id = $1 AND referrer <> ALL($2) AND wallet <> ALL($2) AND ` + memberIn(4, "referrer") + `
	  AND qualified_at < ($3::date + 1)::timestamp AT TIME ZONE 'UTC'
	GROUP BY referrer`
