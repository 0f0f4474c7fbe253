package api

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/rewards"
)

// rewardRequestJSON is one reward as an issuer sends it. Amount is a decimal string of base units.
type rewardRequestJSON struct {
	Wallet    string  `json:"wallet"`
	Activity  string  `json:"activity"`
	Reference string  `json:"reference,omitempty"`
	Amount    *string `json:"amount,omitempty"`
	Referrer  string  `json:"referrer,omitempty"` // on a new member's first reward (api/referrals.go)
}

// rewardJSON is one reward as the API answers it.
type rewardJSON struct {
	ID          *string `json:"id"`
	Status      string  `json:"status"`
	Wallet      string  `json:"wallet"`
	Activity    string  `json:"activity"`
	Reference   *string `json:"reference"`
	Amount      string  `json:"amount"`
	AmountFmt   string  `json:"amount_formatted"`
	TxHash      *string `json:"tx_hash"`
	BlockNumber *uint64 `json:"block_number"`
	CreatedAt   *string `json:"created_at"`
}

func newRewardJSON(r *rewards.Reward, dryRun bool) rewardJSON {
	out := rewardJSON{Status: r.Status, Wallet: r.Wallet, Activity: r.Activity, Amount: r.Amount.String(), AmountFmt: guildhall.FormatAmount(r.Amount)}
	if !dryRun {
		id := strconv.FormatInt(r.ID, 10)
		created := r.CreatedAt.UTC().Format(time.RFC3339Nano)
		out.ID, out.CreatedAt = &id, &created
	}
	if r.Reference != "" {
		ref := r.Reference
		out.Reference = &ref
	}
	if r.TxHash != "" {
		h, b := r.TxHash, r.BlockNumber
		out.TxHash = &h
		if b > 0 {
			out.BlockNumber = &b
		}
	}
	return out
}

// toRequest validates one item: every problem is a field error under field.
func (r rewardRequestJSON) toRequest(field string) (rewards.Request, []guildhall.FieldError) {
	req := rewards.Request{Wallet: r.Wallet, Activity: r.Activity, Reference: r.Reference, Referrer: r.Referrer}
	var fields []guildhall.FieldError
	if r.Amount != nil {
		if v, ok := parseAmount(*r.Amount); ok {
			req.Amount = v
		} else {
			fields = append(fields, guildhall.FieldError{Field: field + "amount", Message: "must be a decimal string of base units, e.g. \"1000000000000000000\" for one token"})
		}
	}
	req, more := req.Normalize(field)
	return req, append(fields, more...)
}

// requestHash identifies a request for its idempotency key: the normalized items, so the same
// request in another JSON layout is the same request.
func requestHash(kind string, items []rewards.Request) []byte {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n", kind)
	for _, it := range items {
		amount := "-"
		if it.Amount != nil {
			amount = it.Amount.String()
		}
		fmt.Fprintf(h, "%q %q %q %s%s\n", it.Wallet, it.Activity, it.Reference, amount, referrerHash(it))
	}
	return h.Sum(nil)
}

// handleCreateReward records one reward.
func (s *server) handleCreateReward(c *gin.Context) {
	var body rewardRequestJSON
	s.acceptRewards(c, "single", func() ([]rewards.Request, error) {
		if err := decodeJSON(c, &body, maxRewardsBody); err != nil {
			return nil, err
		}
		req, fields := body.toRequest("")
		if len(fields) > 0 {
			return nil, &guildhall.Error{Code: guildhall.EINVALID, Message: "invalid reward", Fields: fields}
		}
		return []rewards.Request{req}, nil
	}, func(rs []*rewards.Reward, dry bool) any {
		return newRewardJSON(rs[0], dry)
	})
}

// rewardBatchJSON is POST .../rewards:batch.
type rewardBatchJSON struct {
	Items []rewardRequestJSON `json:"items"`
}

// handleCreateRewardBatch records up to 1000 rewards, all or none.
func (s *server) handleCreateRewardBatch(c *gin.Context) {
	var body rewardBatchJSON
	s.acceptRewards(c, "batch", func() ([]rewards.Request, error) {
		if err := decodeJSON(c, &body, maxRewardsBody); err != nil {
			return nil, err
		}
		if len(body.Items) == 0 || len(body.Items) > rewards.MaxBatchItems {
			return nil, &guildhall.Error{Code: guildhall.EINVALID, Message: "invalid batch",
				Fields: []guildhall.FieldError{{Field: "items", Message: fmt.Sprintf("must hold 1 to %d rewards", rewards.MaxBatchItems)}}}
		}
		reqs := make([]rewards.Request, len(body.Items))
		var fields []guildhall.FieldError
		for k, it := range body.Items {
			req, fe := it.toRequest(fmt.Sprintf("items[%d].", k))
			reqs[k], fields = req, append(fields, fe...)
		}
		if len(fields) > 0 {
			return nil, &guildhall.Error{Code: guildhall.EINVALID, Message: "invalid batch: nothing was recorded", Fields: fields}
		}
		return reqs, nil
	}, func(rs []*rewards.Reward, dry bool) any {
		items := make([]rewardJSON, len(rs))
		for k, r := range rs {
			items[k] = newRewardJSON(r, dry)
		}
		return gin.H{"items": items}
	})
}

// acceptRewards is the shared path of both reward endpoints.
func (s *server) acceptRewards(c *gin.Context, kind string, parse func() ([]rewards.Request, error), render func([]*rewards.Reward, bool) any) {
	dry, err := parseDryRun(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	key, err := idempotencyKey(c, dry)
	if err != nil {
		s.writeError(c, err)
		return
	}
	items, err := parse()
	if err == nil {
		err = s.checkRecipients(c, items, kind == "batch")
	}
	if err == nil {
		err = s.checkReferrers(c, items, kind == "batch")
	}
	if err != nil {
		s.writeError(c, err)
		return
	}
	out, err := s.rewards.Accept(c.Request.Context(), rewards.AcceptInput{
		Issuer: issuerOf(c), KeyHash: keyHashOf(c), IdempotencyKey: key, RequestHash: requestHash(kind, items), Items: items, Batch: kind == "batch",
		DryRun: dry, Now: time.Now(),
		Render: func(rs []*rewards.Reward) ([]byte, error) {
			v := render(rs, dry)
			if dry {
				return json.Marshal(gin.H{"dry_run": true, "result": v})
			}
			return json.Marshal(v)
		},
	})
	if err != nil {
		if guildhall.ErrorCode(err) == guildhall.EUNAUTHORIZED {
			s.issuerKeys.forget(keyHashOf(c)) // revoked or rotated since it was cached
		}
		s.writeError(c, err)
		return
	}
	status := http.StatusAccepted
	if dry {
		status = http.StatusOK
	}
	if out.Replayed {
		c.Header("Idempotent-Replayed", "true")
	}
	c.Data(status, "application/json; charset=utf-8", out.Body)
}

// handleGetReward answers one reward of the issuer's community.
func (s *server) handleGetReward(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		s.writeError(c, guildhall.Errorf(guildhall.ENOTFOUND, "reward %q not found", c.Param("id")))
		return
	}
	r, err := s.rewards.Reward(c.Request.Context(), issuerOf(c).CommunityID, id)
	if err == nil && !seesAllRewards(c) && r.IssuerID != issuerOf(c).ID {
		// Another issuer's reward is as unknown to this key as one that does not exist.
		err = guildhall.Errorf(guildhall.ENOTFOUND, "reward %d not found in community %q", id, r.CommunityID)
	}
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, newRewardJSON(r, false))
}

// handleListRewards lists the community's rewards newest first, filtered by wallet, activity, status:
// every issuer's to a key with the rules scope, the key's own issuer's to any other.
func (s *server) handleListRewards(c *gin.Context) {
	p, err := parsePage(c, idPosition)
	if err != nil {
		s.writeError(c, err)
		return
	}
	f := rewards.RewardFilter{Activity: c.Query("activity"), Status: c.Query("status"), Limit: p.Limit + 1}
	if !seesAllRewards(c) {
		f.IssuerID = issuerOf(c).ID
	}
	if p.After != nil {
		f.BeforeID = *p.After
	}
	var fields []guildhall.FieldError
	if w := c.Query("wallet"); w != "" {
		req, fe := rewards.Request{Wallet: w, Activity: "x"}.Normalize("")
		fields = append(fields, fe...)
		f.Wallet = req.Wallet
	}
	// A malformed activity can match no reward: say so rather than answer an empty list.
	if f.Activity != "" {
		if fe := rewards.ValidateActivity("activity", f.Activity); fe != nil {
			fields = append(fields, *fe)
		}
	}
	switch f.Status {
	case "", rewards.StatusPending, rewards.StatusSubmitted, rewards.StatusConfirmed, rewards.StatusFailed:
	default:
		fields = append(fields, guildhall.FieldError{Field: "status", Message: "must be pending, submitted, confirmed or failed"})
	}
	if len(fields) > 0 {
		s.writeError(c, &guildhall.Error{Code: guildhall.EINVALID, Message: "invalid filters", Fields: fields})
		return
	}
	rs, err := s.rewards.Rewards(c.Request.Context(), issuerOf(c).CommunityID, f)
	if err != nil {
		s.writeError(c, err)
		return
	}
	var next *string
	if len(rs) > p.Limit {
		rs = rs[:p.Limit]
		cur := encodeCursor(strconv.FormatInt(rs[len(rs)-1].ID, 10))
		next = &cur
	}
	items := make([]rewardJSON, len(rs))
	for k, r := range rs {
		items[k] = newRewardJSON(r, false)
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next_cursor": next})
}

// handleGetIssuer answers the authenticated issuer's budget.
func (s *server) handleGetIssuer(c *gin.Context) {
	iss, err := s.rewards.Issuer(c.Request.Context(), issuerOf(c).ID)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{
		"id": strconv.FormatInt(iss.ID, 10), "community": iss.CommunityID, "name": iss.Name,
		"budget": iss.Budget.String(), "spent": iss.Spent.String(), "remaining": iss.Remaining().String(),
		"budget_formatted": guildhall.FormatAmount(iss.Budget), "remaining_formatted": guildhall.FormatAmount(iss.Remaining()),
		"scopes": guildhall.ScopeNames(iss.Scopes),
	})
}

// leaderEntryJSON is one place on the leaderboard. Balance is the indexed balance at the page's
// as_of; null (as as_of is) while the indexer has not reached the community.
type leaderEntryJSON struct {
	Rank             int     `json:"rank"`
	Address          string  `json:"address"`
	Earned           string  `json:"earned"`
	EarnedFormatted  string  `json:"earned_formatted"`
	Balance          *string `json:"balance"`
	BalanceFormatted *string `json:"balance_formatted"`
}

// leaderboardJSON is one page of the leaderboard; earned comes from the ledger, balances from the
// index, both read at as_of.
type leaderboardJSON struct {
	Items      []leaderEntryJSON `json:"items"`
	NextCursor *string           `json:"next_cursor"`
	AsOf       *asOfJSON         `json:"as_of"`
}

// handleLeaderboard ranks a community's members by earned rewards in a period (public); with
// ?season= it is that season's leaderboard (api/recognition_seasons.go).
func (s *server) handleLeaderboard(c *gin.Context) {
	if c.Query("season") != "" {
		s.handleSeasonLeaderboard(c)
		return
	}
	if s.rewards == nil {
		s.writeError(c, guildhall.Errorf(guildhall.EUNAVAILABLE, "rewards are not enabled on this server"))
		return
	}
	p, err := parsePage(c, offsetPosition)
	if err != nil {
		s.writeError(c, err)
		return
	}
	var since time.Time
	switch period := c.DefaultQuery("period", "all"); period {
	case "7d":
		since = time.Now().Add(-7 * 24 * time.Hour)
	case "30d":
		since = time.Now().Add(-30 * 24 * time.Hour)
	case "all":
	default:
		s.writeError(c, &guildhall.Error{Code: guildhall.EINVALID, Message: "invalid period", Fields: []guildhall.FieldError{{Field: "period", Message: "must be 7d, 30d or all"}}})
		return
	}
	offset := 0
	if p.After != nil {
		offset = *p.After
	}
	// The store answers ENOTFOUND for an unknown community.
	page, err := s.rewards.Leaderboard(c.Request.Context(), c.Param("cid"), since, offset, p.Limit+1)
	if err != nil {
		s.writeError(c, err)
		return
	}
	entries := page.Entries
	out := leaderboardJSON{Items: make([]leaderEntryJSON, 0, len(entries))}
	if len(entries) > p.Limit {
		entries = entries[:p.Limit]
		cur := encodeCursor(strconv.Itoa(offset + p.Limit))
		out.NextCursor = &cur
	}
	if page.AsOf != nil {
		a := newAsOf(*page.AsOf)
		out.AsOf = &a
	}
	for _, e := range entries {
		item := leaderEntryJSON{Rank: e.Rank, Address: e.Wallet, Earned: e.Earned.String(), EarnedFormatted: guildhall.FormatAmount(e.Earned)}
		if e.Balance != nil {
			b, f := e.Balance.String(), guildhall.FormatAmount(e.Balance)
			item.Balance, item.BalanceFormatted = &b, &f
		}
		out.Items = append(out.Items, item)
	}
	c.JSON(http.StatusOK, out)
}

// checkRecipients refuses rewards to the community's own token, governor and timelock.
// A community's contracts never change once deployed, so they are read once per community and
// process, not on every reward request.
func (s *server) checkRecipients(c *gin.Context, items []rewards.Request, batch bool) error {
	contracts, err := s.communityContracts(c)
	if err != nil {
		return err
	}
	return rewards.CheckRecipients(items, batch, contracts)
}

// communityContracts maps the token, governor and timelock addresses of the community in the
// path (EIP-55) to what each is.
func (s *server) communityContracts(c *gin.Context) (map[string]string, error) {
	id := c.Param("cid")
	contracts, ok := s.contracts.Load(id)
	if !ok {
		community, err := s.communities.Community(c.Request.Context(), id)
		if err != nil {
			return nil, err
		}
		contracts, _ = s.contracts.LoadOrStore(id, map[string]string{
			community.TokenAddress: "token", community.GovernorAddress: "governor", community.TimelockAddress: "timelock"})
	}
	return contracts.(map[string]string), nil
}
