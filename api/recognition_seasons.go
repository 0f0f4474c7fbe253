package api

import (
	"context"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/health"
	"github.com/guildhall/guildhall/recognition"
)

// Seasons: a named period with its own leaderboards; when it ends, its final ranking is sealed.

// seasonJSON is a season as the API writes it.
type seasonJSON struct {
	Season        string                          `json:"season"`
	Name          string                          `json:"name"`
	StartsAt      string                          `json:"starts_at"`
	EndsAt        string                          `json:"ends_at"`
	Sealed        bool                            `json:"sealed"`
	SealedAt      *string                         `json:"sealed_at"`
	AsOf          *asOfJSON                       `json:"as_of"`
	LedgerThrough *string                         `json:"ledger_through"`
	Ranking       map[string][]recognition.Ranked `json:"ranking"`
}

func newSeasonJSON(s *recognition.Season) any {
	out := seasonJSON{Season: s.ID, Name: s.Name, StartsAt: s.StartsAt.Format(time.RFC3339), EndsAt: s.EndsAt.Format(time.RFC3339)}
	if s.Sealed != nil {
		a := newAsOf(s.Sealed.AsOf)
		out.Sealed, out.SealedAt, out.AsOf, out.LedgerThrough = true, rfc3339(&s.Sealed.At), &a, rfc3339(s.Sealed.LedgerThrough)
		out.Ranking = s.Sealed.Ranking
	}
	return out
}

func (s *server) handlePutSeason(c *gin.Context) {
	var body struct {
		Name     string `json:"name"`
		StartsAt string `json:"starts_at"`
		EndsAt   string `json:"ends_at"`
	}
	if err := decodeJSON(c, &body, maxJSONBody); err != nil {
		s.writeError(c, err)
		return
	}
	var fields fieldErrors
	season := &recognition.Season{ID: c.Param("sid"), Name: body.Name}
	for _, t := range []struct {
		field, raw string
		into       *time.Time
	}{{"starts_at", body.StartsAt, &season.StartsAt}, {"ends_at", body.EndsAt, &season.EndsAt}} {
		if v := parseTime(&fields, t.field, &t.raw); v != nil {
			*t.into = v.UTC()
		}
	}
	if err := fields.err("invalid season"); err != nil {
		s.writeError(c, err)
		return
	}
	serveRecognition(s, c, func(st RecognitionStore, ctx context.Context) (*recognition.Season, error) {
		if err := st.PutSeason(ctx, c.Param("cid"), season); err != nil {
			return nil, err
		}
		return st.Season(ctx, c.Param("cid"), season.ID)
	}, newSeasonJSON)
}

func (s *server) handleGetSeason(c *gin.Context) {
	serveRecognition(s, c, func(st RecognitionStore, ctx context.Context) (*recognition.Season, error) {
		return st.Season(ctx, c.Param("cid"), c.Param("sid"))
	}, newSeasonJSON)
}

// handleListSeasons lists the community's seasons, the latest first, without their rankings.
func (s *server) handleListSeasons(c *gin.Context) {
	serveRecognition(s, c, func(st RecognitionStore, ctx context.Context) ([]*recognition.Season, error) {
		return st.Seasons(ctx, c.Param("cid"))
	}, func(seasons []*recognition.Season) any {
		items := make([]any, len(seasons))
		for k, season := range seasons {
			items[k] = newSeasonJSON(season)
		}
		return gin.H{"items": items}
	})
}

// handleSeasonLeaderboard answers GET …/leaderboard?season=sid&by=earned|active_days|votes&limit=.
func (s *server) handleSeasonLeaderboard(c *gin.Context) {
	by, err := oneOf(c, "by", recognition.SeasonBoards...)
	limit := defaultLimit
	if raw := c.Query("limit"); raw != "" {
		if n, perr := strconv.Atoi(raw); perr != nil || n < 1 || n > maxLimit {
			err = joinInvalid(err, invalid("invalid limit", []guildhall.FieldError{{Field: "limit", Message: "must be a whole number from 1 to " + strconv.Itoa(maxLimit)}}))
		} else {
			limit = n
		}
	}
	if err != nil {
		s.writeError(c, err)
		return
	}
	serveRecognition(s, c, func(st RecognitionStore, ctx context.Context) (*recognition.SeasonBoard, error) {
		return st.SeasonLeaderboard(ctx, health.Scope{Community: c.Param("cid"), Operator: s.stats.Operator}, c.Query("season"), by, limit)
	}, func(b *recognition.SeasonBoard) any {
		return gin.H{"season": b.Season.ID, "by": b.By, "sealed": b.Sealed, "items": b.Items, "next_cursor": nil,
			"as_of": newAsOf(b.AsOf), "ledger_through": rfc3339(b.LedgerThrough)}
	})
}
