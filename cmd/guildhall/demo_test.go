package main

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/contracts/bindings/guildgovernor"
	"github.com/guildhall/guildhall/contracts/bindings/guildtoken"
	"github.com/guildhall/guildhall/demo"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/rewards"
)

// demoStats are the parts of the health answers the demo test reads.
type demoStats struct {
	Members int `json:"members"`
	Items   []struct {
		PeriodStart   string `json:"period_start"`
		ActiveMembers int    `json:"active_members"`
		Status        string `json:"status"`
		Address       string `json:"address"`
	} `json:"items"`
	Cohorts []struct {
		Size     int   `json:"size"`
		Retained []int `json:"retained"`
	} `json:"cohorts"`
	Proposals []struct {
		ID      string   `json:"id"`
		State   string   `json:"state"`
		Turnout *float64 `json:"turnout"`
	} `json:"proposals"`
}

// TestDemoHistory is a newcomer's first `make run`: serve on a fresh data dir lays down months of
// demo history with progress lines, and every chart has something to show from figures the health
// endpoints compute; the recognition engine has decided levels, badges and a sealed season from
// it; stats verify agrees with the chain; the dashboard works on it in a browser (dev account #1
// votes on the open proposal there) and dev account #2 votes from a wallet; a second start keeps
// the history and lays nothing down again.
func TestDemoHistory(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test of the real binary; runs without -short")
	}
	in := newInstallation(t)
	bin, dataDir, dbURL, api, rpcAddr, args := in.bin, in.dataDir, in.dbURL, in.api, in.rpcAddr, in.serve

	began := time.Now()
	s := startServe(t, bin, args...)
	waitLogged(t, s, "msg=serving", 8*time.Minute)
	t.Logf("first start with the demo history: %s to serving", time.Since(began).Round(time.Second))
	s.waitHealthy(t, api)
	// The summary also says where the time went, so a slow first start says what was slow.
	for _, want := range []string{"demo: laying down history", "day=90 of=182", "demo: history laid down", "demo: a proposal is open for votes",
		" blocks=", " spent.ledger_ms=", " spent.minter_ms=", " spent.recognition_ms="} {
		if !strings.Contains(s.stderr.String(), want) {
			t.Errorf("serve's progress output does not say %q:\n%s", want, s.stderr)
		}
	}
	if !strings.Contains(s.stdout.String(), "DEMO DATA") {
		t.Errorf("the banner does not label the demo community as demo data:\n%s", s.stdout)
	}
	c := api + "/v1/communities/demo"
	overview := readStats(t, c+"/stats/overview")
	if overview.Members < 150 {
		t.Errorf("the demo has %d members, want at least 150", overview.Members)
	}
	checkDemoCharts(t, c)
	open := checkDemoProposals(t, c)
	checkDemoRecognition(t, c)
	checkDemoReferrals(t, c, s.stderr.String(), dbURL, "http://"+rpcAddr)

	verify := exec.Command(bin, "stats", "verify", "--community", "demo", "--data-dir", dataDir, "--database-url", dbURL)
	if out, err := verify.CombinedOutput(); err != nil {
		t.Errorf("stats verify --community demo: %v\n%s", err, out)
	}
	var list communityList
	if code := getJSON(t, api+"/v1/communities", &list); code != 200 || len(list.Items) != 1 {
		t.Fatalf("GET /v1/communities = %d %+v, want the demo community alone", code, list)
	}
	// Dev account #1 votes on the open proposal from the dashboard, in a browser; #2 from a wallet.
	browserStarted := time.Now()
	t.Run("dashboard in a browser", func(t *testing.T) {
		testDashboardInABrowser(t, api, strings.TrimPrefix(api, "http://127.0.0.1:"), rpcAddr)
	})
	t.Logf("the browser test added %s", time.Since(browserStarted).Round(time.Second))
	voteAsNewcomer(t, "http://"+rpcAddr, common.HexToAddress(list.Items[0].Governor), open, 2)
	s.stop(t)

	s2 := startServe(t, bin, args...)
	s2.waitHealthy(t, api)
	if strings.Contains(s2.stderr.String(), "demo: laying down") {
		t.Errorf("the second start laid the demo history down again:\n%s", s2.stderr)
	}
	if again := readStats(t, c+"/stats/overview"); again.Members != overview.Members {
		t.Errorf("after a restart the demo has %d members, want the same %d", again.Members, overview.Members)
	}
	s2.stop(t)
}

// waitLogged waits until serve's stderr holds want.
func waitLogged(t *testing.T, s *served, want string, limit time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		if strings.Contains(s.stderr.String(), want) {
			return
		}
		if s.cmd.ProcessState != nil {
			break
		}
	}
	t.Fatalf("serve did not log %q within %s\nstderr:\n%s", want, limit, s.stderr)
}

func readStats(t *testing.T, url string) demoStats {
	t.Helper()
	var out demoStats
	if code := getJSON(t, url, &out); code != 200 {
		t.Fatalf("GET %s = %d", url, code)
	}
	return out
}

// checkDemoCharts checks the activity over months, the retention cohorts and the delegates: an
// active one and one that stopped voting (a ghost).
func checkDemoCharts(t *testing.T, c string) {
	t.Helper()
	months := 0
	for _, m := range readStats(t, c+"/stats/activity?interval=month").Items {
		if m.ActiveMembers > 0 {
			months++
		}
	}
	if months < 5 {
		t.Errorf("/stats/activity shows active members in %d months, want at least 5", months)
	}
	cohorts := readStats(t, c+"/stats/retention?cohort=month&periods=6").Cohorts
	returned := 0
	for _, co := range cohorts {
		if co.Size > 0 && len(co.Retained) > 1 && co.Retained[1] > 0 {
			returned++
		}
	}
	if len(cohorts) < 5 || returned < 4 {
		t.Errorf("/stats/retention has %d cohorts, %d with members back the next month; want 5 and 4 at least: %+v", len(cohorts), returned, cohorts)
	}
	statuses := map[string]int{}
	for _, d := range readStats(t, c+"/delegates?limit=100").Items {
		statuses[d.Status]++
	}
	if statuses["active"] == 0 || statuses["ghost"] == 0 {
		t.Errorf("delegates by status = %v, want active and ghost ones", statuses)
	}
}

// checkDemoRecognition checks what the recognition engine decided from the history: members at
// every level of the ladder, badges held, the quarter that ended sealed with its final ranking
// and the running one ranked live.
func checkDemoRecognition(t *testing.T, c string) {
	t.Helper()
	var ladder struct{ Levels []struct{ Name string } }
	getJSON(t, c+"/levels", &ladder)
	var holders struct{ Items []struct{ Address string } }
	getJSON(t, c+"/holders?limit=500", &holders)
	levels, badges := map[string]int{}, map[string]int{}
	for _, h := range holders.Items {
		var p struct {
			Level  *string
			Badges []struct {
				Role string
				Held bool
			}
		}
		if code := getJSON(t, c+"/members/"+h.Address, &p); code != 200 || p.Level == nil {
			t.Fatalf("GET /members/%s = %d, level %v: every holder of the demo is a member with a level", h.Address, code, p.Level)
		}
		levels[*p.Level]++
		for _, b := range p.Badges {
			if b.Held {
				badges[b.Role]++
			}
		}
	}
	for _, l := range ladder.Levels {
		if levels[l.Name] == 0 {
			t.Errorf("no demo member is at level %s: members by level %v", l.Name, levels)
		}
	}
	if len(ladder.Levels) < 5 || len(badges) < 3 {
		t.Errorf("the demo has %d levels and members holding %d kinds of badge (%v), want 5 and 3 at least", len(ladder.Levels), len(badges), badges)
	}
	t.Logf("demo members by level %v, badges held %v", levels, badges)
	seasons := demo.Seasons(time.Now())
	for k, s := range seasons {
		var got struct {
			Sealed  bool
			Ranking map[string][]struct{ Address string }
		}
		if code := getJSON(t, c+"/seasons/"+s.ID, &got); code != 200 || got.Sealed != (k == 0) {
			t.Errorf("GET /seasons/%s = %d, sealed %v; want the ended quarter sealed and the running one not", s.ID, code, got.Sealed)
		}
		if k == 0 && len(got.Ranking["earned"]) < 20 {
			t.Errorf("the ended season %s ranks %d members by earnings, want 20 at least", s.ID, len(got.Ranking["earned"]))
		}
		var board struct{ Items []struct{ Address string } }
		if getJSON(t, c+"/leaderboard?season="+s.ID+"&by=earned", &board); len(board.Items) < 10 {
			t.Errorf("the leaderboard of season %s has %d members, want 10 at least", s.ID, len(board.Items))
		}
	}
}

// checkDemoProposals checks there are proposals executed, defeated by votes, defeated for want of
// quorum (turnout under the 4% quorum), queued, passed and not queued yet, and one open, and returns the open one's id.
func checkDemoProposals(t *testing.T, c string) *big.Int {
	t.Helper()
	seen := map[string]int{}
	var open *big.Int
	for _, p := range readStats(t, c+"/stats/governance?last=50").Proposals {
		state := p.State
		if state == "defeated" && p.Turnout != nil && *p.Turnout < 0.04 {
			state = "missed quorum"
		}
		seen[state]++
		if p.State == "active" {
			open, _ = new(big.Int).SetString(p.ID, 10)
		}
	}
	for _, want := range []string{"executed", "defeated", "missed quorum", "queued", "succeeded", "active"} {
		if seen[want] == 0 {
			t.Errorf("no demo proposal is %s: %v", want, seen)
		}
	}
	if open == nil {
		t.Fatal("no open proposal to vote on")
	}
	return open
}

// voteAsNewcomer votes For the open proposal from dev account #voter, as someone who imported its
// printed key would: the vote is mined and carries weight.
func voteAsNewcomer(t *testing.T, rpcURL string, governor common.Address, pid *big.Int, voter int) {
	t.Helper()
	ctx := context.Background()
	client, err := ethclient.Dial(rpcURL)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	gov := guildgovernor.NewGuildGovernor()
	dev1 := chain.DevAccounts()[voter]
	tx, err := sendDevTx(ctx, client, dev1.Key, governor, gov.PackCastVote(pid, 1))
	if err != nil {
		t.Fatalf("dev account #%d cannot vote on the open proposal: %v", voter, err)
	}
	rcpt, err := waitReceipt(ctx, client, tx.Hash())
	if err != nil || rcpt.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("dev account #%d's vote: receipt %+v, %v", voter, rcpt, err)
	}
	for _, l := range rcpt.Logs {
		if ev, err := gov.UnpackVoteCastEvent(l); err == nil {
			if ev.Weight.Sign() == 0 {
				t.Errorf("dev account #%d voted with no weight; the demo should give it voting power", voter)
			}
			return
		}
	}
	t.Errorf("dev account #%d's vote emitted no VoteCast", voter)
}

// sendDevTx signs with a dev key a call of to with data, its gas estimated, and sends it.
func sendDevTx(ctx context.Context, client *ethclient.Client, key *ecdsa.PrivateKey, to common.Address, data []byte) (*types.Transaction, error) {
	from := crypto.PubkeyToAddress(key.PublicKey)
	gas, err := client.EstimateGas(ctx, ethereum.CallMsg{From: from, To: &to, Data: data})
	if err != nil {
		return nil, err
	}
	nonce, err := client.PendingNonceAt(ctx, from)
	if err != nil {
		return nil, err
	}
	tx, err := types.SignNewTx(key, types.LatestSignerForChainID(big.NewInt(chain.DevChainID)), &types.DynamicFeeTx{
		ChainID: big.NewInt(chain.DevChainID), Nonce: nonce, GasTipCap: big.NewInt(1e9), GasFeeCap: big.NewInt(1e11), Gas: gas * 2, To: &to, Data: data,
	})
	if err != nil {
		return nil, err
	}
	return tx, client.SendTransaction(ctx, tx)
}

func waitReceipt(ctx context.Context, client *ethclient.Client, hash common.Hash) (*types.Receipt, error) {
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if rcpt, err := client.TransactionReceipt(ctx, hash); err == nil {
			return rcpt, nil
		}
	}
	return nil, fmt.Errorf("transaction %s not mined within 30s", hash)
}

// demoReferrals is GET …/stats/referrals as the demo test reads it.
type demoReferrals struct {
	Referred, Qualified int
	NewMembers28d       int      `json:"new_members_28d"`
	ReferredNew28d      int      `json:"referred_new_28d"`
	ReferredShare28d    *float64 `json:"referred_share_28d"`
	RetentionM1         struct {
		Referred, Organic *float64
		ReferredCohort    int `json:"referred_cohort"`
	} `json:"retention_m1"`
}

// checkDemoReferrals checks the demo's referrals: the members the history had join with a
// referrer, and the referrals its own bookkeeping says qualified, are what /stats/referrals
// computes (some paid, some not yet, some among the new members); the ledger holds one referral
// reward per qualified referral, each confirmed, and the chain minted each referrer exactly what
// the ledger says, once.
func checkDemoReferrals(t *testing.T, c, logged, dbURL, rpcURL string) {
	t.Helper()
	var planned, paid int
	if _, err := fmt.Sscanf(logField(logged, "referred"), "%d", &planned); err != nil {
		t.Fatalf("serve's summary does not say how many members joined referred: %v\n%s", err, logged)
	}
	if _, err := fmt.Sscanf(logField(logged, "referrals_paid"), "%d", &paid); err != nil {
		t.Fatalf("serve's summary does not say how many referrals were paid: %v", err)
	}
	var got demoReferrals
	if code := getJSON(t, c+"/stats/referrals", &got); code != 200 {
		t.Fatalf("GET /stats/referrals = %d", code)
	}
	t.Logf("demo referrals: %d referred and %d paid; the API: %d referred, %d qualified, %d of %d new members referred, a referred cohort of %d",
		planned, paid, got.Referred, got.Qualified, got.ReferredNew28d, got.NewMembers28d, got.RetentionM1.ReferredCohort)
	if got.Referred != planned || got.Qualified != paid {
		t.Errorf("/stats/referrals says %d referred and %d qualified; the demo laid down %d and paid %d", got.Referred, got.Qualified, planned, paid)
	}
	if paid == 0 || paid >= planned || got.ReferredNew28d == 0 || got.ReferredShare28d == nil || got.RetentionM1.ReferredCohort == 0 {
		t.Errorf("the demo's referrals show too little: %d referred, %d paid, %+v; want some paid, some not yet, some among the new members and a referred cohort", planned, paid, got)
	}
	all := demoRewards(t, dbURL)
	var ledger []*rewards.Reward
	for _, r := range all {
		if r.Activity == "referral" {
			ledger = append(ledger, r)
		}
	}
	if len(ledger) != paid {
		t.Errorf("the ledger holds %d referral rewards, want one per qualified referral (%d)", len(ledger), paid)
	}
	seen := map[string]bool{}
	for _, r := range ledger {
		if seen[r.Reference] || r.Status != rewards.StatusConfirmed {
			t.Errorf("referral reward %d (%s) is %s, seen before: %v; want each referral paid once and confirmed", r.ID, r.Reference, r.Status, seen[r.Reference])
		}
		seen[r.Reference] = true
	}
	checkReferralsMinted(t, rpcURL, all, ledger)
}

// logField is the value of the last key=value of serve's log that has key.
func logField(logged, key string) string {
	at := strings.LastIndex(logged, " "+key+"=")
	if at < 0 {
		return ""
	}
	v, _, _ := strings.Cut(logged[at+len(key)+2:], " ")
	return strings.TrimSpace(v)
}

// demoRewards returns the demo's rewards from the ledger.
func demoRewards(t *testing.T, dbURL string) []*rewards.Reward {
	t.Helper()
	db, err := postgres.Open(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rs, err := postgres.NewRewardsStore(db).Rewards(t.Context(), "demo", rewards.RewardFilter{Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// checkReferralsMinted checks that each referral reward is minted to its referrer in its batch's
// transaction: the mint to the referrer there is what the ledger's rewards (all) of that wallet in
// that batch add up to, the referral's included (a batch mints each wallet's rewards as one amount).
func checkReferralsMinted(t *testing.T, rpcURL string, all, referrals []*rewards.Reward) {
	t.Helper()
	type mintTo struct {
		tx     common.Hash
		wallet common.Address
	}
	ledger := map[mintTo]*big.Int{}
	for _, r := range all {
		k := mintTo{common.HexToHash(r.TxHash), common.HexToAddress(r.Wallet)}
		if ledger[k] == nil {
			ledger[k] = new(big.Int)
		}
		ledger[k].Add(ledger[k], r.Amount)
	}
	eth, err := ethclient.Dial(rpcURL)
	if err != nil {
		t.Fatal(err)
	}
	defer eth.Close()
	token := guildtoken.NewGuildToken()
	for _, r := range referrals {
		k := mintTo{common.HexToHash(r.TxHash), common.HexToAddress(r.Wallet)}
		rcpt, err := eth.TransactionReceipt(t.Context(), k.tx)
		if err != nil {
			t.Fatalf("referral reward %d: the receipt of its batch's transaction %q: %v", r.ID, r.TxHash, err)
		}
		minted := new(big.Int)
		for _, l := range rcpt.Logs {
			if ev, err := token.UnpackTransferEvent(l); err == nil && ev.From == (common.Address{}) && ev.To == k.wallet {
				minted.Add(minted, ev.Value)
			}
		}
		if minted.Cmp(ledger[k]) != 0 {
			t.Errorf("referral reward %d: its transaction %s minted %s to %s, the ledger's rewards of that wallet in its batch add up to %s",
				r.ID, r.TxHash, minted, r.Wallet, ledger[k])
		}
	}
}
