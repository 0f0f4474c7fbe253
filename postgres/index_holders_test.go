package postgres_test

import (
	"fmt"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/postgres"
	"github.com/guildhall/guildhall/postgres/pgtest"
)

// Holders are ranked by their numeric balance: 10 tokens above 9, and paging with small pages
// visits every holder exactly once, in that order, across balances of every digit count and ties.
func TestHoldersAreOrderedByAmountAcrossPages(t *testing.T) {
	t.Parallel()
	db, url := pgtest.NewDBURL(t)
	bind(t, db, devChain)
	if err := postgres.NewCommunityStore(db).CreateCommunity(t.Context(), newCommunity("guild", 1)); err != nil {
		t.Fatal(err)
	}
	raw, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.ExecContext(t.Context(), `INSERT INTO index_progress (community_id, block_number, block_hash, block_time)
		VALUES ('guild', 1, '0x01', 1)`); err != nil {
		t.Fatal(err)
	}
	type holder struct {
		address string
		balance *big.Int
	}
	var want []holder
	var addrs, balances []string
	for i := range 1000 {
		// 1 to 13 digits, with ties: the text order of these differs from the numeric one.
		b := new(big.Int).Mul(big.NewInt(int64(i*7919%997+1)), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(i%11)), nil))
		a := fmt.Sprintf("0x%040x", i+1)
		want = append(want, holder{a, b})
		addrs, balances = append(addrs, a), append(balances, b.String())
	}
	if _, err := raw.ExecContext(t.Context(), `INSERT INTO token_accounts (community_id, address, balance, voting_power)
		SELECT 'guild', a, b::numeric, 0 FROM unnest($1::text[], $2::text[]) AS x(a, b)`, addrs, balances); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(want, func(x, y holder) int {
		if c := y.balance.Cmp(x.balance); c != 0 {
			return c
		}
		return strings.Compare(x.address, y.address)
	})

	reads := postgres.NewIndexReader(db)
	page := guildhall.Page[guildhall.HolderPosition]{Limit: 7}
	var got []holder
	for pages := 0; ; pages++ {
		if pages > 200 {
			t.Fatal("more than 200 pages of 7 for 1,000 holders: paging loops")
		}
		list, err := reads.Holders(t.Context(), "guild", page)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range list.Items {
			got = append(got, holder{h.Address, h.Balance})
		}
		if list.Next == "" {
			break
		}
		next, ok := guildhall.ParseHolderPosition(list.Next)
		if !ok {
			t.Fatalf("next cursor key %q does not parse", list.Next)
		}
		page.After = &next
	}
	if len(got) != len(want) {
		t.Fatalf("paged through %d holders, want each of the %d once", len(got), len(want))
	}
	for i := range want {
		if got[i].address != want[i].address || got[i].balance.Cmp(want[i].balance) != 0 {
			t.Fatalf("holder %d is %s with %s, want %s with %s (largest balance first)", i, got[i].address, got[i].balance, want[i].address, want[i].balance)
		}
	}
}
