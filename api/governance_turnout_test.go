package api

import (
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall/governance"
)

// Turnout against delegated supply differs from turnout against total supply when some tokens
// vote for no one, while quorum stays a share of the total supply.
func TestTurnoutAgainstDelegatedAndTotalSupply(t *testing.T) {
	settings := govTestSettings
	settings.QuorumPercent = 80 // 80 of the 100 tokens
	h := newGovHarness(t, settings, 9, 40, 30, 20, 10)
	// Member 2 takes its 30 tokens out of voting: delegated supply is 70 of 100.
	h.sim.MustTransact(t, h.sim.Accounts[2], h.dep.Token, tokenABI.PackDelegate(common.Address{}))
	h.advance(t, time.Second)
	pid, _ := h.walletProposal(t, "Grant 1 BAKE, counted against two supplies")
	h.advance(t, settings.VotingDelay+time.Second)

	type want struct {
		quorumVotes              string
		progress                 float64
		reached                  bool
		turnoutTotal, turnoutDel float64
	}
	check := func(step string, w want) {
		t.Helper()
		tally := h.tally(t, pid.String())
		if tally["quorum"] != tokens(80).String() || tally["total_supply"] != tokens(100).String() || tally["delegated_supply"] != tokens(70).String() {
			t.Fatalf("%s: quorum %v, total supply %v, delegated supply %v; want 80, 100 and 70 tokens",
				step, tally["quorum"], tally["total_supply"], tally["delegated_supply"])
		}
		got := want{tally["quorum_votes"].(string), tally["quorum_progress"].(float64), tally["quorum_reached"].(bool),
			tally["turnout_total_supply"].(float64), tally["turnout_delegated_supply"].(float64)}
		if got != w || tally["consistent"] != true {
			t.Fatalf("%s: got %+v (consistent %v), want %+v", step, got, tally["consistent"], w)
		}
	}

	h.sim.MustTransact(t, h.sim.Accounts[1], h.dep.Governor, govABI.PackCastVote(pid, uint8(governance.For)))
	// 40 voted: 40/80 of quorum, 40/100 of all tokens, 40/70 of delegated ones.
	check("after 40 for", want{tokens(40).String(), 0.5, false, 0.4, 0.571429})

	rec := h.do(t, "POST", ballotPath(pid.String()), "", map[string]any{"voter": h.sim.Address(3).Hex(), "support": "abstain",
		"signature": h.signBallot(t, 3, pid.String(), "abstain", "")})
	h.mine(t, h.want(t, rec, 202)["tx_hash"].(string))
	// Abstain counts toward quorum: 60/80; 60/100 of all tokens, 60/70 of delegated ones.
	check("after 20 abstain", want{tokens(60).String(), 0.75, false, 0.6, 0.857143})
}
