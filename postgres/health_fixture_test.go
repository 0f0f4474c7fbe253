package postgres_test

import (
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jmoiron/sqlx"

	"github.com/guildhall/guildhall/indexer"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
)

// healthFixture is a database with community "guild", an issuer and a rule, a plain connection, and
// a chain of blocks written through the indexer's store (ApplyBatch, Rewind).
type healthFixture struct {
	t      *testing.T
	db     *postgres.DB
	raw    *sqlx.DB
	url    string // the database's, for another process's connections
	store  *postgres.HealthStore
	issuer int64
	rule   int64
	block  uint64 // the newest block written
	times  map[uint64]uint64
	txSeq  int64
}

// healthT0 is the first block's time: Monday 2025-01-06 00:00 UTC.
var healthT0 = time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)

func newHealthFixture(t *testing.T) *healthFixture {
	t.Helper()
	db, url := pgtest.NewDBURL(t)
	raw, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	bind(t, db, devChain)
	create(t, db, newCommunity("guild", 1))
	f := &healthFixture{t: t, db: db, raw: raw, url: url, store: postgres.NewHealthStore(db), times: map[uint64]uint64{}}
	f.exec(`INSERT INTO issuers (community_id, name, key_prefix, key_hash, budget) VALUES ('guild', 'till', 'p1', decode(repeat('00', 32), 'hex'), 1e40)`)
	f.exec(`INSERT INTO issuers (community_id, name, key_prefix, key_hash, budget) VALUES ('guild', 'cafe', 'p2', decode(repeat('00', 32), 'hex'), 1e40)`)
	f.exec(`INSERT INTO reward_rules (community_id, activity, amount) VALUES ('guild', 'purchase', 10), ('guild', 'review', 5)`)
	if err := raw.Get(&f.issuer, `SELECT min(id) FROM issuers`); err != nil {
		t.Fatal(err)
	}
	if err := raw.Get(&f.rule, `SELECT min(id) FROM reward_rules`); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *healthFixture) exec(q string, args ...any) {
	f.t.Helper()
	if _, err := f.raw.Exec(q, args...); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
}

// account returns the n-th test account (EIP-55).
func account(n int) common.Address { return common.BigToAddress(big.NewInt(int64(0xA0000 + n*7919))) }

// reward records a reward to a at time at (issuer k of 2, activity k of 2); it returns its id.
func (f *healthFixture) reward(a common.Address, at time.Time, amount int64, failed bool, k int) int64 {
	f.t.Helper()
	status := "pending"
	if failed {
		status = "failed"
	}
	f.exec(`INSERT INTO members (community_id, wallet) VALUES ('guild', $1) ON CONFLICT DO NOTHING`, a.Hex())
	var id int64
	if err := f.raw.Get(&id, `INSERT INTO rewards (community_id, issuer_id, rule_id, activity, wallet, amount, status, created_at)
		VALUES ('guild', $1, $2, $3, $4, $5, $6, $7) RETURNING id`, f.issuer+int64(k%2), f.rule+int64(k%2),
		[]string{"purchase", "review"}[k%2], a.Hex(), amount, status, at); err != nil {
		f.t.Fatal(err)
	}
	return id
}

// blockEvents is what one block holds, built by its helpers.
type blockEvents struct {
	f   *healthFixture
	ev  indexer.Events
	n   uint64
	at  uint64
	log uint
}

// meta returns the next event's meta in transaction tx of the block.
func (b *blockEvents) meta(tx common.Hash) indexer.EventMeta {
	b.log++
	return indexer.EventMeta{CommunityID: "guild", BlockNumber: b.n, BlockHash: healthBlockHash(b.n, b.at), BlockTime: b.at,
		TxHash: tx, LogIndex: b.log}
}

func healthBlockHash(n, at uint64) common.Hash {
	return common.BigToHash(big.NewInt(int64(n<<40 | at)))
}

func (b *blockEvents) tx() common.Hash {
	b.f.txSeq++
	return common.BigToHash(big.NewInt(1<<50 + b.f.txSeq))
}

// mint mints v to a; auto adds the token's self-delegation of a in the same transaction.
func (b *blockEvents) mint(a common.Address, v int64, auto bool) {
	tx := b.tx()
	b.ev.Transfers = append(b.ev.Transfers, indexer.Transfer{EventMeta: b.meta(tx), To: a, Value: big.NewInt(v)})
	if auto {
		b.ev.DelegateChanges = append(b.ev.DelegateChanges, indexer.DelegateChange{EventMeta: b.meta(tx), Delegator: a, ToDelegate: a})
	}
}

func (b *blockEvents) transfer(from, to common.Address, v int64) {
	b.ev.Transfers = append(b.ev.Transfers, indexer.Transfer{EventMeta: b.meta(b.tx()), From: from, To: to, Value: big.NewInt(v)})
}

func (b *blockEvents) delegate(who, from, to common.Address) {
	b.ev.DelegateChanges = append(b.ev.DelegateChanges, indexer.DelegateChange{EventMeta: b.meta(b.tx()), Delegator: who,
		FromDelegate: from, ToDelegate: to})
}

func (b *blockEvents) power(who common.Address, v int64) {
	b.ev.DelegateVotes = append(b.ev.DelegateVotes, indexer.DelegateVotes{EventMeta: b.meta(b.tx()), Delegate: who,
		PreviousVotes: new(big.Int), NewVotes: big.NewInt(v)})
}

func (b *blockEvents) propose(id int64, proposer common.Address, delay uint64) {
	b.ev.Proposals = append(b.ev.Proposals, indexer.ProposalCreated{EventMeta: b.meta(b.tx()), ProposalID: big.NewInt(id),
		Proposer: proposer, VoteStart: b.at + delay, VoteEnd: b.at + delay + 86400, Description: fmt.Sprintf("proposal %d", id)})
}

func (b *blockEvents) vote(id int64, voter common.Address, weight int64) {
	b.ev.Votes = append(b.ev.Votes, indexer.Vote{EventMeta: b.meta(b.tx()), ProposalID: big.NewInt(id), Voter: voter,
		Support: uint8(id % 3), Weight: big.NewInt(weight)})
}

func (b *blockEvents) execute(id int64) {
	b.ev.ProposalEvents = append(b.ev.ProposalEvents, indexer.ProposalEvent{EventMeta: b.meta(b.tx()), ProposalID: big.NewInt(id),
		Kind: indexer.ProposalExecuted})
}

// addBlock writes the next block, at time at, with what fill puts in it, through ApplyBatch.
func (f *healthFixture) addBlock(at time.Time, fill func(b *blockEvents)) {
	f.t.Helper()
	b := &blockEvents{f: f, n: f.block + 1, at: uint64(at.Unix())}
	fill(b)
	end := indexer.BlockRef{Number: b.n, Hash: healthBlockHash(b.n, b.at), ParentHash: healthBlockHash(f.block, f.times[f.block]), Time: b.at}
	batch := &indexer.Batch{From: b.n, To: b.n, End: end, Communities: []string{"guild"}, Advance: true,
		Blocks: []indexer.BlockRef{end}, Events: b.ev}
	if err := postgres.NewIndexWriter(f.db).ApplyBatch(f.t.Context(), batch); err != nil {
		f.t.Fatalf("apply block %d: %v", b.n, err)
	}
	f.block, f.times[b.n] = b.n, b.at
}

// rewind removes the blocks above n, as the indexer does on a reorg.
func (f *healthFixture) rewind(n uint64) {
	f.t.Helper()
	if err := postgres.NewIndexWriter(f.db).Rewind(f.t.Context(), indexer.BlockRef{Number: n, Hash: healthBlockHash(n, f.times[n]), Time: f.times[n]}); err != nil {
		f.t.Fatalf("rewind to %d: %v", n, err)
	}
	f.block = n
}

// activityRows renders member_activity_days, so tests compare it with what they expect.
func (f *healthFixture) activityRows() string {
	f.t.Helper()
	var s string
	if err := f.raw.Get(&s, `SELECT coalesce(string_agg(format('%s %s r%s/%s t%s d%s v%s p%s', account, day, reward_count, reward_amount,
		transfer_count, delegation_count, vote_count, proposal_count), E'\n' ORDER BY account COLLATE "C", day), '')
		FROM member_activity_days WHERE community_id = 'guild'`); err != nil {
		f.t.Fatal(err)
	}
	return s
}
