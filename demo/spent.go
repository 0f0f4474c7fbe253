package demo

import (
	"log/slog"
	"time"
)

// Spent is where laying down the history took its time, by part; logged with the summary, so a
// slow first start says what was slow.
type Spent struct {
	// Clock is moving the chain's clock on (each move seals a block).
	Clock time.Duration
	// Ledger is waiting for the ledger to record the rewards (rewards.Store.Accept), where the
	// rest of the day did not cover it.
	Ledger time.Duration
	// Minter is waiting for the running minter to mint what the ledger holds; MinterWaits is how
	// many times it had not yet.
	Minter      time.Duration
	MinterWaits int
	// Recognition is Config.AfterDay (the recognition engine's evaluations and the index they
	// wait for).
	Recognition time.Duration
	// Sending is estimating, signing and sending the members' transactions; Mining waiting for
	// their receipts.
	Sending, Mining time.Duration
}

// LogValue is the split in milliseconds.
func (s Spent) LogValue() slog.Value {
	ms := func(k string, d time.Duration) slog.Attr { return slog.Int64(k+"_ms", d.Milliseconds()) }
	return slog.GroupValue(ms("clock", s.Clock), ms("ledger", s.Ledger), ms("minter", s.Minter), slog.Int("minter_waits", s.MinterWaits),
		ms("recognition", s.Recognition), ms("sending", s.Sending), ms("mining", s.Mining))
}

// timed adds the time since began to part: defer timed(&part, time.Now()).
func timed(part *time.Duration, began time.Time) { *part += time.Since(began) }
