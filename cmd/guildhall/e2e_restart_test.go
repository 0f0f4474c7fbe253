package main

import (
	"math/rand/v2"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"
)

// restartingServe is one `serve` of an e2e cluster that a crash test SIGKILLs and restarts.
type restartingServe struct {
	c    *e2eCluster
	addr string
	mu   sync.Mutex
	cmd  *exec.Cmd
}

// startRestartingServe starts serve on a free address and kills it when the test ends; base is
// the community's API root on it.
func (c *e2eCluster) startRestartingServe(t *testing.T, community string) (s *restartingServe, base string) {
	s = &restartingServe{c: c, addr: freeAddr(t)}
	s.start()
	t.Cleanup(func() { s.mu.Lock(); _ = s.cmd.Process.Kill(); _ = s.cmd.Wait(); s.mu.Unlock() })
	return s, "http://" + s.addr + "/v1/communities/" + community
}

func (s *restartingServe) start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cmd = s.c.start(s.c.serveArgs(s.addr)...)
}

// killRepeatedly SIGKILLs serve after random pauses of 300 ms to 300 ms + spread and restarts it
// each time, until d has passed and it was killed at least least times; it returns the kills.
func (s *restartingServe) killRepeatedly(d time.Duration, least int, spread time.Duration) int {
	kills := 0
	for until := time.Now().Add(d); time.Now().Before(until) || kills < least; kills++ {
		time.Sleep(300*time.Millisecond + rand.N(spread))
		s.mu.Lock()
		_ = s.cmd.Process.Signal(syscall.SIGKILL)
		_ = s.cmd.Wait()
		s.mu.Unlock()
		s.start()
	}
	return kills
}
