package chain

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strconv"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"
)

// Finality says which blocks are final: those Depth or more blocks below the head, or, with Tag,
// the node's finalized block (eth_getBlockByNumber "finalized") and every block below it, as a
// chain with a finality gadget (Ethereum's proof of stake, many L2s) reports them.
type Finality struct {
	Depth uint64
	Tag   bool
}

// String is "tag" or the depth, as serve's --finality takes it.
func (f Finality) String() string {
	if f.Tag {
		return "tag"
	}
	return strconv.FormatUint(f.Depth, 10)
}

// ErrNoFinalizedBlock means the node answered that it has no finalized block: it has no finality
// gadget (a chain before the merge, some dev nodes) or has not finalized a block yet.
var ErrNoFinalizedBlock = errors.New("the node names no finalized block")

// HeaderReader reads headers by number (nil: the head; rpc.FinalizedBlockNumber: the finalized one).
type HeaderReader interface {
	HeaderByNumber(ctx context.Context, number *big.Int) (*types.Header, error)
}

// Finalized returns the number of the node's finalized block. A node that answers without one
// gives ErrNoFinalizedBlock (wrapped, with its answer); an error reaching it is returned as is.
func Finalized(ctx context.Context, c HeaderReader) (uint64, error) {
	h, err := c.HeaderByNumber(ctx, big.NewInt(int64(rpc.FinalizedBlockNumber)))
	var answered rpc.Error
	switch {
	case err == nil && h != nil:
		return h.Number.Uint64(), nil
	case err == nil, errors.As(err, &answered), errors.Is(err, ethereum.NotFound):
		// geth answers "finalized block not found", older Hardhat "invalid block tag", and
		// ethclient turns a null block into NotFound.
		return 0, fmt.Errorf("%w (its answer: %v)", ErrNoFinalizedBlock, err)
	}
	return 0, fmt.Errorf("read the finalized block: %w", err)
}

// DepthAt returns how many blocks below head are not final: Depth, or with Tag head's distance
// above the node's finalized block (0 when head is final itself).
func (f Finality) DepthAt(ctx context.Context, c HeaderReader, head uint64) (uint64, error) {
	if !f.Tag {
		return f.Depth, nil
	}
	finalized, err := Finalized(ctx, c)
	if err != nil {
		return 0, err
	}
	if finalized >= head {
		return 0, nil
	}
	return head - finalized, nil
}
