package indexer_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/indexer"
	"github.com/guildhall/guildhall/internal/testlog"
	"github.com/guildhall/guildhall/internal/testseeds"
	"github.com/guildhall/guildhall/postgres"
)

const finality = 8

// activity mints to members, moves tokens, delegates, and runs a proposal to a vote.
func seedActivity(t *testing.T, h *harness) (proposalID *big.Int) {
	t.Helper()
	h.mint(t, 1, []int{1, 2, 3, 4}, []int64{100, 50, 25, 10})
	h.sim.MustTransact(t, h.sim.Accounts[1], h.dep.Token, token.PackTransfer(h.sim.Address(5), tokens(7)))
	h.sim.MustTransact(t, h.sim.Accounts[2], h.dep.Token, token.PackDelegate(h.sim.Address(3)))
	h.sim.Advance(t, time.Second)
	targets := []common.Address{h.dep.Token}
	values := []*big.Int{new(big.Int)}
	calldatas := [][]byte{token.PackMint(h.sim.Address(6), tokens(5))}
	rcpt := h.sim.MustTransact(t, h.sim.Accounts[1], h.dep.Governor, governor.PackPropose(targets, values, calldatas, "Grant 5 to six\n\nBecause."))
	for _, l := range rcpt.Logs {
		if ev, err := governor.UnpackProposalCreatedEvent(l); err == nil {
			proposalID = ev.ProposalId
		}
	}
	h.sim.Advance(t, testSettings.VotingDelay+time.Second)
	h.sim.MustTransact(t, h.sim.Accounts[1], h.dep.Governor, governor.PackCastVote(proposalID, 1))
	h.sim.MustTransact(t, h.sim.Accounts[3], h.dep.Governor, governor.PackCastVoteWithReason(proposalID, 0, "too much"))
	h.sim.MustTransact(t, h.sim.Accounts[4], h.dep.Governor, governor.PackCastVote(proposalID, 2))
	return proposalID
}

func TestIndexesEveryEventAndDerivedState(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 8, indexer.Config{FinalityDepth: finality})
	pid := seedActivity(t, h)
	h.sync(t)
	h.checkEqualsChain(t)

	p, err := h.reads.Proposal(t.Context(), h.community, pid)
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != "Grant 5 to six" || p.State != "active" || len(p.Actions) != 1 || p.Tally.Voters() != 3 {
		t.Errorf("proposal = %+v", p)
	}
	votes, err := h.reads.Votes(t.Context(), h.community, pid, guildhall.Page[guildhall.ChainPosition]{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(votes.Items) != 2 || votes.Next == "" || votes.Items[0].Support != 2 {
		t.Errorf("votes page = %+v", votes)
	}
	after, _ := guildhall.ParseChainPosition(votes.Next)
	rest, err := h.reads.Votes(t.Context(), h.community, pid, guildhall.Page[guildhall.ChainPosition]{After: &after, Limit: 2})
	if err != nil || len(rest.Items) != 1 || rest.Items[0].Support != 1 || votes.Items[1].Reason != "too much" || rest.Next != "" || rest.Items[0].Params != nil {
		t.Errorf("second votes page = %+v, %v", rest, err)
	}
	tr, err := h.reads.Transfers(t.Context(), h.community, h.sim.Address(1), guildhall.Page[guildhall.ChainPosition]{Limit: 10})
	if err != nil || len(tr.Items) != 2 || tr.Items[0].To != h.sim.Address(5).Hex() || tr.Items[0].BlockTime == 0 {
		t.Errorf("transfers = %+v, %v", tr, err)
	}
	acct, err := h.reads.Account(t.Context(), h.community, h.sim.Address(1))
	if err != nil || acct.RewardsReceived.Cmp(tokens(100)) != 0 {
		t.Errorf("account = %+v, %v", acct, err)
	}
}

func TestCommunityCreatedLaterIsCaughtUp(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 8, indexer.Config{FinalityDepth: finality, InitialRange: 3})
	h.mint(t, 1, []int{1}, []int64{10})
	second := h.sim.Deploy(t, testSettings)
	h.sync(t)
	// The second community exists on chain with activity the indexer has passed.
	h.sim.MustTransact(t, h.sim.Accounts[0], second.Token, token.PackMintBatch(common.Hash{9}, []common.Address{h.sim.Address(2)}, []*big.Int{tokens(3)}))
	for range 10 {
		h.sim.Advance(t, time.Second)
	}
	h.sync(t)
	h.addCommunity(t, "second", second)
	h.sim.MustTransact(t, h.sim.Accounts[0], second.Token, token.PackMintBatch(common.Hash{10}, []common.Address{h.sim.Address(3)}, []*big.Int{tokens(4)}))
	h.sync(t)
	view, err := h.reads.CommunityIndex(t.Context(), "second")
	if err != nil {
		t.Fatal(err)
	}
	if view.TotalSupply.Cmp(tokens(7)) != 0 || view.Holders != 2 {
		t.Errorf("second community: supply %s holders %d, want 7 tokens and 2", view.TotalSupply, view.Holders)
	}
	h.checkEqualsChain(t)
}

// Reorgs of every depth up to the finality depth while indexing, each dropping transfers,
// delegations and votes for good: on the new branch other transactions take their senders'
// nonces first.
func TestReorgsWithinFinalityAreUndone(t *testing.T) {
	t.Parallel()
	for depth := 1; depth <= finality; depth++ {
		h := newHarness(t, 8, indexer.Config{FinalityDepth: finality})
		pid := seedActivity(t, h)
		h.sync(t)
		ancestor := h.head(t)
		// Blocks that the reorg will replace: transfers, a delegation and a vote.
		type sent struct {
			account int
			nonce   uint64
			tx      common.Hash
		}
		var dropped []sent
		for i := 0; i < depth; i++ {
			var s sent
			switch i % 3 {
			case 0:
				s.account, s.nonce = 1, h.nonce(t, 1)
				s.tx = h.sim.MustTransact(t, h.sim.Accounts[1], h.dep.Token, token.PackTransfer(h.sim.Address(6), tokens(1))).TxHash
			case 1:
				s.account, s.nonce = 4, h.nonce(t, 4)
				s.tx = h.sim.MustTransact(t, h.sim.Accounts[4], h.dep.Token, token.PackDelegate(h.sim.Address(1))).TxHash
			case 2:
				s.account = 5 + i/3
				s.nonce = h.nonce(t, s.account)
				s.tx = h.sim.MustTransact(t, h.sim.Accounts[s.account], h.dep.Governor, governor.PackCastVote(pid, 1)).TxHash
			}
			dropped = append(dropped, s)
		}
		h.sync(t)
		h.checkEqualsChain(t)
		before := h.eventCounts(t)

		h.forkAt(t, ancestor)
		// The new branch: a conflicting transaction for each dropped one, first.
		for _, s := range dropped {
			key := h.sim.Accounts[s.account]
			switch s.account {
			case 1:
				h.sendWith(t, key, h.dep.Token, token.PackTransfer(h.sim.Address(7), tokens(2)), s.nonce, 50)
			case 4:
				h.sendWith(t, key, h.dep.Token, token.PackDelegate(h.sim.Address(4)), s.nonce, 50)
			default:
				h.sendWith(t, key, h.dep.Governor, governor.PackCastVote(pid, 0), s.nonce, 50)
			}
		}
		for range depth {
			h.commit()
		}
		h.sync(t)
		h.checkEqualsChain(t)
		for _, s := range dropped {
			h.wantDropped(t, s.tx)
		}
		t.Logf("depth %d: events before %s, after %s", depth, before, h.eventCounts(t))
	}
}

func TestReorgDeeperThanFinalityStops(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	logs := &testlog.Buffer{}
	h := newHarness(t, 4, indexer.Config{FinalityDepth: 3, Metrics: indexer.NewMetrics(reg),
		Logger: slog.New(slog.NewTextHandler(logs, nil))})
	h.mint(t, 1, []int{1}, []int64{10})
	ancestor := h.head(t)
	for range 5 {
		h.sim.MustTransact(t, h.sim.Accounts[1], h.dep.Token, token.PackTransfer(h.sim.Address(2), tokens(1)))
	}
	h.sync(t)
	before := h.eventCounts(t)
	if err := h.sim.Backend.Fork(ancestor); err != nil {
		t.Fatal(err)
	}
	for range 7 {
		h.commit()
	}
	var err error
	for range 5 {
		if _, err = h.ix.Step(t.Context()); err != nil {
			break
		}
	}
	if !errors.Is(err, indexer.ErrDeepReorg) {
		t.Fatalf("step after a 5-block reorg with finality 3: %v, want ErrDeepReorg", err)
	}
	if after := h.eventCounts(t); after != before {
		t.Errorf("events changed by a refused reorg: %s -> %s", before, after)
	}
	if n := metricValue(t, reg, "guildhall_indexer_deep_reorgs_total"); n != 1 {
		t.Errorf("deep_reorgs_total = %v, want 1", n)
	}
	// Run stops on it (it does not retry), with the metric an alert watches.
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	if err := h.ix.Run(ctx); !errors.Is(err, indexer.ErrDeepReorg) {
		t.Fatalf("Run after a deep reorg: %v, want ErrDeepReorg", err)
	}
	if n := metricValue(t, reg, "guildhall_indexer_stopped"); n != 1 {
		t.Errorf("stopped = %v, want 1", n)
	}
	if n := metricValue(t, reg, "guildhall_indexer_deep_reorgs_total"); n != 2 {
		t.Errorf("deep_reorgs_total = %v after Run, want 2", n)
	}
	if !strings.Contains(logs.String(), "indexer stopped") || !strings.Contains(logs.String(), "reorg deeper than the finality depth") {
		t.Errorf("no clear error in the log:\n%s", logs)
	}
	if after := h.eventCounts(t); after != before {
		t.Errorf("events changed by a refused reorg: %s -> %s", before, after)
	}
}

// A backfill, and the catch-up of a community created later, count what they index and report
// their progress (blocks/s, events/s, head lag, ETA) in the log and the metrics.
func TestBackfillAndCatchUpReportProgress(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	logs := &testlog.Buffer{}
	h := newHarness(t, 8, indexer.Config{FinalityDepth: finality, InitialRange: 2, MaxRange: 2, ProgressEvery: time.Nanosecond,
		Metrics: indexer.NewMetrics(reg), Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	second := h.sim.Deploy(t, testSettings)
	h.sim.MustTransact(t, h.sim.Accounts[0], second.Token, token.PackMintBatch(common.Hash{9}, []common.Address{h.sim.Address(2)}, []*big.Int{tokens(3)}))
	seedActivity(t, h)
	for range 3 * finality {
		h.commit()
	}
	h.sync(t)
	cursor, err := postgres.NewIndexWriter(h.db).IndexCursor(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	stored := func() float64 {
		c, err := h.reads.EventCounts(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		for _, v := range c {
			n += v
		}
		return float64(n)
	}
	if got, want := metricValue(t, reg, "guildhall_indexer_events_total"), stored(); got != want || want == 0 {
		t.Errorf("events_total = %v after the backfill, %v stored", got, want)
	}
	if got, want := metricValue(t, reg, "guildhall_indexer_blocks_total"), float64(cursor.Number-(h.dep.Block-1)); got != want {
		t.Errorf("blocks_total = %v after the backfill, want %v", got, want)
	}
	if metricValue(t, reg, "guildhall_indexer_backfill_blocks_per_second") <= 0 || metricValue(t, reg, "guildhall_indexer_backfill_events_per_second") < 0 {
		t.Error("no backfill speed exported")
	}
	progressLines := func() []map[string]any {
		var out []map[string]any
		for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
			var m map[string]any
			if err := json.Unmarshal([]byte(line), &m); err == nil && m["msg"] == "backfill progress" {
				out = append(out, m)
			}
		}
		return out
	}
	lines := progressLines()
	if len(lines) == 0 {
		t.Fatalf("no progress line in the log:\n%s", logs)
	}
	for _, key := range []string{"blocks_per_s", "events_per_s", "head_lag", "eta", "block", "head"} {
		if _, ok := lines[0][key]; !ok {
			t.Errorf("progress line without %s: %v", key, lines[0])
		}
	}
	if lag := lines[0]["head_lag"].(float64); lag <= finality {
		t.Errorf("first progress line's head lag %v: the backfill started more than %d blocks behind", lag, finality)
	}

	// A community created later is caught up from its deployment, counted and reported the same way.
	before, beforeBlocks, beforeLines := metricValue(t, reg, "guildhall_indexer_events_total"), metricValue(t, reg, "guildhall_indexer_blocks_total"), len(lines)
	h.addCommunity(t, "second", second)
	h.sync(t)
	if got, want := metricValue(t, reg, "guildhall_indexer_events_total"), stored(); got != want || got <= before {
		t.Errorf("events_total = %v after the catch-up (%v before), %v stored", got, before, want)
	}
	if got, want := metricValue(t, reg, "guildhall_indexer_blocks_total")-beforeBlocks, float64(cursor.Number-second.Block+1); got != want {
		t.Errorf("catch-up counted %v blocks, want %v", got, want)
	}
	if len(progressLines()) <= beforeLines {
		t.Errorf("the catch-up reported no progress:\n%s", logs)
	}
	if !strings.Contains(logs.String(), "communities caught up with the cursor") {
		t.Error("no line saying the community caught up")
	}
}

// forkBack mines what is pending, lets the indexer reach that head and replaces its newest depth
// blocks with an empty one, keeping block floor and those below it: a reorg of up to depth blocks
// from where the indexer stands. It returns that head and the depth of the reorg (0: none, the head
// not above floor). Forking fails while the pool still re-injects an earlier fork's transactions
// ("pending block dirty"); then the step runs again from the new head.
func (h *harness) forkBack(t *testing.T, depth, floor uint64) (head, reorged uint64) {
	t.Helper()
	for try := 1; ; try++ {
		h.commit()
		h.sync(t)
		head = h.headNumber(t)
		parent := max(head-min(depth, head), floor)
		if parent >= head {
			return head, 0
		}
		hdr, err := h.sim.Client.HeaderByNumber(t.Context(), new(big.Int).SetUint64(parent))
		if err != nil {
			t.Fatal(err)
		}
		err = h.sim.Backend.Fork(hdr.Hash())
		if err == nil {
			return head, head - parent
		}
		if try == 20 || !strings.Contains(err.Error(), "pending block dirty") {
			t.Fatalf("fork: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// randomized: transfers, mints, delegations, votes and reorgs from a seed, checked at the end.
// Every run plays seeds 20240601 and 20240602; GUILDHALL_REORG_SEEDS=N plays the N seeds after
// them instead, =A..B seeds A to B. Even seeds let the indexer defer its per-account indexes
// whenever blocks lie ahead (DeferIndexesAbove: 1) and sync less often, so that deferrals
// and builds interleave with the reorgs; of those, seeds 2 mod 4 read every range block by block,
// by hash (BlockByBlock).
func TestRandomizedActivityAndReorgs(t *testing.T) {
	t.Parallel()
	first, last := testseeds.Range("GUILDHALL_REORG_SEEDS", 20240601, 20240602)
	for seed := first; seed <= last; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			playRandomActivityAndReorgs(t, uint64(seed))
		})
	}
}

func playRandomActivityAndReorgs(t *testing.T, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, seed))
	cfg := indexer.Config{FinalityDepth: finality, InitialRange: 4}
	syncOdds := 3 // the indexer steps to the head after one commit in syncOdds
	if seed%2 == 0 {
		// Ranges of 2 blocks and longer gaps between syncs: most syncs start more than the
		// finality depth behind, with final blocks ahead.
		cfg.DeferIndexesAbove, cfg.MaxRange, syncOdds = 1, 2, 10
		if seed%4 == 2 { // and every range is read block by block, by hash
			cfg.BlockByBlock = 2
		}
	}
	h := newHarness(t, 10, cfg)
	deferrals := &recordingStore{Store: postgres.NewIndexWriter(h.db)}
	h.ix = indexer.New(h.client, deferrals, cfg)
	pid := seedActivity(t, h)
	voted := map[int]bool{1: true, 3: true, 4: true}
	low := h.headNumber(t) // forks keep the seeded activity
	// highest is the highest head the indexer may have seen: the blocks finality below it are
	// final, however far a reorg takes the head back (they are not replaced, and the indexer
	// remembers no header below them), so a fork keeps them.
	highest := low
	var forks, deepest uint64
	for step := 0; step < 120; step++ {
		switch r := rng.IntN(100); {
		case r < 35:
			from := 1 + rng.IntN(9)
			h.trySend(t, h.sim.Accounts[from], h.dep.Token, token.PackTransfer(h.sim.Address(rng.IntN(10)), big.NewInt(rng.Int64N(5e18))))
		case r < 50:
			n := 1 + rng.IntN(4)
			var to []common.Address
			var amounts []*big.Int
			for range n {
				to = append(to, h.sim.Address(rng.IntN(10)))
				amounts = append(amounts, big.NewInt(rng.Int64N(9e18)))
			}
			var id common.Hash
			id[0], id[1], id[2] = 0xaa, byte(step), byte(rng.IntN(256))
			h.trySend(t, h.sim.Accounts[0], h.dep.Token, token.PackMintBatch(id, to, amounts))
		case r < 65:
			h.trySend(t, h.sim.Accounts[1+rng.IntN(9)], h.dep.Token, token.PackDelegate(h.sim.Address(rng.IntN(10))))
		case r < 72:
			v := 1 + rng.IntN(9)
			if !voted[v] {
				voted[v] = true
				h.trySend(t, h.sim.Accounts[v], h.dep.Governor, governor.PackCastVote(pid, uint8(rng.IntN(3))))
			}
		case r < 80:
			// Up to the finality depth below the block the fork's own commit mines: the deepest
			// reorg the indexer must follow.
			floor := max(low, highest-min(highest, finality))
			head, depth := h.forkBack(t, uint64(1+rng.IntN(finality)), floor)
			highest = max(highest, head)
			if depth > 0 {
				forks, deepest = forks+1, max(deepest, depth)
			}
		default:
			h.commit()
			highest = max(highest, h.headNumber(t))
			if rng.IntN(syncOdds) == 0 {
				h.sync(t)
			}
		}
	}
	h.commit()
	h.commit()
	h.sync(t)
	h.checkEqualsChain(t)
	t.Logf("events: %s; %d reorgs, the deepest %d blocks; indexes deferred %d times", h.eventCounts(t), forks, deepest, deferrals.deferrals)
	if forks == 0 {
		t.Error("the history had no reorg: it proves nothing about following one")
	}
	if cfg.DeferIndexesAbove > 0 {
		if deferrals.deferrals == 0 {
			t.Error("the indexer never deferred its indexes: the seed proves nothing about the deferral")
		}
		if on, err := deferrals.IndexesDeferred(t.Context()); on || err != nil {
			t.Errorf("indexes still deferred at the head (%v)", err)
		}
	}
}

func (h *harness) head(t *testing.T) common.Hash {
	t.Helper()
	hdr, err := h.sim.Client.HeaderByNumber(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return hdr.Hash()
}
