package main

import (
	"math/big"
	"net/http"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/guildhall/guildhall/chain"
)

// TestFailoverAcrossThreeProcesses runs three serve processes on one database and one chain.
// Rewards go round-robin to all three, and members' ballots are relayed through them (one of them
// held by the process that reserved it, never sent by it), while the leaders are killed: a
// process leading both jobs mid-batch, then the minter's leader alone (leads on different
// processes) mid-batch, then a process that has committed a batch of rewards but not answered it
// yet, then the minter's leader frozen with SIGSTOP as a hung host would be.
// Other processes take each lead within seconds, the survivors keep answering, every accepted
// reward is confirmed exactly once and every relayed ballot is counted once on chain.
//
// Where each lead lands is forced with GUILDHALL_TEST_SKIP_JOBS (process 1 never leads the
// indexer, process 2 never the minter), the moment between a commit and its answer with
// GUILDHALL_TEST_HOLD_ANSWER, and the moment between a relay's reservation and its send with
// GUILDHALL_TEST_HOLD_RELAY; mid-batch is read from the leader's batches in flight.
func TestFailoverAcrossThreeProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end failover test")
	}
	c := newE2ECluster(t)
	iss := newIssuerClient(t, c.community("bakery", "--voting-delay", "2s", "--voting-period", "30m"))
	const held = "held-batch" // the request whose first answer is held back (round 3 sends it)
	hold := envHoldAnswer + "=" + held
	// Every process holds the third voter's ballot for good once it has reserved its relay, as a
	// process killed or hung between the reservation and the send would: the ballot's first
	// attempt gets no answer, and its retry on the next process must be answered with its
	// transaction (it was refused "is being relayed right now" for good, and nothing sent it).
	voters := chain.DevAccounts()[1:7]
	holdRelay := envHoldRelay + "=" + voters[2].Address.Hex()
	g := c.serveGroup(0)
	g.add(hold, holdRelay)
	base := g.base("bakery")
	ruleAmount := new(big.Int).Mul(big.NewInt(1000), big.NewInt(1e18))
	iss.retryUntil(http.MethodPut, base, "/rules/purchase", "", `{"amount":"`+ruleAmount.String()+`"}`, 200)
	g.leaderOf(jobMinter, -1, time.Minute)
	g.leaderOf(jobIndexer, -1, time.Minute)
	g.add(hold, holdRelay, envSkipJobs+"="+jobIndexer)
	g.add(hold, holdRelay, envSkipJobs+"="+jobMinter)

	// 1,200 rewards in batches of 20 from 3 clients, each request to the next process round
	// the ring, and to the next again when one does not answer; six members' ballots meanwhile.
	const total = 1200
	bodies, want := rewardLoad(total, 20, 120)
	heldBody, bodies := bodies[len(bodies)-1], bodies[:len(bodies)-1]
	pid := iss.openProposal(base, voters, ruleAmount, want)
	loadDone := iss.sendLoad(bodies, 3, func(k, attempt int) string { return base(k + attempt) })
	heldDone := make(chan struct{})
	ballotsDone := iss.relayBallots(base, pid, voters, time.Second)

	type round struct {
		name   string
		victim func() (int, []string) // the process to kill and the jobs it leads
		sig    syscall.Signal
	}
	rounds := []round{
		{"SIGKILL mid-batch to the process leading both jobs", func() (int, []string) {
			return g.leadersMidBatch(t, true)
		}, syscall.SIGKILL},
		{"SIGKILL mid-batch to the minter's leader, the indexer led elsewhere", func() (int, []string) {
			return g.leadersMidBatch(t, false)
		}, syscall.SIGKILL},
		{"SIGKILL between a commit and its answer", func() (int, []string) {
			// Sent now, so that the process holding its answer is one alive at this round (a
			// request of the load could have been held by a process an earlier round killed).
			// Retried on the next process once the holder is killed: answered as a replay.
			go func() {
				defer close(heldDone)
				iss.retryUntil(http.MethodPost, base, "/rewards:batch", held, heldBody, 202)
			}()
			line := c.waitLog("holding back the answer", 90*time.Second)
			victim := slices.IndexFunc(g.procs, func(p *serveProc) bool { return strings.Contains(line, "host="+p.addr) })
			if victim < 0 {
				t.Fatalf("no process has the address in %q", line)
			}
			jobs, _ := g.procs[victim].leads(g.scrape)
			return victim, jobs
		}, syscall.SIGKILL},
		{"SIGSTOP to the minter's leader", func() (int, []string) {
			m, _ := g.leaderOf(jobMinter, -1, 30*time.Second)
			jobs, _ := g.procs[m].leads(g.scrape)
			return m, jobs
		}, syscall.SIGSTOP},
	}
	for k, r := range rounds {
		time.Sleep(time.Second)
		victim, jobs := r.victim()
		took := g.kill(victim, r.sig, jobs...)
		t.Logf("round %d, %s: process %d led %v; takeovers %v", k+1, r.name, victim, jobs, took)
	}
	<-loadDone
	<-heldDone
	<-ballotsDone
	c.waitLog("holding a reserved relay", time.Second)
	c.checkMintedOnce("bakery", total+len(voters), want)
	c.checkBallotsCountedOnce("bakery", pid, voters)
}

// leadersMidBatch waits until the indexer and the minter are led by one process (same) or by two
// (not same) and the minter's leader has a batch sent and not confirmed, and returns the minter's
// leader and the jobs it leads.
func (g *serveGroup) leadersMidBatch(t *testing.T, same bool) (int, []string) {
	t.Helper()
	m, _ := g.leaderOf(jobMinter, -1, 30*time.Second)
	ix, _ := g.leaderOf(jobIndexer, -1, 30*time.Second)
	if (m == ix) != same {
		t.Fatalf("the minter is led by process %d and the indexer by %d; want them on the same process: %v", m, ix, same)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if n, _ := g.procs[m].metric(g.scrape, "guildhall_minter_batches_in_flight"); n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("process %d leading the minter had no batch in flight for 30 s", m)
		}
	}
	jobs := []string{jobMinter}
	if same {
		jobs = append(jobs, jobIndexer)
	}
	return m, jobs
}
