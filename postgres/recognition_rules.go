package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/recognition"
)

// RecognitionStore keeps each community's recognition rules (the level ladder, roles and
// badges), evaluates them (Evaluate) into the levels and roles members hold and the feed of
// changes, and serves the member profile, role checks and the feed (migration 0014).
type RecognitionStore struct {
	db     *DB
	health *HealthStore
	box    *secretBox // seals webhook secrets; nil: webhooks can be neither added nor delivered
	check  *lazyStmt  // the role check's statement
}

// NewRecognitionStore returns the recognition store of db; make one per process and keep it: its
// role check statement is prepared once on each connection that runs it, until the store's DB
// closes.
func NewRecognitionStore(db *DB) *RecognitionStore {
	return &RecognitionStore{db: db, health: NewHealthStore(db), check: &lazyStmt{query: checkQuery}}
}

// WithSecretKey returns the store sealing webhook secrets under key (SecretKey of the operator
// key), which adding and delivering webhooks need.
func (s *RecognitionStore) WithSecretKey(key []byte) (*RecognitionStore, error) {
	box, err := newSecretBox(key)
	if err != nil {
		return nil, err
	}
	c := *s
	c.box = box
	return &c, nil
}

// lockCommunity locks community's row for the rest of tx, so writers of its rules take turns; an
// unknown community is ENOTFOUND.
func lockCommunity(ctx context.Context, tx *sqlx.Tx, community string) error {
	var one int
	err := tx.QueryRowxContext(ctx, `SELECT 1 FROM communities WHERE id = $1 FOR UPDATE`, community).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return guildhall.Errorf(guildhall.ENOTFOUND, "community %q not found", community)
	}
	return err
}

// readLadder reads community's ladder in q: its own, or the default when it has written none.
func readLadder(ctx context.Context, q sqlx.QueryerContext, community string) (recognition.Ladder, error) {
	var raw []byte
	err := sqlx.GetContext(ctx, q, &raw, `SELECT levels FROM recognition_ladders WHERE community_id = $1`, community)
	if errors.Is(err, sql.ErrNoRows) {
		return recognition.DefaultLadder(), nil
	}
	if err != nil {
		return nil, err
	}
	var spec recognition.LadderSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return nil, fmt.Errorf("stored ladder of %s: %w", community, err)
	}
	return spec.Ladder()
}

// readRoles reads community's roles in q, by name.
func readRoles(ctx context.Context, q sqlx.QueryerContext, community string, ladder recognition.Ladder) ([]*recognition.Role, error) {
	var rows []struct {
		Role string `db:"role"`
		Rule []byte `db:"rule"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT role, rule FROM recognition_roles WHERE community_id = $1 ORDER BY role`, community); err != nil {
		return nil, err
	}
	out := make([]*recognition.Role, len(rows))
	for k, row := range rows {
		var spec recognition.RoleSpec
		if err := json.Unmarshal(row.Rule, &spec); err != nil {
			return nil, fmt.Errorf("stored role %s of %s: %w", row.Role, community, err)
		}
		r, err := spec.Role(row.Role, ladder)
		if err != nil {
			return nil, fmt.Errorf("stored role %s of %s: %w", row.Role, community, err)
		}
		out[k] = r
	}
	return out, nil
}

// Ladder returns community's level ladder (the default until it writes one). An unknown
// community is ENOTFOUND.
func (s *RecognitionStore) Ladder(ctx context.Context, community string) (recognition.Ladder, error) {
	var l recognition.Ladder
	err := s.db.inTx(ctx, "read ladder", false, func(tx *sqlx.Tx) error {
		if err := communityExists(ctx, tx, community); err != nil {
			return err
		}
		var err error
		l, err = readLadder(ctx, tx, community)
		return err
	})
	return l, err
}

// communityExists is ENOTFOUND for an unknown community.
func communityExists(ctx context.Context, q sqlx.QueryerContext, community string) error {
	var n int
	if err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM communities WHERE id = $1`, community); err != nil {
		return err
	}
	if n == 0 {
		return guildhall.Errorf(guildhall.ENOTFOUND, "community %q not found", community)
	}
	return nil
}

// PutLadder replaces community's ladder (valid: recognition.ValidateLadder). A ladder without a
// level that one of the community's roles requires is EUNPROCESSABLE naming that role; nothing is
// saved then. An unknown community is ENOTFOUND.
func (s *RecognitionStore) PutLadder(ctx context.Context, community string, l recognition.Ladder) error {
	raw, err := json.Marshal(l.Spec())
	if err != nil {
		return err
	}
	return s.db.inTx(ctx, "put ladder", true, func(tx *sqlx.Tx) error {
		if err := lockCommunity(ctx, tx, community); err != nil {
			return err
		}
		if err := checkLevelsKept(ctx, tx, community, l); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO recognition_ladders (community_id, levels) VALUES ($1, $2)
			ON CONFLICT (community_id) DO UPDATE SET levels = excluded.levels, updated_at = now()`, community, string(raw))
		return err
	})
}

// checkLevelsKept refuses a ladder without a level a role's condition names.
func checkLevelsKept(ctx context.Context, tx *sqlx.Tx, community string, l recognition.Ladder) error {
	var rows []struct {
		Role  string `db:"role"`
		Level string `db:"level"`
	}
	// Level conditions are {"level": {"min": "name"}} in any group of the stored rule.
	if err := tx.SelectContext(ctx, &rows, `
		SELECT r.role, c->'level'->>'min' AS level FROM recognition_roles r,
			jsonb_array_elements(coalesce(r.rule->'all', '[]') || coalesce(r.rule->'any', '[]') || coalesce(r.rule->'none', '[]')) c
		WHERE r.community_id = $1 AND c ? 'level' ORDER BY r.role`, community); err != nil {
		return err
	}
	for _, row := range rows {
		if l.Rank(row.Level) < 0 {
			return &guildhall.Error{Code: guildhall.EUNPROCESSABLE, Message: "the ladder leaves out a level a role requires",
				Fields: []guildhall.FieldError{{Field: "levels", Message: fmt.Sprintf("must keep level %q: role %q requires it", row.Level, row.Role)}}}
		}
	}
	return nil
}

// PutRole creates or replaces the role name of community from spec, validated against the
// community's ladder (EINVALID naming each bad field; nothing is saved). An unknown community is
// ENOTFOUND.
func (s *RecognitionStore) PutRole(ctx context.Context, community, name string, spec recognition.RoleSpec) (*recognition.Role, error) {
	var role *recognition.Role
	err := s.db.inTx(ctx, "put role", true, func(tx *sqlx.Tx) error {
		if err := lockCommunity(ctx, tx, community); err != nil {
			return err
		}
		ladder, err := readLadder(ctx, tx, community)
		if err != nil {
			return err
		}
		if role, err = spec.Role(name, ladder); err != nil {
			return err
		}
		raw, err := json.Marshal(role.Spec())
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO recognition_roles (community_id, role, kind, rule) VALUES ($1, $2, $3, $4)
			ON CONFLICT (community_id, role) DO UPDATE SET kind = excluded.kind, rule = excluded.rule, updated_at = now()`,
			community, name, string(role.Kind), string(raw))
		return err
	})
	return role, err
}

// Roles returns community's roles by name. An unknown community is ENOTFOUND.
func (s *RecognitionStore) Roles(ctx context.Context, community string) ([]*recognition.Role, error) {
	var roles []*recognition.Role
	err := s.db.inTx(ctx, "read roles", false, func(tx *sqlx.Tx) error {
		if err := communityExists(ctx, tx, community); err != nil {
			return err
		}
		ladder, err := readLadder(ctx, tx, community)
		if err != nil {
			return err
		}
		roles, err = readRoles(ctx, tx, community, ladder)
		return err
	})
	return roles, err
}
