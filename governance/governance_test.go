package governance

import (
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/guildhall/guildhall"
)

func tok(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e18)) }

func TestCanQueueAndExecuteNameTheStateAndWhenItChanges(t *testing.T) {
	tl := Timeline{Snapshot: 1_700_000_000, Deadline: 1_700_000_300, ETA: 1_700_000_400}
	tests := map[string]struct {
		state   State
		now     uint64
		queue   string // "" = allowed
		execute string
	}{
		"pending":          {Pending, 0, "voting opens at 2023-11-14T22:13:21Z", "pending: voting opens"},
		"active":           {Active, 0, "voting closes at 2023-11-14T22:18:21Z", "active: voting closes"},
		"succeeded":        {Succeeded, 0, "", "not queued: queue it first"},
		"queued too early": {Queued, 1_700_000_390, "already queued", "execute from 2023-11-14T22:20:00Z"},
		"queued and ready": {Queued, 1_700_000_400, "already queued", ""},
		"defeated":         {Defeated, 0, "defeated, which is final", "defeated, which is final"},
		"executed":         {Executed, 0, "executed, which is final", "executed, which is final"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			tl := tl
			tl.State = tt.state
			check := func(op string, err error, want string) {
				t.Helper()
				if want == "" {
					if err != nil {
						t.Fatalf("%s refused: %v", op, err)
					}
					return
				}
				if guildhall.ErrorCode(err) != guildhall.EUNPROCESSABLE || !strings.Contains(err.Error(), want) {
					t.Fatalf("%s = %v, want a 422 containing %q", op, err, want)
				}
			}
			check("queue", CanQueue(tl, TimestampClock), tt.queue)
			check("execute", CanExecute(tl, TimestampClock, tt.now), tt.execute)
		})
	}
}

func TestFiguresCountForAndAbstainTowardQuorum(t *testing.T) {
	v := Votes{For: tok(3), Against: tok(10), Abstain: tok(1)}
	f := Compute(v, tok(4), tok(100), tok(50))
	if !f.QuorumReached || f.QuorumProgress != 1 {
		t.Errorf("quorum reached %v progress %v, want true and 1 (3 for + 1 abstain = quorum 4)", f.QuorumReached, f.QuorumProgress)
	}
	if f.Succeeding {
		t.Error("more against than for is not succeeding")
	}
	if f.TurnoutTotalSupply != 0.14 || f.TurnoutDelegatedSupply != 0.28 {
		t.Errorf("turnout %v / %v, want 0.14 of supply and 0.28 of delegated supply", f.TurnoutTotalSupply, f.TurnoutDelegatedSupply)
	}
	if got := Compute(Votes{For: tok(1)}, tok(3), nil, nil); got.QuorumReached || got.QuorumProgress != 0.333333 {
		t.Errorf("1 of 3: reached %v progress %v", got.QuorumReached, got.QuorumProgress)
	}
	if !Consistent(v, Votes{For: tok(3), Against: tok(10), Abstain: tok(1)}, nil, Active) {
		t.Error("equal votes are consistent")
	}
	st := Active
	if Consistent(v, Votes{For: tok(3), Against: tok(10)}, &st, Active) || Consistent(v, v, &st, Succeeded) {
		t.Error("differing votes or states are not consistent")
	}
}

func TestBallotDigestMatchesTheGovernorsTypehash(t *testing.T) {
	// The governor's BALLOT_TYPEHASH and EXTENDED_BALLOT_TYPEHASH, as OpenZeppelin declares them.
	b := Ballot{ProposalID: big.NewInt(7), Support: For, Voter: common.HexToAddress("0x1"), Nonce: big.NewInt(0)}
	td := b.TypedData(Domain{Name: "G", Version: "1", ChainID: big.NewInt(1337), VerifyingContract: common.HexToAddress("0x2")})
	if got, want := common.BytesToHash(td.TypeHash("Ballot")), crypto.Keccak256Hash([]byte("Ballot(uint256 proposalId,uint8 support,address voter,uint256 nonce)")); got != want {
		t.Errorf("Ballot typehash %s, want %s", got, want)
	}
	b.Extended = true
	td = b.TypedData(Domain{Name: "G", Version: "1", ChainID: big.NewInt(1337)})
	if got, want := common.BytesToHash(td.TypeHash("ExtendedBallot")), crypto.Keccak256Hash([]byte("ExtendedBallot(uint256 proposalId,uint8 support,address voter,uint256 nonce,string reason,bytes params)")); got != want {
		t.Errorf("ExtendedBallot typehash %s, want %s", got, want)
	}
	d := Delegation{Delegatee: common.HexToAddress("0x3"), Nonce: big.NewInt(0), Expiry: big.NewInt(1)}.TypedData(Domain{})
	if got, want := common.BytesToHash(d.TypeHash("Delegation")), crypto.Keccak256Hash([]byte("Delegation(address delegatee,uint256 nonce,uint256 expiry)")); got != want {
		t.Errorf("Delegation typehash %s, want %s", got, want)
	}
}

func TestCheckBallotRefusals(t *testing.T) {
	key, _ := crypto.GenerateKey()
	voter := crypto.PubkeyToAddress(key.PublicKey)
	base := BallotFacts{
		Ballot:    Ballot{ProposalID: big.NewInt(1), Support: For, Voter: voter, Nonce: big.NewInt(1)},
		Domain:    Domain{ChainID: big.NewInt(1337)},
		Timeline:  Timeline{State: Active, Snapshot: 100, Deadline: 200},
		Recovered: voter,
		Weight:    tok(1),
		Next:      150,
	}
	tests := map[string]struct {
		change func(*BallotFacts)
		want   string
	}{
		"valid":                      {func(*BallotFacts) {}, ""},
		"replayed":                   {func(f *BallotFacts) { f.Recovered = common.Address{}; f.UsedNonce = big.NewInt(0) }, "already used"},
		"another signer":             {func(f *BallotFacts) { f.Recovered = common.HexToAddress("0x9") }, "does not recover the voter"},
		"closed":                     {func(f *BallotFacts) { f.Timeline.State = Defeated }, "voting on this proposal closed"},
		"not open yet":               {func(f *BallotFacts) { f.Timeline.State = Pending }, "voting opens at"},
		"next block at the deadline": {func(f *BallotFacts) { f.Next = 200 }, ""},
		"next block after the deadline": {func(f *BallotFacts) { f.Next = 201 },
			"voting on this proposal closes at 1970-01-01T00:03:21Z (timestamp 201), before the next block"},
		"second vote":        {func(f *BallotFacts) { f.HasVoted = true }, "already voted"},
		"no voting power":    {func(f *BallotFacts) { f.Weight = new(big.Int) }, "no voting power at the proposal's snapshot"},
		"contract wallet ok": {func(f *BallotFacts) { f.Recovered = common.Address{}; f.ContractSignatureValid = true }, ""},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			f := base
			tt.change(&f)
			err := CheckBallot(f, TimestampClock)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if guildhall.ErrorCode(err) != guildhall.EUNPROCESSABLE || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("CheckBallot = %v, want a 422 containing %q", err, tt.want)
			}
		})
	}
}

func TestNormalizeSignatureRefusesWhatTheContractsRefuse(t *testing.T) {
	key, _ := crypto.GenerateKey()
	digest := crypto.Keccak256Hash([]byte("x"))
	sig, _ := crypto.Sign(digest[:], key)
	if who, err := Recover(digest, sig); err != nil || who != crypto.PubkeyToAddress(key.PublicKey) {
		t.Fatalf("Recover(v=0/1) = %s, %v", who, err)
	}
	norm, _ := NormalizeSignature(sig)
	if norm[64] != 27 && norm[64] != 28 {
		t.Errorf("v = %d, want 27 or 28", norm[64])
	}
	high := append([]byte(nil), norm...)
	s := new(big.Int).Sub(crypto.S256().Params().N, new(big.Int).SetBytes(norm[32:64]))
	copy(high[32:64], common.LeftPadBytes(s.Bytes(), 32))
	if _, err := NormalizeSignature(high); err != ErrSignatureS {
		t.Errorf("high-s signature: %v, want ErrSignatureS", err)
	}
	if _, err := NormalizeSignature(sig[:64]); err != ErrSignatureLength {
		t.Errorf("64 bytes: %v", err)
	}
}

// delegateBySig reverts when block.timestamp > expiry; a relayed delegation lands in the next
// block at the earliest, so its expiry is judged against that block.
func TestCheckDelegationJudgesExpiryAgainstTheNextBlock(t *testing.T) {
	key, _ := crypto.GenerateKey()
	delegator := crypto.PubkeyToAddress(key.PublicKey)
	tests := map[string]struct {
		expiry *big.Int
		next   uint64
		want   string
	}{
		"expires with the next block":   {big.NewInt(100), 100, ""},
		"expires before the next block": {big.NewInt(100), 101, "the delegation signature expired at 1970-01-01T00:01:40Z (timestamp 100); the next block"},
		"beyond uint64":                 {new(big.Int).Lsh(big.NewInt(1), 70), 101, ""},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			err := CheckDelegation(DelegationFacts{Delegator: delegator, Recovered: delegator, CurrentNonce: big.NewInt(0),
				Delegation: Delegation{Nonce: big.NewInt(0), Expiry: tt.expiry}, Next: tt.next}, TimestampClock)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if guildhall.ErrorCode(err) != guildhall.EUNPROCESSABLE || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("CheckDelegation = %v, want a 422 containing %q", err, tt.want)
			}
		})
	}
}
