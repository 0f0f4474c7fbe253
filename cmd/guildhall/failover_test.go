package main

import (
	"bufio"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// serveProc is one serve process of a failover test, restartable on the same address.
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

// TestFailoverAcrossThreeProcesses runs three serve processes on one database and one chain.
// Rewards go round-robin to all three while the process leading the minter is killed several
// times (SIGKILL, and once frozen with SIGSTOP as a hung host would be): another process takes
// each lead within seconds, the survivors keep answering, and in the end every accepted reward is
// confirmed exactly once.
func TestFailoverAcrossThreeProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end failover test")
	}
	c := newE2ECluster(t)
	iss := newIssuerClient(t, c.community("bakery"))
	procs := make([]*serveProc, 3)
	for i := range procs {
		procs[i] = &serveProc{addr: freeAddr(t)}
		procs[i].cmd = c.start(c.serveArgs(procs[i].addr)...)
	}
	t.Cleanup(func() {
		for _, p := range procs {
			p.mu.Lock()
			_ = p.cmd.Process.Signal(syscall.SIGCONT)
			_ = p.cmd.Process.Kill()
			_ = p.cmd.Wait()
			p.mu.Unlock()
		}
	})
	base := func(i int) string { return "http://" + procs[i%len(procs)].addr + "/v1/communities/bakery" }
	iss.retryUntil(http.MethodPut, base, "/rules/purchase", "", `{"amount":"1000000000000000000000"}`, 200)

	scrape := &http.Client{Timeout: time.Second}
	// leaderOf waits until exactly one live process (not skip) leads job and returns it.
	leaderOf := func(job string, skip int, within time.Duration) (int, time.Duration) {
		start := time.Now()
		for time.Since(start) < within {
			var leaders []int
			for i, p := range procs {
				if jobs, ok := p.leads(scrape); ok && i != skip && slices.Contains(jobs, job) {
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
	leaderOf(jobMinter, -1, time.Minute)
	leaderOf(jobIndexer, -1, time.Minute)

	// 1,200 rewards in batches of 20 from 3 clients, each request to the next process round
	// the ring, and to the next again when one does not answer.
	const total = 1200
	bodies, want := rewardLoad(total, 20, 120)
	loadDone := iss.sendLoad(bodies, 3, func(k, attempt int) string { return base(k + attempt) })

	var takeovers []time.Duration
	layouts := map[string]int{}
	for round, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGKILL, syscall.SIGSTOP, syscall.SIGKILL} {
		time.Sleep(1500 * time.Millisecond)
		victim, _ := leaderOf(jobMinter, -1, 30*time.Second)
		indexerLeader, _ := leaderOf(jobIndexer, -1, 30*time.Second)
		if victim == indexerLeader {
			layouts["same process"]++
		} else {
			layouts["different processes"]++
		}
		p := procs[victim]
		p.mu.Lock()
		_ = p.cmd.Process.Signal(sig)
		p.mu.Unlock()
		within := 15 * time.Second
		if sig == syscall.SIGSTOP {
			within = 45 * time.Second // the server ends the frozen session after idle_session_timeout
		}
		next, took := leaderOf(jobMinter, victim, within)
		takeovers = append(takeovers, took)
		name := map[syscall.Signal]string{syscall.SIGKILL: "SIGKILL", syscall.SIGSTOP: "SIGSTOP"}[sig]
		t.Logf("round %d: %s to process %d (leading the minter); process %d led within %s", round+1, name, victim, next, took.Round(time.Millisecond))
		for i, q := range procs {
			if i == victim {
				continue
			}
			if res, err := scrape.Get("http://" + q.addr + "/healthz"); err != nil || res.StatusCode != http.StatusOK {
				t.Errorf("survivor %d does not answer /healthz after the kill: %v", i, err)
			} else {
				res.Body.Close()
			}
		}
		p.mu.Lock()
		_ = p.cmd.Process.Signal(syscall.SIGCONT)
		_ = p.cmd.Process.Kill()
		_ = p.cmd.Wait()
		p.cmd = c.start(c.serveArgs(p.addr)...)
		p.mu.Unlock()
	}
	<-loadDone
	t.Logf("minter takeovers %v; lead layouts seen %v", takeovers, layouts)
	c.checkMintedOnce("bakery", total, want)
}
