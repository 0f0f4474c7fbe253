package postgres

import "github.com/guildhall/guildhall/recognition"

// orphanRow is a change decided on a block the chain no longer holds.
type orphanRow struct {
	ID         int64   `db:"id"`
	Kind       string  `db:"kind"`
	Account    string  `db:"account"`
	Role       *string `db:"role"`
	Level      *string `db:"level"`
	Previous   *string `db:"previous"`
	PriorSince *string `db:"prior_since"`
	PriorEvent *int64  `db:"prior_event"`
}

// withdrawOrphans undoes, newest first, every change decided on a block that a reorg removed
// (above as_of, or at a height whose indexed block now has another hash): such a change was never
// made. Each gets a "<kind>_withdrawn" event naming it, and is marked withdrawn. Changes on final
// blocks are never touched: those blocks are no longer in index_blocks to differ.
func (e *evaluation) withdrawOrphans() error {
	h := e.h
	var orphans []orphanRow
	// Only the blocks index_blocks still holds (the ones not final yet) can differ: the changes
	// below them are not read at all, so the cost does not grow with the feed.
	if err := h.query(&orphans, `
		SELECT id, kind, account, role, level, previous, prior_since::text, prior_event FROM recognition_events ev
		WHERE community_id = $1 AND NOT withdrawn AND withdraws IS NULL
		  AND block_number >= least($2 + 1, (SELECT min(block_number) FROM index_blocks))
		  AND (block_number > $2 OR EXISTS (SELECT 1 FROM index_blocks b WHERE b.block_number = ev.block_number AND b.block_hash <> ev.block_hash))
		ORDER BY id DESC`, h.community, int64(h.meta.AsOf.Number)); err != nil {
		return err
	}
	for _, o := range orphans {
		if _, err := e.insertEvents([]eventRow{{Kind: o.Kind + recognition.WithdrawnSuffix, Account: o.Account, Role: deref(o.Role),
			Level: deref(o.Level), Previous: deref(o.Previous)}}, o.ID); err != nil {
			return err
		}
		if err := e.undo(o); err != nil {
			return err
		}
		e.touched = append(e.touched, o.Account)
		e.withdrawn++
	}
	return nil
}

// undo restores what o changed.
func (e *evaluation) undo(o orphanRow) error {
	h := e.h
	var q string
	var args []any
	switch recognition.EventKind(o.Kind) {
	case recognition.RoleRevoked:
		q = `INSERT INTO recognition_holdings (community_id, role, account, since, event_id) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT DO NOTHING`
		args = []any{h.community, o.Role, o.Account, o.PriorSince, o.PriorEvent}
	case recognition.LevelChanged:
		q, args = `DELETE FROM recognition_levels WHERE community_id = $1 AND event_id = $2`, []any{h.community, o.ID}
		if o.Previous != nil {
			q = `UPDATE recognition_levels SET level = $3, since = $4, event_id = $5 WHERE community_id = $1 AND event_id = $2`
			args = append(args, o.Previous, o.PriorSince, o.PriorEvent)
		}
	default: // a grant or an award
		q, args = `DELETE FROM recognition_holdings WHERE community_id = $1 AND event_id = $2`, []any{h.community, o.ID}
	}
	if _, err := h.tx.ExecContext(h.ctx, `UPDATE recognition_events SET withdrawn = true WHERE id = $1`, o.ID); err != nil {
		return err
	}
	_, err := h.tx.ExecContext(h.ctx, q, args...)
	return err
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
