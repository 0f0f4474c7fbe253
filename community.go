package guildhall

import (
	"context"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Community is one tokenized community: its token, governor and timelock on one chain.
type Community struct {
	ID              string // slug: lowercase letters, digits and hyphens, 3-40 characters
	Name            string
	Symbol          string
	ChainID         uint64
	TokenAddress    string // EIP-55 checksummed
	GovernorAddress string
	TimelockAddress string
	DeploymentBlock uint64
	DeploymentTx    string
	Settings        GovernanceSettings
	// MinReward is the smallest reward the community mints, in base units (0: any amount): a
	// reward of a few base units to a fresh wallet costs the operator as much gas as a large one.
	MinReward *big.Int
	CreatedAt time.Time
}

// GovernanceSettings are the governor's constructor settings. The governor's clock is timestamps,
// so the delays and periods are durations with whole-second resolution.
type GovernanceSettings struct {
	VotingDelay         time.Duration
	VotingPeriod        time.Duration
	TimelockDelay       time.Duration
	LateQuorumExtension time.Duration
	QuorumPercent       uint8
	ProposalThreshold   *big.Int // base units
}

// DefaultGovernanceSettings are what `community create` uses when a flag is absent.
func DefaultGovernanceSettings() GovernanceSettings {
	return GovernanceSettings{
		VotingDelay:         15 * time.Second,
		VotingPeriod:        5 * time.Minute,
		TimelockDelay:       30 * time.Second,
		LateQuorumExtension: 1 * time.Minute,
		QuorumPercent:       4,
		ProposalThreshold:   new(big.Int),
	}
}

// MaxCommunityNameBytes is the longest community name, in bytes of UTF-8. The name is the
// token's name and its EIP-712 (permit) domain name, which OpenZeppelin's EIP712 stores in one
// word: a longer one makes the token's constructor revert.
const MaxCommunityNameBytes = 31

var (
	slugPattern   = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{1,38})[a-z0-9]$`)
	symbolPattern = regexp.MustCompile(`^[A-Z0-9]{2,11}$`)
)

// ValidateNewCommunity checks what a user gives to create a community and returns an EINVALID
// *Error naming every bad field and how to fix it.
func ValidateNewCommunity(id, name, symbol string, s GovernanceSettings) error {
	var fields []FieldError
	if !slugPattern.MatchString(id) {
		fields = append(fields, FieldError{"id", "must be 3-40 lowercase letters, digits or hyphens, starting and ending with a letter or digit (e.g. corner-bakery)"})
	}
	switch n := utf8.RuneCountInString(name); {
	case !utf8.ValidString(name):
		// Caught here, before any deployment: the chain would take the bytes, the database would not.
		fields = append(fields, FieldError{"name", "must be valid UTF-8 text (check your terminal's or file's encoding)"})
	case strings.ContainsFunc(name, unicode.IsControl):
		fields = append(fields, FieldError{"name", "must not contain control characters such as tabs or line breaks"})
	case n == 0 || len(name) > MaxCommunityNameBytes:
		fields = append(fields, FieldError{"name", fmt.Sprintf(
			"must be 1-%d bytes of UTF-8 (%[1]d plain letters, fewer with accents or emoji): the token's EIP-712 signing domain holds no more",
			MaxCommunityNameBytes)})
	}
	if !symbolPattern.MatchString(symbol) {
		fields = append(fields, FieldError{"symbol", "must be 2-11 uppercase letters or digits (e.g. BAKE)"})
	}
	if s.VotingDelay < 0 || s.VotingDelay%time.Second != 0 || s.VotingDelay > 365*24*time.Hour {
		fields = append(fields, FieldError{"voting_delay", "must be whole seconds between 0s and 8760h"})
	}
	if s.VotingPeriod < time.Second || s.VotingPeriod%time.Second != 0 || s.VotingPeriod > 365*24*time.Hour {
		fields = append(fields, FieldError{"voting_period", "must be whole seconds between 1s and 8760h"})
	}
	if s.TimelockDelay < 0 || s.TimelockDelay%time.Second != 0 || s.TimelockDelay > 365*24*time.Hour {
		fields = append(fields, FieldError{"timelock_delay", "must be whole seconds between 0s and 8760h"})
	}
	if s.LateQuorumExtension < 0 || s.LateQuorumExtension%time.Second != 0 || s.LateQuorumExtension > 365*24*time.Hour {
		fields = append(fields, FieldError{"late_quorum_extension", "must be whole seconds between 0s and 8760h"})
	}
	if s.QuorumPercent < 1 || s.QuorumPercent > 100 {
		fields = append(fields, FieldError{"quorum_percent", "must be between 1 and 100"})
	}
	if s.ProposalThreshold == nil || s.ProposalThreshold.Sign() < 0 {
		fields = append(fields, FieldError{"proposal_threshold", "must be zero or a positive amount"})
	}
	if len(fields) > 0 {
		return &Error{Code: EINVALID, Message: "invalid community", Fields: fields}
	}
	return nil
}

// ChainIdentity names the chain a database belongs to.
type ChainIdentity struct {
	ChainID     uint64
	GenesisHash string // 0x-prefixed hex
}

// CommunityStore keeps communities and the chain the database belongs to.
type CommunityStore interface {
	// BindChain records id as the database's chain on first use and returns an ECONFLICT *Error
	// when the database already belongs to another chain.
	BindChain(ctx context.Context, id ChainIdentity) error
	// CreateCommunity stores c; ECONFLICT if its ID is taken.
	CreateCommunity(ctx context.Context, c *Community) error
	// Community returns one community; ENOTFOUND if there is none with that ID.
	Community(ctx context.Context, id string) (*Community, error)
	// Communities returns communities ordered by ID, at most limit after the ID `after` ("" = start).
	Communities(ctx context.Context, after string, limit int) ([]*Community, error)
}
