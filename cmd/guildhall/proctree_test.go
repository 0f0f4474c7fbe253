package main

import (
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// TestProcTreeCountsChildren: the benchmarks' peak RSS and CPU of an indexer cover the processes
// it starts (Ponder's node starts esbuild), not only the one the benchmark launched.
func TestProcTreeCountsChildren(t *testing.T) {
	cmd := exec.Command("sh", "-c", "sleep 30 & sleep 30 & wait")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stop := func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); _ = cmd.Wait() }
	t.Cleanup(stop)
	tree := newProcTree(cmd.Process.Pid)
	for range 100 {
		if tree.sample(); len(tree.seen) == 3 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(tree.seen) != 3 {
		t.Fatalf("saw %d processes of sh and its two sleeps, want 3", len(tree.seen))
	}
	root, err := procPeakRSS(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	if tree.peakRSS() <= root {
		t.Fatalf("peak RSS of the tree %d, of sh alone %d: the children are not counted", tree.peakRSS(), root)
	}
	stop()
	tree.sample()
	if len(tree.seen) != 3 {
		t.Fatalf("after sh exited the tree holds %d processes, want the 3 last seen", len(tree.seen))
	}
}
