package api

import (
	"net/http"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/core/types"

	"github.com/guildhall/guildhall/governance"
	"github.com/guildhall/guildhall/governance/govchain"
)

// hashless hides the client's calls at a block hash (EIP-1898), as a node or client without them.
type hashless struct{ govchain.Backend }

// reorgUnderTheIndex indexes votes of 40 for and 30 against as of block N, then reorganizes the
// chain so that block N is another block, which also counts member 3's 20 for, and returns the
// indexed block.
func reorgUnderTheIndex(t *testing.T, h *govHarness) (pid string, indexed *types.Header) {
	t.Helper()
	id, _ := h.walletProposal(t, "Grant 1 BAKE, read across a reorg")
	h.advance(t, govTestSettings.VotingDelay+time.Second)
	h.sim.MustTransact(t, h.sim.Accounts[1], h.dep.Governor, govABI.PackCastVote(id, uint8(governance.For)))
	base, err := h.sim.Client.HeaderByNumber(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	h.sim.MustTransact(t, h.sim.Accounts[2], h.dep.Governor, govABI.PackCastVote(id, uint8(governance.Against)))
	if indexed, err = h.sim.Client.HeaderByNumber(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	h.sync(t) // indexed as of the block with member 2's vote; no tally read yet, so nothing cached
	if err := h.sim.Backend.Fork(base.Hash()); err != nil {
		t.Fatal(err)
	}
	h.sim.MustTransact(t, h.sim.Accounts[3], h.dep.Governor, govABI.PackCastVote(id, uint8(governance.For)))
	h.sim.Backend.Commit()
	now, err := h.sim.Client.HeaderByNumber(t.Context(), indexed.Number)
	if err != nil || now.Hash() == indexed.Hash() {
		t.Fatalf("block %d is still the indexed one after the fork (%v)", indexed.Number, err)
	}
	return id.String(), indexed
}

// The chain reorganizes between indexing and the tally read: the governor's figures are read at
// the indexed block's hash, so they are that block's and agree with the index.
func TestTallyReadsTheChainAtTheIndexedBlockHash(t *testing.T) {
	h := newGovHarness(t, govTestSettings, 9, 40, 30, 20, 10)
	pid, indexed := reorgUnderTheIndex(t, h)

	tally := h.want(t, h.do(t, http.MethodGet, "/v1/communities/bakery/proposals/"+pid+"/tally", "", nil), http.StatusOK)
	onchain := tally["onchain"].(map[string]any)
	if tally["as_of"].(map[string]any)["block_hash"] != indexed.Hash().Hex() || tally["against"] != tokens(30).String() {
		t.Fatalf("tally %v, want the index as of %s with member 2's 30 against", tally, indexed.Hash().Hex())
	}
	if onchain["against"] != tokens(30).String() || onchain["for"] != tokens(40).String() || tally["consistent"] != true {
		t.Fatalf("onchain %v (consistent %v), want the indexed block's own figures: 40 for, 30 against", onchain, tally["consistent"])
	}

	h.wantFollowed(t, pid)
}

// wantFollowed checks that once the index follows the chain the tally is the new branch's.
func (h *govHarness) wantFollowed(t *testing.T, pid string) {
	t.Helper()
	tally := h.tally(t, pid)
	votes, err := govchain.NewReader(h.sim.Client).ProposalVotes(t.Context(), h.dep.Governor, h.pid(t, pid), nil)
	if err != nil {
		t.Fatal(err)
	}
	if votes.For.Cmp(tokens(60)) != 0 || tally["for"] != votes.For.String() || tally["against"] != votes.Against.String() || tally["consistent"] != true {
		t.Fatalf("tally after the index followed the reorg: %v; proposalVotes() %v for, %v against", tally, votes.For, votes.Against)
	}
}

// Without calls at a block hash the figures are read by number; when the block at that number is
// no longer the indexed one they are another block's: the tally does not claim to agree and does
// not keep them.
func TestTallyReadByNumberAcrossAReorgClaimsNothing(t *testing.T) {
	h := newGovHarness(t, govTestSettings, 9, 40, 30, 20, 10)
	h.check.Reader = govchain.NewReader(hashless{h.sim.Client})
	pid, indexed := reorgUnderTheIndex(t, h)

	tally := h.want(t, h.do(t, http.MethodGet, "/v1/communities/bakery/proposals/"+pid+"/tally", "", nil), http.StatusOK)
	if tally["against"] != tokens(30).String() || tally["consistent"] != false {
		t.Fatalf("tally %v: figures read from another block at height %d must not be called consistent", tally, indexed.Number)
	}
	if f := h.check.Cached(h.dep.Governor, h.pid(t, pid), indexed.Hash().Hex()); f != nil {
		t.Fatalf("another block's figures (%v) were cached under the indexed block %s", f.Votes, indexed.Hash().Hex())
	}
	h.wantFollowed(t, pid)
}
