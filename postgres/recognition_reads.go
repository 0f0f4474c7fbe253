package postgres

import (
	"context"
	"database/sql"
	"errors"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jmoiron/sqlx"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/health"
	"github.com/guildhall/guildhall/recognition"
)

// Profile returns address's recognition in scope's community, true at its as_of block and
// ledger_through: its figures and streaks now, the level and roles it holds as the last evaluation
// decided, and its progress on every role's conditions now. An address that is not a member (or
// is excluded) is ENOTFOUND.
func (s *RecognitionStore) Profile(ctx context.Context, scope health.Scope, address common.Address) (*recognition.Profile, error) {
	var p *recognition.Profile
	_, err := s.health.read(ctx, "read profile", scope, func(h *healthTx) error {
		ladder, err := readLadder(ctx, h.tx, h.community)
		if err != nil {
			return err
		}
		roles, err := readRoles(ctx, h.tx, h.community, ladder)
		if err != nil {
			return err
		}
		a := address.Hex()
		facts, err := h.readFacts(roles, []string{a})
		if err != nil {
			return err
		}
		f := facts[a]
		if f == nil {
			return guildhall.Errorf(guildhall.ENOTFOUND, "%s is not a member of community %q", a, h.community)
		}
		p = &recognition.Profile{Meta: h.meta, Address: a, MemberSince: f.FirstDay, Earned365d: f.Earned365d, ActiveDays90d: f.ActiveDays90d}
		if err := h.profileStreaks(p, f); err != nil {
			return err
		}
		if err := h.profileLevel(p, f, ladder); err != nil {
			return err
		}
		return h.profileRoles(p, f, ladder, roles)
	})
	return p, err
}

// profileStreaks sets the member's week streaks and voting streak.
func (h *healthTx) profileStreaks(p *recognition.Profile, f *recognition.Facts) error {
	weeks, err := h.activeWeeks(p.Address)
	if err != nil {
		return err
	}
	p.StreakWeeks, p.LongestStreakWeeks = recognition.Streaks(weeks, h.meta.Today)
	f.StreakWeeks = p.StreakWeeks
	// Proposals whose snapshot has passed, newest first: voting power at the snapshot is the
	// member's newest DelegateVotesChanged no later than it (the token checkpoints by timestamp).
	var turns []recognition.Turn
	if err := h.query(&turns, `
		SELECT coalesce((SELECT d.new_votes FROM token_delegate_votes d WHERE d.community_id = $1 AND d.delegate = $4
		                 AND d.block_time <= p.vote_start ORDER BY d.block_number DESC, d.log_index DESC LIMIT 1), 0) > 0 AS eligible,
		       EXISTS (SELECT 1 FROM votes v WHERE v.community_id = $1 AND v.proposal_id = p.proposal_id AND v.voter = $4) AS voted,
		       p.vote_end > $5 AS open
		FROM proposals p WHERE p.community_id = $1 AND p.vote_start <= $5 AND $4 <> ALL($2) AND $3::date IS NOT NULL
		ORDER BY p.block_number DESC, p.log_index DESC`, h.base(p.Address, int64(h.meta.AsOf.Time))...); err != nil {
		return err
	}
	p.VotingStreak = recognition.VotingStreak(turns)
	return nil
}

// profileLevel sets the level the member holds (none before the first evaluation).
func (h *healthTx) profileLevel(p *recognition.Profile, f *recognition.Facts, ladder recognition.Ladder) error {
	var held heldLevel
	err := h.get(&held, `SELECT account, level, since, event_id FROM recognition_levels WHERE community_id = $1 AND account = $2`,
		h.community, p.Address)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	since := held.Since.UTC()
	p.Level, p.LevelSince, f.Level = &held.Level, &since, ladder.Rank(held.Level)
	return nil
}

// profileRoles sets the member's standing on every role and badge.
func (h *healthTx) profileRoles(p *recognition.Profile, f *recognition.Facts, ladder recognition.Ladder, roles []*recognition.Role) error {
	var held []heldRole
	if err := h.query(&held, `SELECT role, account, since, failing_since, event_id FROM recognition_holdings
		WHERE community_id = $1 AND account = $2`, h.community, p.Address); err != nil {
		return err
	}
	since := map[string]time.Time{}
	for _, r := range held {
		since[r.Role] = r.Since.UTC()
	}
	p.Roles, p.Badges = []recognition.Standing{}, []recognition.Standing{}
	for _, r := range roles {
		met, progress := recognition.Evaluate(r, *f, ladder, h.meta.Today)
		st := recognition.Standing{Role: r.Name, Met: met, Progress: progress}
		if t, ok := since[r.Name]; ok {
			st.Held, st.Since = true, &t
		}
		if r.Kind == recognition.Badge {
			p.Badges = append(p.Badges, st)
		} else {
			p.Roles = append(p.Roles, st)
		}
	}
	return nil
}

// checkQuery reads a role check: the community, its last evaluation, the role and the holding,
// each by its primary key, in one statement prepared once per connection (one round trip, no
// planning per check).
const checkQuery = `
	SELECT s.block_number, s.block_hash, s.block_time, r.role IS NOT NULL AS role_exists, h.since
	FROM communities c
	LEFT JOIN recognition_state s ON s.community_id = c.id
	LEFT JOIN recognition_roles r ON r.community_id = c.id AND r.role = $2
	LEFT JOIN recognition_holdings h ON h.community_id = c.id AND h.role = $2 AND h.account = $3
	WHERE c.id = $1`

// lazyStmt is a statement prepared on its first use (database/sql prepares it again on each
// connection that runs it).
type lazyStmt struct {
	query string
	stmt  atomic.Pointer[sqlx.Stmt]
}

func (l *lazyStmt) get(ctx context.Context, db *sqlx.DB) (*sqlx.Stmt, error) {
	if st := l.stmt.Load(); st != nil {
		return st, nil
	}
	st, err := db.PreparexContext(ctx, l.query)
	if err != nil {
		return nil, err
	}
	if !l.stmt.CompareAndSwap(nil, st) {
		st.Close()
		return l.stmt.Load(), nil
	}
	return st, nil
}

// RoleMembers lists the holders of role in community by address, as of the last evaluation;
// unknown community or role: ENOTFOUND; never evaluated: EUNAVAILABLE.
func (s *RecognitionStore) RoleMembers(ctx context.Context, community, role string, page guildhall.Page[string]) (*recognition.RoleMemberPage, error) {
	out := &recognition.RoleMemberPage{Items: []recognition.RoleMember{}}
	err := s.db.inTx(ctx, "list role members", false, func(tx *sqlx.Tx) error {
		check, err := s.checkStored(ctx, community, role, common.Address{})
		if err != nil {
			return err
		}
		out.AsOf = check.AsOf
		after := ""
		if page.After != nil {
			after = *page.After
		}
		if err := tx.SelectContext(ctx, &out.Items, `SELECT account AS address, since FROM recognition_holdings
			WHERE community_id = $1 AND role = $2 AND account > $3 ORDER BY account LIMIT $4`, community, role, after, page.Limit+1); err != nil {
			return err
		}
		if len(out.Items) > page.Limit {
			out.Items = out.Items[:page.Limit]
			out.Next = out.Items[page.Limit-1].Address
		}
		return nil
	})
	return out, err
}

// Events lists community's feed after the event page.After (nil: from the start), oldest first.
// An unknown community is ENOTFOUND.
func (s *RecognitionStore) Events(ctx context.Context, community string, page guildhall.Page[int64]) (*recognition.EventPage, error) {
	out := &recognition.EventPage{Items: []recognition.Event{}}
	err := s.db.inTx(ctx, "list recognition events", false, func(tx *sqlx.Tx) error {
		if err := communityExists(ctx, tx, community); err != nil {
			return err
		}
		var after int64
		if page.After != nil {
			after = *page.After
		}
		var rows []struct {
			ID            int64      `db:"id"`
			Kind          string     `db:"kind"`
			Account       string     `db:"account"`
			Role          *string    `db:"role"`
			Level         *string    `db:"level"`
			Previous      *string    `db:"previous"`
			Withdraws     *int64     `db:"withdraws"`
			Number        int64      `db:"block_number"`
			Hash          string     `db:"block_hash"`
			Time          int64      `db:"block_time"`
			LedgerThrough *time.Time `db:"ledger_through"`
		}
		if err := tx.SelectContext(ctx, &rows, `SELECT id, kind, account, role, level, previous, withdraws, block_number, block_hash,
			block_time, ledger_through FROM recognition_events WHERE community_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
			community, after, page.Limit); err != nil {
			return err
		}
		out.Next = after
		for _, r := range rows {
			out.Items = append(out.Items, recognition.Event{ID: r.ID, Kind: r.Kind, Member: r.Account, Role: r.Role, Level: r.Level,
				Previous: r.Previous, Withdraws: r.Withdraws, LedgerThrough: r.LedgerThrough, At: time.Unix(r.Time, 0).UTC(),
				AsOf: guildhall.AsOf{Number: uint64(r.Number), Hash: r.Hash, Time: uint64(r.Time)}})
			out.Next = r.ID
		}
		return nil
	})
	return out, err
}
