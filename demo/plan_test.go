package demo

import (
	"crypto/ecdsa"
	"testing"
	"time"

	"github.com/guildhall/guildhall/chain"
)

// TestStartIsMidnightMonthsAgo: the dev chain's clock starts at a midnight HistoryDays before
// today, whatever the time of day, so the history ends yesterday.
func TestStartIsMidnightMonthsAgo(t *testing.T) {
	now := time.Date(2026, 12, 6, 23, 59, 30, 0, time.FixedZone("CET", 3600))
	got := Start(now)
	if want := time.Date(2026, 6, 7, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("Start(%s) = %s, want %s", now, got, want)
	}
}

// TestPlanTellsTheStory checks the planned history has what the dashboard needs: members joining
// over the months (more of them lately), casual members going quiet, delegators of an active
// delegate and of one that stopped voting, dev accounts that are members and leave every vote to
// whoever holds their keys, and the same plan on every start.
func TestPlanTellsTheStory(t *testing.T) {
	var keys []*ecdsa.PrivateKey
	for _, a := range chain.DevAccounts()[1:4] {
		keys = append(keys, a.Key)
	}
	start := Start(time.Now())
	p, again := newPlan(start, keys), newPlan(start, keys)

	if len(p.members) != GeneratedMembers+3 {
		t.Fatalf("plan has %d members, want %d", len(p.members), GeneratedMembers+3)
	}
	firstHalf, quiet, toActive, toGhost := 0, 0, 0, 0
	for k, m := range p.members {
		if m.addr != again.members[k].addr || m.join != again.members[k].join || m.quiet != again.members[k].quiet {
			t.Fatalf("member %d differs between two plans: the demo would not be the same story on every start", k)
		}
		if m.join < 0 || m.join >= HistoryDays || m.quiet <= m.join {
			t.Errorf("%s joins on day %d and goes quiet on day %d", m.label, m.join, m.quiet)
		}
		if m.join < HistoryDays/2 {
			firstHalf++
		}
		if m.quiet < HistoryDays-28 {
			quiet++
		}
		switch m.delegate {
		case p.active:
			toActive++
		case p.ghost:
			toGhost++
			if m.delegateDay >= HistoryDays-proposals[2].ago {
				t.Errorf("%s delegates to the ghost on day %d, after it stopped voting", m.label, m.delegateDay)
			}
		}
		if m.delegate != nil && m.delegateDay <= m.join {
			t.Errorf("%s delegates on day %d, before its membership starts (day %d)", m.label, m.delegateDay, m.join)
		}
	}
	t.Logf("%d members join in the first half, %d go quiet before the last four weeks; %d delegate to the active delegate, %d to the ghost",
		firstHalf, quiet, toActive, toGhost)
	if firstHalf < 30 || firstHalf > len(p.members)/2 {
		t.Errorf("%d members join in the first half of the history; want a growing community (some, but fewer than half)", firstHalf)
	}
	if quiet < 40 {
		t.Errorf("only %d members go quiet before the last four weeks; retention would show no churn", quiet)
	}
	if toActive < 20 || toGhost < 8 {
		t.Errorf("%d delegate to the active delegate and %d to the ghost; want both groups", toActive, toGhost)
	}
	for _, m := range p.members[GeneratedMembers:] {
		if !m.neverVotes || m.quiet != HistoryDays || m.delegate != nil {
			t.Errorf("%s: neverVotes %v, quiet from day %d, delegate %v; want a member to the end who keeps its votes", m.label, m.neverVotes, m.quiet, m.delegate)
		}
	}
	checkReferralPlan(t, p)
	states := map[outcome]bool{}
	for _, pp := range proposals {
		states[pp.outcome] = true
	}
	for _, want := range []outcome{executed, defeated, noQuorum, queued, succeeded, stillOpen} {
		if !states[want] {
			t.Errorf("no proposal is planned to end %s", want)
		}
	}
}

// checkReferralPlan: some members join referred by a member who joined before them and was not
// referred itself, some of them lately (so the share of new members referred is not zero).
func checkReferralPlan(t *testing.T, p *plan) {
	t.Helper()
	referred, lately := 0, 0
	for _, m := range p.members {
		if m.referrer == nil {
			continue
		}
		referred++
		if m.join >= HistoryDays-28 {
			lately++
		}
		if m.referrer.join >= m.join || m.referrer.referrer != nil || m.referrer == m {
			t.Errorf("%s (day %d) is referred by %s (day %d, referred by %v)", m.label, m.join, m.referrer.label, m.referrer.join, m.referrer.referrer)
		}
	}
	t.Logf("%d members join referred, %d of them in the last four weeks", referred, lately)
	if referred < 20 || lately < 2 {
		t.Errorf("%d members join referred, %d in the last four weeks; want 20 and 2 at least", referred, lately)
	}
}
