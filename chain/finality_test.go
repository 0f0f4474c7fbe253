package chain_test

import (
	"errors"
	"testing"

	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/chain/chaintest"
)

// With --finality tag the node's finalized block decides what is final. go-ethereum's simulated
// beacon (the tests' chain and the embedded dev chain) finalizes every 32nd block: at head 40 the
// finalized block is 32, so 8 blocks are not final yet; a fixed depth stays what it is.
func TestFinalityFromTheNodesFinalizedBlock(t *testing.T) {
	t.Parallel()
	sim := chaintest.New(t, 1)
	for range 40 {
		sim.Backend.Commit()
	}
	head, err := sim.Client.BlockNumber(t.Context())
	if err != nil || head != 40 {
		t.Fatalf("head %d, %v; want 40", head, err)
	}
	finalized, err := chain.Finalized(t.Context(), sim.Client)
	if err != nil || finalized != 32 {
		t.Fatalf("finalized block %d, %v; want 32 (the simulated beacon finalizes every 32nd block)", finalized, err)
	}
	for _, c := range []struct {
		f    chain.Finality
		want uint64
	}{{chain.Finality{Tag: true}, 8}, {chain.Finality{Depth: 5}, 5}} {
		if got, err := c.f.DepthAt(t.Context(), sim.Client, head); err != nil || got != c.want {
			t.Errorf("--finality %s at head %d: %d blocks not final, %v; want %d", c.f, head, got, err, c.want)
		}
	}
}

// A node that names no finalized block gives ErrNoFinalizedBlock with its own answer, so serve can
// refuse --finality tag at start with a message that says what to do.
func TestNoFinalizedBlockIsRecognized(t *testing.T) {
	t.Parallel()
	client, err := chain.Connect(t.Context(), chaintest.UnfinalizedNode(t))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	_, err = chain.Finalized(t.Context(), client)
	if !errors.Is(err, chain.ErrNoFinalizedBlock) {
		t.Fatalf("Finalized on a node without one: %v, want ErrNoFinalizedBlock", err)
	}
	if _, err := (chain.Finality{Tag: true}).DepthAt(t.Context(), client, 0); !errors.Is(err, chain.ErrNoFinalizedBlock) {
		t.Errorf("DepthAt with the tag on a node without one: %v, want ErrNoFinalizedBlock", err)
	}
	if got, err := (chain.Finality{Depth: 3}).DepthAt(t.Context(), client, 0); err != nil || got != 3 {
		t.Errorf("a fixed depth asks the node nothing: %d, %v", got, err)
	}
}

// With FinalizedTag a mined transaction stays mined, however many blocks are on top of it, until
// the node's finalized block reaches it; then it is final, once.
func TestSenderWaitsForTheFinalizedBlock(t *testing.T) {
	t.Parallel()
	e := newSenderEnv(t)
	s, err := chain.NewSender(t.Context(), chain.SenderConfig{Client: e.client, Key: e.sim.Accounts[0], Store: e.db,
		Confirmations: confirmations, FinalizedTag: true})
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("final by the tag")
	rec, err := s.Send(t.Context(), "tagged", e.to, data, nil, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	e.commit(t, s, 1)
	mined := e.record(t, "tagged")
	if mined.State != chain.TxMined || mined.BlockNumber >= 32 {
		t.Fatalf("after its block: %s in block %d, want mined below block 32", mined.State, mined.BlockNumber)
	}
	// Far more than the fixed depth on top, but the finalized block is still the genesis.
	e.commit(t, s, int(31-mined.BlockNumber))
	if got := e.record(t, "tagged"); got.State != chain.TxMined {
		head, _ := e.sim.Client.BlockNumber(t.Context())
		t.Fatalf("at head %d (finalized block 0) the transaction of block %d is %s, want still mined", head, mined.BlockNumber, got.State)
	}
	e.commit(t, s, 2) // head 33: block 32 is finalized
	e.assertFinalOnce(t, "tagged", data, rec.Attempts[0].Hash)
}
