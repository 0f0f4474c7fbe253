package indexer_test

import (
	"errors"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/guildhall/guildhall/indexer"
)

// With FinalizedTag (serve --finality tag) the node's finalized block bounds a reorg, not the
// fixed depth: a reorg of 6 blocks above the finalized block 32 is walked back and the index
// equals the chain, where a fixed depth of 2 stops the indexer on the same reorg.
func TestFinalizedTagBoundsReorgs(t *testing.T) {
	t.Parallel()
	for name, tt := range map[string]struct {
		cfg  indexer.Config
		deep bool
	}{
		"--finality tag": {indexer.Config{FinalityDepth: 2, FinalizedTag: true}, false},
		"--finality 2":   {indexer.Config{FinalityDepth: 2}, true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			reg := prometheus.NewRegistry()
			tt.cfg.Metrics = indexer.NewMetrics(reg)
			h := newHarness(t, 4, tt.cfg)
			h.mint(t, 1, []int{1}, []int64{100})
			for h.headNumber(t) < 40 {
				h.sim.MustTransact(t, h.sim.Accounts[1], h.dep.Token, token.PackTransfer(h.sim.Address(2), tokens(1)))
				h.sync(t)
			}
			h.forkAt(t, h.blockHash(t, 34)) // the simulated beacon has finalized block 32
			h.replace(t, h.sim.Accounts[1], h.dep.Token, token.PackTransfer(h.sim.Address(3), tokens(2)), h.nonce(t, 1))
			for range 6 {
				h.commit()
			}
			var err error
			for i, idle := 0, false; !idle && err == nil && i < 100; i++ {
				idle, err = h.ix.Step(t.Context())
			}
			if tt.deep {
				if !errors.Is(err, indexer.ErrDeepReorg) {
					t.Fatalf("a reorg of 6 blocks with a fixed depth of 2: %v, want ErrDeepReorg", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("a reorg of 6 blocks above the finalized block: %v", err)
			}
			h.checkEqualsChain(t)
			if n := metricValue(t, reg, "guildhall_indexer_reorgs_total"); n != 1 {
				t.Errorf("reorgs_total = %v, want 1", n)
			}
		})
	}
}
