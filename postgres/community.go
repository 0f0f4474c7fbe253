package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/guildhall/guildhall"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"
)

var hash32Pattern = regexp.MustCompile(`^0x[0-9a-fA-F]{64}$`)

// BindChain records id as the chain this database indexes, the first time it is called, and from
// then on returns nil for the same chain and an ECONFLICT *guildhall.Error for any other (another
// chain id, or the same id with another genesis: a dev chain started afresh). Concurrent first
// calls are safe: one records, the others compare against it. A malformed id is EINVALID.
func (s *CommunityStore) BindChain(ctx context.Context, id guildhall.ChainIdentity) error {
	if id.ChainID == 0 || id.ChainID > math.MaxInt64 {
		return guildhall.Errorf(guildhall.EINVALID, "chain id %d is out of range", id.ChainID)
	}
	if !hash32Pattern.MatchString(id.GenesisHash) {
		return guildhall.Errorf(guildhall.EINVALID, "genesis hash %q is not a 0x-prefixed 32-byte hex string", id.GenesisHash)
	}
	want := guildhall.ChainIdentity{ChainID: id.ChainID, GenesisHash: strings.ToLower(id.GenesisHash)}

	tx, err := s.db.db.BeginTxx(ctx, nil)
	if err != nil {
		return s.db.queryError("bind chain", err)
	}
	defer tx.Rollback()

	if err := insertChainIdentity(ctx, tx, want); err != nil {
		return s.db.queryError("bind chain", err)
	}
	have, err := chainIdentity(ctx, tx)
	if err != nil {
		return s.db.queryError("bind chain", err)
	}
	if have == nil {
		return errors.New("bind chain: chain identity missing after insert")
	}
	if *have != want {
		return guildhall.Errorf(guildhall.ECONFLICT,
			"this database belongs to chain %d (genesis %s), not chain %d (genesis %s): use another --database-url or --data-dir",
			have.ChainID, shortHash(have.GenesisHash), want.ChainID, shortHash(want.GenesisHash))
	}
	if err := tx.Commit(); err != nil {
		return s.db.queryError("bind chain", err)
	}
	return nil
}

// ChainIdentity returns the chain this database belongs to, nil before BindChain first ran.
func (s *CommunityStore) ChainIdentity(ctx context.Context) (*guildhall.ChainIdentity, error) {
	id, err := chainIdentity(ctx, s.db.db)
	if err != nil {
		return nil, s.db.queryError("read the chain identity", err)
	}
	return id, nil
}

// CreateCommunity stores c and sets c.CreatedAt. Addresses are stored EIP-55 checksummed (c's
// fields are updated to match) and the deployment transaction hash in lower case. It returns
// EINVALID for a community ValidateNewCommunity or the address checks refuse, ECONFLICT when the ID
// or the token address is taken or c is on another chain than the database (see BindChain), and a
// plain error when the database is not bound to a chain yet: a wiring bug, bind at start-up.
func (s *CommunityStore) CreateCommunity(ctx context.Context, c *guildhall.Community) error {
	if err := validateCommunity(c); err != nil {
		return err
	}
	tx, err := s.db.db.BeginTxx(ctx, nil)
	if err != nil {
		return s.db.queryError("create community", err)
	}
	defer tx.Rollback()

	bound, err := chainIdentity(ctx, tx)
	switch {
	case err != nil:
		return s.db.queryError("create community", err)
	case bound == nil:
		return errors.New("create community: the database is not bound to a chain yet: call BindChain first")
	case bound.ChainID != c.ChainID:
		return guildhall.Errorf(guildhall.ECONFLICT,
			"community %q is on chain %d, but this database belongs to chain %d: use another --database-url or --data-dir",
			c.ID, c.ChainID, bound.ChainID)
	}
	if err := insertCommunity(ctx, tx, c); err != nil {
		if e := pq.As(err, pqerror.UniqueViolation); e != nil {
			if e.Constraint == "communities_token_address_key" {
				return guildhall.Errorf(guildhall.ECONFLICT, "token %s already belongs to another community", c.TokenAddress)
			}
			return guildhall.Errorf(guildhall.ECONFLICT, "community %q already exists", c.ID)
		}
		return s.db.queryError("create community", err)
	}
	if err := tx.Commit(); err != nil {
		return s.db.queryError("create community", err)
	}
	return nil
}

// Community returns the community with the given ID, or an ENOTFOUND *guildhall.Error.
func (s *CommunityStore) Community(ctx context.Context, id string) (*guildhall.Community, error) {
	c, err := findCommunity(ctx, s.db.db, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, guildhall.Errorf(guildhall.ENOTFOUND, "community %q not found", id)
	}
	if err != nil {
		return nil, s.db.queryError("find community", err)
	}
	return c, nil
}

// Communities returns at most limit communities with IDs after `after` ("" = from the start),
// ordered by ID, for keyset paging: pass the last ID of one page as after for the next. The
// result is empty, not nil, past the end. limit < 1 is EINVALID.
func (s *CommunityStore) Communities(ctx context.Context, after string, limit int) ([]*guildhall.Community, error) {
	if limit < 1 {
		return nil, guildhall.Errorf(guildhall.EINVALID, "limit must be at least 1, not %d", limit)
	}
	cs, err := listCommunities(ctx, s.db.db, after, limit)
	if err != nil {
		return nil, s.db.queryError("list communities", err)
	}
	return cs, nil
}

// validateCommunity checks what the domain checks plus what only a stored community has, and
// normalizes addresses and the transaction hash.
func validateCommunity(c *guildhall.Community) error {
	if c == nil {
		return guildhall.Errorf(guildhall.EINVALID, "no community given")
	}
	var fields []guildhall.FieldError
	if err := guildhall.ValidateNewCommunity(c.ID, c.Name, c.Symbol, c.Settings); err != nil {
		fields = append(fields, guildhall.ErrorFields(err)...)
	}
	if c.ChainID == 0 || c.ChainID > math.MaxInt64 {
		fields = append(fields, guildhall.FieldError{Field: "chain_id", Message: "must be between 1 and 9223372036854775807"})
	}
	for _, a := range []struct {
		field string
		addr  *string
	}{{"token_address", &c.TokenAddress}, {"governor_address", &c.GovernorAddress}, {"timelock_address", &c.TimelockAddress}} {
		if !common.IsHexAddress(*a.addr) || !(strings.HasPrefix(*a.addr, "0x") || strings.HasPrefix(*a.addr, "0X")) {
			fields = append(fields, guildhall.FieldError{Field: a.field, Message: "must be a 0x-prefixed 20-byte hex address"})
			continue
		}
		*a.addr = common.HexToAddress(*a.addr).Hex()
	}
	if t := c.Settings.ProposalThreshold; t != nil && t.BitLen() > 256 {
		fields = append(fields, guildhall.FieldError{Field: "proposal_threshold", Message: "must fit in 256 bits"})
	}
	if c.DeploymentBlock > math.MaxInt64 {
		fields = append(fields, guildhall.FieldError{Field: "deployment_block", Message: "is out of range"})
	}
	if !hash32Pattern.MatchString(c.DeploymentTx) {
		fields = append(fields, guildhall.FieldError{Field: "deployment_tx", Message: "must be a 0x-prefixed 32-byte transaction hash"})
	}
	c.DeploymentTx = strings.ToLower(c.DeploymentTx)
	if len(fields) > 0 {
		return &guildhall.Error{Code: guildhall.EINVALID, Message: "invalid community", Fields: fields}
	}
	return nil
}

func insertChainIdentity(ctx context.Context, tx *sqlx.Tx, id guildhall.ChainIdentity) error {
	_, err := tx.ExecContext(ctx,
		`INSERT INTO chain_identity (chain_id, genesis_hash) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
		int64(id.ChainID), id.GenesisHash)
	return err
}

// chainIdentity returns the database's chain, or nil if none is recorded yet.
func chainIdentity(ctx context.Context, q sqlx.QueryerContext) (*guildhall.ChainIdentity, error) {
	var row struct {
		ChainID     int64  `db:"chain_id"`
		GenesisHash string `db:"genesis_hash"`
	}
	err := sqlx.GetContext(ctx, q, &row, `SELECT chain_id, genesis_hash FROM chain_identity`)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &guildhall.ChainIdentity{ChainID: uint64(row.ChainID), GenesisHash: row.GenesisHash}, nil
}

// communityRow is a communities row as sqlx scans it.
type communityRow struct {
	ID                         string    `db:"id"`
	Name                       string    `db:"name"`
	Symbol                     string    `db:"symbol"`
	ChainID                    int64     `db:"chain_id"`
	TokenAddress               string    `db:"token_address"`
	GovernorAddress            string    `db:"governor_address"`
	TimelockAddress            string    `db:"timelock_address"`
	DeploymentBlock            int64     `db:"deployment_block"`
	DeploymentTx               string    `db:"deployment_tx"`
	VotingDelaySeconds         int64     `db:"voting_delay_seconds"`
	VotingPeriodSeconds        int64     `db:"voting_period_seconds"`
	TimelockDelaySeconds       int64     `db:"timelock_delay_seconds"`
	LateQuorumExtensionSeconds int64     `db:"late_quorum_extension_seconds"`
	QuorumPercent              int16     `db:"quorum_percent"`
	ProposalThreshold          string    `db:"proposal_threshold"` // numeric(78,0) as decimal text
	CreatedAt                  time.Time `db:"created_at"`
}

const communityColumns = `id, name, symbol, chain_id, token_address, governor_address, timelock_address,
	deployment_block, deployment_tx, voting_delay_seconds, voting_period_seconds, timelock_delay_seconds,
	late_quorum_extension_seconds, quorum_percent, proposal_threshold, created_at`

func insertCommunity(ctx context.Context, tx *sqlx.Tx, c *guildhall.Community) error {
	s := c.Settings
	err := tx.QueryRowxContext(ctx, `
		INSERT INTO communities (`+communityColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, now())
		RETURNING created_at`,
		c.ID, c.Name, c.Symbol, int64(c.ChainID), c.TokenAddress, c.GovernorAddress, c.TimelockAddress,
		int64(c.DeploymentBlock), c.DeploymentTx, seconds(s.VotingDelay), seconds(s.VotingPeriod),
		seconds(s.TimelockDelay), seconds(s.LateQuorumExtension), int16(s.QuorumPercent),
		s.ProposalThreshold.String(),
	).Scan(&c.CreatedAt)
	c.CreatedAt = c.CreatedAt.UTC()
	return err
}

func findCommunity(ctx context.Context, q sqlx.QueryerContext, id string) (*guildhall.Community, error) {
	var row communityRow
	if err := sqlx.GetContext(ctx, q, &row, `SELECT `+communityColumns+` FROM communities WHERE id = $1`, id); err != nil {
		return nil, err
	}
	return row.community()
}

func listCommunities(ctx context.Context, q sqlx.QueryerContext, after string, limit int) ([]*guildhall.Community, error) {
	var rows []communityRow
	err := sqlx.SelectContext(ctx, q, &rows,
		`SELECT `+communityColumns+` FROM communities WHERE id > $1 ORDER BY id LIMIT $2`, after, limit)
	if err != nil {
		return nil, err
	}
	cs := make([]*guildhall.Community, 0, len(rows))
	for _, row := range rows {
		c, err := row.community()
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, nil
}

func (r communityRow) community() (*guildhall.Community, error) {
	threshold, ok := new(big.Int).SetString(r.ProposalThreshold, 10)
	if !ok {
		return nil, fmt.Errorf("community %s: proposal threshold %q is not an integer", r.ID, r.ProposalThreshold)
	}
	return &guildhall.Community{
		ID:              r.ID,
		Name:            r.Name,
		Symbol:          r.Symbol,
		ChainID:         uint64(r.ChainID),
		TokenAddress:    r.TokenAddress,
		GovernorAddress: r.GovernorAddress,
		TimelockAddress: r.TimelockAddress,
		DeploymentBlock: uint64(r.DeploymentBlock),
		DeploymentTx:    r.DeploymentTx,
		Settings: guildhall.GovernanceSettings{
			VotingDelay:         time.Duration(r.VotingDelaySeconds) * time.Second,
			VotingPeriod:        time.Duration(r.VotingPeriodSeconds) * time.Second,
			TimelockDelay:       time.Duration(r.TimelockDelaySeconds) * time.Second,
			LateQuorumExtension: time.Duration(r.LateQuorumExtensionSeconds) * time.Second,
			QuorumPercent:       uint8(r.QuorumPercent),
			ProposalThreshold:   threshold,
		},
		CreatedAt: r.CreatedAt.UTC(),
	}, nil
}

func seconds(d time.Duration) int64 { return int64(d / time.Second) }

// shortHash abbreviates a hash for messages: 0x1234567890…
func shortHash(h string) string {
	if len(h) <= 12 {
		return h
	}
	return h[:12] + "…"
}
