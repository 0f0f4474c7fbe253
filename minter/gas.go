package minter

import (
	"context"
	"crypto/rand"
	"math/big"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// reprobeEvery is how many batches of a token are priced from its per-recipient prices before
// the node is asked for them again.
const reprobeEvery = 8

// gasCache prices a token's mintBatch without asking the node to execute the batch
// (eth_estimateGas of a batch of hundreds of recipients executes it in the EVM several times, on
// the minter's serial path): the gas of a mintBatch is a per-transaction part plus a part per
// recipient, and a recipient costs one of two prices. A wallet that holds nothing yet costs the
// most (balance, self-delegation, a new checkpoint array, three events); one that holds costs
// about half (its balance and a checkpoint). Both prices come from a probe: the node's
// estimates of three mintBatch calls of one or two recipients, under a batch id never sent
// (fresh; fresh and fresh; fresh and a holder), with wallets drawn at random for the fresh ones,
// which hold nothing. Those estimates execute a few mints, not a batch.
//
// A recipient is priced as a holder when this minter saw a mint to it succeed, or when a batch
// this minter priced earlier and follows mints to it: the sender gives that batch's transaction
// the lower nonce, so it runs first. Every other recipient is priced as new, the most it can cost.
//
// The prices are checked by the chain: a batch sent with them that reverts (out of gas: a price
// was too low) drops them, the batch's next attempt is priced by the node's estimate of the
// whole batch, and the next batch probes again. The limit keeps the same per-recipient and
// per-transaction slack as an estimated one, and batches are cut and sized alike, so the gas a
// batch uses (the limit's unused part is not charged) and its size do not change.
type gasCache struct {
	holders map[common.Address]bool  // wallets a mint of this minter's succeeded for
	pending map[common.Address]int64 // wallets an unmined batch of this minter's mints to: its row id
	prices  *gasPrices               // nil: probe before the next batch is priced
	uses    int                      // batches priced from prices
}

// gasPrices is what a probe measured: a mintBatch costs base plus, per recipient, perNew or
// perHolder (0: no holder was known to probe with; holders are priced as new, and the next
// batch probes again once one is).
type gasPrices struct {
	base, perNew, perHolder uint64
}

// gasOf returns the token's price list, creating it.
func (m *Minter) gasOf(token common.Address) *gasCache {
	g := m.gas[token]
	if g == nil {
		g = &gasCache{holders: map[common.Address]bool{}, pending: map[common.Address]int64{}}
		m.gas[token] = g
	}
	return g
}

// holds reports whether wallet w is priced as a holder: minted to, or about to be by a batch
// this minter follows.
func (m *Minter) holds(g *gasCache, w common.Address) bool {
	if g.holders[w] {
		return true
	}
	id, ok := g.pending[w]
	return ok && m.flights[id] != nil
}

// estimate returns the gas the batch's mintBatch (data) needs: for a batch this minter has just
// claimed (a new batch id, so not minted already) while the operator holds MINTER_ROLE, from the
// token's per-recipient prices (see gasCache); otherwise, or when the node does not answer a
// probe, by the node's estimate of the batch, which also tells that a batch reloaded from the
// ledger was minted already.
func (m *Minter) estimate(ctx context.Context, f *flight, data []byte) (uint64, error) {
	g := m.gasOf(f.b.Token)
	if f.fresh && f.attempt == 0 && m.mayMint(ctx, f.b.Token) {
		if g.prices == nil || g.uses >= reprobeEvery || g.prices.perHolder == 0 && len(g.holders) > 0 {
			g.prices, g.uses = m.probe(ctx, g, f), 0
		}
		if p := g.prices; p != nil {
			gas := p.base
			for _, mt := range f.mints {
				if p.perHolder > 0 && m.holds(g, mt.Wallet) {
					gas += p.perHolder
				} else {
					gas += p.perNew
				}
			}
			g.uses++
			m.metrics.gasCached.Inc()
			return gas, nil
		}
	}
	est, err := m.sender.EstimateGas(ctx, f.b.Token, data, nil)
	if err != nil {
		return 0, err
	}
	m.metrics.gasEstimated.Inc()
	return est, nil
}

// probe asks the node for the token's per-recipient prices (see gasCache), with f's largest
// amount (the calldata of an amount costs by its bytes); nil when an estimate fails or the three
// do not add up (the batch is then estimated whole, which tells why).
func (m *Minter) probe(ctx context.Context, g *gasCache, f *flight) *gasPrices {
	amount := new(big.Int)
	for _, mt := range f.mints {
		if mt.Amount.Cmp(amount) > 0 {
			amount = mt.Amount
		}
	}
	var id common.Hash
	fresh := make([]common.Address, 2)
	for _, b := range [][]byte{id[:], fresh[0][:], fresh[1][:]} {
		if _, err := rand.Read(b); err != nil {
			return nil
		}
	}
	est := func(to ...common.Address) uint64 {
		amounts := make([]*big.Int, len(to))
		for k := range amounts {
			amounts[k] = amount
		}
		gas, err := m.sender.EstimateGas(ctx, f.b.Token, m.token.PackMintBatch(id, to, amounts), nil)
		m.metrics.gasProbes.Inc()
		if err != nil {
			return 0
		}
		return gas
	}
	one, two := est(fresh[0]), est(fresh[0], fresh[1])
	if one == 0 || two <= one || two-one > one {
		return nil
	}
	p := &gasPrices{perNew: two - one, base: one - (two - one)}
	for h := range g.holders {
		if withHolder := est(fresh[0], h); withHolder > one && withHolder <= two {
			p.perHolder = withHolder - one
		}
		break
	}
	return p
}

// minterRole is GuildToken's MINTER_ROLE.
var minterRole = crypto.Keccak256Hash([]byte("MINTER_ROLE"))

// mayMint asks the token whether the operator holds MINTER_ROLE (a lookup, not the batch's
// execution), so that a batch priced without an estimate is not sent to revert after governance
// revoked the role: false (or no answer) sends it through the estimate, which tells why.
func (m *Minter) mayMint(ctx context.Context, token common.Address) bool {
	out, err := m.calls.CallContract(ctx, ethereum.CallMsg{To: &token, Data: m.token.PackHasRole(minterRole, m.sender.From())}, nil)
	if err != nil {
		return false
	}
	ok, err := m.token.UnpackHasRole(out)
	return err == nil && ok
}

// priced records that batch f's transaction is about to be sent: its recipients are priced as
// holders for the batches after it while the minter follows it.
func (m *Minter) priced(f *flight) {
	g := m.gasOf(f.b.Token)
	for _, mt := range f.mints {
		if !g.holders[mt.Wallet] {
			g.pending[mt.Wallet] = f.b.ID
		}
	}
}

// unpriced forgets that batch f's recipients are about to hold (its send failed, or its
// transaction reverted).
func (m *Minter) unpriced(f *flight) {
	g := m.gasOf(f.b.Token)
	for _, mt := range f.mints {
		if g.pending[mt.Wallet] == f.b.ID {
			delete(g.pending, mt.Wallet)
		}
	}
}

// minedOK records that batch f's mint succeeded on chain: its recipients hold the token.
func (m *Minter) minedOK(f *flight) {
	m.unpriced(f)
	g := m.gasOf(f.b.Token)
	for _, mt := range f.mints {
		g.holders[mt.Wallet] = true
	}
}

// reverted records that a transaction of batch f reverted: whatever its gas came from, the
// token's prices are not trusted again until a new probe, and its recipients hold nothing new.
func (m *Minter) reverted(f *flight) {
	m.unpriced(f)
	m.gasOf(f.b.Token).prices = nil
}
