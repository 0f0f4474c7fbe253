package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"hash/fnv"
	"maps"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/health"
	"github.com/guildhall/guildhall/recognition"
)

// Evaluate decides scope's community's recognition at its as_of block and ledger time: it first
// withdraws every change decided on a block a reorg has since removed (undoing it and appending a
// "*_withdrawn" event), then sets each member's level, grants roles and badges, starts and ends
// tiers' grace and revokes tiers, appending one event per change, and seals the final ranking of
// every season that has ended, all in one transaction.
// It decides only the members whose decisions may have changed since the last evaluation
// (changedMembers: their facts changed, a tier's grace runs, a "votes" window moved, and on the
// first evaluation of a day those the day moved, dayMovers), and every member after a change of
// rules or exclusions, when the as_of block's day goes back and the first time: the outcome is
// the same as EvaluateAll's.
// Evaluations of one community take turns; running one again at the same block changes nothing.
// An unknown community is ENOTFOUND, one not indexed yet EUNAVAILABLE.
func (s *RecognitionStore) Evaluate(ctx context.Context, scope health.Scope) (*recognition.Evaluation, error) {
	return s.evaluate(ctx, scope, false)
}

// EvaluateAll is Evaluate deciding every member of the community afresh.
func (s *RecognitionStore) EvaluateAll(ctx context.Context, scope health.Scope) (*recognition.Evaluation, error) {
	return s.evaluate(ctx, scope, true)
}

func (s *RecognitionStore) evaluate(ctx context.Context, scope health.Scope, all bool) (*recognition.Evaluation, error) {
	var out *recognition.Evaluation
	err := s.exclusively(ctx, scope.Community, func(tx *sqlx.Tx) error {
		asOf, err := readAsOf(ctx, tx, scope.Community)
		if err != nil {
			return err
		}
		h, err := openHealthTx(ctx, s.health, tx, scope, asOf)
		if err != nil {
			return err
		}
		e := &evaluation{h: h, at: time.Unix(int64(asOf.Time), 0).UTC(), all: all}
		if err := e.withdrawOrphans(); err != nil {
			return err
		}
		if err := e.run(); err != nil {
			return err
		}
		if err := e.sealSeasons(); err != nil {
			return err
		}
		out = &recognition.Evaluation{Meta: h.meta, Events: len(e.events), Withdrawn: e.withdrawn, Decided: e.decided, All: e.all}
		_, err = tx.ExecContext(ctx, `INSERT INTO recognition_state (community_id, block_number, block_hash, block_time, ledger_through,
				rules, proposals)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (community_id) DO UPDATE SET block_number = excluded.block_number,
			block_hash = excluded.block_hash, block_time = excluded.block_time, ledger_through = excluded.ledger_through,
			rules = excluded.rules, proposals = excluded.proposals, evaluated_at = now()`,
			scope.Community, int64(asOf.Number), asOf.Hash, int64(asOf.Time), h.meta.LedgerThrough, e.rules, pq.Array(e.proposals))
		return err
	})
	if err == nil {
		s.evaluated(ctx, scope.Community)
	}
	return out, err
}

// exclusively runs fn in a REPEATABLE READ transaction begun after taking community's evaluation
// lock on the same connection, so evaluations take turns and each sees what the one before wrote.
func (s *RecognitionStore) exclusively(ctx context.Context, community string, fn func(tx *sqlx.Tx) error) error {
	conn, err := s.db.db.Connx(ctx)
	if err != nil {
		return s.db.connectError(err)
	}
	defer conn.Close()
	key := fnv.New64a()
	key.Write([]byte("recognition:" + community))
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, int64(key.Sum64())); err != nil {
		return s.db.queryError("evaluate recognition", err)
	}
	defer func() {
		if _, err := conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, int64(key.Sum64())); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn }) // the lock goes with the connection
		}
	}()
	tx, err := conn.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return s.db.queryError("evaluate recognition", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		var ge *guildhall.Error
		if errors.As(err, &ge) {
			return err
		}
		return s.db.queryError("evaluate recognition", err)
	}
	return tx.Commit()
}

// evaluation is one run of Evaluate: its snapshot, decision time, what it decides by and the
// changes it makes.
type evaluation struct {
	h         *healthTx
	at        time.Time // the decision time: the as_of block's
	all       bool      // decide every member (else changedMembers says who)
	ladder    recognition.Ladder
	rules     string   // the fingerprint of the rules and exclusions decided by
	proposals []string // the newest proposals, newest first
	touched   []string // the members of the changes withdrawn
	decided   int      // the members decided
	events    []eventRow
	failing   []failingRow
	withdrawn int
}

// eventRow is a change to record; PriorSince and PriorEvent say what undoing it restores.
type eventRow struct {
	Kind, Account, Role, Level, Previous string
	PriorSince                           *time.Time
	PriorEvent                           int64
}

// failingRow starts (Failing) or ends a held tier's grace.
type failingRow struct {
	Role, Account string
	Failing       bool
}

// heldLevel and heldRole are what members hold before the evaluation.
type heldLevel struct {
	Account string    `db:"account"`
	Level   string    `db:"level"`
	Since   time.Time `db:"since"`
	EventID int64     `db:"event_id"`
}

type heldRole struct {
	Role         string     `db:"role"`
	Account      string     `db:"account"`
	Since        time.Time  `db:"since"`
	FailingSince *time.Time `db:"failing_since"`
	EventID      int64      `db:"event_id"`
}

// run decides levels, then roles (which may ask for a level), of every member or of the members
// changedMembers names, and writes the changes.
func (e *evaluation) run() error {
	h := e.h
	var err error
	if e.ladder, err = readLadder(h.ctx, h.tx, h.community); err != nil {
		return err
	}
	roles, err := readRoles(h.ctx, h.tx, h.community, e.ladder)
	if err != nil {
		return err
	}
	members, err := e.changedMembers(roles)
	if err != nil {
		return err
	}
	facts, err := h.readFacts(roles, members)
	if err != nil {
		return err
	}
	e.decided = len(facts)
	var levels []heldLevel
	if err := h.query(&levels, `SELECT account, level, since, event_id FROM recognition_levels
		WHERE community_id = $1 AND `+memberIn(2, "account"), h.community, pq.Array(members)); err != nil {
		return err
	}
	e.decideLevels(facts, levels)
	var held []heldRole
	if err := h.query(&held, `SELECT role, account, since, failing_since, event_id FROM recognition_holdings
		WHERE community_id = $1 AND `+memberIn(2, "account"), h.community, pq.Array(members)); err != nil {
		return err
	}
	byRole := map[string]map[string]heldRole{}
	for _, r := range held {
		if byRole[r.Role] == nil {
			byRole[r.Role] = map[string]heldRole{}
		}
		byRole[r.Role][r.Account] = r
	}
	for _, r := range roles {
		e.decideRole(r, facts, byRole[r.Name])
	}
	return e.write()
}

// decideLevels sets each member's level (Facts.Level) and records the changes.
func (e *evaluation) decideLevels(facts map[string]*recognition.Facts, levels []heldLevel) {
	held := make(map[string]heldLevel, len(levels))
	for _, l := range levels {
		held[l.Account] = l
	}
	for _, account := range slices.Sorted(maps.Keys(facts)) {
		f := facts[account]
		qualified := recognition.QualifiedRank(e.ladder, f.Earned365d, f.ActiveDays90d)
		h, ok := held[account]
		current := recognition.HeldLevel{Rank: -1}
		if ok {
			current = recognition.HeldLevel{Rank: e.ladder.Rank(h.Level), Since: health.DayOf(h.Since)}
		}
		f.Level = recognition.NextRank(current, qualified, e.h.meta.Today)
		if ok && f.Level == current.Rank {
			continue
		}
		ev := eventRow{Kind: string(recognition.LevelChanged), Account: account, Level: e.ladder[f.Level].Name}
		if ok {
			since := h.Since
			ev.Previous, ev.PriorSince, ev.PriorEvent = h.Level, &since, h.EventID
		}
		e.events = append(e.events, ev)
	}
}

// decideRole decides role r for every member and every holder (one no longer a member, an
// excluded account, meets nothing).
func (e *evaluation) decideRole(r *recognition.Role, facts map[string]*recognition.Facts, held map[string]heldRole) {
	decide := func(account string) {
		met := false
		if f := facts[account]; f != nil {
			met, _ = recognition.Evaluate(r, *f, e.ladder, e.h.meta.Today)
		}
		h, ok := held[account]
		var holding *recognition.Holding
		if ok {
			holding = &recognition.Holding{Since: h.Since, FailingSince: h.FailingSince}
		}
		switch recognition.Decide(r, holding, met, e.at) {
		case recognition.Grant:
			kind := recognition.RoleGranted
			if r.Kind == recognition.Badge {
				kind = recognition.BadgeAwarded
			}
			e.events = append(e.events, eventRow{Kind: string(kind), Account: account, Role: r.Name})
		case recognition.Revoke:
			since := h.Since
			e.events = append(e.events, eventRow{Kind: string(recognition.RoleRevoked), Account: account, Role: r.Name,
				PriorSince: &since, PriorEvent: h.EventID})
		case recognition.StartFailing, recognition.Recover:
			e.failing = append(e.failing, failingRow{Role: r.Name, Account: account, Failing: !met})
		}
	}
	accounts := slices.Collect(maps.Keys(facts))
	for account := range held {
		if facts[account] == nil {
			accounts = append(accounts, account)
		}
	}
	slices.Sort(accounts)
	for _, account := range accounts {
		decide(account)
	}
}

// write records the events, applies them to levels and holdings, and starts or ends graces.
func (e *evaluation) write() error {
	h := e.h
	ids, err := e.insertEvents(e.events, 0)
	if err != nil {
		return err
	}
	// Each event's change, from the events just written: levels set, roles granted and revoked.
	if _, err := h.tx.ExecContext(h.ctx, `
		WITH ev AS (SELECT * FROM recognition_events WHERE id = ANY($2)),
		lv AS (INSERT INTO recognition_levels (community_id, account, level, since, event_id)
		       SELECT $1, account, level, to_timestamp(block_time), id FROM ev WHERE kind = 'level_changed'
		       ON CONFLICT (community_id, account) DO UPDATE SET level = excluded.level, since = excluded.since, event_id = excluded.event_id),
		gr AS (INSERT INTO recognition_holdings (community_id, role, account, since, event_id)
		       SELECT $1, role, account, to_timestamp(block_time), id FROM ev WHERE kind IN ('role_granted', 'badge_awarded'))
		DELETE FROM recognition_holdings x USING ev
		WHERE ev.kind = 'role_revoked' AND x.community_id = $1 AND x.role = ev.role AND x.account = ev.account`,
		h.community, pq.Array(ids)); err != nil {
		return err
	}
	roles, accounts, failing := make([]string, len(e.failing)), make([]string, len(e.failing)), make([]bool, len(e.failing))
	for k, f := range e.failing {
		roles[k], accounts[k], failing[k] = f.Role, f.Account, f.Failing
	}
	_, err = h.tx.ExecContext(h.ctx, `UPDATE recognition_holdings x SET failing_since = CASE WHEN u.failing THEN $2::timestamptz END
		FROM unnest($3::text[], $4::text[], $5::bool[]) AS u(role, account, failing)
		WHERE x.community_id = $1 AND x.role = u.role AND x.account = u.account`,
		h.community, e.at, pq.Array(roles), pq.Array(accounts), pq.Array(failing))
	return err
}

// insertEvents appends events, decided at the evaluation's block and ledger time, withdrawing
// the event withdraws (0: none), and returns their ids in order.
func (e *evaluation) insertEvents(events []eventRow, withdraws int64) ([]int64, error) {
	h := e.h
	n := len(events)
	kinds, accounts, roles, levels, previous := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	priorSince, priorEvent := make([]string, n), make([]int64, n)
	for k, ev := range events {
		kinds[k], accounts[k], roles[k], levels[k], previous[k], priorEvent[k] = ev.Kind, ev.Account, ev.Role, ev.Level, ev.Previous, ev.PriorEvent
		if ev.PriorSince != nil {
			priorSince[k] = ev.PriorSince.UTC().Format(time.RFC3339Nano)
		}
	}
	var ids []int64
	err := h.query(&ids, `
		INSERT INTO recognition_events (community_id, kind, account, role, level, previous, prior_since, prior_event, withdraws,
			block_number, block_hash, block_time, ledger_through)
		SELECT $1, u.kind, u.account, nullif(u.role, ''), nullif(u.level, ''), nullif(u.previous, ''),
			nullif(u.prior_since, '')::timestamptz, nullif(u.prior_event, 0), nullif($2::bigint, 0), $3, $4, $5, $6
		FROM unnest($7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::bigint[])
			WITH ORDINALITY AS u(kind, account, role, level, previous, prior_since, prior_event, n)
		ORDER BY u.n
		RETURNING id`, h.community, withdraws, int64(h.meta.AsOf.Number), h.meta.AsOf.Hash, int64(h.meta.AsOf.Time), h.meta.LedgerThrough,
		pq.Array(kinds), pq.Array(accounts), pq.Array(roles), pq.Array(levels), pq.Array(previous), pq.Array(priorSince), pq.Array(priorEvent))
	return ids, err
}
