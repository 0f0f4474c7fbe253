package recognition

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
)

// The rule language as JSON: what PUT …/levels and PUT …/roles/{role} read and what the store
// keeps. Amounts are decimal strings of base units, counts and days JSON numbers.

// LevelSpec is one level as JSON.
type LevelSpec struct {
	Name             string `json:"name"`
	MinEarned365d    string `json:"min_earned_365d"`
	MinActiveDays90d int    `json:"min_active_days_90d"`
}

// LadderSpec is a ladder as JSON.
type LadderSpec struct {
	Levels []LevelSpec `json:"levels"`
}

// Ladder reads the spec into a ladder and validates it (EINVALID naming each bad field).
func (s LadderSpec) Ladder() (Ladder, error) {
	var f fields
	l := make(Ladder, len(s.Levels))
	for k, lv := range s.Levels {
		l[k] = Level{Name: lv.Name, MinEarned365d: parseDigits(lv.MinEarned365d), MinActiveDays90d: lv.MinActiveDays90d}
		if l[k].MinEarned365d == nil {
			f.add(fmt.Sprintf("levels[%d].min_earned_365d", k), "must be a decimal string of base units, 0 or more")
		}
	}
	if err := f.err("invalid levels"); err != nil {
		return nil, err
	}
	return l, ValidateLadder(l)
}

// Spec returns the ladder as JSON.
func (l Ladder) Spec() LadderSpec {
	out := LadderSpec{Levels: make([]LevelSpec, len(l))}
	for k, lv := range l {
		out.Levels[k] = LevelSpec{Name: lv.Name, MinEarned365d: lv.MinEarned365d.String(), MinActiveDays90d: lv.MinActiveDays90d}
	}
	return out
}

// RoleSpec is a role as JSON.
type RoleSpec struct {
	Kind      string          `json:"kind"`
	All       []ConditionSpec `json:"all"`
	Any       []ConditionSpec `json:"any"`
	None      []ConditionSpec `json:"none"`
	GraceDays int             `json:"grace_days"`
}

// ConditionSpec is one condition: an object with exactly one key, the condition's kind.
type ConditionSpec map[string]ConditionParams

// ConditionParams are a condition's parameters; which ones a kind takes is checked on reading.
type ConditionParams struct {
	Min           *Threshold `json:"min,omitempty"`
	WindowDays    *int       `json:"window_days,omitempty"`
	Activity      *string    `json:"activity,omitempty"`
	LastProposals *int       `json:"last_proposals,omitempty"`
}

// Threshold is a condition's min as written: a JSON string (amounts, level names) or number.
type Threshold struct {
	Text     string
	IsString bool
}

// UnmarshalJSON reads a string or a number.
func (t *Threshold) UnmarshalJSON(b []byte) error {
	if bytes.HasPrefix(b, []byte(`"`)) {
		t.IsString = true
		return json.Unmarshal(b, &t.Text)
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("min must be a string or a number")
	}
	t.Text = n.String()
	return nil
}

// MarshalJSON writes the threshold as it was read.
func (t Threshold) MarshalJSON() ([]byte, error) {
	if t.IsString {
		return json.Marshal(t.Text)
	}
	return []byte(t.Text), nil
}

// kindParams lists the parameters each kind takes besides min.
var kindParams = map[ConditionKind][]string{
	Earned: {"window_days", "activity"}, ActivityCount: {"activity", "window_days"}, Votes: {"last_proposals"},
	VotingPower: nil, TenureDays: nil, LevelAtLeast: nil, StreakWeeks: nil, Referrals: nil,
}

// Role reads the spec of the role named name into a role and validates it against ladder
// (EINVALID naming each bad field).
func (s RoleSpec) Role(name string, ladder Ladder) (*Role, error) {
	r := &Role{Name: name, Kind: Kind(s.Kind), GraceDays: s.GraceDays}
	var f fields
	read := func(group string, specs []ConditionSpec) []Condition {
		out := make([]Condition, len(specs))
		for k, cs := range specs {
			out[k] = cs.condition(&f, fmt.Sprintf("%s[%d]", group, k))
		}
		return out
	}
	r.All, r.Any, r.None = read("all", s.All), read("any", s.Any), read("none", s.None)
	if err := f.err("invalid role"); err != nil {
		return nil, err
	}
	return r, ValidateRole(r, ladder)
}

// condition reads one condition, adding what is wrong with it to f under at.
func (cs ConditionSpec) condition(f *fields, at string) Condition {
	if len(cs) != 1 {
		f.add(at, "must be an object with exactly one key, the condition: "+ConditionNames())
		return Condition{}
	}
	for name, p := range cs {
		kind := ConditionKind(name)
		allowed, ok := kindParams[kind]
		if !ok {
			f.add(at+"."+name, "is not a condition; use one of "+ConditionNames())
			return Condition{}
		}
		at += "." + name
		set := map[string]bool{"window_days": p.WindowDays != nil, "activity": p.Activity != nil, "last_proposals": p.LastProposals != nil}
		for _, param := range []string{"window_days", "activity", "last_proposals"} {
			if set[param] && !slices.Contains(allowed, param) {
				f.add(at+"."+param, "is not a parameter of "+name)
			}
		}
		c := Condition{Kind: kind, WindowDays: deref(p.WindowDays), Activity: deref(p.Activity), LastProposals: deref(p.LastProposals)}
		c.readMin(f, at+".min", p.Min)
		return c
	}
	return Condition{}
}

// readMin reads the threshold: a decimal string of base units for amounts, a level name for
// level, a whole number for counts.
func (c *Condition) readMin(f *fields, at string, t *Threshold) {
	switch {
	case t == nil:
		f.add(at, "is required")
	case c.Kind == LevelAtLeast:
		if !t.IsString {
			f.add(at, "must be the name of a level, as a string")
		}
		c.MinLevel, c.Min = t.Text, new(big.Int)
	case c.amountKind():
		if c.Min = parseDigits(t.Text); c.Min == nil || !t.IsString {
			f.add(at, "must be a decimal string of base units, 0 or more")
		}
	default:
		n, err := strconv.ParseInt(t.Text, 10, 64)
		if err != nil || t.IsString || n < 0 {
			f.add(at, "must be a whole number, 0 or more")
		}
		c.Min = big.NewInt(n)
	}
}

// Spec returns the role as JSON.
func (r *Role) Spec() RoleSpec {
	write := func(cs []Condition) []ConditionSpec {
		out := make([]ConditionSpec, len(cs))
		for k, c := range cs {
			out[k] = ConditionSpec{string(c.Kind): c.params()}
		}
		return out
	}
	return RoleSpec{Kind: string(r.Kind), All: write(r.All), Any: write(r.Any), None: write(r.None), GraceDays: r.GraceDays}
}

func (c Condition) params() ConditionParams {
	p := ConditionParams{Min: &Threshold{Text: c.Min.String(), IsString: c.amountKind()}}
	if c.Kind == LevelAtLeast {
		p.Min = &Threshold{Text: c.MinLevel, IsString: true}
	}
	if slices.Contains(kindParams[c.Kind], "window_days") {
		p.WindowDays = &c.WindowDays
	}
	if c.Activity != "" {
		p.Activity = &c.Activity
	}
	if c.Kind == Votes {
		p.LastProposals = &c.LastProposals
	}
	return p
}

// parseDigits reads a decimal string of base units (digits only, at most 78); nil otherwise.
func parseDigits(s string) *big.Int {
	if s == "" || len(s) > 78 || strings.Trim(s, "0123456789") != "" {
		return nil
	}
	v, _ := new(big.Int).SetString(s, 10)
	return v
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
