package postgres_test

import (
	"fmt"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
)

var (
	devChain   = guildhall.ChainIdentity{ChainID: 1337, GenesisHash: "0x" + strings.Repeat("ab", 32)}
	otherChain = guildhall.ChainIdentity{ChainID: 5, GenesisHash: "0x" + strings.Repeat("cd", 32)}
)

func bind(t *testing.T, db *postgres.DB, id guildhall.ChainIdentity) {
	t.Helper()
	if err := postgres.NewCommunityStore(db).BindChain(t.Context(), id); err != nil {
		t.Fatalf("BindChain(%d): %v", id.ChainID, err)
	}
}

func assertCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := guildhall.ErrorCode(err); got != code {
		t.Fatalf("error code %q (%v), want %q", got, err, code)
	}
}

func TestBindChain(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		before   []guildhall.ChainIdentity
		bind     guildhall.ChainIdentity
		code     string // "" = success
		contains string
	}{
		"first use records the chain": {bind: devChain},
		"same chain again":            {before: []guildhall.ChainIdentity{devChain}, bind: devChain},
		"same chain, hash in upper case": {
			before: []guildhall.ChainIdentity{devChain},
			bind:   guildhall.ChainIdentity{ChainID: 1337, GenesisHash: "0x" + strings.Repeat("AB", 32)},
		},
		"another chain is refused": {
			before:   []guildhall.ChainIdentity{devChain},
			bind:     otherChain,
			code:     guildhall.ECONFLICT,
			contains: "this database belongs to chain 1337 (genesis 0xababababab…), not chain 5 (genesis 0xcdcdcdcdcd…): use another --database-url or --data-dir",
		},
		"a restarted dev chain (same id, new genesis) is refused": {
			before:   []guildhall.ChainIdentity{devChain},
			bind:     guildhall.ChainIdentity{ChainID: 1337, GenesisHash: otherChain.GenesisHash},
			code:     guildhall.ECONFLICT,
			contains: "not chain 1337 (genesis 0xcdcdcdcdcd…)",
		},
		"chain id zero":      {bind: guildhall.ChainIdentity{GenesisHash: devChain.GenesisHash}, code: guildhall.EINVALID},
		"malformed genesis":  {bind: guildhall.ChainIdentity{ChainID: 1, GenesisHash: "0x1234"}, code: guildhall.EINVALID},
		"chain id too large": {bind: guildhall.ChainIdentity{ChainID: 1 << 63, GenesisHash: devChain.GenesisHash}, code: guildhall.EINVALID},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			db := pgtest.NewDB(t)
			for _, id := range tt.before {
				bind(t, db, id)
			}
			err := postgres.NewCommunityStore(db).BindChain(t.Context(), tt.bind)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("BindChain: %v", err)
				}
				return
			}
			assertCode(t, err, tt.code)
			if msg := guildhall.ErrorMessage(err); !strings.Contains(msg, tt.contains) {
				t.Errorf("message %q does not contain %q", msg, tt.contains)
			}
		})
	}
}

func TestBindChainConcurrentFirstUse(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDB(t)
	ids := []guildhall.ChainIdentity{devChain, otherChain, devChain, otherChain, devChain, otherChain}
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() { errs[i] = postgres.NewCommunityStore(db).BindChain(t.Context(), id) })
	}
	wg.Wait()
	won := map[uint64]bool{}
	for i, err := range errs {
		switch guildhall.ErrorCode(err) {
		case "":
			won[ids[i].ChainID] = true
		case guildhall.ECONFLICT:
		default:
			t.Errorf("BindChain %d: %v", i, err)
		}
	}
	if len(won) != 1 {
		t.Errorf("chains accepted: %v, want exactly one", won)
	}
}

// newCommunity returns a valid community on the dev chain; n makes its ID and addresses unique.
func newCommunity(id string, n int) *guildhall.Community {
	addr := func(kind int) string { return fmt.Sprintf("0x%038x%02x", n, kind) }
	s := guildhall.DefaultGovernanceSettings()
	s.ProposalThreshold, _ = new(big.Int).SetString("1000000000000000000000000", 10) // 1e24: more than int64
	return &guildhall.Community{
		ID:              id,
		Name:            "Corner Bakery " + id,
		Symbol:          "BAKE",
		ChainID:         devChain.ChainID,
		TokenAddress:    addr(1),
		GovernorAddress: addr(2),
		TimelockAddress: addr(3),
		DeploymentBlock: 42,
		DeploymentTx:    "0x" + strings.Repeat("0F", 32),
		Settings:        s,
	}
}

func TestCreateAndGetCommunity(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDB(t)
	bind(t, db, devChain)

	c := newCommunity("corner-bakery", 1)
	c.TokenAddress = "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed" // lower case: stored checksummed
	before := time.Now()
	if err := postgres.NewCommunityStore(db).CreateCommunity(t.Context(), c); err != nil {
		t.Fatalf("CreateCommunity: %v", err)
	}
	if c.CreatedAt.Before(before.Add(-time.Minute)) || c.CreatedAt.After(time.Now().Add(time.Minute)) {
		t.Errorf("CreatedAt = %v, want about now", c.CreatedAt)
	}

	got, err := postgres.NewCommunityStore(db).Community(t.Context(), "corner-bakery")
	if err != nil {
		t.Fatalf("Community: %v", err)
	}
	if got.TokenAddress != "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed" {
		t.Errorf("TokenAddress = %s, want the EIP-55 checksummed form", got.TokenAddress)
	}
	if got.DeploymentTx != "0x"+strings.Repeat("0f", 32) {
		t.Errorf("DeploymentTx = %s, want lower case", got.DeploymentTx)
	}
	if got.Settings.ProposalThreshold.Cmp(c.Settings.ProposalThreshold) != 0 {
		t.Errorf("ProposalThreshold = %s, want %s", got.Settings.ProposalThreshold, c.Settings.ProposalThreshold)
	}
	if !got.CreatedAt.Equal(c.CreatedAt) {
		t.Errorf("CreatedAt = %v, want %v as CreateCommunity set it", got.CreatedAt, c.CreatedAt)
	}
	got.Settings.ProposalThreshold, c.Settings.ProposalThreshold = nil, nil
	got.CreatedAt, c.CreatedAt = time.Time{}, time.Time{}
	if fmt.Sprintf("%+v", *got) != fmt.Sprintf("%+v", *c) {
		t.Errorf("Community returned\n%+v\nwant what was created\n%+v", *got, *c)
	}
}

func TestCreateCommunityRefuses(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		setup    func(t *testing.T, db *postgres.DB)
		create   func() *guildhall.Community
		code     string
		contains string
	}{
		"duplicate id": {
			setup:    func(t *testing.T, db *postgres.DB) { create(t, db, newCommunity("corner-bakery", 1)) },
			create:   func() *guildhall.Community { return newCommunity("corner-bakery", 2) },
			code:     guildhall.ECONFLICT,
			contains: `community "corner-bakery" already exists`,
		},
		"token already used, in another case": {
			setup: func(t *testing.T, db *postgres.DB) {
				c := newCommunity("corner-bakery", 1)
				c.TokenAddress = "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"
				create(t, db, c)
			},
			create: func() *guildhall.Community {
				c := newCommunity("book-shop", 2)
				c.TokenAddress = "0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED"
				return c
			},
			code:     guildhall.ECONFLICT,
			contains: "token 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed already belongs to another community",
		},
		"community on another chain": {
			create: func() *guildhall.Community {
				c := newCommunity("corner-bakery", 1)
				c.ChainID = 5
				return c
			},
			code:     guildhall.ECONFLICT,
			contains: "belongs to chain 1337",
		},
		"invalid fields": {
			create: func() *guildhall.Community {
				c := newCommunity("Corner Bakery!", 1)
				c.GovernorAddress = "0x1234"
				c.DeploymentTx = "nope"
				return c
			},
			code:     guildhall.EINVALID,
			contains: "invalid community",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			db := pgtest.NewDB(t)
			bind(t, db, devChain)
			if tt.setup != nil {
				tt.setup(t, db)
			}
			err := postgres.NewCommunityStore(db).CreateCommunity(t.Context(), tt.create())
			assertCode(t, err, tt.code)
			if msg := guildhall.ErrorMessage(err); !strings.Contains(msg, tt.contains) {
				t.Errorf("message %q does not contain %q", msg, tt.contains)
			}
		})
	}
}

func TestInvalidCommunityNamesEveryBadField(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDB(t)
	bind(t, db, devChain)
	c := newCommunity("Corner Bakery!", 1)
	c.GovernorAddress = "0x1234"
	c.DeploymentTx = "nope"
	c.Settings.ProposalThreshold = new(big.Int).Lsh(big.NewInt(1), 256)
	err := postgres.NewCommunityStore(db).CreateCommunity(t.Context(), c)
	var fields []string
	for _, f := range guildhall.ErrorFields(err) {
		fields = append(fields, f.Field)
	}
	if got, want := strings.Join(fields, ","), "id,governor_address,proposal_threshold,deployment_tx"; got != want {
		t.Errorf("fields = %s, want %s", got, want)
	}
}

func TestCreateCommunityBeforeBindChainFails(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDB(t)
	err := postgres.NewCommunityStore(db).CreateCommunity(t.Context(), newCommunity("corner-bakery", 1))
	if err == nil || !strings.Contains(err.Error(), "BindChain") {
		t.Errorf("CreateCommunity on an unbound database = %v, want an error saying to BindChain first", err)
	}
}

func TestUnknownCommunity(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDB(t)
	_, err := postgres.NewCommunityStore(db).Community(t.Context(), "nowhere")
	assertCode(t, err, guildhall.ENOTFOUND)
	if msg := guildhall.ErrorMessage(err); msg != `community "nowhere" not found` {
		t.Errorf("message = %q", msg)
	}
}

func create(t *testing.T, db *postgres.DB, c *guildhall.Community) {
	t.Helper()
	if err := postgres.NewCommunityStore(db).CreateCommunity(t.Context(), c); err != nil {
		t.Fatalf("CreateCommunity(%s): %v", c.ID, err)
	}
}

func TestCommunitiesPages(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDB(t)
	bind(t, db, devChain)
	for i, id := range []string{"eee", "bbb", "ddd", "aaa", "ccc"} {
		create(t, db, newCommunity(id, i+1))
	}

	var pages []string
	after := ""
	for range 10 {
		page, err := postgres.NewCommunityStore(db).Communities(t.Context(), after, 2)
		if err != nil {
			t.Fatalf("Communities(%q, 2): %v", after, err)
		}
		if page == nil {
			t.Fatal("Communities returned nil, want an empty slice past the end")
		}
		var ids []string
		for _, c := range page {
			ids = append(ids, c.ID)
		}
		pages = append(pages, strings.Join(ids, ","))
		if len(page) == 0 {
			break
		}
		after = page[len(page)-1].ID
	}
	if got, want := strings.Join(pages, " | "), "aaa,bbb | ccc,ddd | eee | "; got != want {
		t.Errorf("pages = %q, want %q", got, want)
	}

	_, err := postgres.NewCommunityStore(db).Communities(t.Context(), "", 0)
	assertCode(t, err, guildhall.EINVALID)
}
