package api

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/guildhall/guildhall/postgres"
)

// listResponse is a page of communities as a client decodes it.
type listResponse struct {
	Items []struct {
		ID    string `json:"id"`
		Token struct {
			Address string `json:"address"`
		} `json:"token"`
		Governor string `json:"governor"`
		Timelock string `json:"timelock"`
	} `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

func TestListCommunities(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	seeded := srv.seed(t, "delta", "alpha", "echo", "charlie", "bravo")

	t.Run("three pages in id order, next_cursor null on the last", func(t *testing.T) {
		var got [][]string
		path := "/v1/communities?limit=2"
		for range 10 {
			rec := srv.get(t, path)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s = %d %s", path, rec.Code, rec.Body)
			}
			page := decode[listResponse](t, rec)
			var ids []string
			for _, it := range page.Items {
				ids = append(ids, it.ID)
			}
			got = append(got, ids)
			if page.NextCursor == nil {
				break
			}
			path = "/v1/communities?limit=2&cursor=" + url.QueryEscape(*page.NextCursor)
		}
		want := [][]string{{"alpha", "bravo"}, {"charlie", "delta"}, {"echo"}}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("pages = %v, want %v", got, want)
		}
	})

	t.Run("a page that ends exactly at the last item has a null next_cursor", func(t *testing.T) {
		page := decode[listResponse](t, srv.get(t, "/v1/communities?limit=5"))
		if len(page.Items) != 5 || page.NextCursor != nil {
			t.Errorf("got %d items, next_cursor %v; want 5 items and null", len(page.Items), page.NextCursor)
		}
	})

	t.Run("no limit returns up to 50", func(t *testing.T) {
		page := decode[listResponse](t, srv.get(t, "/v1/communities"))
		if len(page.Items) != 5 || page.NextCursor != nil {
			t.Errorf("got %d items, next_cursor %v; want 5 items and null", len(page.Items), page.NextCursor)
		}
	})

	t.Run("an item carries its token, contracts and deployment block", func(t *testing.T) {
		rec := srv.get(t, "/v1/communities?limit=1")
		a := seeded["alpha"]
		want := fmt.Sprintf(`{"items":[{
			"id":"alpha","name":"Community alpha","chain_id":1337,
			"token":{"address":%q,"name":"Community alpha","symbol":%q,"decimals":18},
			"governor":%q,"timelock":%q,"deployment_block":%d}],
			"next_cursor":%q}`,
			a.TokenAddress, a.Symbol, a.GovernorAddress, a.TimelockAddress, a.DeploymentBlock,
			encodeCursor("alpha"))
		if !jsonEqual(t, rec.Body.Bytes(), want) {
			t.Errorf("body = %s\nwant %s", rec.Body, want)
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Errorf("Content-Type = %q", ct)
		}
	})

	t.Run("addresses are EIP-55 checksummed", func(t *testing.T) {
		page := decode[listResponse](t, srv.get(t, "/v1/communities"))
		for _, it := range page.Items {
			for _, addr := range []string{it.Token.Address, it.Governor, it.Timelock} {
				if !common.IsHexAddress(addr) || common.HexToAddress(addr).Hex() != addr {
					t.Errorf("%s: address %q is not EIP-55", it.ID, addr)
				}
			}
		}
	})
}

func TestListCommunitiesEmpty(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)

	rec := srv.get(t, "/v1/communities")
	if rec.Code != http.StatusOK || rec.Body.String() != `{"items":[],"next_cursor":null}` {
		t.Errorf("GET /v1/communities = %d %s, want 200 {\"items\":[],\"next_cursor\":null}", rec.Code, rec.Body)
	}
}

func TestListCommunitiesRejectsBadParameters(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	srv.seed(t, "alpha")

	tests := map[string]struct {
		query      string
		wantFields []string
	}{
		"zero limit":            {"limit=0", []string{"limit"}},
		"negative limit":        {"limit=-1", []string{"limit"}},
		"limit above 500":       {"limit=501", []string{"limit"}},
		"limit not a number":    {"limit=ten", []string{"limit"}},
		"limit with a fraction": {"limit=1.5", []string{"limit"}},
		"cursor not base64url":  {"cursor=not*base64", []string{"cursor"}},
		"cursor with padding":   {"cursor=" + url.QueryEscape(encodeCursor("alpha")+"=="), []string{"cursor"}},
		"both malformed":        {"limit=0&cursor=%25%25", []string{"limit", "cursor"}},
	}
	for name, tt := range tests {
		t.Run(name+" is a 400 naming the field", func(t *testing.T) {
			p := wantProblem(t, srv.get(t, "/v1/communities?"+tt.query), http.StatusBadRequest)
			var fields []string
			for _, f := range p.Errors {
				fields = append(fields, f.Field)
				if f.Message == "" {
					t.Errorf("field %s has no message", f.Field)
				}
			}
			if !slices.Equal(fields, tt.wantFields) {
				t.Errorf("errors name %v, want %v", fields, tt.wantFields)
			}
			if p.Type != "https://guildhall.dev/problems/invalid-request" {
				t.Errorf("type = %q", p.Type)
			}
		})
	}

	t.Run("limit 500 is accepted", func(t *testing.T) {
		if rec := srv.get(t, "/v1/communities?limit=500"); rec.Code != http.StatusOK {
			t.Errorf("status = %d %s, want 200", rec.Code, rec.Body)
		}
	})
}

func TestGetCommunity(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	seeded := srv.seed(t, "corner-bakery", "book-club")

	t.Run("a known id returns the community with its governance settings", func(t *testing.T) {
		rec := srv.get(t, "/v1/communities/corner-bakery")
		if rec.Code != http.StatusOK {
			t.Fatalf("status = %d %s", rec.Code, rec.Body)
		}
		c := seeded["corner-bakery"]
		want := fmt.Sprintf(`{
			"id":"corner-bakery","name":"Community corner-bakery","chain_id":1337,
			"token":{"address":%q,"name":"Community corner-bakery","symbol":%q,"decimals":18},
			"governor":%q,"timelock":%q,"deployment_block":%d,
			"voting_delay":15,"voting_period":300,"timelock_delay":30,"late_quorum_extension":60,
			"proposal_threshold":"1500000000000000000000","quorum_numerator":4,
			"clock_mode":"mode=timestamp","min_reward":"0",
			"total_supply":null,"total_supply_formatted":null,"holders":null,"as_of":null}`,
			c.TokenAddress, c.Symbol, c.GovernorAddress, c.TimelockAddress, c.DeploymentBlock)
		if !jsonEqual(t, rec.Body.Bytes(), want) {
			t.Errorf("body = %s\nwant %s", rec.Body, want)
		}
	})

	t.Run("addresses stored in lower or upper case come back EIP-55", func(t *testing.T) {
		c := newCommunity(9, "lower-case")
		c.TokenAddress = strings.ToLower(c.TokenAddress)
		c.GovernorAddress = strings.ToLower(c.GovernorAddress)
		c.TimelockAddress = "0x" + strings.ToUpper(c.TimelockAddress[2:])
		want := []string{testAddress(9, 1), testAddress(9, 2), testAddress(9, 3)}
		if err := postgres.NewCommunityStore(srv.db).CreateCommunity(t.Context(), c); err != nil {
			t.Fatalf("create community: %v", err)
		}
		got := decode[listResponse](t, srv.get(t, "/v1/communities?cursor="+encodeCursor("corner-bakery")))
		if len(got.Items) != 1 {
			t.Fatalf("got %d items after corner-bakery, want 1", len(got.Items))
		}
		it := got.Items[0]
		if g := []string{it.Token.Address, it.Governor, it.Timelock}; !slices.Equal(g, want) {
			t.Errorf("addresses = %v, want %v", g, want)
		}
	})

	t.Run("an unknown id is a 404 problem", func(t *testing.T) {
		p := wantProblem(t, srv.get(t, "/v1/communities/no-such-community"), http.StatusNotFound)
		if p.Type != "https://guildhall.dev/problems/not-found" {
			t.Errorf("type = %q", p.Type)
		}
	})

	t.Run("an id that could never exist is a 404 problem", func(t *testing.T) {
		wantProblem(t, srv.get(t, "/v1/communities/NOT%20A%20SLUG"), http.StatusNotFound)
	})
}
