package guildhall

import (
	"math/big"
	"time"
)

// MemberSession is a member signed in with Ethereum (EIP-4361).
type MemberSession struct {
	Address   string // the wallet, EIP-55 checksummed
	ChainID   uint64
	ExpiresAt time.Time
}

// MemberStanding is one account in one community, as indexed.
type MemberStanding struct {
	CommunityID     string
	Balance         *big.Int
	VotingPower     *big.Int
	Delegate        string // EIP-55; "" when the account delegates to nobody
	RewardsReceived *big.Int
	VotesCast       int
	// AsOf is the community's indexed block (its Time is 0); zero while the community is not
	// indexed yet.
	AsOf AsOf
}
