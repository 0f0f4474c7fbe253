package recognition

import (
	"time"

	"github.com/guildhall/guildhall"
)

// Season is a named period with its own leaderboards: rewards earned, active days and votes from
// StartsAt (included) to EndsAt (excluded). Once it has ended, its final ranking is sealed.
type Season struct {
	ID       string
	Name     string
	StartsAt time.Time
	EndsAt   time.Time
	Sealed   *Sealed // nil until sealed
}

// Sealed is a season's final ranking, computed once at AsOf and LedgerThrough.
type Sealed struct {
	At            time.Time
	AsOf          guildhall.AsOf
	LedgerThrough *time.Time
	Ranking       map[string][]Ranked // by "earned", "active_days", "votes"
}

// Ranked is a member's place on a season's leaderboard: Value is a decimal string (base units for
// earned, counts otherwise); Rank is 1 + how many have more (ties share a rank).
type Ranked struct {
	Rank    int    `json:"rank"`
	Address string `json:"address"`
	Value   string `json:"value"`
}

// SeasonBoards are what a season is ranked by.
var SeasonBoards = []string{"earned", "active_days", "votes"}

// SealedTop is how many members a sealed ranking keeps per board.
const SealedTop = 500

// ValidateSeason checks a season: a valid id, a name of 1 to 100 characters, a start before the end.
func ValidateSeason(s *Season) error {
	var f fields
	if !ValidName(s.ID) {
		f.add("sid", "must be 1-64 lower-case letters, digits, '_', '.' or '-'")
	}
	if n := len([]rune(s.Name)); n < 1 || n > 100 {
		f.add("name", "must be 1 to 100 characters")
	}
	if !s.StartsAt.Before(s.EndsAt) {
		f.add("ends_at", "must be after starts_at")
	}
	return f.err("invalid season")
}

// SeasonBoard is a season's leaderboard by one figure: sealed, or live at AsOf.
type SeasonBoard struct {
	Season        Season
	By            string
	Sealed        bool
	AsOf          guildhall.AsOf
	LedgerThrough *time.Time
	Items         []Ranked
}
