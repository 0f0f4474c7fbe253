package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/rewards"
)

// Accepting rewards in groups.
//
// Every request of an issuer spends the same budget, so each transaction takes the issuer's row
// and holds it to its commit. Requests that arrive while earlier ones are being recorded are
// instead taken together, in arrival order, into one transaction: the checks run in Go on what
// the group read once under the same locks, each request seeing the ones before it (its caps and
// the budget as they would be had they committed first), and what the group accepted is written
// with one statement per table and committed once. A request the checks refuse writes nothing,
// as alone; its answer is the same. The group commits or nothing does: every caller is answered
// only after the commit, so an answer is never given for rewards that could still be lost. If
// the group's transaction fails, each request runs again in a group of its own, so one request's
// fault is its own. A single request, a dry run and a request naming a referrer are groups of
// one: there is one copy of the rules.
//
// The issuer's row is taken last: the group checks the caps, writes its rewards, and then adds
// their total to what the issuer spent in one statement that holds only while the issuer is not
// revoked and the total fits the budget. So the row is held only from that statement to the
// commit, and up to maxGroupRunners groups of one issuer are recorded at once, each waiting for
// the others only there (and on the members they share). When the statement finds the budget
// short or the key revoked, the group runs again taking the row first and checking each request
// against it in order, as the requests would be alone. That the total fits means each request
// fits after the ones before it, so both ways give every request the same answer.

// maxGroupItems bounds the reward items in one group (a batch request larger than that runs
// alone, in a group of its own).
const maxGroupItems = 4000

// maxGroupRunners bounds the groups of one issuer being recorded at once in a process. One: on a
// quiet 2-core machine, 2 and 3 made the groups smaller and the accept rate lower (0.8-0.9x), each
// group paying the statement triggers' fixed cost; other processes' groups still run beside it.
const maxGroupRunners = 1

// errBudgetShort is a group's total refused by the issuer's row (budget, revocation) when it was
// taken last: the group runs again taking it first.
var errBudgetShort = errors.New("the issuer's budget or key refused the group's total")

// acceptCall is one request waiting for its group.
type acceptCall struct {
	ctx  context.Context
	in   rewards.AcceptInput
	out  *rewards.AcceptOutput
	err  error
	done chan struct{}
}

// acceptQueues holds each issuer's waiting requests and how many of its groups are running.
type acceptQueues struct {
	mu      sync.Mutex
	waiting map[int64][]*acceptCall
	running map[int64]int
	groups  atomic.Int64 // groups of more than one request committed together, for tests
}

// add queues c and reports whether a runner must be started for its issuer: when fewer than
// maxGroupRunners run.
func (q *acceptQueues) add(c *acceptCall) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.waiting == nil {
		q.waiting, q.running = map[int64][]*acceptCall{}, map[int64]int{}
	}
	id := c.in.Issuer.ID
	q.waiting[id] = append(q.waiting[id], c)
	if q.running[id] >= maxGroupRunners {
		return false
	}
	q.running[id]++
	return true
}

// take removes the next group of the issuer's requests, oldest first: at most maxGroupItems items
// (at least one request) and one request per idempotency key (a repeated key waits for the next
// group, where it finds the first one's answer). It returns nil, and counts the runner out, when
// nothing waits.
func (q *acceptQueues) take(id int64) []*acceptCall {
	q.mu.Lock()
	defer q.mu.Unlock()
	waiting := q.waiting[id]
	if len(waiting) == 0 {
		if q.running[id]--; q.running[id] == 0 {
			delete(q.waiting, id)
			delete(q.running, id)
		}
		return nil
	}
	var group, left []*acceptCall
	keys, items := map[string]bool{}, 0
	for _, c := range waiting {
		if keys[c.in.IdempotencyKey] || (len(group) > 0 && items+len(c.in.Items) > maxGroupItems) {
			left = append(left, c)
			continue
		}
		keys[c.in.IdempotencyKey] = true
		items += len(c.in.Items)
		group = append(group, c)
	}
	q.waiting[id] = left
	return group
}

// Accept records rewards; see rewards.Store. A request that writes waits for its issuer's next
// group (see above); a dry run is a group of its own, rolled back. Locks are taken in one order
// by every transaction (idempotency keys, member activities, members by wallet, cap counters by
// activity and wallet, the issuer's budget row), so concurrent groups queue instead of
// deadlocking; a deadlock all the same retries.
func (s *RewardsStore) Accept(ctx context.Context, in rewards.AcceptInput) (*rewards.AcceptOutput, error) {
	if in.DryRun {
		return s.acceptOne(ctx, in)
	}
	c := &acceptCall{ctx: ctx, in: in, done: make(chan struct{})}
	if s.accepts.add(c) {
		go s.runAccepts(in.Issuer.ID)
	}
	select {
	case <-c.done:
		return c.out, c.err
	case <-ctx.Done():
		// The request may still be accepted: a replay with its key finds out.
		return nil, ctx.Err()
	}
}

// acceptOne runs one request in a group of its own.
func (s *RewardsStore) acceptOne(ctx context.Context, in rewards.AcceptInput) (*rewards.AcceptOutput, error) {
	results, err := s.acceptInTx(ctx, []rewards.AcceptInput{in})
	if err != nil {
		return nil, err
	}
	return results[0].out, results[0].err
}

// runAccepts runs the issuer's groups until none waits.
func (s *RewardsStore) runAccepts(issuerID int64) {
	for {
		group := s.accepts.take(issuerID)
		if group == nil {
			return
		}
		s.acceptGroup(group)
	}
}

// acceptGroup answers every call of group. The transaction is not the callers': one that gives
// up waiting does not cancel the others' work.
func (s *RewardsStore) acceptGroup(group []*acceptCall) {
	defer func() {
		for _, c := range group {
			close(c.done)
		}
	}()
	live := make([]*acceptCall, 0, len(group))
	var alone []*acceptCall
	for _, c := range group {
		switch c.err = c.ctx.Err(); {
		case c.err != nil:
		case namesReferrer(c.in):
			// A referral is recorded only with a wallet's first reward, which a group cannot
			// tell from an earlier request's of the same group: these run alone, after it.
			alone = append(alone, c)
		default:
			live = append(live, c)
		}
	}
	defer func() {
		for _, c := range alone {
			c.out, c.err = s.acceptOne(context.WithoutCancel(c.ctx), c.in)
		}
	}()
	if len(live) <= 1 {
		alone = append(live, alone...)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ins := make([]rewards.AcceptInput, len(live))
	for k, c := range live {
		ins[k] = c.in
	}
	results, err := s.acceptInTx(ctx, ins)
	if err != nil {
		alone = append(live, alone...)
		return
	}
	s.accepts.groups.Add(1)
	for k, c := range live {
		c.out, c.err = results[k].out, results[k].err
	}
}

// acceptInTx runs the requests ins of one issuer in one transaction, committed unless they are a
// dry run, taking the issuer's row last and, when it refuses the group's total, again taking it
// first (see above).
func (s *RewardsStore) acceptInTx(ctx context.Context, ins []rewards.AcceptInput) ([]acceptResult, error) {
	run := func(budgetFirst bool) ([]acceptResult, error) {
		var results []acceptResult
		err := s.db.inTx(ctx, "accept rewards", !ins[0].DryRun, func(tx *sqlx.Tx) error {
			var err error
			results, err = acceptTogether(ctx, tx, ins, budgetFirst)
			return err
		})
		return results, err
	}
	results, err := run(false)
	if errors.Is(err, errBudgetShort) {
		results, err = run(true)
	}
	return results, err
}

// acceptResult is one request's answer in a group: its output, or the refusal it got.
type acceptResult struct {
	out *rewards.AcceptOutput
	err error
}

// groupOrder is a priced request of a group on its way through the checks.
type groupOrder struct {
	k     int // the request's index in the group
	order *rewards.Order
}

// acceptTogether runs the requests ins of one issuer in tx, in order, each as if the ones before
// it had committed. With budgetFirst the issuer's row is locked before the checks and each request
// is checked against it; without, the checks leave the budget to the statement that spends it,
// which refuses the whole group with errBudgetShort (see above).
func acceptTogether(ctx context.Context, tx *sqlx.Tx, ins []rewards.AcceptInput, budgetFirst bool) ([]acceptResult, error) {
	results := make([]acceptResult, len(ins))
	claimed, err := claimIdempotencyKeys(ctx, tx, ins, results)
	if err != nil {
		return nil, err
	}
	communityID := ins[0].Issuer.CommunityID
	var items []rewards.Request
	for _, k := range claimed {
		items = append(items, ins[k].Items...)
	}
	if len(items) == 0 {
		return results, nil
	}
	min, err := lockMemberActivities(ctx, tx, communityID, items)
	if err != nil {
		return nil, err
	}
	priced, err := priceGroup(ctx, tx, ins, claimed, items, min, results)
	if err != nil {
		return nil, err
	}
	accepted, counters, total, err := checkGroupLimits(ctx, tx, ins, priced, budgetFirst, results)
	if err != nil {
		return nil, err
	}
	// The group spends before the referrals it qualifies are paid, which may spend the same
	// budget: with the row taken first, that order is kept; taken last, a referral paid first
	// leaves the group's total short only where the order above would refuse the referral, so the
	// group runs again that way.
	// Taken last, the row is spent by the statement that stores the answers.
	spendLast := total
	if budgetFirst {
		spendLast = nil
		err = spend(ctx, tx, ins[0].Issuer.ID, accepted, total)
	}
	if err == nil {
		err = writeGroup(ctx, tx, ins, accepted, counters)
	}
	if err == nil {
		err = answerGroup(ctx, tx, ins, accepted, results, spendLast)
	}
	if err != nil {
		return nil, err
	}
	return results, forgetRefused(ctx, tx, ins, claimed, results)
}

// spend adds the accepted orders' total to what the issuer spent, unless that passes its budget
// or its key is revoked: then it is errBudgetShort.
func spend(ctx context.Context, tx *sqlx.Tx, issuerID int64, accepted []groupOrder, total *big.Int) error {
	if len(accepted) == 0 {
		return nil
	}
	return storeAnswers(ctx, tx, issuerID, nil, nil, total)
}

// storeAnswers stores each key's answer (keys[k] answers bodies[k]) and, unless total is nil,
// spends total as spend does, in one statement. The answers are found by their keys: the index
// finds the group's few, where a join would read every key the issuer ever used.
func storeAnswers(ctx context.Context, tx *sqlx.Tx, issuerID int64, keys []string, bodies [][]byte, total *big.Int) error {
	amount := "0"
	if total != nil {
		amount = total.String()
	}
	var spent bool
	if err := tx.GetContext(ctx, &spent, `
		WITH answered AS (
			UPDATE idempotency_keys k SET status = 202, response = t.b FROM unnest($2::text[], $3::bytea[]) AS t(key, b)
			WHERE k.issuer_id = $1 AND k.key = ANY($2) AND k.key = t.key),
		spent AS (
			UPDATE issuers SET spent = spent + $4::numeric
			WHERE $5 AND id = $1 AND revoked_at IS NULL AND spent + $4::numeric <= budget RETURNING 1)
		SELECT NOT $5 OR EXISTS (SELECT FROM spent)`,
		issuerID, pq.Array(keys), pq.ByteaArray(bodies), amount, total != nil); err != nil {
		return err
	}
	if !spent {
		return errBudgetShort
	}
	return nil
}

// forgetRefused deletes the keys of the claimed requests that were refused: a refused request
// changes nothing, not even its key, which it may use again.
func forgetRefused(ctx context.Context, tx *sqlx.Tx, ins []rewards.AcceptInput, claimed []int, results []acceptResult) error {
	var refused []string
	for _, k := range claimed {
		if results[k].err != nil && !ins[k].DryRun {
			refused = append(refused, ins[k].IdempotencyKey)
		}
	}
	if len(refused) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE issuer_id = $1 AND key = ANY($2)`,
		ins[0].Issuer.ID, pq.Array(refused))
	return err
}

// claimIdempotencyKeys records each request's key and returns the indexes of the requests whose
// key was new (a dry run's, which has none, is always new); the others get their stored answer (a
// replay) or ECONFLICT (another request under that key) in results. A request whose key is
// revoked, or no longer the issuer's key (rotated), gets EUNAUTHORIZED and claims nothing, a
// replay included: the issuer may come from the API's cache of keys, so this statement, the
// group's first, is where a key's revocation takes effect.
func claimIdempotencyKeys(ctx context.Context, tx *sqlx.Tx, ins []rewards.AcceptInput, results []acceptResult) ([]int, error) {
	keys, hashes, keyHashes := make([]string, len(ins)), make([][]byte, len(ins)), make([][]byte, len(ins))
	for k, in := range ins {
		keys[k], hashes[k], keyHashes[k] = in.IdempotencyKey, in.RequestHash, in.KeyHash
	}
	// A dry run (a group of its own) has no key: it is answered, never stored. A request without a
	// KeyHash (pq sends a nil one as empty) is checked for revocation alone.
	var claims []struct {
		N     int  `db:"n"`
		Valid bool `db:"valid"`
		Fresh bool `db:"fresh"`
	}
	if err := tx.SelectContext(ctx, &claims, `
		WITH t AS (
			SELECT t.n, t.k, t.h, i.revoked_at IS NULL AND (coalesce(t.kh, '') = '' OR t.kh = i.key_hash) AS valid
			FROM unnest($2::text[], $3::bytea[], $4::bytea[]) WITH ORDINALITY AS t(k, h, kh, n) JOIN issuers i ON i.id = $1),
		claimed AS (
			INSERT INTO idempotency_keys (issuer_id, key, request_hash, status, response)
			SELECT $1, k, h, 0, '' FROM t WHERE valid AND NOT $5 ORDER BY n
			ON CONFLICT DO NOTHING RETURNING key)
		SELECT t.n - 1 AS n, t.valid, t.valid AND ($5 OR t.k IN (SELECT key FROM claimed)) AS fresh FROM t ORDER BY t.n`,
		ins[0].Issuer.ID, pq.Array(keys), pq.ByteaArray(hashes), pq.ByteaArray(keyHashes), ins[0].DryRun); err != nil {
		return nil, err
	}
	if len(claims) != len(ins) {
		return nil, fmt.Errorf("claim idempotency keys: %d of %d requests answered", len(claims), len(ins))
	}
	var claimed []int
	var known []string
	for _, c := range claims {
		switch {
		case !c.Valid:
			results[c.N].err = guildhall.Errorf(guildhall.EUNAUTHORIZED, "invalid or revoked issuer API key")
		case c.Fresh:
			claimed = append(claimed, c.N)
		default:
			known = append(known, keys[c.N])
		}
	}
	if len(known) == 0 {
		return claimed, nil
	}
	return claimed, answerKnownKeys(ctx, tx, ins, keys, known, results)
}

// answerKnownKeys answers each request whose key was claimed before: the stored answer when its
// body is the same (a replay), ECONFLICT when it is another.
func answerKnownKeys(ctx context.Context, tx *sqlx.Tx, ins []rewards.AcceptInput, keys, known []string, results []acceptResult) error {
	var prev []struct {
		Key      string `db:"key"`
		Hash     []byte `db:"request_hash"`
		Response []byte `db:"response"`
	}
	if err := tx.SelectContext(ctx, &prev, `SELECT key, request_hash, response FROM idempotency_keys WHERE issuer_id = $1 AND key = ANY($2)`,
		ins[0].Issuer.ID, pq.Array(known)); err != nil {
		return err
	}
	for _, p := range prev {
		k := slices.Index(keys, p.Key)
		if slices.Equal(p.Hash, ins[k].RequestHash) {
			results[k].out = &rewards.AcceptOutput{Body: p.Response, Replayed: true}
		} else {
			results[k].err = guildhall.Errorf(guildhall.ECONFLICT, "Idempotency-Key %q was used with another request body; use a new key for a new request", p.Key)
		}
	}
	return nil
}

// priceGroup prices the claimed requests with the community's current rules and checks the
// minimum reward min; a request refused here gets its error in results.
func priceGroup(ctx context.Context, tx *sqlx.Tx, ins []rewards.AcceptInput, claimed []int, items []rewards.Request, min *big.Int, results []acceptResult) ([]groupOrder, error) {
	rules, err := currentRules(ctx, tx, ins[0].Issuer.CommunityID, items)
	if err != nil {
		return nil, err
	}
	var priced []groupOrder
	for _, k := range claimed {
		order, err := rewards.PriceOrder(ins[k], rules)
		if err == nil {
			err = order.CheckMinimum(ins[k], min)
		}
		if err != nil {
			results[k].err = err
			continue
		}
		priced = append(priced, groupOrder{k: k, order: order})
	}
	return priced, nil
}

// capKey names one cap counter of the community.
type capKey struct {
	activity, wallet string
	rule             int64
	start            time.Time
}

func capKeyOf(c rewards.CapUse) capKey {
	return capKey{c.Activity, c.Wallet, c.Rule.ID, c.Start.UTC()}
}

// checkGroupLimits checks each priced order, in request order, against its caps and, with
// budgetFirst, the issuer's budget (its row locked now) as the orders accepted before it leave
// them. It returns the accepted orders, every counter they touch with its new value, and their
// total.
func checkGroupLimits(ctx context.Context, tx *sqlx.Tx, ins []rewards.AcceptInput, priced []groupOrder, budgetFirst bool, results []acceptResult) ([]groupOrder, map[capKey]*big.Int, *big.Int, error) {
	var uses []rewards.CapUse
	for _, p := range priced {
		uses = append(uses, p.order.Caps...)
	}
	counters, err := readCapUsage(ctx, tx, ins[0].Issuer.CommunityID, uses)
	if err != nil {
		return nil, nil, nil, err
	}
	issuer, err := limitingIssuer(ctx, tx, ins[0].Issuer, priced, budgetFirst)
	if err != nil {
		return nil, nil, nil, err
	}
	touched := map[capKey]*big.Int{}
	total := new(big.Int)
	var accepted []groupOrder
	for _, p := range priced {
		used := make([]*big.Int, len(p.order.Caps))
		for i, c := range p.order.Caps {
			used[i] = counters[capKeyOf(c)]
		}
		now := *issuer
		now.Spent = new(big.Int).Add(issuer.Spent, total)
		if err := p.order.CheckLimits(used, &now); err != nil {
			results[p.k].err = err
			continue
		}
		for _, c := range p.order.Caps {
			key := capKeyOf(c)
			counters[key] = new(big.Int).Add(counters[key], c.Amount)
			touched[key] = counters[key]
		}
		total.Add(total, p.order.Total)
		accepted = append(accepted, p)
	}
	return accepted, touched, total, nil
}

// limitingIssuer is the issuer the orders are checked against: with budgetFirst its row, locked;
// without, the issuer with a budget that holds every priced order, as spend checks the real one.
func limitingIssuer(ctx context.Context, tx *sqlx.Tx, iss *rewards.Issuer, priced []groupOrder, budgetFirst bool) (*rewards.Issuer, error) {
	if budgetFirst {
		return lockIssuer(ctx, tx, iss.ID)
	}
	open := *iss
	open.Revoked, open.Spent, open.Budget = false, new(big.Int), new(big.Int)
	for _, p := range priced {
		open.Budget.Add(open.Budget, p.order.Total)
	}
	return &open, nil
}

// readCapUsage returns what each counter of uses holds: the stored counter, or for one not there
// yet what the member earned for the activity since the period began, under any rule (as
// addCapUsage seeds it). The member activity locks are held: nobody else changes these counters.
func readCapUsage(ctx context.Context, tx *sqlx.Tx, communityID string, uses []rewards.CapUse) (map[capKey]*big.Int, error) {
	out := map[capKey]*big.Int{}
	if len(uses) == 0 {
		return out, nil
	}
	var acts, ws, starts []string
	var ruleIDs []int64
	for _, c := range uses {
		key := capKeyOf(c)
		if _, ok := out[key]; ok {
			continue
		}
		out[key] = nil
		acts, ws, ruleIDs, starts = append(acts, c.Activity), append(ws, c.Wallet), append(ruleIDs, c.Rule.ID), append(starts, key.start.Format(time.RFC3339Nano))
	}
	var rows []struct {
		Activity string    `db:"activity"`
		Wallet   string    `db:"wallet"`
		Rule     int64     `db:"rule_id"`
		Start    time.Time `db:"period_start"`
		Earned   string    `db:"earned"`
	}
	if err := tx.SelectContext(ctx, &rows, `
		SELECT t.a AS activity, t.w AS wallet, t.r AS rule_id, t.s AS period_start, coalesce(
			(SELECT x.earned FROM member_cap_usage x WHERE x.community_id = $1 AND x.activity = t.a
				AND x.wallet = t.w AND x.rule_id = t.r AND x.period_start = t.s),
			(SELECT coalesce(sum(amount), 0) FROM rewards WHERE community_id = $1 AND wallet = t.w
				AND activity = t.a AND created_at >= t.s AND status <> 'failed'))::text AS earned
		FROM unnest($2::text[], $3::text[], $4::bigint[], $5::timestamptz[]) AS t(a, w, r, s)`,
		communityID, pq.Array(acts), pq.Array(ws), pq.Array(ruleIDs), pq.Array(starts)); err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[capKey{r.Activity, r.Wallet, r.Rule, r.Start.UTC()}] = parseBig(r.Earned)
	}
	for _, v := range out {
		if v == nil {
			return nil, errors.New("read cap usage: a counter was not answered")
		}
	}
	return out, nil
}

// writeGroup writes what the accepted orders add: the members, the cap counters' new values, the
// ledger rows (one statement, in request order) and the referrals. Each request's answer and
// the issuer's spending are answerGroup's.
func writeGroup(ctx context.Context, tx *sqlx.Tx, ins []rewards.AcceptInput, accepted []groupOrder, counters map[capKey]*big.Int) error {
	if len(accepted) == 0 {
		return nil
	}
	iss := ins[0].Issuer
	var all []*rewards.Reward
	var times []*time.Time
	for _, p := range accepted {
		all = append(all, p.order.Rewards...)
		for range p.order.Rewards {
			var at *time.Time
			if now := ins[p.k].Now; !now.IsZero() {
				at = &now
			}
			times = append(times, at)
		}
	}
	// The cap counters name members: with counters, the members come first, in a statement of
	// their own; without, they come with the ledger rows.
	withCounters := len(counters) > 0
	if withCounters {
		if err := insertMembers(ctx, tx, iss.CommunityID, all); err != nil {
			return err
		}
	}
	if err := writeCapUsage(ctx, tx, iss.CommunityID, counters); err != nil {
		return err
	}
	referred, err := insertRewardRows(ctx, tx, iss, all, times, !withCounters)
	if err != nil {
		return err
	}
	// A request naming referrers is a group of its own, which records them (postgres/referrals.go);
	// the referrals these rewards qualify are paid now.
	switch {
	case len(ins) == 1:
		err = acceptReferrals(ctx, tx, ins[0], all, referred)
	case referred:
		err = payReferrals(ctx, tx, iss.CommunityID, all, ins[accepted[len(accepted)-1].k].Now)
	}
	return err
}

// answerGroup renders each accepted request's answer into results and, unless it is a dry run,
// stores it with the request's key, in the transaction that records its rewards: a replay answers
// byte for byte what the first request did, and can never find the rewards without their answer
// or the answer without its rewards. Unless spendTotal is nil, the same statement spends it (the
// issuer's row taken last).
func answerGroup(ctx context.Context, tx *sqlx.Tx, ins []rewards.AcceptInput, accepted []groupOrder, results []acceptResult, spendTotal *big.Int) error {
	if len(accepted) == 0 {
		return nil
	}
	keys, bodies := make([]string, len(accepted)), make([][]byte, len(accepted))
	for j, p := range accepted {
		out := &rewards.AcceptOutput{Rewards: p.order.Rewards, Body: []byte{}}
		if render := ins[p.k].Render; render != nil {
			body, err := render(p.order.Rewards)
			if err != nil {
				return err
			}
			if body != nil {
				out.Body = body
			}
		}
		results[p.k].out = out
		keys[j], bodies[j] = ins[p.k].IdempotencyKey, out.Body
	}
	if ins[0].DryRun {
		keys, bodies = nil, nil
	}
	return storeAnswers(ctx, tx, ins[0].Issuer.ID, keys, bodies, spendTotal)
}

// writeCapUsage stores the counters' new values, in (activity, wallet) order.
func writeCapUsage(ctx context.Context, tx *sqlx.Tx, communityID string, counters map[capKey]*big.Int) error {
	if len(counters) == 0 {
		return nil
	}
	keys := make([]capKey, 0, len(counters))
	for key := range counters {
		keys = append(keys, key)
	}
	slices.SortFunc(keys, func(a, b capKey) int {
		return cmp.Or(strings.Compare(a.activity, b.activity), strings.Compare(a.wallet, b.wallet))
	})
	acts, ws, ruleIDs, starts, earned := make([]string, len(keys)), make([]string, len(keys)), make([]int64, len(keys)), make([]string, len(keys)), make([]string, len(keys))
	for k, key := range keys {
		acts[k], ws[k], ruleIDs[k], starts[k], earned[k] = key.activity, key.wallet, key.rule, key.start.Format(time.RFC3339Nano), counters[key].String()
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO member_cap_usage AS u (community_id, activity, wallet, rule_id, period_start, earned)
		SELECT $1, a, w, r, s, e FROM unnest($2::text[], $3::text[], $4::bigint[], $5::timestamptz[], $6::numeric[])
			WITH ORDINALITY AS t(a, w, r, s, e, n) ORDER BY n
		ON CONFLICT (community_id, activity, wallet, rule_id, period_start) DO UPDATE SET earned = excluded.earned`,
		communityID, pq.Array(acts), pq.Array(ws), pq.Array(ruleIDs), pq.Array(starts), pq.Array(earned))
	return err
}

// namesReferrer reports whether an item of in names a referrer.
func namesReferrer(in rewards.AcceptInput) bool {
	return slices.ContainsFunc(in.Items, func(it rewards.Request) bool { return it.Referrer != "" })
}
