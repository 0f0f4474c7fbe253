package api

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// floodWallets makes n fresh keys; with holding > 0 the operator mints each that many whole
// tokens (one mintBatch per 100, before the harness's sender sends anything).
func floodWallets(t testing.TB, h *govHarness, n int, holding int64) []*ecdsa.PrivateKey {
	t.Helper()
	keys := make([]*ecdsa.PrivateKey, n)
	for i := range keys {
		k, err := crypto.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		keys[i] = k
	}
	for from := 0; holding > 0 && from < n; from += 100 {
		var to []common.Address
		var amounts []*big.Int
		for _, k := range keys[from:min(from+100, n)] {
			to = append(to, crypto.PubkeyToAddress(k.PublicKey))
			amounts = append(amounts, tokens(holding))
		}
		h.sim.MustTransact(t, h.sim.Accounts[0], h.dep.Token, tokenABI.PackMintBatch(common.BigToHash(big.NewInt(int64(1000+from))), to, amounts))
	}
	return keys
}

// signedDelegations returns, per key, the body of its delegation to delegatee signed as a
// wallet signs delegation-typed-data.
func signedDelegations(t testing.TB, h *govHarness, keys []*ecdsa.PrivateKey, delegatee common.Address) []map[string]any {
	t.Helper()
	out := make([]map[string]any, len(keys))
	for i, k := range keys {
		who := crypto.PubkeyToAddress(k.PublicKey)
		rec := h.do(t, http.MethodGet, fmt.Sprintf("/v1/communities/bakery/delegation-typed-data?delegator=%s&delegatee=%s", who.Hex(), delegatee.Hex()), "", nil)
		msg := h.want(t, rec, http.StatusOK)["message"].(map[string]any)
		out[i] = map[string]any{"delegator": who.Hex(), "delegatee": delegatee.Hex(), "nonce": msg["nonce"], "expiry": msg["expiry"],
			"signature": signTypedData(t, rec.Body.Bytes(), k)}
	}
	return out
}

// relayAnswer is one relay request's answer.
type relayAnswer struct {
	status      int
	contentType string
	retryAfter  string
	body        map[string]any
}

// postAll posts every body to the delegation relay at once, each from a client address of its
// own (an attacker's botnet: the per-address limit holds none of them back), and returns the
// answers in order.
func postAll(h *govHarness, bodies []map[string]any) []relayAnswer {
	out := make([]relayAnswer, len(bodies))
	var wg sync.WaitGroup
	for i, b := range bodies {
		wg.Go(func() {
			raw, _ := json.Marshal(b)
			req := httptest.NewRequest(http.MethodPost, "/v1/communities/bakery/delegations", bytes.NewReader(raw))
			req.Header.Set("Content-Type", "application/json")
			req.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:4000", i>>16&255, i>>8&255, i&255)
			rec := httptest.NewRecorder()
			h.srv.engine.ServeHTTP(rec, req)
			a := relayAnswer{status: rec.Code, contentType: rec.Header().Get("Content-Type"), retryAfter: rec.Header().Get("Retry-After")}
			_ = json.Unmarshal(rec.Body.Bytes(), &a.body)
			out[i] = a
		})
	}
	wg.Wait()
	return out
}

// blocks seals a block every interval until the returned stop is called, as a chain does, and
// runs the operator sender's loop, which marks relayed transactions mined.
func (h *govHarness) blocks(interval time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = h.sender.Run(ctx) })
	wg.Go(func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				h.sim.Backend.Commit()
			}
		}
	})
	return func() { cancel(); wg.Wait() }
}

// mintLatency is one reward batch sent through the operator's sender: how long from the send to
// its receipt, how long the send took (the nonce and the broadcast), and how many blocks after
// the head when the send returned it was mined (1: in the next block sealed).
type mintLatency struct {
	took, send time.Duration
	blocks     uint64
}

// sendMint sends a mintBatch of one reward through the operator's sender, as the minter does,
// and waits for its receipt.
func (h *govHarness) sendMint(ctx context.Context, n int) (mintLatency, error) {
	start := time.Now()
	calldata := tokenABI.PackMintBatch(common.BigToHash(big.NewInt(int64(900_000+n))), []common.Address{h.sim.Address(8)}, []*big.Int{big.NewInt(1)})
	rec, err := h.sender.Send(ctx, fmt.Sprintf("test:mint:%d", n), h.dep.Token, calldata, nil, 0)
	if err != nil {
		return mintLatency{}, err
	}
	sent := time.Since(start)
	head, err := h.sim.Client.BlockNumber(ctx)
	if err != nil {
		return mintLatency{}, err
	}
	for {
		rcpt, err := h.sim.Client.TransactionReceipt(ctx, rec.Attempts[0].Hash)
		if err == nil {
			return mintLatency{took: time.Since(start), send: sent, blocks: rcpt.BlockNumber.Uint64() - head}, nil
		}
		if !errors.Is(err, ethereum.NotFound) {
			return mintLatency{}, err
		}
		select {
		case <-ctx.Done():
			return mintLatency{}, ctx.Err()
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// mintsDuring sends n reward batches one after another, every gap, while flood runs, and
// returns their latencies.
func (h *govHarness) mintsDuring(ctx context.Context, first, n int, gap time.Duration, flood func()) ([]mintLatency, error) {
	var (
		out  []mintLatency
		errs []error
		wg   sync.WaitGroup
	)
	if flood != nil {
		wg.Go(flood)
	}
	for i := range n {
		l, err := h.sendMint(ctx, first+i)
		out, errs = append(out, l), append(errs, err)
		time.Sleep(gap)
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// mintLatencies sums up ls: the median and worst time from send to receipt, the worst send, and
// the most blocks one was mined after its send returned.
func mintLatencies(ls []mintLatency) (p50, worst, worstSend time.Duration, maxBlocks uint64) {
	d := make([]time.Duration, len(ls))
	for i, l := range ls {
		d[i] = l.took
		worstSend = max(worstSend, l.send)
		maxBlocks = max(maxBlocks, l.blocks)
	}
	slices.Sort(d)
	return d[len(d)/2], d[len(d)-1], worstSend, maxBlocks
}

// The relay flooded from 500 fresh wallets and 100 wallets holding tokens, all at once, each from
// an address of its own, while reward batches are sent: no fresh wallet is relayed (422, no
// balance, or 429 when its turn to be checked did not come within 10 s, as under -race), the
// holders are relayed until the community's gas budget for the day is reserved and then refused
// (429 with Retry-After), every refusal is a problem+json 4xx, the gas the relayed
// transactions used stays within the budget, and every reward batch takes its nonce within a few
// seconds on a loaded 2-core machine (it took 7 s when every relay request could take a database
// connection at once) and is mined in the next block or two: none waits behind the flood.
func TestRelayFloodStopsAtTheBudgetAndMintsGoFirst(t *testing.T) {
	h := newGovHarness(t, govTestSettings, 9, 40)
	const budget = 1_000_000
	h.svc.Budget.GasPerDay = budget
	fresh, holders := floodWallets(t, h, 500, 0), floodWallets(t, h, 100, 1)
	bodies := signedDelegations(t, h, append(fresh, holders...), h.sim.Address(1))

	stop := h.blocks(200 * time.Millisecond)
	var answers []relayAnswer
	mints, err := h.mintsDuring(t.Context(), 0, 6, 100*time.Millisecond, func() { answers = postAll(h, bodies) })
	if err != nil {
		stop()
		t.Fatal(err)
	}
	// Every accepted relay is mined before its gas is summed.
	var sent []common.Hash
	counts := map[string]int{}
	for i, a := range answers {
		switch {
		case a.status == http.StatusAccepted:
			if i < len(fresh) {
				t.Errorf("fresh wallet %d, holding nothing, was relayed", i)
			}
			sent = append(sent, common.HexToHash(a.body["tx_hash"].(string)))
			counts["relayed"]++
		case a.status < 400 || a.status > 499 || a.contentType != "application/problem+json" || a.body["detail"] == nil:
			t.Errorf("wallet %d: %d %s %v, want 202 or a 4xx problem+json", i, a.status, a.contentType, a.body)
		case i < len(fresh) && a.status == http.StatusUnprocessableEntity && bytes.Contains([]byte(a.body["detail"].(string)), []byte("holds 0 base units")):
			counts["fresh refused"]++
		case a.status == http.StatusTooManyRequests && a.retryAfter != "" && bytes.Contains([]byte(a.body["detail"].(string)), []byte("the relay is busy")):
			counts["refused busy"]++ // waited its turn to be checked for longer than the relay lets it
		case i < len(fresh):
			t.Errorf("fresh wallet %d: %d %v, want 422 for holding nothing (or 429: busy)", i, a.status, a.body["detail"])
		case a.status == http.StatusTooManyRequests && a.retryAfter != "" && a.body["detail"] != nil &&
			bytes.Contains([]byte(a.body["detail"].(string)), []byte("of its 1000000 gas of relayed transactions today")):
			counts["holder refused at the budget"]++
		case a.status == http.StatusTooManyRequests && a.retryAfter != "":
			counts["holder refused 429, other"]++
		default:
			t.Errorf("holder %d: %d %v, want 202 or 429 with Retry-After", i, a.status, a.body)
		}
	}
	var used uint64
	for _, hash := range sent {
		rcpt, err := waitReceipt(t.Context(), h, hash)
		if err != nil {
			stop()
			t.Fatal(err)
		}
		used += rcpt
	}
	stop()
	p50, worst, worstSend, blocks := mintLatencies(mints)
	t.Logf("flood: %v; relayed gas used %d of the budget %d; reward batches p50 %s, worst %s (send at most %s), mined at most %d blocks after the send",
		counts, used, budget, p50, worst, worstSend, blocks)
	if counts["fresh refused"] == 0 || counts["relayed"] == 0 || counts["holder refused at the budget"] == 0 {
		t.Errorf("answers %v: want fresh wallets refused for their balance, some holders relayed and others refused at the budget", counts)
	}
	if used > budget {
		t.Errorf("the relayed transactions used %d gas, past the budget of %d", used, budget)
	}
	if blocks > 2 {
		t.Errorf("a reward batch was mined %d blocks after it was sent: it waited behind the flood's transactions", blocks)
	}
	if worstSend > 3*time.Second {
		t.Errorf("a reward batch took %s to be sent: it waited behind the flood's requests", worstSend)
	}
}

// waitReceipt waits for hash's receipt and returns the gas it used.
func waitReceipt(ctx context.Context, h *govHarness, hash common.Hash) (uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		rcpt, err := h.sim.Client.TransactionReceipt(ctx, hash)
		if err == nil {
			return rcpt.GasUsed, nil
		}
		if !errors.Is(err, ethereum.NotFound) {
			return 0, err
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("relay %s not mined: %w", hash.Hex(), ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}
