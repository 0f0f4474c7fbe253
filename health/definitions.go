package health

import "strings"

// Definition is one metric's (or term's) written definition, as GET /v1/stats/definitions serves
// it and the README prints it.
type Definition struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

// Definitions lists every definition, in reading order: terms first, then the figures of each
// endpoint. The functions of this package compute exactly these.
var Definitions = []Definition{
	// Terms.
	{"today", "The UTC day of the as_of block's timestamp. A window of N days is today-(N-1)..today, whole UTC days, today included; days after today are not counted."},
	{"periods", "Periods are UTC: a day; an ISO week, Monday to Sunday; a calendar month. period_start and cohort_start are the period's first day, as an ISO date. A series from= to= (ISO dates, both included) lists every period holding a day of the range, oldest first, empty ones with zeros; the default is the last 12 periods up to and including today's."},
	{"member", "A wallet with at least one accepted (not failed) reward in the community. Membership starts on the day of the first reward: activity on earlier days does not count."},
	{"holder", "An account with a token balance > 0 at as_of."},
	{"excluded_accounts", "The zero address, the community's token, governor and timelock, the operator account and the community's staff list. They are never members, holders, voters, delegates or delegators in any statistic, retroactively: adding a staff address removes its past from every period, its rewards from rewards, rewards_amount, by_activity and by_issuer, and its votes from voters and turnout's weight."},
	{"activity", "A member is active on a UTC day when, that day, (a) a reward to them was accepted (ledger time: kind reward), or (b) a block with that day's timestamp holds an action they took (kind chain): a Transfer they sent, an explicit delegation, a vote (VoteCast or VoteCastWithParams, relayed ones too) or a proposal they created. The automatic self-delegation, a DelegateChanged(X, 0x0 -> X) in the same transaction as a Transfer to X, is not activity; any other DelegateChanged by X is."},
	// Overview.
	{"members", "Members at today: accounts whose first reward was accepted on or before today."},
	{"holders", "Holders at as_of."},
	{"active_7d", "Members active on at least one day of today-6..today."},
	{"active_28d", "Members active on at least one day of today-27..today."},
	{"new_members_28d", "Members whose first reward was in today-27..today."},
	{"participation_28d", "active_28d / members; null when there are no members."},
	{"retention_m1", "Of the members whose first reward was 28..55 days before today (today-55..today-28), the share active in today-27..today; null when there are none."},
	{"voting_power", "gini, nakamoto and top10_share of the voting power now, as defined under concentration."},
	{"delegates_active", "How many delegates have status active."},
	{"dormant_voting_power_share", "The voting power of the delegates with status ghost over the voting power of all delegates; null when that is 0."},
	// Activity series.
	{"activity.new_members", "Members whose first reward fell in the period."},
	{"activity.active_members", "Members active on at least one day of the period."},
	{"activity.active_reward", "Members with a reward accepted in the period."},
	{"activity.active_chain", "Members with an action on chain in the period."},
	{"activity.active_both", "Members with both kinds of activity in the period, not necessarily on the same day."},
	{"activity.rewards", "Rewards accepted in the period to non-excluded members."},
	{"activity.rewards_amount", "The sum of those rewards' amounts, a decimal string."},
	{"activity.holders_end", "Holders at the last block of the period; for the current period, holders at as_of."},
	// Retention.
	{"retention.cohort", "The members whose first reward fell in the period cohort_start (a week or a month); size is how many."},
	{"retention.retained", "retained[k] = how many of the cohort were active in period cohort+k on the chosen basis (any: either kind; reward; chain); retained[0] = size. periods=N lists the last N cohorts up to and including the current period, oldest first, each retained running from its own period to the current one (the newest has one entry)."},
	// Lifecycle.
	{"lifecycle.new", "Members whose first reward fell in the period."},
	{"lifecycle.returning", "Members active in the period and in the previous period."},
	{"lifecycle.resurrected", "Members active in the period, not in the previous period, and active some time before it."},
	{"lifecycle.dormant", "Members active in the previous period and not in this one."},
	{"lifecycle.churn_rate", "dormant / members active in the previous period; null when none were. A period that starts after today has zeros and a null churn_rate."},
	// Governance.
	{"governance.proposals", "The last N proposals by creation, newest first; ids are decimal strings."},
	{"governance.eligible", "Accounts with voting power > 0 at the proposal's snapshot. Null, like voters, participation and turnout, while the snapshot is ahead."},
	{"governance.voters", "Accounts that voted with weight > 0 (a weight-0 vote is still activity)."},
	{"governance.participation", "voters / eligible; null when no account is eligible."},
	{"governance.turnout", "(for + against + abstain weight of the counted voters) / total supply at the snapshot."},
	{"governance.participation_mean", "The mean of the non-null participations of the N proposals; null when there are none."},
	{"governance.member_proposed_share", "The share of the N proposals whose proposer is a member, not the operator; null with no proposal."},
	{"governance.median_hours_to_execution", "The median, over the executed ones of the N proposals, of the hours from the ProposalCreated block to the execution block (governor or timelock event); null when none was executed."},
	// Delegates.
	{"delegate", "An account with voting power > 0 now or a delegator pointing at it."},
	{"delegates.delegators", "Accounts (any balance) whose current delegate is this address, itself included when self-delegated."},
	{"delegates.eligible_proposals", "Of the 10 most recently created proposals whose snapshot has passed (open ones included), those where the delegate had voting power > 0 at the snapshot."},
	{"delegates.votes_cast", "The delegate's votes among its eligible proposals."},
	{"delegates.participation", "votes_cast / eligible_proposals; null with no eligible proposal."},
	{"delegates.status", "active when participation >= 0.7; inactive when it is > 0; ghost when it is 0 and the delegate has voting power > 0 now; null with no eligible proposal (or participation 0 and no voting power now)."},
	// Concentration.
	{"concentration", "Over the non-excluded accounts with a value (voting power or balance) > 0; shares are of those accounts' total; accounts is how many were counted. Every figure is null when none was."},
	{"concentration.gini", "The population Gini coefficient: the sum over all ordered pairs of |x_i - x_j| / (2 n^2 mean); 0 when all are equal."},
	{"concentration.nakamoto", "The fewest accounts, largest first, whose sum exceeds half the total."},
	{"concentration.top10_share", "The share of the total held by the 10 largest accounts."},
	{"concentration.hhi", "The Herfindahl-Hirschman index: the sum of the squared shares (0..1)."},
	{"concentration.min_for_quorum", "The fewest non-excluded delegates, largest voting power first, whose votes reach the current quorum (totalSupply(as_of) x quorumNumerator / quorumDenominator); null when unreachable."},
	// Contribution.
	{"contribution.window", "days=N (default 90): today-(N-1)..today."},
	{"contribution.by_activity", "Per activity: rewards accepted in the window, their amount and how many distinct members received them."},
	{"contribution.by_issuer", "Per issuer: rewards accepted in the window, their amount and how many distinct members received them."},
	{"contribution.power_follows_contribution", "The Spearman rank correlation, over all members, between tokens earned in the window and voting power now; ties get average ranks; null with fewer than two members or no variance."},
	{"contribution.earners_never_voted_share", "Members active in the window who have never voted (a vote of any weight), over members active in the window; null when none was active."},
	// At risk.
	{"at_risk", "Among members with an active day in today-89..today, the top quartile by active days in those 90 days (the ceil(n/4) most active, ties at the boundary in), who have been silent (today - last_active) for at least min(28, 2 x usual gap) days. The usual gap is the median of the days between consecutive active days in those 90 days; a member with a single active day has none, so 28 applies."},
	// Referrals.
	{"referrals.referred", "Members whose first reward named a referrer (the wallet that referred them), neither of the two an excluded account."},
	{"referrals.qualified", "Of the referred members, those whose referral qualified on or before today (ledger time): their accepted (not failed) earnings reached the community's referral rule's qualify_after_earned while the rule applied, which rewards the referrer once."},
	{"referrals.referred_share_28d", "referred_new_28d / new_members_28d: of the members whose first reward was in today-27..today, the share referred; null when there are none."},
	{"referrals.retention_m1", "retention_m1 of the referred members (referred) and of the other members (organic), each over its own cohort (first reward in today-55..today-28; referred_cohort and organic_cohort are their sizes); each null when its cohort is empty."},
	// Ratios and empty sets.
	{"empty_sets", "Ratios are numbers in [0, 1] (power_follows_contribution in [-1, 1]); a ratio over an empty set is null, never a division error. Counts are integers; token amounts are decimal strings; ledger_through is null before the first reward."},
}

// DefinitionsMarkdown renders Definitions as a Markdown list for the README: one item per
// definition, its name in code type.
func DefinitionsMarkdown() string {
	var b strings.Builder
	for _, d := range Definitions {
		b.WriteString("- `" + d.Name + "`: " + d.Text + "\n")
	}
	return b.String()
}
