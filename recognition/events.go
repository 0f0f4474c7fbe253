package recognition

import (
	"math/big"
	"time"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/health"
)

// EventKind names a change of a member's recognition in the feed.
type EventKind string

// The kinds of event. A change decided on a block that a reorg removed was never made: the feed
// then carries its kind with "_withdrawn" appended, naming the event it withdraws.
const (
	LevelChanged EventKind = "level_changed"
	RoleGranted  EventKind = "role_granted"
	RoleRevoked  EventKind = "role_revoked"
	BadgeAwarded EventKind = "badge_awarded"
)

// WithdrawnSuffix ends the kind of an event that withdraws another.
const WithdrawnSuffix = "_withdrawn"

// Event is one change in the feed: what changed for which member, decided at which block and
// ledger time.
type Event struct {
	ID            int64
	Kind          string
	Member        string // EIP-55
	Role          *string
	Level         *string // level_changed: the new level
	Previous      *string // level_changed: the level before (nil: none)
	Withdraws     *int64  // *_withdrawn: the id of the event withdrawn
	AsOf          guildhall.AsOf
	LedgerThrough *time.Time
	At            time.Time // the decision's time: its block's
}

// EventPage is a page of the feed, oldest first; Next is the id of its last event.
type EventPage struct {
	Items []Event
	Next  int64
}

// RoleCheck answers whether a member holds a role, as of the evaluation the answer comes from.
type RoleCheck struct {
	Held  bool
	Since *time.Time
	AsOf  guildhall.AsOf
}

// RoleMember is a holder of a role.
type RoleMember struct {
	Address string
	Since   time.Time
}

// RoleMemberPage is a page of a role's holders by address; Next is the last address.
type RoleMemberPage struct {
	Items []RoleMember
	Next  string
	AsOf  guildhall.AsOf
}

// Profile is a member's recognition: their figures, level, roles and badges with the progress on
// each condition, all true at Meta's block and ledger time.
type Profile struct {
	health.Meta
	Address            string // EIP-55
	MemberSince        health.Day
	Level              *string
	LevelSince         *time.Time
	Earned365d         *big.Int
	ActiveDays90d      int
	StreakWeeks        int
	LongestStreakWeeks int
	VotingStreak       int
	Roles              []Standing // the tiers, by name
	Badges             []Standing // the badges, by name
}

// Standing is a member's standing on one role: whether they hold it (as the last evaluation
// decided), since when, and their progress on each condition now.
type Standing struct {
	Role     string
	Held     bool
	Since    *time.Time
	Met      bool
	Progress []Progress
}

// Evaluation is what one evaluation of a community did: the block and ledger time it decided at,
// how many changes it recorded and how many earlier ones it withdrew, how many members it decided
// and whether those were all of them (else only the members whose decisions may have changed).
type Evaluation struct {
	health.Meta
	Events    int
	Withdrawn int
	Decided   int
	All       bool
}

// AsOfJSON is a block as the API and webhooks name it.
type AsOfJSON struct {
	BlockNumber uint64 `json:"block_number"`
	BlockHash   string `json:"block_hash"`
	BlockTime   string `json:"block_time,omitempty"` // RFC 3339
}

// EventJSON is an event as the feed lists it and webhooks post it.
type EventJSON struct {
	ID            int64    `json:"id"`
	Community     string   `json:"community,omitempty"` // webhooks only
	Kind          string   `json:"kind"`
	Member        string   `json:"member"`
	Role          *string  `json:"role"`
	Level         *string  `json:"level"`
	Previous      *string  `json:"previous"`
	Withdraws     *int64   `json:"withdraws"`
	At            string   `json:"at"`
	AsOf          AsOfJSON `json:"as_of"`
	LedgerThrough *string  `json:"ledger_through"`
}

// JSON returns the event as JSON writes it.
func (e Event) JSON() EventJSON {
	out := EventJSON{ID: e.ID, Kind: e.Kind, Member: e.Member, Role: e.Role, Level: e.Level, Previous: e.Previous,
		Withdraws: e.Withdraws, At: e.At.UTC().Format(time.RFC3339),
		AsOf: AsOfJSON{BlockNumber: e.AsOf.Number, BlockHash: e.AsOf.Hash, BlockTime: time.Unix(int64(e.AsOf.Time), 0).UTC().Format(time.RFC3339)}}
	if e.LedgerThrough != nil {
		t := e.LedgerThrough.UTC().Format(time.RFC3339)
		out.LedgerThrough = &t
	}
	return out
}
