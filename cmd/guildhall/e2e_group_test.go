package main

import (
	"bufio"
	"fmt"
	"net/http"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// serveProc is one serve process of a group, restartable on the same address and environment.
type serveProc struct {
	addr string
	env  []string // added to the cluster's (test hooks)
	mu   sync.Mutex
	cmd  *exec.Cmd
}

// metric scrapes the process's /metrics for the value of the sample named exactly series (name
// and labels as exported); ok is false when it does not answer or has no such sample.
func (p *serveProc) metric(client *http.Client, series string) (v float64, ok bool) {
	res, err := client.Get("http://" + p.addr + "/metrics")
	if err != nil {
		return 0, false
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if rest, found := strings.CutPrefix(sc.Text(), series+" "); found {
			v, err := strconv.ParseFloat(rest, 64)
			return v, err == nil
		}
	}
	return 0, false
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
			if p.cmd == nil {
				continue
			}
			p.mu.Lock()
			_ = p.cmd.Process.Signal(syscall.SIGCONT)
			_ = p.cmd.Process.Kill()
			_ = p.cmd.Wait()
			p.mu.Unlock()
		}
	})
	return g
}

// add starts one more process with env added to the cluster's environment, and returns its index.
// Add every process before sending load: the group's list is not guarded.
func (g *serveGroup) add(env ...string) int {
	p := &serveProc{addr: freeAddr(g.c.t), env: env}
	p.cmd = g.c.startEnv(env, g.c.serveArgs(p.addr)...)
	g.procs = append(g.procs, p)
	return len(g.procs) - 1
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
	p.cmd = g.c.startEnv(p.env, g.c.serveArgs(p.addr)...)
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
	t := g.kill(victim, sig, jobMinter)
	return victim, t[jobMinter].by, t[jobMinter].took
}

// takeover is who took a job's lead after a kill, and how long after the signal.
type takeover struct {
	by   int
	took time.Duration
}

func (t takeover) String() string {
	return fmt.Sprintf("process %d within %s", t.by, t.took.Round(time.Millisecond))
}

// kill sends sig to process victim, waits for other processes to take the leads of jobs (those
// it led), checks that the survivors answer, restarts the victim and returns the takeovers.
func (g *serveGroup) kill(victim int, sig syscall.Signal, jobs ...string) map[string]takeover {
	// The survivors are the others that answer now: one restarted by the round before may still
	// be starting (migrations checked, connections warmed), which is not a survivor gone silent.
	starting := g.answering(victim)
	g.signal(victim, sig)
	start := time.Now()
	within := 15 * time.Second
	if sig == syscall.SIGSTOP {
		within = 45 * time.Second // the server ends the frozen session after idle_session_timeout
	}
	out := map[string]takeover{}
	for _, job := range jobs {
		by, _ := g.leaderOf(job, victim, within)
		out[job] = takeover{by: by, took: time.Since(start)}
	}
	silent := slices.DeleteFunc(g.answering(victim), func(i int) bool { return slices.Contains(starting, i) })
	if len(silent) > 0 {
		g.c.t.Errorf("survivors %v do not answer /healthz after the kill of %d", silent, victim)
	}
	g.restart(victim)
	return out
}
