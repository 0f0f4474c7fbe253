package api

import (
	"context"
	"errors"
	"math/big"
	"net/http"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/guildhall/guildhall/governance"
	"github.com/guildhall/guildhall/governance/govchain"
	"github.com/guildhall/guildhall/postgres"
)

// killedAfterReserve is the relay store of a process killed right after a relay's reservation
// committed: the row is in the database, and nothing after it (the send, its record) runs.
type killedAfterReserve struct{ govchain.RelayStore }

var errKilled = errors.New("the process was killed")

func (k killedAfterReserve) ReserveRelay(ctx context.Context, r *govchain.RelayRecord, limit governance.RelayLimit, budget governance.RelayBudget, now time.Time) error {
	if err := k.RelayStore.ReserveRelay(ctx, r, limit, budget, now); err != nil {
		return err
	}
	return errKilled
}

// killedAfterSend is the relay store of a process killed after the sender recorded and
// broadcast a relay's transaction and before the relay's row names it.
type killedAfterSend struct{ govchain.RelayStore }

func (killedAfterSend) FinishRelay(context.Context, int64, common.Hash) error { return errKilled }

// A relay reserved by a process that died before sending it (the member saw the request fail)
// is not lost: once the reservation is StrandedAfter old, a surviving process sends it, exactly
// once, and the member's retry of the same signed ballot or delegation is answered 202 with that
// transaction, before or after the survivor sends it, instead of "is being relayed right now"
// for ever. A process that died after sending leaves a transaction the survivor adopts without
// sending another.
func TestRelayReservedByAKilledProcessIsSentOnce(t *testing.T) {
	h, skew, pid, pidInt, killed := strandedSetup(t, 9, 40, 30, 20, 10)
	ctx := t.Context()
	resume := func(want int) {
		t.Helper()
		n, err := h.svc.ResumeStranded(ctx)
		if err != nil || n != want {
			t.Fatalf("resume stranded relays = %d, %v; want %d", n, err, want)
		}
	}

	// Member 2's ballot: reserved, then the process dies; nobody retries.
	sig2 := h.signBallot(t, 2, pid, "for", "")
	if _, err := killed.RelayBallot(ctx, h.cid, h.contracts(), govchain.BallotRequest{
		ProposalID: pidInt, Voter: h.sim.Address(2), Support: governance.For, Signature: hexutil.MustDecode(sig2)}); !errors.Is(err, errKilled) {
		t.Fatalf("relay through the killed process: %v", err)
	}
	nonce := h.operatorNonce(t)
	resume(0) // a reservation younger than StrandedAfter may still be sent by its own process
	*skew = govchain.DefaultStrandedAfter + time.Second
	resume(1)
	resume(0)
	if got := h.operatorNonce(t); got != nonce+1 {
		t.Fatalf("resuming the stranded ballot sent %d transactions, want 1", got-nonce)
	}
	retry := h.want(t, h.do(t, http.MethodPost, ballotPath(pid), "", map[string]any{"voter": h.sim.Address(2).Hex(), "support": "for", "signature": sig2}),
		http.StatusAccepted)
	h.mine(t, retry["tx_hash"].(string))
	if got := h.operatorNonce(t); got != nonce+1 {
		t.Fatalf("the member's retry sent another transaction (operator nonce %d -> %d)", nonce, got)
	}
	if votes := h.forVotes(t, pidInt); votes.Cmp(tokens(30)) != 0 {
		t.Fatalf("For votes %s, want member 2's 30 tokens counted once", votes)
	}

	// Member 4's delegation: reserved, the process dies; the member retries at once, and the
	// retry sends it; the survivor's pass later sends nothing more.
	*skew = 0
	rec := h.delegateThrough(t, killed, 4, 1)
	if _, err := rec(); !errors.Is(err, errKilled) {
		t.Fatalf("delegation through the killed process: %v", err)
	}
	nonce = h.operatorNonce(t)
	tx, err := rec()
	if err != nil {
		t.Fatalf("the member's retry of the stranded delegation: %v", err)
	}
	h.mine(t, tx.Hex())
	*skew = govchain.DefaultStrandedAfter + time.Second
	resume(0) // the retry recorded its transaction on the relay: the survivor sends nothing
	if got := h.operatorNonce(t); got != nonce+1 {
		t.Fatalf("the delegation was sent %d times, want once", got-nonce)
	}
	if got := common.BytesToAddress(h.sim.Call(t, h.dep.Token, tokenABI.PackDelegates(h.sim.Address(4)))); got != h.sim.Address(1) {
		t.Fatalf("member 4 delegates to %s, want member 1", got.Hex())
	}

	// Member 3's ballot: the sender recorded and broadcast it, then the process died before the
	// relay's row named it. The survivor adopts the transaction; a retry answers it.
	*skew = 0
	afterSend := *h.svc
	afterSend.Relays = killedAfterSend{h.svc.Relays}
	sig3 := h.signBallot(t, 3, pid, "for", "")
	sent, err := afterSend.RelayBallot(ctx, h.cid, h.contracts(), govchain.BallotRequest{
		ProposalID: pidInt, Voter: h.sim.Address(3), Support: governance.For, Signature: hexutil.MustDecode(sig3)})
	if !errors.Is(err, errKilled) {
		t.Fatalf("relay through the process killed after sending: %v", err)
	}
	nonce = h.operatorNonce(t)
	*skew = govchain.DefaultStrandedAfter + time.Second
	resume(1)
	retry = h.want(t, h.do(t, http.MethodPost, ballotPath(pid), "", map[string]any{"voter": h.sim.Address(3).Hex(), "support": "for", "signature": sig3}),
		http.StatusAccepted)
	if retry["tx_hash"] != sent.Hex() {
		t.Fatalf("the retry answered transaction %v, want the one sent before the process died %s", retry["tx_hash"], sent.Hex())
	}
	h.mine(t, sent.Hex())
	if got := h.operatorNonce(t); got != nonce {
		t.Fatalf("adopting the sent ballot sent %d more transactions", got-nonce)
	}
	if votes := h.forVotes(t, pidInt); votes.Cmp(tokens(50)) != 0 {
		t.Fatalf("For votes %s, want members 2 and 3 (50 tokens) counted once each", votes)
	}
	if unsent := h.relayRowsWhere(t, "tx_hash IS NULL"); unsent != 0 {
		t.Fatalf("%d relays without their transaction, want none", unsent)
	}
}

// contracts are the community's contracts as the service takes them.
func (h *govHarness) contracts() govchain.Contracts {
	return govchain.Contracts{Token: h.dep.Token, Governor: h.dep.Governor}
}

// strandedSetup is a governance harness of accounts dev accounts with the given holdings, a proposal in its voting period,
// a clock the test moves by *skew, and a second service whose process is killed right after a
// relay's reservation.
func strandedSetup(t *testing.T, accounts int, holdings ...int64) (h *govHarness, skew *time.Duration, pid string, pidInt *big.Int, killed *govchain.Service) {
	h = newGovHarness(t, govTestSettings, accounts, holdings...)
	skew = new(time.Duration)
	h.svc.Now = func() time.Time { return time.Now().Add(*skew) }
	pid = h.proposeMint(t, "Grant 5 BAKE to the oven fund", h.sim.Address(8), 5)
	pidInt = h.pid(t, pid)
	h.advance(t, govTestSettings.VotingDelay+time.Second)
	k := *h.svc
	k.Relays = killedAfterReserve{h.svc.Relays}
	return h, skew, pid, pidInt, &k
}

// forVotes is the governor's For count of proposal pid.
func (h *govHarness) forVotes(t testing.TB, pid *big.Int) *big.Int {
	t.Helper()
	v, err := govABI.UnpackProposalVotes(h.sim.Call(t, h.dep.Governor, govABI.PackProposalVotes(pid)))
	if err != nil {
		t.Fatal(err)
	}
	return v.ForVotes
}

// delegateThrough returns a function that posts member delegator's signed delegation to
// delegatee through svc, the same signature each time.
func (h *govHarness) delegateThrough(t *testing.T, svc *govchain.Service, delegator, delegatee int) func() (common.Hash, error) {
	t.Helper()
	c := h.contracts()
	expiry := big.NewInt(time.Now().Add(time.Hour).Unix())
	td, err := svc.DelegationTypedData(t.Context(), c, h.sim.Address(delegator), h.sim.Address(delegatee), expiry)
	if err != nil {
		t.Fatal(err)
	}
	req := govchain.DelegationRequest{Delegator: h.sim.Address(delegator), Delegatee: h.sim.Address(delegatee), Nonce: new(big.Int),
		Expiry: expiry, Signature: hexutil.MustDecode(signTD(t, td, h.sim.Accounts[delegator]))}
	first := true
	return func() (common.Hash, error) {
		s := h.svc
		if first {
			s, first = svc, false
		}
		return s.RelayDelegation(t.Context(), h.cid, c, req)
	}
}

// A stranded relay that the chain would now refuse (here the member voted from the wallet after
// the process that reserved the ballot died) is not sent: the survivor releases it, giving its
// reserved gas back to the community's day, and the member's retry is judged afresh (a 422 for
// having voted) instead of "is being relayed right now".
func TestStrandedRelayTheChainNowRefusesIsReleased(t *testing.T) {
	h, skew, pid, pidInt, killed := strandedSetup(t, 9, 40, 30)
	sig := h.signBallot(t, 2, pid, "for", "")
	if _, err := killed.RelayBallot(t.Context(), h.cid, h.contracts(), govchain.BallotRequest{
		ProposalID: pidInt, Voter: h.sim.Address(2), Support: governance.For, Signature: hexutil.MustDecode(sig)}); !errors.Is(err, errKilled) {
		t.Fatalf("relay through the killed process: %v", err)
	}
	store := postgres.NewGovernanceStore(h.db)
	if gas, err := store.RelayGasOn(t.Context(), time.Now()); err != nil || gas[h.cid] == 0 {
		t.Fatalf("gas reserved today %v (%v), want the stranded ballot's", gas, err)
	}
	h.sim.MustTransact(t, h.sim.Accounts[2], h.dep.Governor, govABI.PackCastVote(pidInt, uint8(governance.Against)))
	nonce := h.operatorNonce(t)
	*skew = govchain.DefaultStrandedAfter + time.Second
	if n, err := h.svc.ResumeStranded(t.Context()); err != nil || n != 1 {
		t.Fatalf("resume stranded relays = %d, %v; want 1", n, err)
	}
	if got := h.operatorNonce(t); got != nonce {
		t.Fatalf("a ballot the chain refuses was sent (operator nonce %d -> %d)", nonce, got)
	}
	if rows := h.relayRows(t); rows != 0 {
		t.Fatalf("%d relay rows left, want the stranded reservation released", rows)
	}
	if gas, err := store.RelayGasOn(t.Context(), time.Now()); err != nil || gas[h.cid] != 0 {
		t.Fatalf("gas reserved today %v (%v), want 0 once the reservation is released", gas, err)
	}
	rec := h.do(t, http.MethodPost, ballotPath(pid), "", map[string]any{"voter": h.sim.Address(2).Hex(), "support": "for", "signature": sig})
	h.wantRefused(t, rec, rec.Body.String(), rec.Code, "has already voted", nonce)
	if votes := h.forVotes(t, pidInt); votes.Sign() != 0 {
		t.Fatalf("For votes %s, want none: the member voted Against from the wallet", votes)
	}
}
