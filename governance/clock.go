package governance

import (
	"fmt"
	"strings"
	"time"
)

// ClockModeTimestamp is the ERC-6372 CLOCK_MODE() of Guildhall's token and governor.
const ClockModeTimestamp = "mode=timestamp"

// Clock turns the governor's timepoints into wall time. Guildhall's governor runs in timestamp
// mode, where a timepoint is a Unix time in seconds; a block-number clock (another governor)
// has no exact wall time, so its timepoints are estimated from a known block and an average block
// time.
type Clock struct {
	Mode string // CLOCK_MODE(), e.g. "mode=timestamp"
	// For block-number clocks only: a known block, its time and the average block time.
	RefBlock     uint64
	RefTime      time.Time
	AvgBlockTime time.Duration
}

// TimestampClock is the clock of Guildhall's governors.
var TimestampClock = Clock{Mode: ClockModeTimestamp}

// IsTimestamp reports whether timepoints are Unix seconds.
func (c Clock) IsTimestamp() bool {
	return c.Mode == "" || strings.Contains(c.Mode, "mode=timestamp")
}

// Time returns the wall time of timepoint; exact is false when it is an estimate (block clocks).
func (c Clock) Time(timepoint uint64) (t time.Time, exact bool) {
	if c.IsTimestamp() {
		return time.Unix(int64(timepoint), 0).UTC(), true
	}
	blocks := int64(timepoint) - int64(c.RefBlock)
	return c.RefTime.Add(time.Duration(blocks) * c.AvgBlockTime).UTC(), false
}

// RFC3339 returns the wall time of timepoint as RFC 3339 in UTC.
func (c Clock) RFC3339(timepoint uint64) string {
	t, _ := c.Time(timepoint)
	return t.Format(time.RFC3339)
}

// Describe names a timepoint for messages: its wall time, and the raw clock value.
func (c Clock) Describe(timepoint uint64) string {
	t, exact := c.Time(timepoint)
	if c.IsTimestamp() {
		return fmt.Sprintf("%s (timestamp %d)", t.Format(time.RFC3339), timepoint)
	}
	approx := ""
	if !exact {
		approx = "about "
	}
	return fmt.Sprintf("%s%s (block %d)", approx, t.Format(time.RFC3339), timepoint)
}

// Timepoint is one of the governor's timepoints as the API shows it: the clock value as the chain
// gives it and the wall time.
type Timepoint struct {
	Clock uint64 `json:"clock"`
	Time  string `json:"time"` // RFC 3339
}

// At returns timepoint as the API shows it.
func (c Clock) At(timepoint uint64) Timepoint {
	return Timepoint{Clock: timepoint, Time: c.RFC3339(timepoint)}
}
