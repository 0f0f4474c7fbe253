package contracts_test

import (
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/contracts/bindings/guildgovernor"
)

var governor = guildgovernor.NewGuildGovernor()

// Governor states, as IGovernor.ProposalState numbers them.
const (
	statePending   = 0
	stateActive    = 1
	stateDefeated  = 3
	stateSucceeded = 4
	stateQueued    = 5
	stateExecuted  = 7
)

const (
	voteAgainst = 0
	voteFor     = 1
)

var govSettings = guildhall.GovernanceSettings{
	VotingDelay:         10 * time.Second,
	VotingPeriod:        100 * time.Second,
	TimelockDelay:       30 * time.Second,
	LateQuorumExtension: 50 * time.Second,
	QuorumPercent:       4,
	ProposalThreshold:   new(big.Int),
}

// grantProposal is a proposal that mints `amount` to `to` through the timelock.
type grantProposal struct {
	targets     []common.Address
	values      []*big.Int
	calldatas   [][]byte
	description string
	id          *big.Int
}

func (g *grantProposal) descriptionHash() common.Hash {
	return crypto.Keccak256Hash([]byte(g.description))
}

// governed is a community with members 1..3 holding 60, 30 and 10 tokens (quorum 4% = 4 tokens).
func governed(t *testing.T, settings guildhall.GovernanceSettings) *community {
	t.Helper()
	c := newCommunity(t, 4, settings)
	c.mintBatch(t, common.Hash{1}, []common.Address{c.sim.Address(1), c.sim.Address(2), c.sim.Address(3)},
		[]*big.Int{tokens(60), tokens(30), tokens(10)})
	c.sim.Advance(t, time.Second) // the proposal's snapshot must come after the mint
	return c
}

func (c *community) proposeGrant(t *testing.T, to common.Address, amount *big.Int, description string) *grantProposal {
	t.Helper()
	p := &grantProposal{
		targets:     []common.Address{c.dep.Token},
		values:      []*big.Int{new(big.Int)},
		calldatas:   [][]byte{token.PackMint(to, amount)},
		description: description,
	}
	rcpt := c.sim.MustTransact(t, c.sim.Accounts[1], c.dep.Governor, governor.PackPropose(p.targets, p.values, p.calldatas, p.description))
	for _, l := range rcpt.Logs {
		if ev, err := governor.UnpackProposalCreatedEvent(l); err == nil {
			p.id = ev.ProposalId
		}
	}
	if p.id == nil {
		t.Fatal("propose emitted no ProposalCreated")
	}
	hashed, err := governor.UnpackHashProposal(c.sim.Call(t, c.dep.Governor, governor.PackHashProposal(p.targets, p.values, p.calldatas, p.descriptionHash())))
	if err != nil || hashed.Cmp(p.id) != 0 {
		t.Fatalf("hashProposal = %s, %v; want the created id %s", hashed, err, p.id)
	}
	return p
}

func (c *community) state(t *testing.T, p *grantProposal) uint8 {
	t.Helper()
	s, err := governor.UnpackState(c.sim.Call(t, c.dep.Governor, governor.PackState(p.id)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (c *community) wantState(t *testing.T, p *grantProposal, want uint8) {
	t.Helper()
	if got := c.state(t, p); got != want {
		t.Fatalf("state() = %d, want %d", got, want)
	}
}

func (c *community) deadline(t *testing.T, p *grantProposal) uint64 {
	t.Helper()
	d, err := governor.UnpackProposalDeadline(c.sim.Call(t, c.dep.Governor, governor.PackProposalDeadline(p.id)))
	if err != nil {
		t.Fatal(err)
	}
	return d.Uint64()
}

func (c *community) vote(t *testing.T, member int, p *grantProposal, support uint8) *types.Receipt {
	t.Helper()
	return c.sim.MustTransact(t, c.sim.Accounts[member], c.dep.Governor, governor.PackCastVote(p.id, support))
}

// advancePast seals a block one second after the given timestamp.
func (c *community) advancePast(t *testing.T, ts uint64) {
	t.Helper()
	if head := c.sim.HeadTime(t); head <= ts {
		c.sim.Advance(t, time.Duration(ts-head+1)*time.Second)
	}
}

func TestGovernanceCycleMintsTheGrantThroughTheTimelock(t *testing.T) {
	c := governed(t, govSettings)
	fund := c.sim.Address(4)
	p := c.proposeGrant(t, fund, tokens(500), "Grant 500 BAKE to the bakery fund\n\nFor the new oven.")
	c.wantState(t, p, statePending)

	c.sim.Advance(t, govSettings.VotingDelay+time.Second)
	c.wantState(t, p, stateActive)
	c.vote(t, 1, p, voteFor)
	c.vote(t, 2, p, voteAgainst)

	votes, err := governor.UnpackProposalVotes(c.sim.Call(t, c.dep.Governor, governor.PackProposalVotes(p.id)))
	if err != nil {
		t.Fatal(err)
	}
	if votes.ForVotes.Cmp(tokens(60)) != 0 || votes.AgainstVotes.Cmp(tokens(30)) != 0 || votes.AbstainVotes.Sign() != 0 {
		t.Fatalf("proposalVotes = for %s against %s abstain %s, want 60/30/0 tokens", votes.ForVotes, votes.AgainstVotes, votes.AbstainVotes)
	}

	c.advancePast(t, c.deadline(t, p))
	c.wantState(t, p, stateSucceeded)
	c.sim.MustTransact(t, c.sim.Accounts[2], c.dep.Governor, governor.PackQueue(p.targets, p.values, p.calldatas, p.descriptionHash()))
	c.wantState(t, p, stateQueued)

	execute := governor.PackExecute(p.targets, p.values, p.calldatas, p.descriptionHash())
	if _, err := c.sim.Transact(t, c.sim.Accounts[3], c.dep.Governor, execute); err == nil {
		t.Fatal("execute succeeded before the timelock delay passed")
	}
	c.sim.Advance(t, govSettings.TimelockDelay+time.Second)
	c.sim.MustTransact(t, c.sim.Accounts[3], c.dep.Governor, execute)
	c.wantState(t, p, stateExecuted)

	if got := c.balance(t, fund); got.Cmp(tokens(500)) != 0 {
		t.Errorf("balanceOf(fund) = %s after execution, want the granted %s", got, tokens(500))
	}
	if got := c.totalSupply(t); got.Cmp(tokens(600)) != 0 {
		t.Errorf("totalSupply = %s, want %s", got, tokens(600))
	}
}

func TestProposalOutcomes(t *testing.T) {
	tests := map[string]struct {
		quorumPercent uint8
		votes         map[int]uint8 // member -> support
		want          uint8
	}{
		"more against than for is defeated": {4, map[int]uint8{1: voteAgainst, 2: voteFor}, stateDefeated},
		"for wins with quorum":              {4, map[int]uint8{2: voteFor, 3: voteAgainst}, stateSucceeded},
		"for wins but misses quorum":        {20, map[int]uint8{3: voteFor}, stateDefeated},
		"nobody votes":                      {4, nil, stateDefeated},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			settings := govSettings
			settings.QuorumPercent = tt.quorumPercent
			c := governed(t, settings)
			p := c.proposeGrant(t, c.sim.Address(4), tokens(1), "Grant 1 BAKE")
			c.sim.Advance(t, settings.VotingDelay+time.Second)
			for member, support := range tt.votes {
				c.vote(t, member, p, support)
			}
			c.advancePast(t, c.deadline(t, p))
			c.wantState(t, p, tt.want)
		})
	}
}

func TestLateQuorumExtendsTheDeadline(t *testing.T) {
	c := governed(t, govSettings)
	p := c.proposeGrant(t, c.sim.Address(4), tokens(1), "Grant 1 BAKE, decided late")
	original := c.deadline(t, p)

	// Quorum is reached five seconds before the deadline.
	c.advancePast(t, original-6)
	rcpt := c.vote(t, 1, p, voteFor)
	voteTime := c.sim.HeadTime(t)

	var extended *guildgovernor.GuildGovernorProposalExtended
	for _, l := range rcpt.Logs {
		if ev, err := governor.UnpackProposalExtendedEvent(l); err == nil {
			extended = ev
		}
	}
	want := voteTime + uint64(govSettings.LateQuorumExtension/time.Second)
	if extended == nil || extended.ExtendedDeadline != want {
		t.Fatalf("ProposalExtended = %+v, want extended deadline %d (vote time + extension)", extended, want)
	}
	if got := c.deadline(t, p); got != want || got <= original {
		t.Fatalf("proposalDeadline = %d, want %d (original %d)", got, want, original)
	}

	c.advancePast(t, original)
	c.wantState(t, p, stateActive) // still open for the others to respond
	c.vote(t, 2, p, voteAgainst)
	c.advancePast(t, want)
	c.wantState(t, p, stateSucceeded)
}
