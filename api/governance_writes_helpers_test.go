package api

import (
	"bytes"
	"crypto/ecdsa"
	"database/sql"
	"encoding/json"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/chain/chaintest"
	"github.com/guildhall/guildhall/contracts/bindings/guildgovernor"
	"github.com/guildhall/guildhall/contracts/bindings/guildtoken"
	"github.com/guildhall/guildhall/governance"
	"github.com/guildhall/guildhall/governance/govchain"
	"github.com/guildhall/guildhall/indexer"
	"github.com/guildhall/guildhall/internal/testlog"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
	"github.com/guildhall/guildhall/rewards"

	_ "github.com/lib/pq" // the "postgres" driver of relayRows
)

var (
	govABI   = guildgovernor.NewGuildGovernor()
	tokenABI = guildtoken.NewGuildToken()
)

var govTestSettings = guildhall.GovernanceSettings{
	VotingDelay:         10 * time.Second,
	VotingPeriod:        300 * time.Second,
	TimelockDelay:       30 * time.Second,
	LateQuorumExtension: 60 * time.Second,
	QuorumPercent:       4,
	ProposalThreshold:   new(big.Int),
}

// govHarness is a community on a simulated chain, a real database, the indexer stepped by hand,
// the operator's persistent sender, and the API server with governance wired as serve wires it.
type govHarness struct {
	sim    *chaintest.Sim
	dep    *chain.Deployment
	db     *postgres.DB
	srv    *server
	svc    *govchain.Service    // the server's governance service, for tests that swap its reader
	check  *govchain.TallyCheck // the server's tally cross-check, likewise
	ix     *indexer.Indexer
	sender *chain.Sender
	key    string // the issuer's API key
	cid    string
	log    *testlog.Buffer
	dbURL  string // the database's, for checks no store method offers
	// skew moves the server's wall clock (sign-in nonces and sessions) ahead of time.Now.
	skew atomic.Int64
}

func tokens(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e18)) }

// newGovHarness deploys a community whose members 1..len(holdings) hold the given whole tokens.
func newGovHarness(t testing.TB, settings guildhall.GovernanceSettings, accounts int, holdings ...int64) *govHarness {
	t.Helper()
	sim := chaintest.New(t, accounts)
	dep := sim.Deploy(t, settings)
	ctx := t.Context()
	db, dbURL := pgtest.NewDBURL(t)
	id, err := chain.Identity(ctx, sim.Client)
	if err != nil {
		t.Fatal(err)
	}
	if err := postgres.NewCommunityStore(db).BindChain(ctx, id); err != nil {
		t.Fatal(err)
	}
	h := &govHarness{sim: sim, dep: dep, db: db, cid: "bakery", log: &testlog.Buffer{}, dbURL: dbURL}
	err = postgres.NewCommunityStore(db).CreateCommunity(ctx, &guildhall.Community{
		ID: h.cid, Name: "Corner Bakery", Symbol: "BAKE", ChainID: sim.ChainID.Uint64(),
		TokenAddress: dep.Token.Hex(), GovernorAddress: dep.Governor.Hex(), TimelockAddress: dep.Timelock.Hex(),
		DeploymentBlock: dep.Block, DeploymentTx: dep.TxHash.Hex(), Settings: settings,
	})
	if err != nil {
		t.Fatal(err)
	}
	key := rewards.NewAPIKey()
	if err := postgres.NewRewardsStore(db).CreateIssuer(ctx, &rewards.Issuer{CommunityID: h.cid, Name: "till", Budget: tokens(1000)}, key); err != nil {
		t.Fatal(err)
	}
	h.key = key.Secret
	if slices.ContainsFunc(holdings, func(n int64) bool { return n > 0 }) {
		var to []common.Address
		var amounts []*big.Int
		for i, n := range holdings {
			if n > 0 {
				to = append(to, sim.Address(i+1))
				amounts = append(amounts, tokens(n))
			}
		}
		sim.MustTransact(t, sim.Accounts[0], dep.Token, tokenABI.PackMintBatch(common.Hash{1}, to, amounts))
		(&govHarness{sim: sim}).advance(t, time.Second)
	}
	h.sender, err = chain.NewSender(ctx, chain.SenderConfig{Client: sim.Client, Key: sim.Accounts[0], Store: postgres.NewSenderStore(db)})
	if err != nil {
		t.Fatal(err)
	}
	reader := govchain.NewReader(sim.Client)
	svc := &govchain.Service{
		Reader: reader, Backend: sim.Client,
		Relayer: &govchain.SenderRelayer{Sender: h.sender},
		Relays:  postgres.NewGovernanceStore(db), Plans: postgres.NewGovernanceStore(db), Operator: sim.Address(0),
		Limit: governance.RelayLimit{Max: 5, Window: time.Hour}, Clock: governance.TimestampClock,
	}
	h.svc, h.check = svc, govchain.NewTallyCheck(reader)
	index := postgres.NewIndexReader(db)
	h.srv = newServer(Config{
		Logger:      slog.New(slog.NewTextHandler(h.log, nil)),
		Communities: postgres.NewCommunityStore(db), Rewards: postgres.NewRewardsStore(db), Index: index, Registry: prometheus.NewRegistry(),
		Governance: GovernanceConfig{
			Service: svc, Tallies: index, Onchain: h.check, Members: postgres.NewSessionStore(db),
			SIWE: SIWEConfig{Domain: "guildhall.test", ChainID: sim.ChainID.Uint64(), Verifier: reader},
			Now:  func() time.Time { return time.Now().Add(time.Duration(h.skew.Load())) },
		},
	})
	h.ix = indexer.New(sim.Client, postgres.NewIndexWriter(db), indexer.Config{FinalityDepth: 16})
	if tt, ok := t.(*testing.T); ok {
		tt.Cleanup(func() {
			if tt.Failed() {
				tt.Logf("server log:\n%s", h.log.String())
			}
		})
	}
	return h
}

// sync steps the indexer to the head.
func (h *govHarness) sync(t testing.TB) {
	t.Helper()
	for range 10_000 {
		idle, err := h.ix.Step(t.Context())
		if err != nil {
			t.Fatalf("index: %v", err)
		}
		if idle {
			return
		}
	}
	t.Fatal("the indexer did not catch up")
}

// mine seals the pending transactions and waits for tx to succeed.
func (h *govHarness) mine(t testing.TB, tx string) {
	t.Helper()
	h.sim.Backend.Commit()
	if _, err := chain.WaitSuccess(t.Context(), h.sim.Client, common.HexToHash(tx)); err != nil {
		t.Fatalf("transaction %s: %v", tx, err)
	}
}

func (h *govHarness) do(t testing.TB, method, path, auth string, body any) *httptest.ResponseRecorder {
	t.Helper()
	var buf bytes.Buffer
	if body != nil {
		if err := json.NewEncoder(&buf).Encode(body); err != nil {
			t.Fatal(err)
		}
	}
	req := httptest.NewRequestWithContext(t.Context(), method, path, &buf)
	if auth != "" {
		req.Header.Set("Authorization", "Bearer "+auth)
	}
	req.Header.Set("Content-Type", "application/json")
	return serve(t, h.srv.engine, req)
}

func (h *govHarness) want(t testing.TB, rec *httptest.ResponseRecorder, status int) map[string]any {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d: %s", rec.Code, status, rec.Body)
	}
	var v map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("decode %s: %v", rec.Body, err)
	}
	return v
}

// signTypedData signs typed data as a wallet's eth_signTypedData_v4 does, from the JSON the API
// served.
func signTypedData(t testing.TB, body []byte, key *ecdsa.PrivateKey) string {
	t.Helper()
	var td apitypes.TypedData
	if err := json.Unmarshal(body, &td); err != nil {
		t.Fatalf("decode typed data %s: %v", body, err)
	}
	return signTD(t, td, key)
}

func signTD(t testing.TB, td apitypes.TypedData, key *ecdsa.PrivateKey) string {
	t.Helper()
	digest, err := governance.Digest(td)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := crypto.Sign(digest[:], key)
	if err != nil {
		t.Fatal(err)
	}
	sig[64] += 27
	return hexutil.Encode(sig)
}

// operatorNonce is the operator's pending nonce: refusals must leave it alone.
func (h *govHarness) operatorNonce(t testing.TB) uint64 {
	t.Helper()
	n, err := h.sim.Client.PendingNonceAt(t.Context(), h.sim.Address(0))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (h *govHarness) state(t testing.TB, pid *big.Int) governance.State {
	t.Helper()
	tl, err := govchain.NewReader(h.sim.Client).Timeline(t.Context(), h.dep.Governor, pid, nil)
	if err != nil {
		t.Fatal(err)
	}
	return tl.State
}

func (h *govHarness) deadline(t testing.TB, pid *big.Int) uint64 {
	t.Helper()
	tl, err := govchain.NewReader(h.sim.Client).Timeline(t.Context(), h.dep.Governor, pid, nil)
	if err != nil {
		t.Fatal(err)
	}
	return tl.Deadline
}

func (h *govHarness) advancePast(t testing.TB, ts uint64) {
	t.Helper()
	if head := h.sim.HeadTime(t); head <= ts {
		h.advance(t, time.Duration(ts-head+1)*time.Second)
	}
}

// advance seals an empty block d later than the head. Right after a commit the simulated chain's
// pool may still list the mined transactions for a moment (it resets asynchronously), which
// AdjustTime takes for pending ones; so it retries briefly.
func (h *govHarness) advance(t testing.TB, d time.Duration) {
	t.Helper()
	var err error
	for range 100 {
		if err = h.sim.Backend.AdjustTime(d); err == nil || !strings.Contains(err.Error(), "non-empty block") {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("advance time: %v", err)
	}
}

func (h *govHarness) balance(t testing.TB, a common.Address) *big.Int {
	t.Helper()
	v, err := tokenABI.UnpackBalanceOf(h.sim.Call(t, h.dep.Token, tokenABI.PackBalanceOf(a)))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (h *govHarness) tally(t testing.TB, pid string) map[string]any {
	t.Helper()
	h.sync(t)
	return h.want(t, h.do(t, http.MethodGet, "/v1/communities/bakery/proposals/"+pid+"/tally", "", nil), http.StatusOK)
}

// relayRows counts the community's relay records, sent or only reserved: a refusal must leave
// none behind (a stale reservation would block the wallet's real vote and count toward its limit).
func (h *govHarness) relayRows(t testing.TB) int {
	t.Helper()
	return h.relayRowsWhere(t, "true")
}

// relayRowsWhere counts the community's relay records that meet the SQL condition cond.
func (h *govHarness) relayRowsWhere(t testing.TB, cond string) int {
	t.Helper()
	conn, err := sql.Open("postgres", h.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n int
	if err := conn.QueryRowContext(t.Context(), `SELECT count(*) FROM governance_relays WHERE community_id = $1 AND (`+cond+`)`, h.cid).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// pid reads a proposal id as the API gives it.
func (h *govHarness) pid(t testing.TB, id string) *big.Int {
	t.Helper()
	v, ok := new(big.Int).SetString(id, 10)
	if !ok {
		t.Fatalf("proposal id %q is not a decimal", id)
	}
	return v
}

// proposeMint has the issuer propose, through the API, that the timelock mint whole tokens to
// `to`; it mines the proposal and returns its id.
func (h *govHarness) proposeMint(t testing.TB, description string, to common.Address, whole int64) string {
	t.Helper()
	rec := h.do(t, http.MethodPost, "/v1/communities/bakery/proposals", h.key, map[string]any{
		"description": description,
		"actions":     []map[string]string{{"kind": "mint", "to": to.Hex(), "amount": tokens(whole).String()}},
	})
	opened := h.want(t, rec, http.StatusAccepted)
	h.mine(t, opened["tx_hash"].(string))
	return opened["id"].(string)
}
