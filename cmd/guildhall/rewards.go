package main

import (
	"context"
	"encoding/csv"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/minter"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/rewards"
)

func runRewards(ctx context.Context, args []string, e *env) error {
	return dispatch(ctx, args, e, "rewards", "Usage: guildhall rewards export --community ID [flags]\n\n"+
		"  export  write a community's reward ledger as CSV: every reward with its issuer, rule,\n"+
		"          activity, reference, batch and mint transaction\n",
		verb{"export", runRewardsExport})
}

// runRewardsExport is `guildhall rewards export`.
func runRewardsExport(ctx context.Context, args []string, e *env) error {
	var (
		c         commonFlags
		community string
	)
	fs := newFlagSet(e, "rewards export", "rewards export --community ID [flags] > ledger.csv")
	c.register(fs, false)
	fs.StringVar(&community, "community", "", "the community whose ledger to export (required)")
	if err := c.parse(fs, args, e); err != nil {
		return err
	}
	if community == "" {
		return usageError(fs, "--community is required")
	}
	db, _, err := c.openDatabase(ctx, c.logger(e), true)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := postgres.NewCommunityStore(db).Community(ctx, community); err != nil {
		return err
	}
	return exportLedger(ctx, db, community, e)
}

// formulaLead holds the characters that make a spreadsheet (Excel, LibreOffice, Google Sheets)
// read a cell as a formula, or that some of them skip before looking for one (tab, CR).
const formulaLead = "=+-@\t\r"

// spreadsheetSafe returns cell so that a spreadsheet opening the CSV shows it as text: a cell an
// issuer wrote (a reference such as "=HYPERLINK(...)", an issuer name) that starts with a formula
// character gets a leading apostrophe, as OWASP's CSV injection advice has it. No other cell of
// the ledger starts with one (ids, amounts and block numbers are unsigned, addresses and hashes
// start with 0x, activities with a letter or digit), so the apostrophe marks exactly the cells
// changed; the ledger in the database keeps the text as sent.
func spreadsheetSafe(cell string) string {
	if cell != "" && strings.ContainsRune(formulaLead, rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

func exportLedger(ctx context.Context, db *postgres.DB, community string, e *env) error {
	w := csv.NewWriter(e.stdout)
	_ = w.Write([]string{"reward_id", "created_at", "community", "wallet", "amount", "activity", "reference",
		"rule_id", "rule_amount", "issuer_id", "issuer_name", "status", "batch_row", "batch_id", "tx_hash", "block_number"})
	err := postgres.NewRewardsStore(db).Ledger(ctx, community, func(r rewards.LedgerRow) error {
		batch, block := "", ""
		if r.BatchID != 0 {
			batch = strconv.FormatInt(r.BatchID, 10)
		}
		if r.BlockNumber != 0 {
			block = strconv.FormatUint(r.BlockNumber, 10)
		}
		row := []string{strconv.FormatInt(r.ID, 10), r.CreatedAt.UTC().Format(time.RFC3339Nano), r.CommunityID, r.Wallet,
			r.Amount.String(), r.Activity, r.Reference, strconv.FormatInt(r.RuleID, 10), r.RuleAmount.String(),
			strconv.FormatInt(r.IssuerID, 10), r.IssuerName, r.Status, batch, r.BatchHash, r.TxHash, block}
		for k := range row {
			row[k] = spreadsheetSafe(row[k])
		}
		return w.Write(row)
	})
	if err != nil {
		return err
	}
	w.Flush()
	return w.Error()
}

// startMinting starts the operator's sender and the reward minter, which run until ctx ends;
// wait waits for them to stop. The sender is the one for the operator key in this process: every
// other transaction from that key (governance relays) goes through it too, so one nonce table
// and one Run loop follow them all. The indexer that confirms the mints is serve's one indexer
// (startIndexer, cmd/guildhall/indexer.go).
func startMinting(ctx context.Context, log *slog.Logger, db *postgres.DB, cc *chainConn, finality chain.Finality, registry *prometheus.Registry, leaders *leadership, runJobs bool) (sender *chain.Sender, wait func(), err error) {
	sender, err = newOperatorSender(ctx, log, db, cc, finality)
	if err != nil {
		return nil, nil, err
	}
	// The minter confirms a batch from what the indexer (startIndexer) says it minted.
	batches := postgres.NewBatchStore(db, postgres.NewMintIndex(db))
	cfg := minter.Config{FinalityDepth: finality.Depth, Logger: log, Metrics: minter.NewMetrics(registry)}
	if finality.Tag {
		cfg.Finality = func(ctx context.Context) (uint64, error) {
			head, err := cc.client.BlockNumber(ctx)
			if err != nil {
				return 0, err
			}
			return finality.DepthAt(ctx, cc.client, head)
		}
	}
	m := minter.New(mintLedger{postgres.NewCommunityStore(db), batches}, sender, cc.client, cfg)
	done := make(chan struct{})
	if !runJobs {
		// An API process sends relays through sender (its transactions are recorded in
		// PostgreSQL before they are broadcast); the leading worker's sender follows them.
		close(done)
		return sender, func() { <-done }, nil
	}
	go func() {
		defer close(done)
		// One minter and one sender loop per database: a second serve sends relays through
		// its sender (the nonce row serializes them) but waits here to mint and follow them.
		// If the lock is lost with its connection, both stop and this process queues for it again.
		_ = lead(ctx, log, jobMinter, leaders.track(jobMinter, db.LockMinter), func(held context.Context) error {
			ran := make(chan struct{}, 2)
			go func() { _ = sender.Run(held); ran <- struct{}{} }()
			go func() { _ = m.Run(held); ran <- struct{}{} }()
			<-ran
			<-ran
			return nil
		})
	}()
	return sender, func() { <-done }, nil
}

// newOperatorSender returns a sender of the operator key over the database's nonce table, which
// every process sending from that key shares. On the dev chain this process runs, it reads
// receipts from the chain's database (chain.DevChain.LocalClient).
func newOperatorSender(ctx context.Context, log *slog.Logger, db *postgres.DB, cc *chainConn, finality chain.Finality) (*chain.Sender, error) {
	var client chain.Client = cc.client
	if cc.dev != nil {
		client = cc.dev.LocalClient()
	}
	return chain.NewSender(ctx, chain.SenderConfig{
		Client: client, Key: cc.operator, Store: postgres.NewSenderStore(db), Logger: log, Confirmations: finality.Depth, FinalizedTag: finality.Tag,
		PollInterval: 250 * time.Millisecond, StuckAfter: 20 * time.Second,
	})
}

// mintLedger is what the minter reads and writes: the communities and their mint batches.
type mintLedger struct {
	*postgres.CommunityStore
	*postgres.BatchStore
}
