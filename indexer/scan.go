package indexer

import (
	"context"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
)

// Range is an inclusive block range.
type Range struct{ From, To uint64 }

// Scan fetches the logs of the targets' contracts in each range with one eth_getLogs and decodes
// them, writing nothing: the raw ceiling a backfill is measured against. It returns the number of
// events decoded.
func Scan(ctx context.Context, c Client, targets []Target, ranges []Range) (int, error) {
	d := newDecoder(targets)
	addrs := make([]common.Address, 0, 3*len(targets))
	for _, t := range targets {
		addrs = append(addrs, t.Token, t.Governor, t.Timelock)
	}
	total := 0
	for _, r := range ranges {
		logs, err := c.FilterLogs(ctx, ethereum.FilterQuery{
			FromBlock: new(big.Int).SetUint64(r.From), ToBlock: new(big.Int).SetUint64(r.To),
			Addresses: addrs, Topics: [][]common.Hash{Topics},
		})
		if err != nil {
			return total, fmt.Errorf("get logs %d..%d: %w", r.From, r.To, err)
		}
		var ev Events
		if err := d.decode(logs, &ev); err != nil {
			return total, err
		}
		total += ev.Len()
	}
	return total, nil
}
