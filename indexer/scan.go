package indexer

import (
	"cmp"
	"context"
	"fmt"
	"math/big"
	"sync"
	"sync/atomic"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
)

// Range is an inclusive block range.
type Range struct{ From, To uint64 }

// Scan fetches the logs of the targets' contracts in each range with one eth_getLogs, inFlight
// requests at a time, and decodes them, writing nothing: the raw ceiling a backfill is measured
// against. It returns the number of events decoded.
func Scan(ctx context.Context, c Client, targets []Target, ranges []Range, inFlight int) (int, error) {
	addrs := make([]common.Address, 0, 3*len(targets))
	for _, t := range targets {
		addrs = append(addrs, t.Token, t.Governor, t.Timelock)
	}
	var total atomic.Int64
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	next := make(chan Range)
	scan := func(r Range) error {
		logs, err := c.FilterLogs(ctx, ethereum.FilterQuery{
			FromBlock: new(big.Int).SetUint64(r.From), ToBlock: new(big.Int).SetUint64(r.To),
			Addresses: addrs, Topics: [][]common.Hash{Topics},
		})
		if err != nil {
			return fmt.Errorf("get logs %d..%d: %w", r.From, r.To, err)
		}
		var ev Events
		if err := newDecoder(targets).decode(logs, &ev); err != nil {
			return err
		}
		total.Add(int64(ev.Len()))
		return nil
	}
	for range max(1, inFlight) {
		wg.Go(func() {
			for r := range next {
				if err := scan(r); err != nil {
					mu.Lock()
					first = cmp.Or(first, err)
					mu.Unlock()
				}
			}
		})
	}
	for _, r := range ranges {
		next <- r
	}
	close(next)
	wg.Wait()
	return int(total.Load()), first
}
