package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/health"
	"github.com/guildhall/guildhall/recognition"
)

// seasonRow is a stored season.
type seasonRow struct {
	Season        string     `db:"season"`
	Name          string     `db:"name"`
	StartsAt      time.Time  `db:"starts_at"`
	EndsAt        time.Time  `db:"ends_at"`
	SealedAt      *time.Time `db:"sealed_at"`
	Number        *int64     `db:"sealed_block_number"`
	Hash          *string    `db:"sealed_block_hash"`
	Time          *int64     `db:"sealed_block_time"`
	LedgerThrough *time.Time `db:"sealed_ledger_through"`
	Ranking       []byte     `db:"ranking"`
}

const seasonColumns = `season, name, starts_at, ends_at, sealed_at, sealed_block_number, sealed_block_hash, sealed_block_time,
	sealed_ledger_through, ranking`

func (r seasonRow) season() (*recognition.Season, error) {
	s := &recognition.Season{ID: r.Season, Name: r.Name, StartsAt: r.StartsAt.UTC(), EndsAt: r.EndsAt.UTC()}
	if r.SealedAt != nil {
		s.Sealed = &recognition.Sealed{At: r.SealedAt.UTC(), LedgerThrough: r.LedgerThrough,
			AsOf: guildhall.AsOf{Number: uint64(*r.Number), Hash: *r.Hash, Time: uint64(*r.Time)}}
		if r.Ranking == nil {
			return s, nil // listed without its ranking
		}
		if err := json.Unmarshal(r.Ranking, &s.Sealed.Ranking); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// PutSeason creates or replaces a season of community (valid: recognition.ValidateSeason). A
// sealed season is ECONFLICT: its final ranking stands. An unknown community is ENOTFOUND.
func (s *RecognitionStore) PutSeason(ctx context.Context, community string, season *recognition.Season) error {
	if err := recognition.ValidateSeason(season); err != nil {
		return err
	}
	return s.db.inTx(ctx, "put season", true, func(tx *sqlx.Tx) error {
		if err := lockCommunity(ctx, tx, community); err != nil {
			return err
		}
		var sealed bool
		err := tx.GetContext(ctx, &sealed, `SELECT sealed_at IS NOT NULL FROM recognition_seasons WHERE community_id = $1 AND season = $2`,
			community, season.ID)
		if err == nil && sealed {
			return guildhall.Errorf(guildhall.ECONFLICT, "season %q has ended and its final ranking is sealed; it cannot change", season.ID)
		}
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO recognition_seasons (community_id, season, name, starts_at, ends_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (community_id, season) DO UPDATE SET name = excluded.name, starts_at = excluded.starts_at,
			ends_at = excluded.ends_at, updated_at = now()`, community, season.ID, season.Name, season.StartsAt, season.EndsAt)
		return err
	})
}

// Season returns community's season sid, with its sealed ranking once it has one. An unknown
// community or season is ENOTFOUND.
func (s *RecognitionStore) Season(ctx context.Context, community, sid string) (*recognition.Season, error) {
	var row seasonRow
	err := s.db.db.GetContext(ctx, &row, `SELECT `+seasonColumns+` FROM recognition_seasons WHERE community_id = $1 AND season = $2`,
		community, sid)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, guildhall.Errorf(guildhall.ENOTFOUND, "community %q has no season %q", community, sid)
	}
	if err != nil {
		return nil, s.db.queryError("read season", err)
	}
	return row.season()
}

// Seasons returns community's seasons, the latest start first, without their sealed rankings
// (Season has them). An unknown community is ENOTFOUND.
func (s *RecognitionStore) Seasons(ctx context.Context, community string) ([]*recognition.Season, error) {
	var out []*recognition.Season
	err := s.db.inTx(ctx, "read seasons", false, func(tx *sqlx.Tx) error {
		if err := communityExists(ctx, tx, community); err != nil {
			return err
		}
		var rows []seasonRow
		if err := tx.SelectContext(ctx, &rows, `SELECT season, name, starts_at, ends_at, sealed_at, sealed_block_number, sealed_block_hash,
			sealed_block_time, sealed_ledger_through, NULL::jsonb AS ranking FROM recognition_seasons WHERE community_id = $1
			ORDER BY starts_at DESC, season`, community); err != nil {
			return err
		}
		out = make([]*recognition.Season, len(rows))
		for k, r := range rows {
			season, err := r.season()
			if err != nil {
				return err
			}
			out[k] = season
		}
		return nil
	})
	return out, err
}

// SeasonLeaderboard ranks scope's community's members in season sid by by ("earned",
// "active_days" or "votes"), the limit first: the sealed ranking once the season has one, else
// the figures so far at as_of and ledger_through.
func (s *RecognitionStore) SeasonLeaderboard(ctx context.Context, scope health.Scope, sid, by string, limit int) (*recognition.SeasonBoard, error) {
	season, err := s.Season(ctx, scope.Community, sid)
	if err != nil {
		return nil, err
	}
	board := &recognition.SeasonBoard{Season: *season, By: by}
	if season.Sealed != nil {
		board.Sealed, board.AsOf, board.LedgerThrough = true, season.Sealed.AsOf, season.Sealed.LedgerThrough
		board.Items = season.Sealed.Ranking[by][:min(limit, len(season.Sealed.Ranking[by]))]
		return board, nil
	}
	meta, err := s.health.read(ctx, "read season leaderboard", scope, func(h *healthTx) error {
		board.Items, err = h.seasonRanking(season, by, limit)
		return err
	})
	board.AsOf, board.LedgerThrough = meta.AsOf, meta.LedgerThrough
	return board, err
}

// seasonFigures is the SQL of each board's figure per member over the season $4 (start,
// included) to $5 (end, excluded), up to today ($3).
var seasonFigures = map[string]string{
	"earned": `SELECT wallet AS address, sum(amount) AS value FROM rewards WHERE community_id = $1 AND status <> 'failed'
		AND wallet <> ALL($2) AND created_at >= $4 AND created_at < $5 AND created_at < ($3::date + 1)::timestamp AT TIME ZONE 'UTC' GROUP BY wallet`,
	"active_days": `SELECT m.account AS address, count(*) AS value FROM member_activity_days m JOIN member_first_rewards f USING (community_id, account)
		WHERE m.community_id = $1 AND m.account <> ALL($2) AND m.day >= f.first_day AND m.day <= $3::date
		  AND m.day >= health_day($4::timestamptz) AND m.day <= health_day($5::timestamptz - interval '1 microsecond') GROUP BY m.account`,
	"votes": `SELECT v.voter AS address, count(*) AS value FROM votes v JOIN member_first_rewards f ON f.community_id = v.community_id AND f.account = v.voter
		WHERE v.community_id = $1 AND v.voter <> ALL($2) AND $3::date IS NOT NULL
		  AND v.block_time >= extract(epoch FROM $4::timestamptz) AND v.block_time < extract(epoch FROM $5::timestamptz) GROUP BY v.voter`,
}

// seasonRanking ranks the members with a figure > 0 on board by, largest first (ties share a
// rank, then by address), the limit first.
func (h *healthTx) seasonRanking(season *recognition.Season, by string, limit int) ([]recognition.Ranked, error) {
	out := []recognition.Ranked{}
	// x.value is the number; the output column value is its text, so order by the former.
	err := h.query(&out, `SELECT rank() OVER (ORDER BY x.value DESC)::int AS rank, x.address, x.value::text AS value
		FROM (`+seasonFigures[by]+`) x WHERE x.value > 0 ORDER BY x.value DESC, x.address LIMIT $6`,
		h.base(season.StartsAt, season.EndsAt, limit)...)
	return out, err
}

// sealSeasons seals every season of the community that has ended by the evaluation's block time:
// its ranking on every board, computed in this snapshot, stored once with the block and ledger time.
func (e *evaluation) sealSeasons() error {
	h := e.h
	var rows []seasonRow
	if err := h.query(&rows, `SELECT `+seasonColumns+` FROM recognition_seasons WHERE community_id = $1 AND sealed_at IS NULL AND ends_at <= $2`,
		h.community, e.at); err != nil {
		return err
	}
	for _, r := range rows {
		season, err := r.season()
		if err != nil {
			return err
		}
		ranking := map[string][]recognition.Ranked{}
		for _, by := range recognition.SeasonBoards {
			if ranking[by], err = h.seasonRanking(season, by, recognition.SealedTop); err != nil {
				return err
			}
		}
		raw, err := json.Marshal(ranking)
		if err != nil {
			return err
		}
		if _, err := h.tx.ExecContext(h.ctx, `UPDATE recognition_seasons SET sealed_at = now(), sealed_block_number = $3, sealed_block_hash = $4,
			sealed_block_time = $5, sealed_ledger_through = $6, ranking = $7 WHERE community_id = $1 AND season = $2`,
			h.community, season.ID, int64(h.meta.AsOf.Number), h.meta.AsOf.Hash, int64(h.meta.AsOf.Time), h.meta.LedgerThrough, string(raw)); err != nil {
			return err
		}
	}
	return nil
}
