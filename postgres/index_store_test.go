package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jmoiron/sqlx"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/indexer"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
)

// indexDB is a migrated database with one community, and a plain connection to read it.
func indexDB(t *testing.T) (*postgres.DB, *sqlx.DB) {
	t.Helper()
	db, raw := pgtest.NewDBRaw(t)
	bind(t, db, devChain)
	for i, id := range []string{"one", "two"} {
		n := big.NewInt(int64(i))
		if err := postgres.NewCommunityStore(db).CreateCommunity(t.Context(), &guildhall.Community{ID: id, Name: id, Symbol: strings.ToUpper(id), ChainID: devChain.ChainID,
			TokenAddress:    common.BigToAddress(new(big.Int).Add(n, big.NewInt(0x100))).Hex(),
			GovernorAddress: common.BigToAddress(new(big.Int).Add(n, big.NewInt(0x200))).Hex(),
			TimelockAddress: common.BigToAddress(new(big.Int).Add(n, big.NewInt(0x300))).Hex(),
			DeploymentBlock: 1, DeploymentTx: fmt.Sprintf("0x%064x", 1), Settings: guildhall.DefaultGovernanceSettings()}); err != nil {
			t.Fatal(err)
		}
	}
	return db, raw
}

// randomTokenEvents returns blocks 1..blocks of mints, transfers, burns, delegations and vote
// changes among a few accounts of two communities, in chain order.
func randomTokenEvents(r *rand.Rand, blocks int) []indexer.Events {
	out := make([]indexer.Events, blocks)
	acct := func() common.Address { return common.BigToAddress(big.NewInt(int64(0x1000 + r.Intn(6)))) }
	for b := range out {
		ev := &out[b]
		block := uint64(b + 1)
		for i := range 12 {
			meta := indexer.EventMeta{CommunityID: []string{"one", "two"}[r.Intn(2)], BlockNumber: block,
				BlockHash: common.BigToHash(big.NewInt(int64(block))), BlockTime: 1000 + block,
				TxHash: common.BigToHash(big.NewInt(int64(block*100 + uint64(i)))), LogIndex: uint(i)}
			v := big.NewInt(int64(1 + r.Intn(1000)))
			switch r.Intn(5) {
			case 0: // mint
				ev.Transfers = append(ev.Transfers, indexer.Transfer{EventMeta: meta, To: acct(), Value: v})
			case 1: // transfer
				ev.Transfers = append(ev.Transfers, indexer.Transfer{EventMeta: meta, From: acct(), To: acct(), Value: v})
			case 2: // burn
				ev.Transfers = append(ev.Transfers, indexer.Transfer{EventMeta: meta, From: acct(), Value: v})
			case 3:
				to := acct()
				if r.Intn(3) == 0 {
					to = common.Address{}
				}
				ev.DelegateChanges = append(ev.DelegateChanges, indexer.DelegateChange{EventMeta: meta, Delegator: acct(),
					FromDelegate: acct(), ToDelegate: to})
			case 4:
				ev.DelegateVotes = append(ev.DelegateVotes, indexer.DelegateVotes{EventMeta: meta, Delegate: acct(),
					PreviousVotes: big.NewInt(int64(r.Intn(1000))), NewVotes: v})
			}
		}
	}
	return out
}

func tokenBatch(blocks []indexer.Events, from, to int) *indexer.Batch {
	b := &indexer.Batch{From: uint64(from), To: uint64(to), Communities: []string{"one", "two"},
		End: indexer.BlockRef{Number: uint64(to), Hash: common.BigToHash(big.NewInt(int64(to))), Time: 1000 + uint64(to)}}
	for _, ev := range blocks[from-1 : to] {
		b.Transfers = append(b.Transfers, ev.Transfers...)
		b.DelegateChanges = append(b.DelegateChanges, ev.DelegateChanges...)
		b.DelegateVotes = append(b.DelegateVotes, ev.DelegateVotes...)
	}
	return b
}

func tokenState(t *testing.T, raw *sqlx.DB) string {
	t.Helper()
	var out strings.Builder
	for _, q := range []string{
		`SELECT community_id || ' ' || address || ' ' || balance || ' ' || voting_power || ' ' || coalesce(delegate, '-') FROM token_accounts ORDER BY 1`,
		`SELECT community_id || ' ' || total_supply FROM token_supply ORDER BY 1`,
		`SELECT 'transfers ' || count(*) FROM token_transfers`,
		`SELECT 'votes ' || count(*) FROM token_delegate_votes`,
		`SELECT 'changes ' || count(*) FROM token_delegate_changes`,
	} {
		rows, err := raw.QueryContext(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out.WriteString(s + "\n")
		}
		rows.Close()
	}
	return out.String()
}

// Derived token state is the same however the events arrive: in consecutive batches (the fast
// path, aggregated in Go), in one batch applied twice (the second changes nothing), or in
// overlapping batches (events partly stored already: the general path, from the rows inserted).
func TestTokenEventsDeriveTheSameStateAnyWay(t *testing.T) {
	t.Parallel()
	blocks := randomTokenEvents(rand.New(rand.NewSource(7)), 30)
	apply := func(db *postgres.DB, from, to int) {
		t.Helper()
		if err := postgres.NewIndexWriter(db).ApplyBatch(t.Context(), tokenBatch(blocks, from, to)); err != nil {
			t.Fatalf("apply %d..%d: %v", from, to, err)
		}
	}

	consecutive, consecutiveRaw := indexDB(t)
	for from := 1; from <= 30; from += 7 {
		apply(consecutive, from, min(from+6, 30))
	}
	want := tokenState(t, consecutiveRaw)

	twice, twiceRaw := indexDB(t)
	apply(twice, 1, 30)
	if got := tokenState(t, twiceRaw); got != want {
		t.Fatalf("one batch:\n%s\nconsecutive batches:\n%s", got, want)
	}
	apply(twice, 1, 30)
	if got := tokenState(t, twiceRaw); got != want {
		t.Fatalf("one batch applied twice:\n%s\nconsecutive batches:\n%s", got, want)
	}

	overlapping, overlappingRaw := indexDB(t)
	apply(overlapping, 1, 10)
	apply(overlapping, 5, 20)
	apply(overlapping, 1, 30)
	if got := tokenState(t, overlappingRaw); got != want {
		t.Fatalf("overlapping batches:\n%s\nconsecutive batches:\n%s", got, want)
	}

	// And the state is what the events say.
	type key struct{ c, a string }
	bal, votes, del := map[key]*big.Int{}, map[key]string{}, map[key]string{}
	supply := map[string]*big.Int{"one": new(big.Int), "two": new(big.Int)}
	get := func(k key) *big.Int {
		if bal[k] == nil {
			bal[k] = new(big.Int)
			votes[k], del[k] = "0", "-"
		}
		return bal[k]
	}
	var zero common.Address
	for _, ev := range blocks {
		for _, tr := range ev.Transfers {
			if tr.To != zero {
				get(key{tr.CommunityID, tr.To.Hex()}).Add(get(key{tr.CommunityID, tr.To.Hex()}), tr.Value)
			} else {
				supply[tr.CommunityID].Sub(supply[tr.CommunityID], tr.Value)
			}
			if tr.From != zero {
				get(key{tr.CommunityID, tr.From.Hex()}).Sub(get(key{tr.CommunityID, tr.From.Hex()}), tr.Value)
			} else {
				supply[tr.CommunityID].Add(supply[tr.CommunityID], tr.Value)
			}
		}
		for _, c := range ev.DelegateChanges {
			k := key{c.CommunityID, c.Delegator.Hex()}
			get(k)
			del[k] = c.ToDelegate.Hex()
			if c.ToDelegate == zero {
				del[k] = "-"
			}
		}
		for _, v := range ev.DelegateVotes {
			k := key{v.CommunityID, v.Delegate.Hex()}
			get(k)
			votes[k] = v.NewVotes.String()
		}
	}
	var lines []string
	for k, b := range bal {
		lines = append(lines, fmt.Sprintf("%s %s %s %s %s", k.c, k.a, b, votes[k], del[k]))
	}
	for _, line := range lines {
		if !strings.Contains(want, line+"\n") {
			t.Errorf("state lacks %q:\n%s", line, want)
		}
	}
	for c, s := range supply {
		if !strings.Contains(want, c+" "+s.String()+"\n") {
			t.Errorf("state lacks supply %s %s:\n%s", c, s, want)
		}
	}
}

// Anyone can vote with any bytes as the reason, or propose with any description: a NUL or invalid
// UTF-8 is stored as U+FFFD instead of stopping the indexer.
func TestArbitraryBytesFromTheChainDoNotStopTheIndexer(t *testing.T) {
	db, raw := indexDB(t)
	meta := func(i uint) indexer.EventMeta {
		return indexer.EventMeta{CommunityID: "one", BlockNumber: 1, BlockHash: common.BigToHash(big.NewInt(1)), BlockTime: 1001,
			TxHash: common.BigToHash(big.NewInt(int64(100 + i))), LogIndex: i}
	}
	pid := big.NewInt(42)
	b := &indexer.Batch{From: 1, To: 1, Communities: []string{"one"}, Advance: true,
		End: indexer.BlockRef{Number: 1, Hash: common.BigToHash(big.NewInt(1)), Time: 1001}}
	b.Proposals = append(b.Proposals, indexer.ProposalCreated{EventMeta: meta(0), ProposalID: pid, Proposer: common.Address{1},
		VoteStart: 1000, VoteEnd: 2000, Description: "Grant\x00 \xff\nmore"})
	b.Votes = append(b.Votes, indexer.Vote{EventMeta: meta(1), ProposalID: pid, Voter: common.Address{2}, Support: 1,
		Weight: big.NewInt(5), Reason: "because\x00\xfe"})
	if err := postgres.NewIndexWriter(db).ApplyBatch(t.Context(), b); err != nil {
		t.Fatalf("a batch with NUL and invalid UTF-8 from the chain: %v", err)
	}
	var title, reason string
	if err := raw.QueryRowContext(t.Context(), `SELECT title FROM proposals WHERE proposal_id = 42`).Scan(&title); err != nil {
		t.Fatal(err)
	}
	if err := raw.QueryRowContext(t.Context(), `SELECT reason FROM votes WHERE proposal_id = 42`).Scan(&reason); err != nil {
		t.Fatal(err)
	}
	if title != "Grant\uFFFD \uFFFD" || reason != "because\uFFFD\uFFFD" {
		t.Fatalf("stored title %q and reason %q, want the bad bytes as U+FFFD", title, reason)
	}
}

// A backfill's token events go to PostgreSQL in COPY's text format, written by Guildhall: text with
// a tab, newline, carriage return or backslash in it, and amounts past 64 bits, are stored as they
// are (an unescaped tab would shift every column after it; a newline would start another row).
func TestTokenEventsKeepEveryCharacterOfTheirText(t *testing.T) {
	db, raw := indexDB(t)
	const community = "tab\there\nnewline\\backslash\rreturn"
	value, _ := new(big.Int).SetString("123456789012345678901234567890", 10)
	meta := func(i uint) indexer.EventMeta {
		return indexer.EventMeta{CommunityID: community, BlockNumber: 7, BlockHash: common.BigToHash(big.NewInt(7)), BlockTime: 1007,
			TxHash: common.BigToHash(big.NewInt(int64(700 + i))), LogIndex: i}
	}
	from, to := common.HexToAddress("0x00000000000000000000000000000000000000a0"), common.HexToAddress("0x00000000000000000000000000000000000000b0")
	b := &indexer.Batch{From: 7, To: 7}
	b.Transfers = append(b.Transfers, indexer.Transfer{EventMeta: meta(0), From: from, To: to, Value: value})
	b.DelegateChanges = append(b.DelegateChanges, indexer.DelegateChange{EventMeta: meta(1), Delegator: to, ToDelegate: to})
	b.DelegateVotes = append(b.DelegateVotes, indexer.DelegateVotes{EventMeta: meta(2), Delegate: to, PreviousVotes: new(big.Int),
		NewVotes: value})
	if err := postgres.NewIndexWriter(db).ApplyBatch(t.Context(), b); err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := raw.SelectContext(t.Context(), &got, `
		SELECT concat_ws('|', community_id, value, to_address) FROM token_transfers
		UNION ALL SELECT concat_ws('|', community_id, new_votes, delegate) FROM token_delegate_votes
		UNION ALL SELECT concat_ws('|', community_id, automatic, to_delegate) FROM token_delegate_changes
		UNION ALL SELECT concat_ws('|', community_id, balance, voting_power, delegate) FROM token_accounts
		ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	want := []string{
		community + "|" + value.String() + "|" + to.Hex(),
		community + "|" + value.String() + "|" + to.Hex(),
		community + "|" + value.String() + "|" + value.String() + "|" + to.Hex(),
		community + "|f|" + to.Hex(), // a delegation in a transaction without a mint: not automatic
		community + "|-" + value.String() + "|0",
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("stored:\n%q\nwant:\n%q", got, want)
	}
}

// The reads of token_transfers still find an index after migrations 0006 (partial
// token_transfers_from) and 0031 (keys by chain position, no separate block index): an account's
// transfer list by from_address, and the rewind's delete by block number. Sequential scans are disabled so the tiny table cannot hide a
// missing index.
func TestTokenTransferReadsUseIndexes(t *testing.T) {
	t.Parallel()
	db, raw := indexDB(t)
	blocks := randomTokenEvents(rand.New(rand.NewSource(7)), 30)
	if err := postgres.NewIndexWriter(db).ApplyBatch(t.Context(), tokenBatch(blocks, 1, 30)); err != nil {
		t.Fatal(err)
	}
	tx, err := raw.BeginTxx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(t.Context(), `SET LOCAL enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	plan := func(q string, args ...any) string {
		t.Helper()
		var lines []string
		if err := tx.SelectContext(t.Context(), &lines, `EXPLAIN `+q, args...); err != nil {
			t.Fatal(err)
		}
		return strings.Join(lines, "\n")
	}
	account := common.BigToAddress(big.NewInt(0x1001)).Hex()
	if p := plan(`SELECT block_number FROM token_transfers WHERE community_id = $1 AND from_address = $2 AND (block_number, log_index) < ($3, $4)
		ORDER BY block_number DESC, log_index DESC LIMIT 10`, "one", account, int64(1<<62), 0); !strings.Contains(p, "token_transfers_from") {
		t.Errorf("transfers from an account: plan does not use token_transfers_from:\n%s", p)
	}
	if p := plan(`DELETE FROM token_transfers WHERE block_number > $1`, 10); !strings.Contains(p, "token_transfers_pkey") {
		t.Errorf("rewind: plan does not use token_transfers_pkey:\n%s", p)
	}
	if p := plan(`DELETE FROM token_delegate_votes WHERE block_number > $1`, 10); strings.Contains(p, "Seq Scan") {
		t.Errorf("rewind: no index serves the delete:\n%s", p)
	}
}

// Deleting a community deletes its token state and leaves the other community's alone: the
// event tables hold no foreign key to communities (migration 0005: its delete trigger does what
// ON DELETE CASCADE did), the accounts and the supply do.
func TestDeletingACommunityDeletesItsTokenState(t *testing.T) {
	t.Parallel()
	db, raw := indexDB(t)
	blocks := randomTokenEvents(rand.New(rand.NewSource(11)), 30)
	if err := postgres.NewIndexWriter(db).ApplyBatch(t.Context(), tokenBatch(blocks, 1, 30)); err != nil {
		t.Fatal(err)
	}
	count := func(community string) string {
		t.Helper()
		var s string
		if err := raw.QueryRowContext(t.Context(), `SELECT concat_ws(' ',
			(SELECT count(*) FROM token_accounts WHERE community_id = $1), (SELECT count(*) FROM token_transfers WHERE community_id = $1),
			(SELECT count(*) FROM token_delegate_votes WHERE community_id = $1), (SELECT count(*) FROM token_delegate_changes WHERE community_id = $1),
			(SELECT count(*) FROM token_supply WHERE community_id = $1))`, community).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	two := count("two")
	if count("one") == "0 0 0 0 0" || strings.HasPrefix(two, "0 ") {
		t.Fatalf("the test proves nothing: community one holds %s, two %s (accounts, transfers, vote changes, delegations, supply)", count("one"), two)
	}
	if _, err := raw.ExecContext(t.Context(), `DELETE FROM communities WHERE id = 'one'`); err != nil {
		t.Fatal(err)
	}
	if got := count("one"); got != "0 0 0 0 0" {
		t.Errorf("after deleting community one it still holds %s (accounts, transfers, vote changes, delegations, supply)", got)
	}
	if got := count("two"); got != two {
		t.Errorf("community two holds %s after deleting community one, %s before", got, two)
	}
}

// A batch whose transaction is cancelled by its caller (a shutdown, a kill, a lost lock) returns
// promptly, even in the middle of a COPY; reports the cancellation, never an unreachable
// database; and applies whole or not at all.
func TestCancelledBatchSaysSo(t *testing.T) {
	t.Parallel()
	db, raw := indexDB(t)
	blocks := randomTokenEvents(rand.New(rand.NewSource(3)), 300)
	for i := range 40 {
		delay := time.Duration(i) * 400 * time.Microsecond
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(delay, cancel)
		b := tokenBatch(blocks, 1, 300)
		b.Advance = true
		done := make(chan error, 1)
		go func() { done <- postgres.NewIndexWriter(db).ApplyBatch(ctx, b) }()
		var err error
		select {
		case err = <-done:
		case <-time.After(30 * time.Second):
			t.Fatalf("cancelled after %v: ApplyBatch hangs (a rollback sent in the middle of a COPY?)", delay)
		}
		cancel()
		if err != nil && (!errors.Is(err, context.Canceled) || strings.Contains(err.Error(), "cannot reach")) {
			t.Errorf("cancelled after %v: %v", delay, err)
		}
		var transfers, cursor int
		if err := raw.QueryRowContext(t.Context(), `SELECT (SELECT count(*) FROM token_transfers), (SELECT count(*) FROM index_cursor)`).Scan(&transfers, &cursor); err != nil {
			t.Fatal(err)
		}
		if (transfers == 0) != (cursor == 0) {
			t.Fatalf("half a batch: %d transfers, %d cursor rows", transfers, cursor)
		}
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := postgres.NewIndexWriter(db).Rewind(ctx, indexer.BlockRef{Number: 1}); !errors.Is(err, context.Canceled) || strings.Contains(err.Error(), "cannot reach") {
		t.Errorf("cancelled rewind: %v", err)
	}
}

// Governance settings are the newest change of each, across batches, a batch applied twice and
// rewinds; a community without changes has none.
func TestSettingChangesFollowReorgs(t *testing.T) {
	t.Parallel()
	db, _ := indexDB(t)
	change := func(block uint64, index uint, setting string, old, next int64) indexer.SettingChange {
		return indexer.SettingChange{EventMeta: indexer.EventMeta{CommunityID: "one", BlockNumber: block,
			BlockHash: common.BigToHash(big.NewInt(int64(block))), BlockTime: 1000 + block,
			TxHash: common.BigToHash(big.NewInt(int64(block*100) + int64(index))), LogIndex: index},
			Setting: setting, Old: big.NewInt(old), New: big.NewInt(next)}
	}
	batch := func(from, to uint64, changes ...indexer.SettingChange) *indexer.Batch {
		end := indexer.BlockRef{Number: to, Hash: common.BigToHash(big.NewInt(int64(to))), Time: 1000 + to}
		b := &indexer.Batch{From: from, To: to, End: end, Advance: true, Blocks: []indexer.BlockRef{end}, Communities: []string{"one", "two"}}
		b.SettingChanges = changes
		return b
	}
	want := func(community string, settings map[string]int64) {
		t.Helper()
		v, err := postgres.NewIndexReader(db).CommunityIndex(t.Context(), community)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int64{}
		for k, x := range v.Settings {
			got[k] = x.Int64()
		}
		if fmt.Sprint(got) != fmt.Sprint(settings) {
			t.Fatalf("%s: settings %v, want %v", community, got, settings)
		}
	}
	apply := func(b *indexer.Batch) {
		t.Helper()
		if err := postgres.NewIndexWriter(db).ApplyBatch(t.Context(), b); err != nil {
			t.Fatal(err)
		}
	}
	apply(batch(1, 10, change(2, 0, indexer.SettingQuorumNumerator, 0, 4), change(2, 1, indexer.SettingVotingPeriod, 0, 300)))
	second := batch(11, 20, change(15, 3, indexer.SettingQuorumNumerator, 4, 10), change(15, 4, indexer.SettingVotingPeriod, 300, 600),
		change(16, 0, indexer.SettingVotingPeriod, 600, 900))
	apply(second)
	want("one", map[string]int64{"quorum_numerator": 10, "voting_period": 900})
	want("two", map[string]int64{})
	apply(second)
	want("one", map[string]int64{"quorum_numerator": 10, "voting_period": 900})
	for _, step := range []struct {
		to   uint64
		want map[string]int64
	}{
		{15, map[string]int64{"quorum_numerator": 10, "voting_period": 600}},
		{12, map[string]int64{"quorum_numerator": 4, "voting_period": 300}},
		{1, map[string]int64{}},
	} {
		if err := postgres.NewIndexWriter(db).Rewind(t.Context(), indexer.BlockRef{Number: step.to, Hash: common.BigToHash(big.NewInt(int64(step.to))), Time: 1000 + step.to}); err != nil {
			t.Fatal(err)
		}
		want("one", step.want)
	}
}
