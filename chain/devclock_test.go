package chain

import (
	"context"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall"
)

// TestDevChainStartsInThePast lays down history the way the demo does: a new chain started months
// ago seals its transactions at its own clock, moves on only forward and only when told, then
// catches up with the wall clock; a restart of that chain ignores StartAt.
func TestDevChainStartsInThePast(t *testing.T) {
	ctx := context.Background()
	dataDir := t.TempDir()
	start := time.Now().Add(-90 * 24 * time.Hour).Truncate(time.Second)
	dev := startDevChain(t, DevChainConfig{DataDir: dataDir, HTTPAddr: "127.0.0.1:0", BlockInterval: time.Second, StartAt: start})
	c := dev.Client()
	headTime := func() time.Time {
		t.Helper()
		h, err := c.HeaderByNumber(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		return time.Unix(int64(h.Time), 0)
	}
	if !dev.Behind() || !headTime().Equal(start) {
		t.Fatalf("new chain with StartAt: behind=%v head time %s, want behind and %s", dev.Behind(), headTime(), start)
	}
	// Behind the wall clock, the empty blocks of the interval (which keep confirmations coming)
	// are a second apart in chain time: the clock does not jump to the wall clock.
	time.Sleep(2500 * time.Millisecond)
	if got := headTime(); got.Sub(start) > 5*time.Second || !got.After(start) {
		t.Fatalf("head time went from %s to %s on the interval while behind, want a second or so per empty block", start, got)
	}

	from, to := dev.Accounts()[1], common.HexToAddress("0x00000000000000000000000000000000c0ffee03")
	rcpt := waitMined(t, c, sendTx(t, c, from.Key, &to, big.NewInt(1), nil, 21_000).Hash(), 3*time.Second)
	mined, err := c.HeaderByNumber(ctx, rcpt.BlockNumber)
	if err != nil {
		t.Fatal(err)
	}
	if got := time.Unix(int64(mined.Time), 0); got.Sub(start) > 10*time.Second {
		t.Fatalf("a transaction sent while behind was mined at %s, want the chain's clock %s", got, start)
	}

	day := start.Add(24 * time.Hour)
	if err := dev.AdvanceTo(ctx, day); err != nil {
		t.Fatal(err)
	}
	if got := headTime(); !got.Equal(day) || !dev.Now().Equal(day) {
		t.Fatalf("after AdvanceTo head time %s, clock %s; want %s", got, dev.Now(), day)
	}
	assertUserError(t, dev.AdvanceTo(ctx, start), guildhall.EINVALID, "forward only")
	assertUserError(t, dev.AdvanceTo(ctx, time.Now().Add(time.Hour)), guildhall.EINVALID, "wall clock")

	if err := dev.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	rcpt = waitMined(t, c, sendTx(t, c, from.Key, &to, big.NewInt(1), nil, 21_000).Hash(), 3*time.Second)
	if mined, err = c.HeaderByNumber(ctx, rcpt.BlockNumber); err != nil {
		t.Fatal(err)
	}
	if lag := time.Since(time.Unix(int64(mined.Time), 0)); dev.Behind() || lag > 3*time.Second || lag < -time.Second {
		t.Fatalf("after CatchUp a transaction was mined %s behind the wall clock (behind=%v), want at the wall clock", lag, dev.Behind())
	}
	assertUserError(t, dev.AdvanceTo(ctx, day.Add(24*time.Hour)), guildhall.ECONFLICT, "wall clock")
	if err := dev.Close(); err != nil {
		t.Fatal(err)
	}

	again := startDevChain(t, DevChainConfig{DataDir: dataDir, HTTPAddr: "127.0.0.1:0", StartAt: start})
	if again.Behind() {
		t.Fatal("a restarted chain went back to StartAt; it must keep the wall clock")
	}
}
