package api

import (
	"context"
	"math/big"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/indexer"
)

// newAsOf renders the block a view is true at.
func newAsOf(a guildhall.AsOf) asOfJSON {
	out := asOfJSON{BlockNumber: a.Number, BlockHash: a.Hash}
	if a.Time != 0 {
		out.BlockTime = time.Unix(int64(a.Time), 0).UTC().Format(time.RFC3339)
	}
	return out
}

// indexReader returns the index, or an EUNAVAILABLE error when the server has none.
func (s *server) indexReader() (IndexReader, error) {
	if s.index == nil {
		return nil, guildhall.Errorf(guildhall.EUNAVAILABLE, "chain data is not available: the index is not configured")
	}
	return s.index, nil
}

// amount renders base units as API.md wants them: a decimal string.
func amount(v *big.Int) string {
	if v == nil {
		return "0"
	}
	return v.String()
}

// communityIndexedJSON is GET /v1/communities/{cid}: the community, its settings, and its token
// figures from the index. The index fields are null while the community is not indexed yet (just
// created) or the server has no index. The settings are those in force at as_of (governance may
// have changed them since the community was created) once the index has them, else those the
// community was created with.
type communityIndexedJSON struct {
	communityDetailJSON
	TotalSupply          *string   `json:"total_supply"`
	TotalSupplyFormatted *string   `json:"total_supply_formatted"`
	Holders              *int64    `json:"holders"`
	AsOf                 *asOfJSON `json:"as_of"`
}

// handleGetCommunityIndexed serves one community with its governance settings and, from the
// index, its total supply and holder count as of one block.
func (s *server) handleGetCommunityIndexed(c *gin.Context) {
	ctx := c.Request.Context()
	community, err := s.communities.Community(ctx, c.Param("cid"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	out := communityIndexedJSON{communityDetailJSON: newCommunityDetailJSON(community)}
	if s.index != nil {
		view, err := s.index.CommunityIndex(ctx, community.ID)
		switch {
		case guildhall.ErrorCode(err) == guildhall.EUNAVAILABLE: // not indexed yet: settings only
		case err != nil:
			s.writeError(c, err)
			return
		default:
			supply, formatted, asOf := amount(view.TotalSupply), guildhall.FormatAmount(view.TotalSupply), newAsOf(view.AsOf)
			out.TotalSupply, out.TotalSupplyFormatted, out.Holders, out.AsOf = &supply, &formatted, &view.Holders, &asOf
			out.communityDetailJSON.applyIndexedSettings(view.Settings)
		}
	}
	c.JSON(http.StatusOK, out)
}

// applyIndexedSettings replaces the settings the community was created with by those the index
// found in force on chain (the newest of each change event), where it has them.
func (d *communityDetailJSON) applyIndexedSettings(settings map[string]*big.Int) {
	seconds := func(setting string, dst *int64) {
		if v := settings[setting]; v != nil && v.IsInt64() {
			*dst = v.Int64()
		}
	}
	seconds(indexer.SettingVotingDelay, &d.VotingDelay)
	seconds(indexer.SettingVotingPeriod, &d.VotingPeriod)
	seconds(indexer.SettingTimelockDelay, &d.TimelockDelay)
	seconds(indexer.SettingLateQuorumExtension, &d.LateQuorumExtension)
	if v := settings[indexer.SettingProposalThreshold]; v != nil {
		d.ProposalThreshold = v.String()
	}
	if v := settings[indexer.SettingQuorumNumerator]; v != nil && v.IsUint64() && v.Uint64() <= 255 {
		d.QuorumNumerator = uint8(v.Uint64())
	}
}

// accountJSON is GET /v1/communities/{cid}/accounts/{address}.
type accountJSON struct {
	Address              string   `json:"address"`
	Balance              string   `json:"balance"`
	BalanceFormatted     string   `json:"balance_formatted"`
	VotingPower          string   `json:"voting_power"`
	VotingPowerFormatted string   `json:"voting_power_formatted"`
	Delegate             *string  `json:"delegate"`
	RewardsReceived      string   `json:"rewards_received"`
	AsOf                 asOfJSON `json:"as_of"`
}

func (s *server) handleGetAccount(c *gin.Context) {
	idx, err := s.indexReader()
	if err != nil {
		s.writeError(c, err)
		return
	}
	address, err := parsePathAddress(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	v, err := idx.Account(c.Request.Context(), c.Param("cid"), address)
	if err != nil {
		s.writeError(c, err)
		return
	}
	out := accountJSON{
		Address: v.Address, Balance: amount(v.Balance), BalanceFormatted: guildhall.FormatAmount(v.Balance),
		VotingPower: amount(v.VotingPower), VotingPowerFormatted: guildhall.FormatAmount(v.VotingPower),
		RewardsReceived: amount(v.RewardsReceived), AsOf: newAsOf(v.AsOf),
	}
	if v.Delegate != "" {
		out.Delegate = &v.Delegate
	}
	c.JSON(http.StatusOK, out)
}

// transferJSON is one transfer; timestamp is the block's, RFC 3339.
type transferJSON struct {
	BlockNumber uint64 `json:"block_number"`
	TxHash      string `json:"tx_hash"`
	LogIndex    uint   `json:"log_index"`
	From        string `json:"from"`
	To          string `json:"to"`
	Value       string `json:"value"`
	Timestamp   string `json:"timestamp"`
}

func (s *server) handleListTransfers(c *gin.Context) {
	address, ok := parsed(s, c, parsePathAddress)
	if !ok {
		return
	}
	serveIndexList(s, c, guildhall.ParseChainPosition, func(ctx context.Context, idx IndexReader, page chainPage) (*indexer.List[indexer.TransferView], error) {
		return idx.Transfers(ctx, c.Param("cid"), address, page)
	}, func(t *indexer.TransferView) transferJSON {
		return transferJSON{
			BlockNumber: t.BlockNumber, TxHash: t.TxHash, LogIndex: t.LogIndex, From: t.From, To: t.To,
			Value: amount(t.Value), Timestamp: time.Unix(int64(t.BlockTime), 0).UTC().Format(time.RFC3339),
		}
	})
}

type holderJSON struct {
	Address     string `json:"address"`
	Balance     string `json:"balance"`
	VotingPower string `json:"voting_power"`
}

func (s *server) handleListHolders(c *gin.Context) {
	serveIndexList(s, c, parseHolderPosition, func(ctx context.Context, idx IndexReader, page holderPage) (*indexer.List[indexer.HolderView], error) {
		return idx.Holders(ctx, c.Param("cid"), page)
	}, func(h *indexer.HolderView) holderJSON {
		return holderJSON{Address: h.Address, Balance: amount(h.Balance), VotingPower: amount(h.VotingPower)}
	})
}

// listJSON is one page of an indexed list, every item true at as_of.
type listJSON[J any] struct {
	Items      []J      `json:"items"`
	NextCursor *string  `json:"next_cursor"`
	AsOf       asOfJSON `json:"as_of"`
}

// serveIndexList answers one page of an indexed list: it reads the page parameters (the cursor's
// key as position reads it), fetches the page from the index and writes each item as toJSON
// renders it.
func serveIndexList[P, T, J any](s *server, c *gin.Context, position func(string) (P, bool),
	fetch func(context.Context, IndexReader, guildhall.Page[P]) (*indexer.List[T], error), toJSON func(*T) J) {
	idx, err := s.indexReader()
	if err != nil {
		s.writeError(c, err)
		return
	}
	page, err := parsePage(c, position)
	if err != nil {
		s.writeError(c, err)
		return
	}
	list, err := fetch(c.Request.Context(), idx, page)
	if err != nil {
		s.writeError(c, err)
		return
	}
	out := listJSON[J]{Items: make([]J, 0, len(list.Items)), NextCursor: nextCursor(list.Next), AsOf: newAsOf(list.AsOf)}
	for i := range list.Items {
		out.Items = append(out.Items, toJSON(&list.Items[i]))
	}
	c.JSON(http.StatusOK, out)
}
