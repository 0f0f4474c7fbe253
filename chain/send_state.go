package chain

import (
	"math/big"
	"time"
)

// This file holds the sender's decisions about an intent none of whose attempts is in a block:
// pure functions of what the sender has read, apart from the I/O loop in sender.go that reads the
// chain, signs, records and broadcasts, so each rule can be read and tested on its own.

// pendingStep is what the sender does with a pending intent on one tick.
type pendingStep int

const (
	// stepWait leaves the intent alone: its newest attempt is younger than StuckAfter.
	stepWait pendingStep = iota
	// stepRebroadcast sends the newest attempt again as it is: after a restart (the node may
	// never have seen it), or when a replacement would pay more than MaxFeeCap.
	stepRebroadcast
	// stepReplace signs a replacement at the same nonce with higher fees (see bumpFee): the
	// newest attempt has waited StuckAfter without being mined.
	stepReplace
	// stepRenonce gives the intent a new nonce: the chain's final nonce of the key has moved past
	// the intent's without any of its attempts, so a transaction from elsewhere took the nonce and
	// this intent never ran.
	stepRenonce
)

func (s pendingStep) String() string {
	switch s {
	case stepWait:
		return "wait"
	case stepRebroadcast:
		return "rebroadcast"
	case stepReplace:
		return "replace"
	case stepRenonce:
		return "renonce"
	}
	return "unknown"
}

// pendingState is what the sender knows of a pending intent when it decides what to do with it.
type pendingState struct {
	nonce       uint64        // the intent's nonce
	finalNonce  uint64        // the key's nonce (transactions sent) at the final block
	age         time.Duration // since the intent's newest attempt was signed
	stuckAfter  time.Duration // SenderConfig.StuckAfter
	rebroadcast bool          // the tick rebroadcasts what is pending (the first after a start)
}

// next decides the intent's step. A taken nonce comes first: replacing an attempt whose nonce is
// used could never be mined. (Before a renonce the sender looks for the attempts' receipts once
// more, since one may have been mined in between.)
func (p pendingState) next() pendingStep {
	switch {
	case p.finalNonce > p.nonce:
		return stepRenonce
	case p.age >= p.stuckAfter:
		return stepReplace
	case p.rebroadcast:
		return stepRebroadcast
	}
	return stepWait
}

// bumpFee returns the fees of a replacement for an attempt that paid last, when the chain asks
// now: the tip and the fee cap each at least 12.5% (and 1 wei) above last's, since nodes take a
// replacement only for 10% more, and at least what the chain asks now. The tip never exceeds the
// fee cap. ok is false when the fee cap would exceed maxFeeCap: the sender then gives up raising
// it and rebroadcasts the attempt as it is.
func bumpFee(last, now fee, maxFeeCap *big.Int) (f fee, ok bool) {
	f = fee{tip: bumpAtLeast(last.tip, now.tip), maxFee: bumpAtLeast(last.maxFee, now.maxFee), legacy: now.legacy}
	if f.maxFee.Cmp(maxFeeCap) > 0 {
		return fee{}, false
	}
	if f.tip.Cmp(f.maxFee) > 0 {
		f.tip = new(big.Int).Set(f.maxFee)
	}
	return f, true
}

// bumpAtLeast returns old plus 12.5% plus 1, or now when that is more.
func bumpAtLeast(old, now *big.Int) *big.Int {
	v := new(big.Int).Add(old, new(big.Int).Rsh(old, 3))
	v.Add(v, big.NewInt(1))
	if now.Cmp(v) > 0 {
		return now
	}
	return v
}

// suggestedFee returns the fees a new attempt pays, from the node's suggested tip (or, on a chain
// without base fees, gas price) and the latest block's base fee (nil on such a chain): the tip and
// twice the base fee on top, so the transaction stays includable while the base fee rises for a
// few blocks, or the gas price for a legacy transaction. Both are bounded by maxFeeCap; a missing
// or zero suggestion is 1 wei.
func suggestedFee(tip, baseFee, maxFeeCap *big.Int) fee {
	if tip == nil || tip.Sign() <= 0 {
		tip = big.NewInt(1)
	}
	if baseFee == nil {
		price := tip
		if price.Cmp(maxFeeCap) > 0 {
			price = new(big.Int).Set(maxFeeCap)
		}
		return fee{tip: price, maxFee: price, legacy: true}
	}
	maxFee := new(big.Int).Add(tip, new(big.Int).Mul(baseFee, big.NewInt(2)))
	if maxFee.Cmp(maxFeeCap) > 0 {
		maxFee = new(big.Int).Set(maxFeeCap)
		if tip.Cmp(maxFee) > 0 {
			tip = new(big.Int).Set(maxFee)
		}
	}
	return fee{tip: tip, maxFee: maxFee}
}
