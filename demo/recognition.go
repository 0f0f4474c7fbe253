package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/guildhall/guildhall/health"
	"github.com/guildhall/guildhall/recognition"
)

// RecognitionStore is what the demo's recognition history needs of the recognition store
// (postgres.RecognitionStore): the rules, the seasons and the engine that decides them.
type RecognitionStore interface {
	PutLadder(ctx context.Context, community string, l recognition.Ladder) error
	PutRole(ctx context.Context, community, name string, spec recognition.RoleSpec) (*recognition.Role, error)
	PutSeason(ctx context.Context, community string, season *recognition.Season) error
	Evaluate(ctx context.Context, scope health.Scope) (*recognition.Evaluation, error)
}

// Recognition lays down the demo's recognition history as its days pass (its AfterDay is
// Config.AfterDay): on the first day the community's rules are written (a level ladder, badges, a
// tier and two seasons, one that ends within the history and one running today); then, every
// EvaluateEvery days and on the last one, the recognition engine decides levels, roles and badges
// from the history indexed so far, at that day's block, so levels rise and fall as members come
// and go, and the season that ended is sealed by the engine. Nothing is written but the rules.
type Recognition struct {
	Store RecognitionStore
	Scope health.Scope
	// Indexed waits until the index has reached the chain's head.
	Indexed func(ctx context.Context) error
	// Decisions counts the evaluations made and Events the changes they decided.
	Decisions, Events int
	day               int
}

// EvaluateEvery is how many days of history pass between two of the demo's evaluations (serve's
// own recognition loop may evaluate in between): a fortnight, which decides the same levels and
// badges at the end as every week did (a badge is kept once earned, a level drops at most once in
// 30 days) in half the evaluations.
const EvaluateEvery = 14

// AfterDay is Config.AfterDay: day is the midnight of the history's day just laid down.
func (r *Recognition) AfterDay(ctx context.Context, day time.Time) error {
	d := r.day
	r.day++
	if d == 0 {
		if err := r.writeRules(ctx, day.AddDate(0, 0, HistoryDays)); err != nil {
			return err
		}
	}
	if !evaluatesOn(d) {
		return nil
	}
	if err := r.Indexed(ctx); err != nil {
		return err
	}
	ev, err := r.Store.Evaluate(ctx, r.Scope)
	if err != nil {
		return fmt.Errorf("demo: evaluate recognition: %w", err)
	}
	r.Decisions, r.Events = r.Decisions+1, r.Events+ev.Events
	return nil
}

// writeRules writes the demo's ladder, roles and seasons; today is the day the history ends on.
func (r *Recognition) writeRules(ctx context.Context, today time.Time) error {
	cid := r.Scope.Community
	if err := r.Store.PutLadder(ctx, cid, Ladder()); err != nil {
		return fmt.Errorf("demo: level ladder: %w", err)
	}
	for _, role := range roles() {
		if _, err := r.Store.PutRole(ctx, cid, role.name, role.spec); err != nil {
			return fmt.Errorf("demo: role %s: %w", role.name, err)
		}
	}
	for _, s := range Seasons(today) {
		if err := r.Store.PutSeason(ctx, cid, s); err != nil {
			return fmt.Errorf("demo: season %s: %w", s.ID, err)
		}
	}
	return nil
}

// Ladder is the demo's level ladder: the default ladder's names with thresholds a café and bike
// shop community of casual, regular and core members spreads over (the default's top levels ask
// for more than six months of history can give).
func Ladder() recognition.Ladder {
	level := func(name string, earned int64, days int) recognition.Level {
		return recognition.Level{Name: name, MinEarned365d: tokens(earned), MinActiveDays90d: days}
	}
	return recognition.Ladder{
		level("newcomer", 0, 0), level("regular", 10, 2), level("contributor", 100, 6),
		level("champion", 300, 14), level("ambassador", 800, 24),
	}
}

// demoRole is a role of the demo community and its rule.
type demoRole struct {
	name string
	spec recognition.RoleSpec
}

// roles are the demo's badges (kept once earned; friend-bringer for a member whose referral
// qualified) and one tier (the champions' early access,
// held while it holds, with two weeks' grace).
func roles() []demoRole {
	n := func(v int) *recognition.Threshold { return &recognition.Threshold{Text: fmt.Sprint(v)} }
	days := func(v int) *int { return &v }
	activity := func(a string) *string { return &a }
	badge := func(c ...recognition.ConditionSpec) recognition.RoleSpec {
		return recognition.RoleSpec{Kind: "badge", All: c}
	}
	return []demoRole{
		{"first-vote", badge(recognition.ConditionSpec{"votes": {Min: n(1), LastProposals: days(100)}})},
		{"cafe-regular", badge(recognition.ConditionSpec{"activity_count": {Min: n(10), Activity: activity("purchase"), WindowDays: days(365)}})},
		{"workshop-host", badge(recognition.ConditionSpec{"activity_count": {Min: n(3), Activity: activity("workshop"), WindowDays: days(365)}})},
		{"four-week-streak", badge(recognition.ConditionSpec{"streak_weeks": {Min: n(4)}})},
		{"friend-bringer", badge(recognition.ConditionSpec{"referrals": {Min: n(1)}})},
		{"early-access", recognition.RoleSpec{Kind: "tier", GraceDays: 14, All: []recognition.ConditionSpec{
			{"level": {Min: &recognition.Threshold{Text: "champion", IsString: true}}}}}},
	}
}

// Seasons are the calendar quarter before today's (ended within the history, so its ranking is
// sealed) and today's (running).
func Seasons(today time.Time) []*recognition.Season {
	t := today.UTC()
	q := time.Date(t.Year(), t.Month()-(t.Month()-1)%3, 1, 0, 0, 0, 0, time.UTC)
	season := func(start time.Time) *recognition.Season {
		end := start.AddDate(0, 3, 0)
		return &recognition.Season{
			ID:       fmt.Sprintf("%d-q%d", start.Year(), (int(start.Month())+2)/3),
			Name:     fmt.Sprintf("%s–%s %d", start.Month(), end.AddDate(0, 0, -1).Month(), start.Year()),
			StartsAt: start, EndsAt: end,
		}
	}
	return []*recognition.Season{season(q.AddDate(0, -3, 0)), season(q)}
}

// evaluatesOn reports whether recognition decides at the end of day d of the history: every
// EvaluateEvery days and on the last day.
func evaluatesOn(d int) bool { return d%EvaluateEvery == EvaluateEvery-1 || d == HistoryDays-1 }
