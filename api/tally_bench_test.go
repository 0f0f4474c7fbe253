package api

import (
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/guildhall/guildhall/governance"
)

// benchVoters is how many members vote on the benchmarked proposal (GUILDHALL_BENCH_VOTERS
// overrides it).
func benchVoters() int {
	if n, err := strconv.Atoi(os.Getenv("GUILDHALL_BENCH_VOTERS")); err == nil && n > 0 {
		return n
	}
	return 10_000
}

// rawSender sends operator transactions with explicit nonces and a fixed gas limit, committing a
// block every few hundred: setup only, not what the API does.
type rawSender struct {
	h     *govHarness
	opts  *bind.TransactOpts
	nonce uint64
	sent  int
}

func newRawSender(b *testing.B, h *govHarness) *rawSender {
	n, err := h.sim.Client.PendingNonceAt(b.Context(), h.sim.Address(0))
	if err != nil {
		b.Fatal(err)
	}
	return &rawSender{h: h, opts: bind.NewKeyedTransactor(h.sim.Accounts[0], h.sim.ChainID), nonce: n}
}

func (r *rawSender) send(b *testing.B, to common.Address, data []byte, gas uint64) {
	r.opts.Nonce = new(big.Int).SetUint64(r.nonce)
	r.opts.GasLimit = gas
	if _, err := bind.NewBoundContract(to, abi.ABI{}, r.h.sim.Client, r.h.sim.Client, r.h.sim.Client).RawTransact(r.opts, data); err != nil {
		b.Fatal(err)
	}
	r.nonce++
	r.sent++
	if r.sent%100 == 0 {
		r.h.sim.Backend.Commit()
	}
}

// drain commits blocks until every transaction sent is mined.
func (r *rawSender) drain(b *testing.B) {
	for {
		mined, err := r.h.sim.Client.NonceAt(b.Context(), r.h.sim.Address(0), nil)
		if err != nil {
			b.Fatal(err)
		}
		if mined >= r.nonce {
			return
		}
		r.h.sim.Backend.Commit()
	}
}

// latencies runs fn from `workers` goroutines until n calls are done and returns the sorted
// durations of each call.
func latencies(n, workers int, fn func()) []time.Duration {
	out := make([]time.Duration, n)
	var next sync.Mutex
	i := 0
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				next.Lock()
				k := i
				i++
				next.Unlock()
				if k >= n {
					return
				}
				start := time.Now()
				fn()
				out[k] = time.Since(start)
			}
		})
	}
	wg.Wait()
	slices.Sort(out)
	return out
}

func pct(d []time.Duration, p float64) float64 {
	return float64(d[int(float64(len(d)-1)*p)].Microseconds()) / 1000
}

// BenchmarkGovernance measures, in one run: tally reads of a proposal with benchVoters() votes
// and plain account reads under the same concurrent load (p50/p99 in ms), and how many gasless
// ballots per second the relay checks and sends.
func BenchmarkGovernance(b *testing.B) {
	voters := benchVoters()
	h := newGovHarness(b, govTestSettings, 2, 0)
	keys := make([]*ecdsa.PrivateKey, voters)
	addrs := make([]common.Address, voters)
	for i := range keys {
		keys[i], _ = crypto.GenerateKey()
		addrs[i] = crypto.PubkeyToAddress(keys[i].PublicKey)
	}
	setup := time.Now()
	raw := newRawSender(b, h)
	for i := 0; i < voters; i += 100 {
		j := min(i+100, voters)
		amounts := make([]*big.Int, j-i)
		for k := range amounts {
			amounts[k] = tokens(int64(1 + (i+k)%50))
		}
		raw.send(b, h.dep.Token, tokenABI.PackMintBatch(common.BigToHash(big.NewInt(int64(i+1))), addrs[i:j], amounts), 16_000_000)
	}
	raw.drain(b)
	h.advance(b, time.Second)
	propose := func(desc string) *big.Int {
		targets, values, calldatas := []common.Address{h.dep.Token}, []*big.Int{new(big.Int)}, [][]byte{tokenABI.PackMint(h.sim.Address(1), tokens(1))}
		rcpt := h.sim.MustTransact(b, h.sim.Accounts[0], h.dep.Governor, govABI.PackPropose(targets, values, calldatas, desc))
		for _, l := range rcpt.Logs {
			if ev, err := govABI.UnpackProposalCreatedEvent(l); err == nil {
				return ev.ProposalId
			}
		}
		b.Fatal("no ProposalCreated")
		return nil
	}
	pid := propose("Benchmark: the big vote")
	relayPid := propose("Benchmark: the relayed vote")
	h.advance(b, govTestSettings.VotingDelay+time.Second)
	domain := governance.Domain{Name: "Corner Bakery Governor", Version: "1", ChainID: h.sim.ChainID, VerifyingContract: h.dep.Governor}
	raw = newRawSender(b, h)
	for i, key := range keys {
		support := governance.Support(i % 3)
		ballot := governance.Ballot{ProposalID: pid, Support: support, Voter: addrs[i], Nonce: new(big.Int)}
		digest, _ := governance.Digest(ballot.TypedData(domain))
		sig, _ := crypto.Sign(digest[:], key)
		sig[64] += 27
		raw.send(b, h.dep.Governor, govABI.PackCastVoteBySig(pid, uint8(support), addrs[i], sig), 200_000)
	}
	raw.drain(b)
	h.sync(b)
	b.Logf("setup: %d voters minted, voted and indexed in %s", voters, time.Since(setup).Round(time.Second))

	get := func(path string) func() {
		return func() {
			rec := httptest.NewRecorder()
			h.srv.engine.ServeHTTP(rec, httptest.NewRequestWithContext(b.Context(), http.MethodGet, path, nil))
			if rec.Code != http.StatusOK {
				b.Errorf("GET %s: %d %s", path, rec.Code, rec.Body)
			}
		}
	}
	tallyPath := "/v1/communities/bakery/proposals/" + pid.String() + "/tally"
	tally := h.want(b, h.do(b, http.MethodGet, tallyPath, "", nil), http.StatusOK)
	if tally["voters"] != float64(voters) || tally["consistent"] != true {
		b.Fatalf("tally of the benchmark proposal: voters %v consistent %v", tally["voters"], tally["consistent"])
	}
	const workers = 16
	for _, r := range []struct{ name, path string }{
		{"tally", tallyPath},
		{"account", "/v1/communities/bakery/accounts/" + addrs[0].Hex()},
	} {
		b.Run(fmt.Sprintf("read=%s/votes=%d/concurrency=%d", r.name, voters, workers), func(b *testing.B) {
			n := max(b.N, 2000)
			d := latencies(n, workers, get(r.path))
			b.ReportMetric(pct(d, 0.50), "p50-ms")
			b.ReportMetric(pct(d, 0.99), "p99-ms")
		})
	}

	b.Run("relay=ballots", func(b *testing.B) {
		n := min(max(b.N, 200), voters)
		sigs := make([]string, n)
		for i := range n {
			ballot := governance.Ballot{ProposalID: relayPid, Support: governance.For, Voter: addrs[i], Nonce: big.NewInt(1)}
			digest, _ := governance.Digest(ballot.TypedData(domain))
			sig, _ := crypto.Sign(digest[:], keys[i])
			sig[64] += 27
			sigs[i] = fmt.Sprintf("0x%x", sig)
		}
		// Every voter has its own relay allowance, and the bench is not one client address: the
		// limits are not what is measured.
		h.svc.Limit = governance.RelayLimit{}
		h.srv.ipLimiter = nil
		var mu sync.Mutex
		k := 0
		start := time.Now()
		latencies(n, 8, func() {
			mu.Lock()
			i := k
			k++
			mu.Unlock()
			rec := h.do(b, http.MethodPost, ballotPath(relayPid.String()), "", map[string]any{"voter": addrs[i].Hex(), "support": "for", "signature": sigs[i]})
			if rec.Code != http.StatusAccepted {
				b.Errorf("relay %d: %d %s", i, rec.Code, rec.Body)
			}
		})
		elapsed := time.Since(start)
		b.ReportMetric(float64(n)/elapsed.Seconds(), "ballots/s")
	})
}
