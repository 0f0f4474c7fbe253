package postgres_test

import (
	"fmt"
	"math/big"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/indexer"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
)

// BenchmarkApplyBatch writes synthetic backfill batches shaped like the indexer benchmark's
// (mints to 4,000 accounts in turn, one Transfer and one DelegateVotesChanged each): the store's
// side of a backfill alone, without a node. GUILDHALL_BENCH_BATCHES (default 10) batches of
// GUILDHALL_BENCH_BATCH_SIZE (default 10,000) mints, to GUILDHALL_BENCH_MEMBERS (default 4,000)
// accounts (more: a community with many holders, each batch touching a few of them). Hashes and
// addresses are keccak digests, as random as the chain's (in index order, sequential ones cost
// less than real ones).
func BenchmarkApplyBatch(b *testing.B) {
	if b.N > 1 {
		b.Skip("one run is the measurement")
	}
	batches, size := envInt("GUILDHALL_BENCH_BATCHES", 10), envInt("GUILDHALL_BENCH_BATCH_SIZE", 10_000)
	db := pgtest.NewDB(b)
	ctx := b.Context()
	if err := postgres.NewCommunityStore(db).BindChain(ctx, devChain); err != nil {
		b.Fatal(err)
	}
	token := common.HexToAddress("0x1000000000000000000000000000000000000001")
	if err := postgres.NewCommunityStore(db).CreateCommunity(ctx, &guildhall.Community{ID: "bench", Name: "Bench", Symbol: "BENCH", ChainID: devChain.ChainID,
		TokenAddress: token.Hex(), GovernorAddress: common.HexToAddress("0x2").Hex(), TimelockAddress: common.HexToAddress("0x3").Hex(),
		DeploymentBlock: 1, DeploymentTx: "0x" + fmt.Sprintf("%064x", 1), Settings: guildhall.DefaultGovernanceSettings()}); err != nil {
		b.Fatal(err)
	}
	const perBlock = 1000
	members := envInt("GUILDHALL_BENCH_MEMBERS", 4000)
	votes := make([]*big.Int, members)
	accounts := make([]common.Address, members)
	for i := range votes {
		votes[i] = new(big.Int)
		accounts[i] = common.BytesToAddress(crypto.Keccak256([]byte("account"), big.NewInt(int64(i)).Bytes()))
	}
	digest := func(kind string, n int) common.Hash {
		return crypto.Keccak256Hash([]byte(kind), big.NewInt(int64(n)).Bytes())
	}
	var elapsed time.Duration
	n := 0
	for k := range batches {
		bt := &indexer.Batch{Communities: []string{"bench"}}
		for i := range size {
			seq := k*size + i
			block := uint64(2 + seq/perBlock)
			meta := indexer.EventMeta{CommunityID: "bench", BlockNumber: block, BlockHash: digest("block", int(block)),
				BlockTime: block, TxHash: digest("tx", seq/250), LogIndex: uint(2 * (seq % perBlock))}
			to := accounts[seq%members]
			v := big.NewInt(int64(1e15 + i))
			bt.Transfers = append(bt.Transfers, indexer.Transfer{EventMeta: meta, To: to, Value: v})
			prev := new(big.Int).Set(votes[seq%members])
			votes[seq%members].Add(votes[seq%members], v)
			meta.LogIndex++
			bt.DelegateVotes = append(bt.DelegateVotes, indexer.DelegateVotes{EventMeta: meta, Delegate: to,
				PreviousVotes: prev, NewVotes: new(big.Int).Set(votes[seq%members])})
		}
		bt.From, bt.To = bt.Transfers[0].BlockNumber, bt.Transfers[len(bt.Transfers)-1].BlockNumber
		bt.End = indexer.BlockRef{Number: bt.To, Hash: digest("block", int(bt.To)), Time: bt.To}
		bt.Advance, bt.Blocks = true, []indexer.BlockRef{bt.End}
		start := time.Now()
		if err := postgres.NewIndexWriter(db).ApplyBatch(ctx, bt); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		n += bt.Len()
	}
	fmt.Printf("ApplyBatch: %d events in %s: %.0f events/s\n", n, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds())
	b.ReportMetric(float64(n)/elapsed.Seconds(), "events/s")
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}
