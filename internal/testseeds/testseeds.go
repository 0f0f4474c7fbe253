// Package testseeds chooses the seeds a randomized test plays: a few fixed ones on every run, and
// as many others as an environment variable asks for, to hunt for a failing history by hand. A
// seed's history is the same on every run, so a failing seed replays.
package testseeds

import (
	"os"
	"strconv"
	"strings"
)

// Range returns the seeds to play, first to last inclusive: first..last on every run; with the
// environment variable env set to N > 0, the N seeds after last instead (last+1..last+N); set to
// A..B, seeds A to B.
func Range(env string, first, last int64) (int64, int64) {
	v := os.Getenv(env)
	if a, b, ok := strings.Cut(v, ".."); ok {
		lo, err1 := strconv.ParseInt(a, 10, 64)
		hi, err2 := strconv.ParseInt(b, 10, 64)
		if err1 == nil && err2 == nil && lo <= hi {
			return lo, hi
		}
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
		return last + 1, last + n
	}
	return first, last
}
