package api

import (
	"math/big"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/rewards"
)

// ruleJSON is a reward rule as the API reads and writes it. Amounts are decimal strings of base
// units; times are RFC 3339.
type ruleJSON struct {
	Activity     string     `json:"activity"`
	Amount       string     `json:"amount"`
	CapPerMember *string    `json:"cap_per_member"`
	CapPeriod    *string    `json:"cap_period"`
	ActiveFrom   *time.Time `json:"active_from"`
	ActiveUntil  *time.Time `json:"active_until"`
	UpdatedAt    *time.Time `json:"updated_at,omitempty"`
	ruleKindJSON
}

func newRuleJSON(r *rewards.Rule) ruleJSON {
	out := ruleJSON{Activity: r.Activity, Amount: r.Amount.String(), ActiveFrom: r.ActiveFrom, ActiveUntil: r.ActiveUntil}
	if r.CapPerMember != nil {
		c, p := r.CapPerMember.String(), string(r.CapPeriod)
		out.CapPerMember, out.CapPeriod = &c, &p
	}
	u := r.UpdatedAt.UTC()
	out.UpdatedAt = &u
	out.ruleKindJSON = newRuleKindJSON(r)
	return out
}

// handleListRules answers the community's current rules.
func (s *server) handleListRules(c *gin.Context) {
	rules, err := s.rewards.Rules(c.Request.Context(), issuerOf(c).CommunityID)
	if err != nil {
		s.writeError(c, err)
		return
	}
	items := make([]ruleJSON, len(rules))
	for k, r := range rules {
		items[k] = newRuleJSON(r)
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next_cursor": nil})
}

// ruleRequestJSON is PUT .../rules/{activity}: the activity may be left out.
type ruleRequestJSON struct {
	Activity     *string `json:"activity"`
	Amount       string  `json:"amount"`
	CapPerMember *string `json:"cap_per_member"`
	CapPeriod    *string `json:"cap_period"`
	ActiveFrom   *string `json:"active_from"`
	ActiveUntil  *string `json:"active_until"`
	ruleKindRequestJSON
}

// handlePutRule creates or replaces the rule of one activity.
func (s *server) handlePutRule(c *gin.Context) {
	var body ruleRequestJSON
	if err := decodeJSON(c, &body, maxRewardsBody); err != nil {
		s.writeError(c, err)
		return
	}
	var fields fieldErrors
	rule := &rewards.Rule{CommunityID: issuerOf(c).CommunityID, Activity: c.Param("activity"),
		ActiveFrom: parseTime(&fields, "active_from", body.ActiveFrom), ActiveUntil: parseTime(&fields, "active_until", body.ActiveUntil)}
	if body.Activity != nil && *body.Activity != rule.Activity {
		fields.add("activity", "must match the activity in the path, or be left out")
	}
	parse := func(field, s string) *big.Int {
		// As for reward amounts: a '-' passes here and is refused below as not positive.
		v, ok := parseAmount(s)
		if !ok {
			fields.add(field, "must be a decimal string of base units")
		}
		return v
	}
	rule.Amount = parse("amount", body.Amount)
	if body.CapPerMember != nil {
		rule.CapPerMember = parse("cap_per_member", *body.CapPerMember)
	}
	if body.CapPeriod != nil {
		rule.CapPeriod = rewards.CapPeriod(*body.CapPeriod)
	}
	body.ruleKindRequestJSON.apply(rule, issuerOf(c), parse)
	if len(fields) == 0 {
		if err := rewards.ValidateRule(rule); err != nil {
			fields = guildhall.ErrorFields(err)
		}
	}
	if len(fields) > 0 {
		s.writeError(c, &guildhall.Error{Code: guildhall.EINVALID, Message: "invalid rule", Fields: fields})
		return
	}
	if err := s.rewards.PutRule(c.Request.Context(), rule); err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, newRuleJSON(rule))
}
