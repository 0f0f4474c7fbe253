package api

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall/governance/govchain"
)

// urgentRelayer sends relays as urgent sends, as every relay was sent before reward mints went
// first: for the comparison in BenchmarkRewardLatencyUnderRelayFlood.
type urgentRelayer struct{ *govchain.SenderRelayer }

func (r urgentRelayer) SendRelay(ctx context.Context, to common.Address, calldata []byte, key string, _ uint64) (common.Hash, error) {
	return r.Send(ctx, to, calldata, key)
}

// BenchmarkRewardLatencyUnderRelayFlood measures how long a reward batch takes from its send
// through the operator's sender to its receipt (blocks sealed every 100 ms), alone and while 200
// wallets holding tokens post gasless delegations at once (no gas budget, so every one is
// relayed that the relay's bounds let through): with the relay as it is (relays behind mints, 8
// checked at once, 64 in flight) and as it was (relays sent as urgently as mints, unbounded).
//
//	go test -run '^$' -bench RewardLatencyUnderRelayFlood -benchtime 1x ./api/
func BenchmarkRewardLatencyUnderRelayFlood(b *testing.B) {
	for range b.N {
		h := newGovHarness(b, govTestSettings, 9, 40)
		h.svc.Budget.GasPerDay = 0
		wallets := floodWallets(b, h, 400, 1)
		now := signedDelegations(b, h, wallets[:200], h.sim.Address(1))
		before := signedDelegations(b, h, wallets[200:], h.sim.Address(1))
		stop := h.blocks(100 * time.Millisecond)
		run := func(name string, first int, bodies []map[string]any) {
			var answers []relayAnswer
			flood := func() { answers = postAll(h, bodies) }
			if bodies == nil {
				flood = nil
			}
			ls, err := h.mintsDuring(b.Context(), first, 8, 50*time.Millisecond, flood)
			if err != nil {
				stop()
				b.Fatal(err)
			}
			relayed := 0
			for _, a := range answers {
				if a.status == http.StatusAccepted {
					relayed++
				}
			}
			p50, worst, worstSend, blocks := mintLatencies(ls)
			b.Logf("%s: reward batch p50 %s, worst %s (send at most %s), mined up to %d blocks after the send; %d of %d relays sent",
				name, p50.Round(time.Millisecond), worst.Round(time.Millisecond), worstSend.Round(time.Millisecond), blocks, relayed, len(answers))
			b.ReportMetric(float64(p50.Milliseconds()), name+"-p50-ms")
			b.ReportMetric(float64(worst.Milliseconds()), name+"-worst-ms")
		}
		run("alone", 0, nil)
		run("flood", 100, now)
		h.svc.Relayer = urgentRelayer{&govchain.SenderRelayer{Sender: h.sender}}
		h.svc.MaxInFlight = 1 << 20
		h.srv.relaySlots = make(chan struct{}, 1<<20)
		run("flood-unordered", 200, before)
		stop()
	}
}
