package postgres

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/recognition"
)

// A role check answers from memory: each community a process checks keeps an index of its
// holdings (role -> holder -> since) with the as_of block of the evaluation they are true at, read
// together in one snapshot. The index is brought up to date from the feed: every change of a
// holding appends an event naming its member (grants, awards, revocations and their withdrawals),
// so a refresh re-reads the holdings of the members of the events after the last one it saw, and
// the whole community only the first time (or when the feed went back, as after a restore).
//
// An index answers for roleCheckFresh after the refresh that read it began, and is refreshed in
// the background from half that age on, so a steady stream of checks never waits for the
// database. A check the index cannot answer (too old, never read, or a role it does not know yet)
// reads the database (checkStored) and starts a refresh. An evaluation made through this DB
// refreshes the community's index once it has committed, before it returns (checks meanwhile
// answer from the evaluation before), so a check in the same process never answers from before
// an evaluation it has seen end; another process's evaluation reaches the index within
// roleCheckFresh. Either way the answer is exact at the as_of it names.

// roleCheckFresh is how long after its refresh began a community's index answers checks.
const roleCheckFresh = time.Second

// roleChecks is the role check indexes of one DB's communities.
type roleChecks struct {
	communities sync.Map     // community -> *checkIndex
	stored      atomic.Int64 // checks the indexes could not answer
}

// checkIndex is one community's holdings, true at asOf.
type checkIndex struct {
	mu         sync.RWMutex
	asOf       guildhall.AsOf
	lastEvent  int64                                   // the newest event of the community the index reflects
	roles      map[string]map[common.Address]time.Time // nil: never read
	verified   time.Time                               // when the refresh it reflects began; zero: stale
	generation int64                                   // bumped by stale, so a refresh begun before does not mark it fresh
	refreshing sync.Mutex                              // held by the refresh running
}

// index returns community's index, made empty if it has none: only for a community the database
// answered a check of, so names in requests cannot grow the indexes.
func (c *roleChecks) index(community string) *checkIndex {
	if idx := c.load(community); idx != nil {
		return idx
	}
	x, _ := c.communities.LoadOrStore(community, &checkIndex{})
	return x.(*checkIndex)
}

// load returns community's index, nil if it has none.
func (c *roleChecks) load(community string) *checkIndex {
	if x, ok := c.communities.Load(community); ok {
		return x.(*checkIndex)
	}
	return nil
}

// evaluated brings community's index (if it has one) up to date after an evaluation through this
// DB committed, so a check made after the evaluation returned answers from it; meanwhile checks
// answer from the evaluation before. When that fails the index answers nothing until its next
// refresh.
func (s *RecognitionStore) evaluated(ctx context.Context, community string) {
	idx := s.db.roleChecks.load(community)
	if idx == nil {
		return
	}
	idx.refreshing.Lock()
	defer idx.refreshing.Unlock()
	if err := s.refreshChecks(ctx, community, idx); err != nil {
		idx.stale()
	}
}

// stale makes idx answer nothing until its next refresh.
func (idx *checkIndex) stale() {
	idx.mu.Lock()
	idx.verified, idx.generation = time.Time{}, idx.generation+1
	idx.mu.Unlock()
}

// answer answers a check from idx at now, and says whether a refresh is due (from half its age).
func (idx *checkIndex) answer(role string, address common.Address, now time.Time) (out *recognition.RoleCheck, refresh bool) {
	idx.mu.RLock()
	defer idx.mu.RUnlock()
	age := now.Sub(idx.verified)
	holders, known := idx.roles[role]
	if idx.verified.IsZero() || age >= roleCheckFresh || !known {
		return nil, true
	}
	out = &recognition.RoleCheck{AsOf: idx.asOf}
	if since, ok := holders[address]; ok {
		out.Held, out.Since = true, &since
	}
	return out, age >= roleCheckFresh/2
}

// Check answers whether address holds role in community, as of the community's last evaluation
// (its block names the answer): from the community's index while it is fresh, else from the
// database (checkStored). An unknown community or role is ENOTFOUND; a community never evaluated
// yet EUNAVAILABLE.
func (s *RecognitionStore) Check(ctx context.Context, community, role string, address common.Address) (*recognition.RoleCheck, error) {
	idx := s.db.roleChecks.load(community)
	if idx != nil {
		out, refresh := idx.answer(role, address, time.Now())
		if refresh {
			s.refreshLater(community, idx)
		}
		if out != nil {
			return out, nil
		}
	}
	s.db.roleChecks.stored.Add(1)
	out, err := s.checkStored(ctx, community, role, address)
	if err == nil && idx == nil {
		// The first check the database answered gives the community its index.
		s.refreshLater(community, s.db.roleChecks.index(community))
	}
	return out, err
}

// refreshLater refreshes idx in the background unless a refresh is running.
func (s *RecognitionStore) refreshLater(community string, idx *checkIndex) {
	if !idx.refreshing.TryLock() {
		return
	}
	go func() {
		defer idx.refreshing.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_ = s.refreshChecks(ctx, community, idx) // a failed refresh leaves the index to age; checks read the database
	}()
}

// holdingRow is one holding as the index reads it.
type holdingRow struct {
	Role    string    `db:"role"`
	Account string    `db:"account"`
	Since   time.Time `db:"since"`
}

// checkDelta is what one refresh read: the evaluation's as_of, the community's roles, the newest
// event, and the holdings of the members it names (every member when full).
type checkDelta struct {
	asOf     guildhall.AsOf
	roles    []string
	last     int64
	full     bool
	members  []string
	holdings []holdingRow
}

// refreshChecks brings idx up to date with community's last evaluation, reading in one snapshot.
// A community never evaluated is left as it is.
func (s *RecognitionStore) refreshChecks(ctx context.Context, community string, idx *checkIndex) error {
	began := time.Now()
	idx.mu.RLock()
	d := checkDelta{last: idx.lastEvent, full: idx.roles == nil}
	generation := idx.generation
	idx.mu.RUnlock()
	tx, err := s.db.db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := d.read(ctx, tx, community); err != nil {
		return err
	}
	members, held := d.parse()
	var whole map[string]map[common.Address]time.Time
	if d.full { // built before the lock is taken: checks go on meanwhile
		whole = make(map[string]map[common.Address]time.Time, len(d.roles))
		for _, r := range d.roles {
			whole[r] = map[common.Address]time.Time{}
		}
		held.into(whole)
	}
	idx.mu.Lock()
	defer idx.mu.Unlock()
	if whole == nil {
		whole = idx.update(d.roles, members, held)
	}
	idx.roles, idx.asOf, idx.lastEvent = whole, d.asOf, d.last
	if idx.generation == generation {
		idx.verified = began
	}
	return nil
}

// read reads the delta of community after event d.last (everything when d.full, or when the feed
// holds no event d.last any more).
func (d *checkDelta) read(ctx context.Context, tx *sqlx.Tx, community string) error {
	var state struct {
		Number int64  `db:"block_number"`
		Hash   string `db:"block_hash"`
		Time   int64  `db:"block_time"`
		Last   int64  `db:"last"`
	}
	if err := tx.GetContext(ctx, &state, `SELECT block_number, block_hash, block_time,
			(SELECT coalesce(max(id), 0) FROM recognition_events WHERE community_id = $1) AS last
		FROM recognition_state WHERE community_id = $1`, community); err != nil {
		return err
	}
	d.asOf = guildhall.AsOf{Number: uint64(state.Number), Hash: state.Hash, Time: uint64(state.Time)}
	if err := tx.SelectContext(ctx, &d.roles, `SELECT role FROM recognition_roles WHERE community_id = $1`, community); err != nil {
		return err
	}
	d.full = d.full || state.Last < d.last
	from := d.last
	d.last = state.Last
	if d.full {
		return tx.SelectContext(ctx, &d.holdings, `SELECT role, account, since FROM recognition_holdings WHERE community_id = $1`, community)
	}
	if err := tx.SelectContext(ctx, &d.members, `SELECT DISTINCT account FROM recognition_events
		WHERE community_id = $1 AND id > $2`, community, from); err != nil || len(d.members) == 0 {
		return err
	}
	return tx.SelectContext(ctx, &d.holdings, `SELECT role, account, since FROM recognition_holdings
		WHERE community_id = $1 AND account = ANY($2)`, community, pq.Array(d.members))
}

// heldRow is a holding as the index keeps it.
type heldRow struct {
	role    string
	account common.Address
	since   time.Time
}

type heldRows []heldRow

// into adds the holdings to roles (of roles it holds).
func (hs heldRows) into(roles map[string]map[common.Address]time.Time) {
	for _, h := range hs {
		if holders := roles[h.role]; holders != nil {
			holders[h.account] = h.since
		}
	}
}

// parse returns the members and holdings d read, as the index keys them.
func (d checkDelta) parse() ([]common.Address, heldRows) {
	members := make([]common.Address, len(d.members))
	for k, m := range d.members {
		members[k] = common.HexToAddress(m)
	}
	held := make(heldRows, len(d.holdings))
	for k, h := range d.holdings {
		held[k] = heldRow{role: h.Role, account: common.HexToAddress(h.Account), since: h.Since.UTC()}
	}
	return members, held
}

// update returns idx's holdings with roles as the community's roles and members holding exactly
// held (under idx's lock: a refresh's few members).
func (idx *checkIndex) update(roles []string, members []common.Address, held heldRows) map[string]map[common.Address]time.Time {
	out := make(map[string]map[common.Address]time.Time, len(roles))
	for _, r := range roles {
		out[r] = idx.roles[r]
		if out[r] == nil {
			out[r] = map[common.Address]time.Time{}
		}
		for _, m := range members {
			delete(out[r], m)
		}
	}
	held.into(out)
	return out
}

// checkStored answers a check from the database: one read by key (checkQuery) of what the last
// evaluation decided.
func (s *RecognitionStore) checkStored(ctx context.Context, community, role string, address common.Address) (*recognition.RoleCheck, error) {
	var row struct {
		Number sql.NullInt64  `db:"block_number"`
		Hash   sql.NullString `db:"block_hash"`
		Time   sql.NullInt64  `db:"block_time"`
		Role   bool           `db:"role_exists"`
		Since  *time.Time     `db:"since"`
	}
	stmt, err := s.check.get(ctx, s.db.db)
	if err == nil {
		err = stmt.GetContext(ctx, &row, community, role, address.Hex())
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, guildhall.Errorf(guildhall.ENOTFOUND, "community %q not found", community)
	case err != nil:
		return nil, s.db.queryError("check role", err)
	case !row.Role:
		return nil, guildhall.Errorf(guildhall.ENOTFOUND, "community %q has no role %q", community, role)
	case !row.Number.Valid:
		return nil, guildhall.Errorf(guildhall.EUNAVAILABLE, "the recognition of community %q is not evaluated yet; try again in a few seconds", community)
	}
	out := &recognition.RoleCheck{Held: row.Since != nil, AsOf: guildhall.AsOf{Number: uint64(row.Number.Int64), Hash: row.Hash.String,
		Time: uint64(row.Time.Int64)}}
	if row.Since != nil {
		t := row.Since.UTC()
		out.Since = &t
	}
	return out, nil
}
