package govchain

import (
	"context"
	"fmt"
	"math/big"
	"sync"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/governance"
)

// OnchainTally is the governor's own figures for one proposal at one block.
type OnchainTally struct {
	Votes       governance.Votes // proposalVotes()
	State       governance.State // state()
	Quorum      *big.Int         // quorum(snapshot); nil before the snapshot
	TotalSupply *big.Int         // the token's total supply at the snapshot; nil before it
}

// maxCachedTallies bounds the cache; past it the cache starts again empty (keys name a block
// hash, so old ones are rarely read again).
const maxCachedTallies = 4096

// TallyCheck reads the governor's figures beside an indexed tally, at the block the tally is
// true at, to cross-check the two. The figures of a block hash never change, so it keeps them by
// (governor, proposal, block hash). It is safe for concurrent use; set Reader before the first
// call.
type TallyCheck struct {
	Reader *Reader

	mu    sync.Mutex
	cache map[string]*OnchainTally
}

// NewTallyCheck returns a cross-check reading the chain through r.
func NewTallyCheck(r *Reader) *TallyCheck {
	return &TallyCheck{Reader: r}
}

// Onchain returns the governor's figures for pid at block asOf. Where the node calls at a block
// hash (EIP-1898) every read runs at asOf's hash, so the figures are that block's even if the
// chain reorganizes while they are read. Otherwise they are read by number and are asOf's only
// if the block at that number is still asOf afterwards. exact is false when the figures may be
// another block's: they are then not cached, and the tally must not claim to agree. A node that
// fails is EUNAVAILABLE (the caller may retry), its cause wrapped for the log.
func (tc *TallyCheck) Onchain(ctx context.Context, c Contracts, pid *big.Int, snapshot uint64, asOf guildhall.AsOf) (f *OnchainTally, exact bool, err error) {
	f, exact, err = tc.read(ctx, c, pid, snapshot, asOf)
	if err != nil && guildhall.ErrorCode(err) == guildhall.EINTERNAL && ctx.Err() == nil {
		// The node failed, not the request: a 503 the caller can retry, not a 500.
		err = fmt.Errorf("%w: %v", guildhall.Errorf(guildhall.EUNAVAILABLE,
			"the chain node did not answer the tally's on-chain cross-check; try again shortly"), err)
	}
	return f, exact, err
}

func (tc *TallyCheck) read(ctx context.Context, c Contracts, pid *big.Int, snapshot uint64, asOf guildhall.AsOf) (*OnchainTally, bool, error) {
	key := tallyKey(c.Governor, pid, asOf.Hash)
	if f := tc.Cached(c.Governor, pid, asOf.Hash); f != nil {
		return f, true, nil
	}
	hash := common.HexToHash(asOf.Hash)
	if pinned, ok := tc.Reader.AtHash(hash); ok {
		if f, err := pinned.onchainTally(ctx, c, pid, snapshot, nil); err == nil {
			tc.put(key, f)
			return f, true, nil
		}
		// The node may no longer have the block (reorganized away and pruned, or a different
		// node behind a balancer); read by number below, which says whether that is still asOf.
	}
	block := new(big.Int).SetUint64(asOf.Number)
	f, err := tc.Reader.onchainTally(ctx, c, pid, snapshot, block)
	if err != nil {
		return nil, false, err
	}
	header, err := tc.Reader.Header(ctx, block)
	if err != nil {
		return nil, false, err
	}
	if header.Hash() != hash {
		return f, false, nil
	}
	tc.put(key, f)
	return f, true, nil
}

// Cached returns the figures kept for pid of governor at the block with hash blockHash, or nil.
func (tc *TallyCheck) Cached(governor common.Address, pid *big.Int, blockHash string) *OnchainTally {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	return tc.cache[tallyKey(governor, pid, blockHash)]
}

func (tc *TallyCheck) put(key string, f *OnchainTally) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.cache == nil || len(tc.cache) > maxCachedTallies {
		tc.cache = map[string]*OnchainTally{}
	}
	tc.cache[key] = f
}

func tallyKey(governor common.Address, pid *big.Int, blockHash string) string {
	return governor.Hex() + "/" + pid.String() + "/" + blockHash
}

// onchainTally reads the governor's figures for pid at block (nil: the reader's block).
func (r *Reader) onchainTally(ctx context.Context, c Contracts, pid *big.Int, snapshot uint64, block *big.Int) (*OnchainTally, error) {
	votes, err := r.ProposalVotes(ctx, c.Governor, pid, block)
	if err != nil {
		return nil, err
	}
	timeline, err := r.Timeline(ctx, c.Governor, pid, block)
	if err != nil {
		return nil, err
	}
	f := &OnchainTally{Votes: votes, State: timeline.State}
	if f.Quorum, _, err = r.Quorum(ctx, c.Governor, snapshot, block); err != nil {
		return nil, err
	}
	if f.TotalSupply, _, err = r.PastTotalSupply(ctx, c.Token, snapshot, block); err != nil {
		return nil, err
	}
	return f, nil
}
