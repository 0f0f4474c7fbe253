package minter

import (
	"context"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// reestimateEvery is how many batches of a token are priced from its cached gas per recipient
// before the node is asked again (the cost of a holder drifts as checkpoints and balances change).
const reestimateEvery = 8

// gasCache prices a token's mintBatch without asking the node (eth_estimateGas executes the
// whole batch in the EVM, several times, on the minter's serial path) when the batch's shape is
// one the node has priced before: every recipient is a wallet this minter saw a mint to succeed
// for (a holder with a balance slot, a delegate and checkpoints already), and the node's last
// estimate of such a batch gives the gas per recipient. A recipient not known to hold is possibly
// new (about twice the gas): such a batch is estimated.
//
// The cached price is checked by the chain: a batch sent with it that reverts (out of gas: the
// price was too low) drops it, and the batch's next attempt, like every batch until the node
// prices a known-holder batch again, is estimated. The limit keeps the same per-recipient and
// per-transaction slack as an estimated one, and batches are cut and sized alike, so the gas a
// batch uses (the limit's unused part is not charged) and its size do not change.
type gasCache struct {
	holders      map[common.Address]bool
	perRecipient uint64 // the node's last estimate of a known-holder batch, per recipient; 0: none
	uses         int    // batches priced from perRecipient since that estimate
}

// gasOf returns the token's price list, creating it.
func (m *Minter) gasOf(token common.Address) *gasCache {
	g := m.gas[token]
	if g == nil {
		g = &gasCache{holders: map[common.Address]bool{}}
		m.gas[token] = g
	}
	return g
}

// knownHolders reports whether every recipient of f holds the token by what this minter saw.
func (g *gasCache) knownHolders(f *flight) bool {
	for _, mt := range f.mints {
		if !g.holders[mt.Wallet] {
			return false
		}
	}
	return true
}

// estimate returns the gas the batch's mintBatch (data) needs: by the node's estimate or, for the
// first attempt of a batch of known holders while the token's cached price holds and the
// operator still holds MINTER_ROLE, by that price.
func (m *Minter) estimate(ctx context.Context, f *flight, data []byte) (uint64, error) {
	g := m.gasOf(f.b.Token)
	known := g.knownHolders(f)
	n := uint64(len(f.mints))
	if known && f.attempt == 0 && g.perRecipient > 0 && g.uses < reestimateEvery && m.mayMint(ctx, f.b.Token) {
		g.uses++
		m.metrics.gasCached.Inc()
		return g.perRecipient * n, nil
	}
	est, err := m.sender.EstimateGas(ctx, f.b.Token, data, nil)
	if err != nil {
		return 0, err
	}
	m.metrics.gasEstimated.Inc()
	if known {
		g.perRecipient, g.uses = (est+n-1)/n, 0
	}
	return est, nil
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

// minedOK records that batch f's mint succeeded on chain: its recipients hold the token.
func (m *Minter) minedOK(f *flight) {
	g := m.gasOf(f.b.Token)
	for _, mt := range f.mints {
		g.holders[mt.Wallet] = true
	}
}

// reverted records that a transaction of batch f reverted: whatever its gas came from, the
// token's cached price is not trusted again until the node prices a batch anew.
func (m *Minter) reverted(f *flight) {
	m.gasOf(f.b.Token).perRecipient = 0
}
