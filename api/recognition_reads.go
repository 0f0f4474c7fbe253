package api

import (
	"context"
	"strconv"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/gin-gonic/gin"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/health"
	"github.com/guildhall/guildhall/recognition"
)

// The public recognition reads: a member's profile, role checks for tills and shops, a role's
// holders and the feed of changes.

// progressJSON is a member's progress on one condition.
type progressJSON struct {
	Condition string `json:"condition"`
	Have      any    `json:"have"`
	Need      any    `json:"need"`
	Met       bool   `json:"met"`
}

// standingJSON is a member's standing on one role or badge.
type standingJSON struct {
	Role     string         `json:"role"`
	Held     bool           `json:"held"`
	Since    *string        `json:"since"`
	Met      bool           `json:"met"`
	Progress []progressJSON `json:"progress"`
}

// profileJSON is GET …/members/{address}.
type profileJSON struct {
	statsMeta
	Address            string         `json:"address"`
	MemberSince        health.Day     `json:"member_since"`
	Level              *string        `json:"level"`
	LevelSince         *string        `json:"level_since"`
	Earned365d         string         `json:"earned_365d"`
	ActiveDays90d      int            `json:"active_days_90d"`
	StreakWeeks        int            `json:"streak_weeks"`
	LongestStreakWeeks int            `json:"longest_streak_weeks"`
	VotingStreak       int            `json:"voting_streak"`
	Roles              []standingJSON `json:"roles"`
	Badges             []standingJSON `json:"badges"`
}

// rfc3339 renders an optional time.
func rfc3339(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

func newStandings(in []recognition.Standing) []standingJSON {
	out := make([]standingJSON, len(in))
	for k, st := range in {
		out[k] = standingJSON{Role: st.Role, Held: st.Held, Since: rfc3339(st.Since), Met: st.Met, Progress: make([]progressJSON, len(st.Progress))}
		for i, p := range st.Progress {
			out[k].Progress[i] = progressJSON{Condition: p.Condition, Have: p.Have, Need: p.Need, Met: p.Met}
		}
	}
	return out
}

func newProfileJSON(p *recognition.Profile) any {
	return profileJSON{statsMeta: newStatsMeta(p.Meta), Address: p.Address, MemberSince: p.MemberSince, Level: p.Level,
		LevelSince: rfc3339(p.LevelSince), Earned365d: p.Earned365d.String(), ActiveDays90d: p.ActiveDays90d, StreakWeeks: p.StreakWeeks,
		LongestStreakWeeks: p.LongestStreakWeeks, VotingStreak: p.VotingStreak, Roles: newStandings(p.Roles), Badges: newStandings(p.Badges)}
}

func (s *server) handleMemberProfile(c *gin.Context) {
	a, ok := parsed(s, c, parsePathAddress)
	if !ok {
		return
	}
	serveRecognition(s, c, func(st RecognitionStore, ctx context.Context) (*recognition.Profile, error) {
		return st.Profile(ctx, health.Scope{Community: c.Param("cid"), Operator: s.stats.Operator}, a)
	}, newProfileJSON)
}

// parseQueryAddress reads the ?address= query parameter (required).
func parseQueryAddress(c *gin.Context) (common.Address, error) {
	a, fe := parseAddress("address", c.Query("address"))
	if fe != nil {
		return a, invalid("invalid address", []guildhall.FieldError{*fe})
	}
	return a, nil
}

// handleRoleCheck answers whether ?address= holds the role, as of the last evaluation: from the
// community's in-memory index of holdings, fit for a till.
func (s *server) handleRoleCheck(c *gin.Context) {
	a, ok := parsed(s, c, parseQueryAddress)
	if !ok {
		return
	}
	serveRecognition(s, c, func(st RecognitionStore, ctx context.Context) (*recognition.RoleCheck, error) {
		return st.Check(ctx, c.Param("cid"), c.Param("role"), a)
	}, func(r *recognition.RoleCheck) any {
		return gin.H{"held": r.Held, "since": rfc3339(r.Since), "as_of": newAsOf(r.AsOf)}
	})
}

func (s *server) handleRoleMembers(c *gin.Context) {
	page, ok := parsed(s, c, func(c *gin.Context) (guildhall.Page[string], error) { return parsePage(c, keyPosition) })
	if !ok {
		return
	}
	serveRecognition(s, c, func(st RecognitionStore, ctx context.Context) (*recognition.RoleMemberPage, error) {
		return st.RoleMembers(ctx, c.Param("cid"), c.Param("role"), page)
	}, func(p *recognition.RoleMemberPage) any {
		items := make([]gin.H, len(p.Items))
		for k, m := range p.Items {
			items[k] = gin.H{"address": m.Address, "since": rfc3339(&m.Since)}
		}
		return gin.H{"items": items, "next_cursor": nextCursor(p.Next), "as_of": newAsOf(p.AsOf)}
	})
}

// handleRecognitionEvents lists the feed after ?cursor=, oldest first; next_cursor continues
// after the last event listed (or where the request started, when none), so a client polls with it.
func (s *server) handleRecognitionEvents(c *gin.Context) {
	page, ok := parsed(s, c, func(c *gin.Context) (guildhall.Page[int64], error) { return parsePage(c, idPosition) })
	if !ok {
		return
	}
	serveRecognition(s, c, func(st RecognitionStore, ctx context.Context) (*recognition.EventPage, error) {
		return st.Events(ctx, c.Param("cid"), page)
	}, func(p *recognition.EventPage) any {
		items := make([]recognition.EventJSON, len(p.Items))
		for k, e := range p.Items {
			items[k] = e.JSON()
		}
		next := ""
		if p.Next > 0 {
			next = strconv.FormatInt(p.Next, 10)
		}
		return gin.H{"items": items, "next_cursor": nextCursor(next)}
	})
}
