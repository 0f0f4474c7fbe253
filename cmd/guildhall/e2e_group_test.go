package main

import (
	"bufio"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// serveProc is one serve process of a group, restartable on the same address.
type serveProc struct {
	addr string
	mu   sync.Mutex
	cmd  *exec.Cmd
}

// leads scrapes the process's /metrics and returns the jobs it leads (guildhall_leader{job} 1);
// ok is false when it does not answer.
func (p *serveProc) leads(client *http.Client) (jobs []string, ok bool) {
	res, err := client.Get("http://" + p.addr + "/metrics")
	if err != nil {
		return nil, false
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if rest, found := strings.CutPrefix(line, `guildhall_leader{job="`); found && strings.HasSuffix(line, "} 1") {
			jobs = append(jobs, rest[:strings.IndexByte(rest, '"')])
		}
	}
	return jobs, res.StatusCode == http.StatusOK
}

// serveGroup is n serve processes of a cluster on one database and one chain.
type serveGroup struct {
	c      *e2eCluster
	procs  []*serveProc
	scrape *http.Client
}

func (c *e2eCluster) serveGroup(n int) *serveGroup {
	g := &serveGroup{c: c, procs: make([]*serveProc, n), scrape: &http.Client{Timeout: time.Second}}
	for i := range g.procs {
		g.procs[i] = &serveProc{addr: freeAddr(c.t)}
		g.procs[i].cmd = c.start(c.serveArgs(g.procs[i].addr)...)
	}
	c.t.Cleanup(func() {
		for _, p := range g.procs {
			p.mu.Lock()
			_ = p.cmd.Process.Signal(syscall.SIGCONT)
			_ = p.cmd.Process.Kill()
			_ = p.cmd.Wait()
			p.mu.Unlock()
		}
	})
	return g
}

// base is the community's API URL on process i (round the ring).
func (g *serveGroup) base(community string) func(i int) string {
	return func(i int) string { return "http://" + g.procs[i%len(g.procs)].addr + "/v1/communities/" + community }
}

// leaderOf waits until exactly one live process other than skip (-1: none) leads job, and returns
// it and how long that took.
func (g *serveGroup) leaderOf(job string, skip int, within time.Duration) (int, time.Duration) {
	t := g.c.t
	start := time.Now()
	for time.Since(start) < within {
		var leaders []int
		for i, p := range g.procs {
			if jobs, ok := p.leads(g.scrape); ok && i != skip && slices.Contains(jobs, job) {
				leaders = append(leaders, i)
			}
		}
		if len(leaders) == 1 {
			return leaders[0], time.Since(start)
		}
		if len(leaders) > 1 {
			t.Fatalf("processes %v all say they lead the %s", leaders, job)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no process took the %s lead within %s", job, within)
	return -1, 0
}

// signal sends sig to process i.
func (g *serveGroup) signal(i int, sig syscall.Signal) {
	p := g.procs[i]
	p.mu.Lock()
	defer p.mu.Unlock()
	_ = p.cmd.Process.Signal(sig)
}

// restart kills process i (thawing it first if it was stopped) and starts it again.
func (g *serveGroup) restart(i int) {
	p := g.procs[i]
	p.mu.Lock()
	defer p.mu.Unlock()
	_ = p.cmd.Process.Signal(syscall.SIGCONT)
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
	p.cmd = g.c.start(g.c.serveArgs(p.addr)...)
}

// answering returns the processes but skip that do not answer /healthz within 10 s (generous: the
// tests run on a loaded 2-core machine).
func (g *serveGroup) answering(skip int) []int {
	client := &http.Client{Timeout: 10 * time.Second}
	var silent []int
	for i, p := range g.procs {
		if i == skip {
			continue
		}
		res, err := client.Get("http://" + p.addr + "/healthz")
		if err != nil || res.StatusCode != http.StatusOK {
			silent = append(silent, i)
			continue
		}
		res.Body.Close()
	}
	return silent
}

// killLeader sends sig to the minter's leader, waits for another process to lead it, restarts the
// victim and returns the takeover time.
func (g *serveGroup) killLeader(sig syscall.Signal) (victim, next int, took time.Duration) {
	victim, _ = g.leaderOf(jobMinter, -1, 30*time.Second)
	g.signal(victim, sig)
	within := 15 * time.Second
	if sig == syscall.SIGSTOP {
		within = 45 * time.Second // the server ends the frozen session after idle_session_timeout
	}
	next, took = g.leaderOf(jobMinter, victim, within)
	if silent := g.answering(victim); len(silent) > 0 {
		g.c.t.Errorf("survivors %v do not answer /healthz after the kill of %d", silent, victim)
	}
	g.restart(victim)
	return victim, next, took
}
