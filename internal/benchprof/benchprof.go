// Package benchprof writes CPU profiles of a benchmark's phases, so a profile shows one phase
// (go test's -cpuprofile covers the whole run, setup included).
package benchprof

import (
	"os"
	"runtime/pprof"
	"testing"
)

// Phase starts a CPU profile of one phase, written to $GUILDHALL_BENCH_CPUPROFILE-<phase>.pprof
// when that variable is set, and returns the function that stops it (a no-op otherwise).
func Phase(b testing.TB, phase string) (stop func()) {
	prefix := os.Getenv("GUILDHALL_BENCH_CPUPROFILE")
	if prefix == "" {
		return func() {}
	}
	f, err := os.Create(prefix + "-" + phase + ".pprof")
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		b.Fatal(err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}
