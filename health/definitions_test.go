package health_test

import (
	"strings"
	"testing"

	"github.com/guildhall/guildhall/health"
)

func TestDefinitionsNameEveryFigureOnce(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range health.Definitions {
		if d.Name == "" || strings.TrimSpace(d.Text) == "" {
			t.Errorf("empty definition %+v", d)
		}
		if seen[d.Name] {
			t.Errorf("%s defined twice", d.Name)
		}
		seen[d.Name] = true
	}
	for _, name := range []string{
		"today", "member", "holder", "excluded_accounts", "activity",
		"members", "holders", "active_7d", "active_28d", "new_members_28d", "participation_28d",
		"retention_m1", "voting_power", "delegates_active", "dormant_voting_power_share",
		"activity.new_members", "activity.active_members", "activity.active_reward", "activity.active_chain",
		"activity.active_both", "activity.rewards", "activity.rewards_amount", "activity.holders_end",
		"retention.cohort", "retention.retained",
		"lifecycle.new", "lifecycle.returning", "lifecycle.resurrected", "lifecycle.dormant", "lifecycle.churn_rate",
		"governance.eligible", "governance.voters", "governance.participation", "governance.turnout",
		"governance.participation_mean", "governance.member_proposed_share", "governance.median_hours_to_execution",
		"delegate", "delegates.delegators", "delegates.eligible_proposals", "delegates.votes_cast",
		"delegates.participation", "delegates.status",
		"concentration.gini", "concentration.nakamoto", "concentration.top10_share", "concentration.hhi",
		"concentration.min_for_quorum",
		"contribution.by_activity", "contribution.by_issuer", "contribution.power_follows_contribution",
		"contribution.earners_never_voted_share", "at_risk",
	} {
		if !seen[name] {
			t.Errorf("no definition of %s", name)
		}
	}
}

func TestDefinitionsMarkdownIsOneItemPerDefinition(t *testing.T) {
	md := health.DefinitionsMarkdown()
	lines := strings.Split(strings.TrimSuffix(md, "\n"), "\n")
	if len(lines) != len(health.Definitions) {
		t.Fatalf("%d lines for %d definitions", len(lines), len(health.Definitions))
	}
	if !strings.HasPrefix(lines[0], "- `today`: The UTC day of the as_of block") {
		t.Errorf("first line = %q", lines[0])
	}
}
