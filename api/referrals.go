package api

import (
	"fmt"
	"math/big"

	"github.com/gin-gonic/gin"

	"github.com/guildhall/guildhall"
	"github.com/guildhall/guildhall/health"
	"github.com/guildhall/guildhall/rewards"
)

// Referrals at the edge: a reward's referrer is refused when it is an excluded account the
// server knows (the community's contracts, the operator); the store refuses staff referrers and
// wallets that are members already (postgres/referrals.go).

// referrerHash is what an item's referrer adds to its request hash: nothing without one, so the
// keys of requests made before referrals existed replay as they did.
func referrerHash(it rewards.Request) string {
	if it.Referrer == "" {
		return ""
	}
	return fmt.Sprintf(" referrer=%q", it.Referrer)
}

// checkReferrers refuses, with a 422 naming each item's referrer, a referrer that is the zero
// address, the rewarded wallet, another referrer of the same wallet (rewards.ReferredItems), one
// of the community's contracts or the operator account.
func (s *server) checkReferrers(c *gin.Context, items []rewards.Request, batch bool) error {
	contracts, err := s.communityContracts(c)
	if err != nil {
		return err
	}
	in := rewards.AcceptInput{Items: items, Batch: batch}
	if _, err := rewards.ReferredItems(in); err != nil {
		return err
	}
	var fields []guildhall.FieldError
	for k, it := range items {
		what, ok := contracts[it.Referrer]
		if it.Referrer != "" && it.Referrer == s.stats.Operator {
			what, ok = "operator account", true
		}
		if ok {
			fields = append(fields, guildhall.FieldError{Field: rewards.ItemField(in, k) + "referrer",
				Message: "is this community's " + what + ", an excluded account: it cannot refer members"})
		}
	}
	if len(fields) == 0 {
		return nil
	}
	return &guildhall.Error{Code: guildhall.EUNPROCESSABLE, Message: "referral refused: nothing was recorded", Fields: fields}
}

// ruleKindJSON is what a rule's kind adds to it as the API answers it.
type ruleKindJSON struct {
	Kind               string  `json:"kind"`
	QualifyAfterEarned *string `json:"qualify_after_earned"`
}

func newRuleKindJSON(r *rewards.Rule) ruleKindJSON {
	out := ruleKindJSON{Kind: r.Kind}
	if out.Kind == "" {
		out.Kind = rewards.KindActivity
	}
	if r.QualifyAfterEarned != nil {
		q := r.QualifyAfterEarned.String()
		out.QualifyAfterEarned = &q
	}
	return out
}

// ruleKindRequestJSON is what PUT .../rules/{activity} may say of the rule's kind.
type ruleKindRequestJSON struct {
	Kind               *string `json:"kind"`
	QualifyAfterEarned *string `json:"qualify_after_earned"`
}

// apply sets rule's kind and threshold from the request; the issuer writing the rule is the one
// that pays a referral rule. parse reads an amount field, recording its error.
func (k ruleKindRequestJSON) apply(rule *rewards.Rule, writer *rewards.Issuer, parse func(field, s string) *big.Int) {
	rule.Kind, rule.IssuerID = rewards.KindActivity, writer.ID
	if k.Kind != nil {
		rule.Kind = *k.Kind
	}
	if k.QualifyAfterEarned != nil {
		rule.QualifyAfterEarned = parse("qualify_after_earned", *k.QualifyAfterEarned)
	}
}

// referralsJSON is GET /v1/communities/{cid}/stats/referrals.
type referralsJSON struct {
	health.Referrals
	statsMeta
}

func (s *server) handleStatsReferrals(c *gin.Context) {
	serveStats(s, c, nil, HealthReader.Referrals, func(r *health.ReferralsReport) any {
		return referralsJSON{Referrals: r.Referrals, statsMeta: newStatsMeta(r.Meta)}
	})
}
