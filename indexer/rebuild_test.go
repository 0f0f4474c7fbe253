package indexer_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	_ "github.com/lib/pq"

	"github.com/guildhall/guildhall/health"
	"github.com/guildhall/guildhall/indexer"
	"github.com/guildhall/guildhall/postgres"
)

// rebuiltTables are the tables a reindex rebuilds for a community: every table the indexer
// writes a community's rows to, and the activity days derived from them.
var rebuiltTables = []string{
	"token_transfers", "token_delegate_votes", "token_delegate_changes", "token_reward_batches",
	"token_accounts", "token_supply", "proposals", "proposal_actions", "votes", "proposal_events",
	"timelock_events", "governance_setting_events", "governance_settings",
	"member_activity_days", "member_first_rewards", "index_progress",
}

// ledgerTables are the community's tables the chain cannot rebuild, which a reindex leaves alone.
var ledgerTables = []string{"issuers", "reward_rules", "members", "rewards"}

// rowQuery returns the query of table's rows of community $1 as JSON text. Left out:
// index_progress.generation (a reindex bumps it); proposals.state_checked_block, replaced by
// whether the state was read from the governor (the block a final state was read at is wherever
// a batch happened to end); and token_accounts rows with nothing (no balance, voting power nor
// delegate): a rewind leaves them behind for accounts whose only events it removed, no read shows
// them, and a rebuild never makes them.
func rowQuery(table string) string {
	row, where := "to_jsonb(x)", "x.community_id = $1"
	switch table {
	case "index_progress":
		row = "to_jsonb(x) - 'generation'"
	case "proposals":
		row = "(to_jsonb(x) - 'state_checked_block') || jsonb_build_object('state_read', x.state_checked_block IS NOT NULL)"
	case "token_accounts":
		where += " AND NOT (x.balance = 0 AND x.voting_power = 0 AND x.delegate IS NULL)"
	}
	return fmt.Sprintf("SELECT (%s)::text FROM %s x WHERE %s ORDER BY 1", row, table, where)
}

// rawDB is a plain connection to the harness's database.
func (h *harness) rawDB(t *testing.T) *sql.DB {
	t.Helper()
	raw, err := sql.Open("postgres", h.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// indexedRows returns every row of the community in every rebuilt table, and the live cursor and
// remembered blocks, which a reindex leaves as they are.
func (h *harness) indexedRows(t *testing.T, raw *sql.DB) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	queries := map[string]string{
		"index_cursor": "SELECT (to_jsonb(x) - 'updated_at')::text FROM index_cursor x",
		"index_blocks": "SELECT to_jsonb(x)::text FROM index_blocks x ORDER BY block_number",
	}
	for _, table := range append(slices.Clone(rebuiltTables), ledgerTables...) {
		queries[table] = rowQuery(table)
	}
	queries["idempotency_keys"] = "SELECT to_jsonb(x)::text FROM idempotency_keys x ORDER BY 1"
	for table, q := range queries {
		var args []any
		if strings.Contains(q, "$1") {
			args = append(args, h.community)
		}
		rows, err := raw.QueryContext(t.Context(), q, args...)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		out[table] = []string{}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out[table] = append(out[table], s)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// wantRows asserts that got holds exactly want's rows, table by table.
func wantRows(t *testing.T, what string, want, got map[string][]string) {
	t.Helper()
	for table, w := range want {
		g := got[table]
		for _, row := range w {
			if !slices.Contains(g, row) {
				t.Errorf("%s: %s lacks %s", what, table, row)
			}
		}
		for _, row := range g {
			if !slices.Contains(w, row) {
				t.Errorf("%s: %s has %s too", what, table, row)
			}
		}
	}
}

// reorgedHistory lays down activity indexed block by block through two reorgs: one that drops a
// transfer and a delegation for good, one that drops a vote and mines another in its place.
func reorgedHistory(t *testing.T, h *harness) (proposalID *big.Int) {
	t.Helper()
	pid := seedActivity(t, h)
	h.sync(t)
	ancestor := h.head(t)
	n1, n4 := h.nonce(t, 1), h.nonce(t, 4)
	h.sim.MustTransact(t, h.sim.Accounts[1], h.dep.Token, token.PackTransfer(h.sim.Address(6), tokens(1)))
	h.sync(t)
	h.sim.MustTransact(t, h.sim.Accounts[4], h.dep.Token, token.PackDelegate(h.sim.Address(1)))
	h.sync(t)
	h.forkAt(t, ancestor)
	h.sendWith(t, h.sim.Accounts[1], h.dep.Token, token.PackTransfer(h.sim.Address(7), tokens(2)), n1, 50)
	h.sendWith(t, h.sim.Accounts[4], h.dep.Token, token.PackDelegate(h.sim.Address(4)), n4, 50)
	h.commit()
	h.commit()
	h.sync(t)

	ancestor = h.head(t)
	n5 := h.nonce(t, 5)
	h.sim.MustTransact(t, h.sim.Accounts[5], h.dep.Governor, governor.PackCastVote(pid, 1))
	h.sync(t)
	h.forkAt(t, ancestor)
	h.sendWith(t, h.sim.Accounts[5], h.dep.Governor, governor.PackCastVoteWithReason(pid, 0, "on second thought"), n5, 50)
	h.commit()
	h.mint(t, 2, []int{6}, []int64{3})
	h.sync(t)

	// The proposal passes, is queued and executed: governor and timelock lifecycle events.
	p := &plan{id: pid, targets: []common.Address{h.dep.Token}, values: []*big.Int{new(big.Int)},
		calldatas: [][]byte{token.PackMint(h.sim.Address(6), tokens(5))}, description: "Grant 5 to six\n\nBecause."}
	h.sim.Advance(t, testSettings.VotingPeriod+time.Second)
	h.sim.MustTransact(t, h.sim.Accounts[2], h.dep.Governor, governor.PackQueue(p.targets, p.values, p.calldatas, p.descriptionHash()))
	h.sync(t)
	h.sim.Advance(t, testSettings.TimelockDelay+time.Second)
	h.sim.MustTransact(t, h.sim.Accounts[2], h.dep.Governor, governor.PackExecute(p.targets, p.values, p.calldatas, p.descriptionHash()))
	h.sync(t)
	h.wantState(t, p, "executed")
	h.checkEqualsChain(t)
	return pid
}

// ledger records rewards to accounts 1 (active on chain) and 6 through an issuer and a rule, with
// an idempotency key: the activity days get reward counts the chain knows nothing of.
func (h *harness) ledger(t *testing.T, raw *sql.DB) {
	t.Helper()
	c, a1, a6 := h.community, h.sim.Address(1).Hex(), h.sim.Address(6).Hex()
	for _, stmt := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO issuers (community_id, name, key_prefix, key_hash, budget) VALUES ($1, 'till', 'gh_till', sha256('k'), 1000)`, []any{c}},
		{`INSERT INTO reward_rules (community_id, activity, amount) VALUES ($1, 'visit', 5)`, []any{c}},
		{`INSERT INTO members (community_id, wallet) VALUES ($1, $2), ($1, $3)`, []any{c, a1, a6}},
		{`INSERT INTO rewards (community_id, issuer_id, rule_id, activity, wallet, amount, created_at)
		  SELECT $1, (SELECT id FROM issuers WHERE community_id = $1), (SELECT id FROM reward_rules WHERE community_id = $1), 'visit', w, 5, at
		  FROM (VALUES ($2, now() - interval '3 days'), ($3, now())) v (w, at)`, []any{c, a1, a6}},
		{`INSERT INTO idempotency_keys (issuer_id, key, request_hash, status, response)
		  SELECT id, 'k1', sha256('r'), 202, '{}' FROM issuers WHERE community_id = $1`, []any{c}},
	} {
		if _, err := raw.ExecContext(t.Context(), stmt.sql, stmt.args...); err != nil {
			t.Fatalf("ledger: %v", err)
		}
	}
}

// corrupt makes the community's index drift from the chain the way a bug would: a wrong
// balance, supply, tally and setting, a lost vote, an event the chain never had (at a position no
// log of its block has), activity counted twice.
func (h *harness) corrupt(t *testing.T, raw *sql.DB) {
	t.Helper()
	c, a1, a4 := h.community, h.sim.Address(1).Hex(), h.sim.Address(4).Hex()
	for _, stmt := range []struct {
		sql  string
		args []any
	}{
		{`UPDATE token_accounts SET balance = 0 WHERE community_id = $1 AND address = $2`, []any{c, a1}},
		{`UPDATE token_supply SET total_supply = total_supply + 5 WHERE community_id = $1`, []any{c}},
		{`UPDATE proposals SET for_votes = 0 WHERE community_id = $1`, []any{c}},
		{`UPDATE governance_settings SET value = 99 WHERE community_id = $1 AND setting = 'voting_delay'`, []any{c}},
		{`DELETE FROM votes WHERE community_id = $1 AND voter = $2`, []any{c, a4}},
		{`INSERT INTO token_transfers (community_id, block_number, block_hash, block_time, tx_hash, log_index, from_address, to_address, value)
		  SELECT $1, block_number, '0x' || repeat('ab', 32), block_time, '0x' || repeat('cd', 32), 10000, $2, $3, 1
		  FROM token_transfers WHERE community_id = $1 ORDER BY block_number DESC LIMIT 1`, []any{c, a1, a4}},
		{`UPDATE member_activity_days SET transfer_count = transfer_count + 3 WHERE community_id = $1 AND account = $2`, []any{c, a1}},
		{`UPDATE token_delegate_votes SET new_votes = new_votes + 1000 WHERE community_id = $1 AND delegate = $2`, []any{c, a1}},
	} {
		if _, err := raw.ExecContext(t.Context(), stmt.sql, stmt.args...); err != nil {
			t.Fatalf("corrupt: %v", err)
		}
	}
}

// observed is a live index that runs duringSwap while a swap holds the live cursor, once the
// rebuilt index is at it.
type observed struct {
	indexer.Live
	duringSwap func(ctx context.Context, cursor indexer.BlockRef) error
}

func (o observed) Swap(ctx context.Context, ready func(context.Context, indexer.BlockRef) (bool, error)) (bool, error) {
	return o.Live.Swap(ctx, func(ctx context.Context, cursor indexer.BlockRef) (bool, error) {
		ok, err := ready(ctx, cursor)
		if ok && err == nil && o.duringSwap != nil {
			err = o.duringSwap(ctx, cursor)
		}
		return ok && err == nil, err
	})
}

// reindex rebuilds the harness's community as guildhall reindex does, with live wrapped by wrap
// (nil: as it is); it returns the reindex (closed) and Rebuild's error. The shadow is dropped
// after a swap.
func (h *harness) reindex(ctx context.Context, t *testing.T, wrap func(indexer.Live) indexer.Live) (*postgres.Reindex, error) {
	t.Helper()
	r, err := h.db.StartReindex(ctx, h.community, false, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var live indexer.Live = r
	if wrap != nil {
		live = wrap(r)
	}
	err = indexer.Rebuild(ctx, h.sim.Client, r.Shadow(), live, indexer.Config{FinalityDepth: finality, PollInterval: 10 * time.Millisecond})
	if err == nil {
		if err := r.Drop(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return r, err
}

func shadowExists(t *testing.T, raw *sql.DB, community string) bool {
	t.Helper()
	var ok bool
	if err := raw.QueryRowContext(t.Context(), `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)`,
		postgres.ReindexSchema(community)).Scan(&ok); err != nil {
		t.Fatal(err)
	}
	return ok
}

func generation(t *testing.T, raw *sql.DB, community string) int64 {
	t.Helper()
	var g int64
	if err := raw.QueryRowContext(t.Context(), `SELECT generation FROM index_progress WHERE community_id = $1`, community).Scan(&g); err != nil {
		t.Fatal(err)
	}
	return g
}

// After a history with reorgs indexed block by block, and drift the chain never had, a reindex
// leaves every indexed and derived row of the community as the incremental index had it before
// the drift, equal to the chain; the figures cached at that block are not served any more.
func TestReindexRebuildsTheIncrementalIndex(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 8, indexer.Config{FinalityDepth: finality})
	raw := h.rawDB(t)
	pid := reorgedHistory(t, h)
	h.ledger(t, raw)
	want := h.indexedRows(t, raw)
	for table, rows := range want {
		if len(rows) == 0 {
			t.Errorf("the history left %s empty: the comparison would prove nothing there", table)
		}
	}
	scope := health.Scope{Community: h.community, Operator: h.sim.Address(0).Hex()}
	before, err := postgres.NewHealthStore(h.db).Overview(t.Context(), scope)
	if err != nil {
		t.Fatal(err)
	}
	tallyBefore, err := postgres.NewIndexReader(h.db).IndexedTally(t.Context(), h.community, pid)
	if err != nil {
		t.Fatal(err)
	}
	h.corrupt(t, raw)
	if slices.Equal(h.indexedRows(t, raw)["token_accounts"], want["token_accounts"]) {
		t.Fatal("the drift changed no account")
	}
	healthStore := postgres.NewHealthStore(h.db) // a serving process's store, with its caches
	drifted, err := healthStore.Overview(t.Context(), scope)
	if err != nil {
		t.Fatal(err)
	}
	if drifted.Holders != before.Holders-1 {
		t.Fatalf("holders %d with the drift, %d before: the cache check below would prove nothing", drifted.Holders, before.Holders)
	}
	tallies := postgres.NewIndexReader(h.db) // a serving process's reader, with its cache of delegated supply
	tallyDrifted, err := tallies.IndexedTally(t.Context(), h.community, pid)
	if err != nil {
		t.Fatal(err)
	}
	if tallyDrifted.DelegatedSupply.Cmp(tallyBefore.DelegatedSupply) == 0 {
		t.Fatalf("delegated supply %s with the drift as before: the cache check below would prove nothing", tallyDrifted.DelegatedSupply)
	}

	// The health rollups drift too: a reindex rebuilds them with the activity days they sum.
	if _, err := raw.ExecContext(t.Context(), `UPDATE health_periods SET active = active + 1 WHERE community_id = $1`, h.community); err != nil {
		t.Fatal(err)
	}
	if rollupDrift(t, raw, h.community) == 0 {
		t.Fatal("the rollups' drift shows no difference: the check after the reindex would prove nothing")
	}
	start := time.Now()
	r, err := h.reindex(t.Context(), t, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("reindexed in %s, the swap held the live cursor %s: %+v", time.Since(start).Round(time.Millisecond), r.Held, r.Changes)
	wantRows(t, "after the reindex", want, h.indexedRows(t, raw))
	h.checkEqualsChain(t)
	if n := rollupDrift(t, raw, h.community); n != 0 {
		t.Errorf("%d rows of the health rollups differ from their recomputation from the rebuilt activity days", n)
	}
	if g := generation(t, raw, h.community); g != 1 {
		t.Errorf("generation %d after one reindex, want 1", g)
	}
	if shadowExists(t, raw, h.community) {
		t.Error("the shadow schema is still there after the swap")
	}
	// The same store (process) as before: the holders figure cached from the drifted rows at the
	// same as_of block must not come back.
	fixed, err := healthStore.Overview(t.Context(), scope)
	if err != nil {
		t.Fatal(err)
	}
	if fixed.AsOf != drifted.AsOf {
		t.Fatalf("as_of moved from %+v to %+v: the cache check would prove nothing", drifted.AsOf, fixed.AsOf)
	}
	if fixed.Holders != before.Holders {
		t.Errorf("holders %d after the reindex at the same block, %d before the drift: a figure cached from the replaced rows", fixed.Holders, before.Holders)
	}
	if tally, err := tallies.IndexedTally(t.Context(), h.community, pid); err != nil || tally.DelegatedSupply.Cmp(tallyBefore.DelegatedSupply) != 0 {
		t.Errorf("delegated supply %v (%v) after the reindex at the same block, %s before the drift: cached from the replaced rows",
			tally, err, tallyBefore.DelegatedSupply)
	}
}

// A reindex runs while the live indexer goes on indexing new blocks and reads keep being served:
// reads answer all along, from the old rows until the swap commits (also while it holds the live
// cursor); the live indexer goes on over the new rows; the index ends equal to the chain.
func TestReindexWhileTheLiveIndexAdvances(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 8, indexer.Config{FinalityDepth: finality, PollInterval: 10 * time.Millisecond})
	raw := h.rawDB(t)
	seedActivity(t, h)
	h.sync(t)
	h.corrupt(t, raw) // account 1's balance reads 0 until the swap
	a1 := h.sim.Address(1)

	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	wg.Add(3)
	go func() { // the live indexer
		defer wg.Done()
		if err := h.ix.Run(ctx); err != nil {
			t.Errorf("live indexer: %v", err)
		}
	}()
	go func() { // new blocks with transfers
		defer wg.Done()
		for ctx.Err() == nil {
			h.trySend(t, h.sim.Accounts[2], h.dep.Token, token.PackTransfer(h.sim.Address(7), big.NewInt(1)))
			h.commit()
			time.Sleep(20 * time.Millisecond)
		}
	}()
	var reads, failed atomic.Int64
	go func() { // a reader
		defer wg.Done()
		for ctx.Err() == nil {
			if _, err := h.reads.CommunityIndex(ctx, h.community); err != nil && ctx.Err() == nil {
				failed.Add(1)
				t.Errorf("read during the reindex: %v", err)
			}
			reads.Add(1)
		}
	}()
	time.Sleep(200 * time.Millisecond) // the live cursor moves on before the rebuild starts
	started, err := postgres.NewIndexWriter(h.db).IndexCursor(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var swapRead *indexer.AccountView
	var swappedAt uint64
	r, err := h.reindex(t.Context(), t, func(l indexer.Live) indexer.Live {
		return observed{Live: l, duringSwap: func(_ context.Context, cursor indexer.BlockRef) error {
			swappedAt = cursor.Number
			readCtx, stop := context.WithTimeout(t.Context(), 5*time.Second)
			defer stop()
			var err error
			swapRead, err = h.reads.Account(readCtx, h.community, a1)
			return err
		}}
	})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // the live indexer goes on past the swap
	cancel()
	wg.Wait()
	t.Logf("%d reads during the reindex; swap: %+v", reads.Load(), r.Changes)
	if swappedAt <= started.Number {
		t.Errorf("swapped at block %d, the live cursor was at %d when the reindex started: the live index did not advance meanwhile",
			swappedAt, started.Number)
	}
	if swapRead == nil || swapRead.Balance.Sign() != 0 {
		t.Errorf("a read while the swap held the live cursor answered %+v, want the old rows (balance 0)", swapRead)
	}
	if reads.Load() == 0 || failed.Load() > 0 {
		t.Errorf("%d reads, %d failed", reads.Load(), failed.Load())
	}
	h.sync(t)
	h.checkEqualsChain(t)
}

// An interrupted reindex changes no live row: neither a cancel while the swap holds the live
// cursor, nor a failure halfway through the swap's writes (the transaction rolls back whole).
// The shadow stays, and the next reindex resumes it and swaps.
func TestInterruptedReindexChangesNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 8, indexer.Config{FinalityDepth: finality})
	raw := h.rawDB(t)
	seedActivity(t, h)
	h.sync(t)
	want := h.indexedRows(t, raw)
	h.corrupt(t, raw)
	drifted := h.indexedRows(t, raw)

	ctx, cancel := context.WithCancel(t.Context())
	_, err := h.reindex(ctx, t, func(l indexer.Live) indexer.Live {
		return observed{Live: l, duringSwap: func(context.Context, indexer.BlockRef) error { cancel(); return context.Canceled }}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled reindex returned %v", err)
	}
	wantRows(t, "after a cancelled reindex", drifted, h.indexedRows(t, raw))

	// token_supply comes after token_transfers, token_accounts and the others in the swap.
	if _, err := raw.ExecContext(t.Context(), `
		CREATE FUNCTION fail_swap() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the server went away'; END $$;
		CREATE TRIGGER fail_swap BEFORE UPDATE ON token_supply FOR EACH ROW EXECUTE FUNCTION fail_swap()`); err != nil {
		t.Fatal(err)
	}
	if _, err := h.reindex(t.Context(), t, nil); err == nil || !strings.Contains(err.Error(), "the server went away") {
		t.Fatalf("a reindex whose swap fails returned %v", err)
	}
	wantRows(t, "after a swap that failed halfway", drifted, h.indexedRows(t, raw))
	if g := generation(t, raw, h.community); g != 0 {
		t.Errorf("generation %d after failed reindexes", g)
	}
	if !shadowExists(t, raw, h.community) {
		t.Fatal("the shadow is gone after a failed reindex: nothing to resume")
	}

	if _, err := raw.ExecContext(t.Context(), `DROP TRIGGER fail_swap ON token_supply`); err != nil {
		t.Fatal(err)
	}
	r, err := h.reindex(t.Context(), t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Resumed {
		t.Error("the reindex did not resume the shadow the interrupted ones left")
	}
	wantRows(t, "after the resumed reindex", want, h.indexedRows(t, raw))
	h.checkEqualsChain(t)
}

// reorgBeforeSwap is a live index whose chain reorgs between the rebuild catching up with it and
// the swap: before the first swap the chain forks below the live cursor, drops a transfer the
// rebuilt index already holds, and the live index follows the new branch.
type reorgBeforeSwap struct {
	indexer.Live
	before func()
	done   bool
}

func (l *reorgBeforeSwap) Swap(ctx context.Context, ready func(context.Context, indexer.BlockRef) (bool, error)) (bool, error) {
	if !l.done {
		l.done = true
		l.before()
	}
	return l.Live.Swap(ctx, ready)
}

// A reorg during the reindex (after the rebuilt index caught up, before the swap) is the rebuilt
// index's to follow, as the live index does: the swap happens on the new branch, without the
// dropped transfer, and the rows equal the live index's.
func TestReindexFollowsAReorgBeforeTheSwap(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 8, indexer.Config{FinalityDepth: finality})
	raw := h.rawDB(t)
	seedActivity(t, h)
	h.sync(t)
	ancestor, n1 := h.head(t), h.nonce(t, 1)
	dropped := h.sim.MustTransact(t, h.sim.Accounts[1], h.dep.Token, token.PackTransfer(h.sim.Address(6), tokens(1))).TxHash
	h.sync(t)
	var want map[string][]string
	var afterFork uint64
	_, err := h.reindex(t.Context(), t, func(l indexer.Live) indexer.Live {
		return &reorgBeforeSwap{Live: l, before: func() {
			h.forkAt(t, ancestor)
			h.replace(t, h.sim.Accounts[1], h.dep.Token, token.PackTransfer(h.sim.Address(7), tokens(2)), n1)
			h.commit()
			h.sync(t)
			want, afterFork = h.indexedRows(t, raw), h.headNumber(t)
		}}
	})
	if err != nil {
		t.Fatal(err)
	}
	if want == nil {
		t.Fatal("the chain never forked: the rebuild swapped without calling Swap")
	}
	wantRows(t, "after a reorg during the reindex", want, h.indexedRows(t, raw))
	h.checkEqualsChain(t)
	h.wantDropped(t, dropped)
	cur, err := postgres.NewIndexWriter(h.db).IndexCursor(t.Context())
	if err != nil || cur.Number != afterFork {
		t.Errorf("live cursor %+v (%v), want block %d of the new branch", cur, err, afterFork)
	}
}

// rollupDrift counts the rows of community's health rollups (migration 0019), with the journal not
// yet folded into them, that differ from their recomputation from its member activity days.
func rollupDrift(t *testing.T, raw *sql.DB, community string) int {
	t.Helper()
	var n int
	if err := raw.QueryRowContext(t.Context(), `
		WITH kept AS (
			SELECT grain, NULL::date AS cohort, period, active, reward, chain, "both", "returning", new_members, last_members,
			       rewards, rewards_amount FROM health_periods WHERE community_id = $1
			UNION ALL SELECT grain, cohort, period, active, reward, chain, 0, 0, 0, 0, 0, 0 FROM health_retention WHERE community_id = $1
			UNION ALL SELECT grain, cohort, period, active, reward, chain, "both", "returning", new_members, last_members,
			       rewards, rewards_amount FROM health_journal WHERE community_id = $1),
		k AS (SELECT grain, cohort, period, sum(active) AS active, sum(reward) AS reward, sum(chain) AS chain, sum("both") AS "both",
		             sum("returning") AS "returning", sum(new_members) AS new_members, sum(last_members) AS last_members,
		             sum(rewards) AS rewards, sum(rewards_amount) AS rewards_amount
		      FROM kept GROUP BY 1, 2, 3
		      HAVING (sum(active), sum(reward), sum(chain), sum("both"), sum("returning"), sum(new_members), sum(last_members),
		              sum(rewards), sum(rewards_amount)) <> (0, 0, 0, 0, 0, 0, 0, 0, 0)),
		w AS (SELECT grain, cohort, period, sum(active) AS active, sum(reward) AS reward, sum(chain) AS chain, sum("both") AS "both",
		             sum("returning") AS "returning", sum(new_members) AS new_members, sum(last_members) AS last_members,
		             sum(rewards) AS rewards, sum(rewards_amount) AS rewards_amount
		      FROM health_rollup_fill() WHERE community_id = $1 GROUP BY 1, 2, 3)
		SELECT (SELECT count(*) FROM (SELECT * FROM k EXCEPT SELECT * FROM w) a) + (SELECT count(*) FROM (SELECT * FROM w EXCEPT SELECT * FROM k) b)`,
		community).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
