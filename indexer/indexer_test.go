package indexer_test

import (
	"errors"
	"math/big"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall/indexer"
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

	p, err := h.db.Proposal(t.Context(), h.community, pid.String())
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != "Grant 5 to six" || p.State != "active" || len(p.Actions) != 1 || p.Tally.Voters() != 3 {
		t.Errorf("proposal = %+v", p)
	}
	votes, err := h.db.Votes(t.Context(), h.community, pid.String(), indexer.Page{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(votes.Items) != 2 || votes.Next == "" || votes.Items[0].Support != 2 {
		t.Errorf("votes page = %+v", votes)
	}
	rest, err := h.db.Votes(t.Context(), h.community, pid.String(), indexer.Page{After: votes.Next, Limit: 2})
	if err != nil || len(rest.Items) != 1 || rest.Items[0].Support != 1 || votes.Items[1].Reason != "too much" || rest.Next != "" || rest.Items[0].Params != nil {
		t.Errorf("second votes page = %+v, %v", rest, err)
	}
	tr, err := h.db.Transfers(t.Context(), h.community, h.sim.Address(1).Hex(), indexer.Page{Limit: 10})
	if err != nil || len(tr.Items) != 2 || tr.Items[0].To != h.sim.Address(5).Hex() || tr.Items[0].BlockTime == 0 {
		t.Errorf("transfers = %+v, %v", tr, err)
	}
	acct, err := h.db.Account(t.Context(), h.community, h.sim.Address(1).Hex())
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
	view, err := h.db.CommunityIndex(t.Context(), "second")
	if err != nil {
		t.Fatal(err)
	}
	if view.TotalSupply.Cmp(tokens(7)) != 0 || view.Holders != 2 {
		t.Errorf("second community: supply %s holders %d, want 7 tokens and 2", view.TotalSupply, view.Holders)
	}
	h.checkEqualsChain(t)
}

func TestReorgsWithinFinalityAreUndone(t *testing.T) {
	t.Parallel()
	for depth := 1; depth <= finality; depth++ {
		h := newHarness(t, 8, indexer.Config{FinalityDepth: finality})
		pid := seedActivity(t, h)
		h.sync(t)
		ancestor := h.head(t)
		// Blocks that the reorg will replace: transfers, a delegation and a vote.
		for i := 0; i < depth; i++ {
			switch i % 3 {
			case 0:
				h.sim.MustTransact(t, h.sim.Accounts[1], h.dep.Token, token.PackTransfer(h.sim.Address(6), tokens(1)))
			case 1:
				h.sim.MustTransact(t, h.sim.Accounts[4], h.dep.Token, token.PackDelegate(h.sim.Address(1)))
			case 2:
				h.sim.MustTransact(t, h.sim.Accounts[5+i/3], h.dep.Governor, governor.PackCastVote(pid, 1))
			}
		}
		h.sync(t)
		h.checkEqualsChain(t)
		before := h.eventCounts(t)

		if err := h.sim.Backend.Fork(ancestor); err != nil {
			t.Fatal(err)
		}
		// The new branch: other transactions, and the old ones if the pool re-injects them.
		h.sim.MustTransact(t, h.sim.Accounts[2], h.dep.Token, token.PackTransfer(h.sim.Address(7), tokens(2)))
		for range depth {
			h.commit()
		}
		h.sync(t)
		h.checkEqualsChain(t)
		t.Logf("depth %d: events before %s, after %s", depth, before, h.eventCounts(t))
	}
}

func TestReorgDeeperThanFinalityStops(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 4, indexer.Config{FinalityDepth: 3})
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
}

// randomized: transfers, mints, delegations, votes and reorgs from a seed, checked at the end.
func TestRandomizedActivityAndReorgs(t *testing.T) {
	t.Parallel()
	const seed = 20240601
	rng := rand.New(rand.NewPCG(seed, seed))
	h := newHarness(t, 10, indexer.Config{FinalityDepth: finality, InitialRange: 4})
	pid := seedActivity(t, h)
	voted := map[int]bool{1: true, 3: true, 4: true}
	var history []common.Hash // recent block hashes, for forks
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
		case r < 80 && len(history) > 2:
			depth := 1 + rng.IntN(min(finality-1, len(history)-1))
			h.commit() // the fork needs an empty pool
			h.sync(t)
			if err := h.sim.Backend.Fork(history[len(history)-1-depth]); err != nil {
				t.Fatalf("fork: %v", err)
			}
			history = history[:len(history)-depth]
		default:
			h.commit()
			history = append(history, h.head(t))
			if rng.IntN(3) == 0 {
				h.sync(t)
			}
		}
	}
	h.commit()
	h.commit()
	h.sync(t)
	h.checkEqualsChain(t)
	t.Logf("events: %s", h.eventCounts(t))
}

func (h *harness) head(t *testing.T) common.Hash {
	t.Helper()
	hdr, err := h.sim.Client.HeaderByNumber(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return hdr.Hash()
}
