package govchain

import (
	"math/big"
	"strings"
	"unicode/utf8"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/guildhall/guildhall"
)

// Plan is what a proposal executes and its description: the arguments of propose, queue and
// execute.
type Plan struct {
	Targets     []common.Address
	Values      []*big.Int
	Calldatas   [][]byte
	Description string
	// OpenedBy is the issuer that opened the proposal through the API, recorded with the plan
	// (0: none); it is not part of what the chain sees.
	OpenedBy int64
}

// ActionSpec is one action as an issuer gives it: raw (Target, Value, Calldata) or built (Kind).
type ActionSpec struct {
	// Raw.
	Target   string `json:"target,omitempty"`
	Value    string `json:"value,omitempty"`
	Calldata string `json:"calldata,omitempty"`
	// Built: "mint" (To, Amount in base units: the timelock mints, as it holds MINTER_ROLE) or
	// "setting" (Name, Value: a governor setting the governor changes on itself through the
	// timelock).
	Kind   string `json:"kind,omitempty"`
	To     string `json:"to,omitempty"`
	Amount string `json:"amount,omitempty"`
	Name   string `json:"name,omitempty"`
}

// Settings a "setting" action can change, and the largest value each takes.
var settingLimits = map[string]*big.Int{
	"voting_delay":          big.NewInt(365 * 24 * 3600), // uint48 seconds
	"voting_period":         big.NewInt(365 * 24 * 3600), // uint32 seconds, > 0
	"proposal_threshold":    new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1)),
	"quorum_numerator":      big.NewInt(100),
	"late_quorum_extension": big.NewInt(365 * 24 * 3600),
}

// BuildPlan turns issuer actions into a plan for community contracts c, or returns an EINVALID
// *guildhall.Error naming every bad field (actions[i].field).
func BuildPlan(c Contracts, description string, specs []ActionSpec) (*Plan, error) {
	fields := checkDescription(description)
	if len(specs) == 0 || len(specs) > 10 {
		fields = append(fields, guildhall.FieldError{Field: "actions", Message: "must hold 1 to 10 actions"})
	}
	p := &Plan{Description: description}
	for i, s := range specs {
		a, bad := buildAction(c, s)
		for _, f := range bad {
			fields = append(fields, guildhall.FieldError{Field: "actions[" + itoa(i) + "]." + f.Field, Message: f.Message})
		}
		p.add(a.target, a.value, a.data)
	}
	if len(fields) > 0 {
		return nil, &guildhall.Error{Code: guildhall.EINVALID, Message: "invalid proposal", Fields: fields}
	}
	return p, nil
}

// checkDescription returns what is wrong with a proposal's description.
func checkDescription(description string) []guildhall.FieldError {
	var fields []guildhall.FieldError
	if strings.TrimSpace(description) == "" {
		fields = append(fields, guildhall.FieldError{Field: "description", Message: "is required: its first line is the proposal's title"})
	}
	if len(description) > 10_000 {
		fields = append(fields, guildhall.FieldError{Field: "description", Message: "must be at most 10000 bytes"})
	} else if !utf8.ValidString(description) || strings.ContainsRune(description, 0) {
		// Neither fits PostgreSQL text: the proposal would be opened on chain and then not recorded.
		fields = append(fields, guildhall.FieldError{Field: "description", Message: "must be UTF-8 text without NUL characters"})
	}
	return fields
}

// action is one call a proposal makes.
type action struct {
	target common.Address
	value  *big.Int
	data   []byte
}

// buildAction builds one issuer action, or names its bad fields (relative to the action). The
// action is meaningful only when there are none.
func buildAction(c Contracts, s ActionSpec) (action, []guildhall.FieldError) {
	switch s.Kind {
	case "":
		return rawAction(s)
	case "mint":
		return mintAction(c, s)
	case "setting":
		return settingAction(c, s)
	}
	return action{}, []guildhall.FieldError{{Field: "kind", Message: `must be "mint" or "setting", or leave it out for a raw {target, value, calldata} action`}}
}

// rawAction is a call to Target with Value wei and Calldata, as given.
func rawAction(s ActionSpec) (action, []guildhall.FieldError) {
	var bad []guildhall.FieldError
	if !isAddress(s.Target) {
		bad = append(bad, guildhall.FieldError{Field: "target", Message: "must be a 0x-prefixed address"})
	}
	value := new(big.Int)
	if s.Value != "" {
		v, ok := new(big.Int).SetString(s.Value, 10)
		if !ok || v.Sign() < 0 || v.BitLen() > 256 {
			bad = append(bad, guildhall.FieldError{Field: "value", Message: "must be a decimal string of wei"})
		} else {
			value = v
		}
	}
	data, err := hexutil.Decode(orHex(s.Calldata))
	if err != nil {
		bad = append(bad, guildhall.FieldError{Field: "calldata", Message: "must be 0x-prefixed hex"})
	}
	return action{target: common.HexToAddress(s.Target), value: value, data: data}, bad
}

// mintAction mints Amount base units to To: the token's mint, called by the timelock (which
// holds MINTER_ROLE).
func mintAction(c Contracts, s ActionSpec) (action, []guildhall.FieldError) {
	var bad []guildhall.FieldError
	if !isAddress(s.To) || common.HexToAddress(s.To) == (common.Address{}) {
		bad = append(bad, guildhall.FieldError{Field: "to", Message: "must be a 0x-prefixed non-zero address"})
	}
	amount, err := guildhall.ParseAmount("amount", s.Amount, true)
	if err != nil || amount.Sign() == 0 {
		bad = append(bad, guildhall.FieldError{Field: "amount", Message: "must be a positive decimal string of base units (18 decimals), e.g. 500000000000000000000 for 500 tokens"})
		amount = new(big.Int)
	}
	return action{target: c.Token, value: new(big.Int), data: tokenABI.PackMint(common.HexToAddress(s.To), amount)}, bad
}

// settingAction changes the governor setting Name to Value: a call the governor makes on itself
// through the timelock.
func settingAction(c Contracts, s ActionSpec) (action, []guildhall.FieldError) {
	limit, known := settingLimits[s.Name]
	if !known {
		return action{}, []guildhall.FieldError{{Field: "name", Message: "must be one of voting_delay, voting_period, proposal_threshold, quorum_numerator, late_quorum_extension"}}
	}
	v, ok := new(big.Int).SetString(s.Value, 10)
	min := big.NewInt(0)
	if s.Name == "voting_period" || s.Name == "quorum_numerator" {
		min = big.NewInt(1)
	}
	if !ok || v.Cmp(min) < 0 || v.Cmp(limit) > 0 {
		return action{}, []guildhall.FieldError{{Field: "value", Message: "must be a whole number from " + min.String() + " to " + limit.String() + " (seconds for delays and periods, percent for quorum_numerator, base units for proposal_threshold)"}}
	}
	return action{target: c.Governor, value: new(big.Int), data: settingCalldata(s.Name, v)}, nil
}

// settingCalldata is the governor's call that sets the named setting to v.
func settingCalldata(name string, v *big.Int) []byte {
	switch name {
	case "voting_delay":
		return governorABI.PackSetVotingDelay(v)
	case "voting_period":
		return governorABI.PackSetVotingPeriod(uint32(v.Uint64()))
	case "proposal_threshold":
		return governorABI.PackSetProposalThreshold(v)
	case "quorum_numerator":
		return governorABI.PackUpdateQuorumNumerator(v)
	case "late_quorum_extension":
		return governorABI.PackSetLateQuorumVoteExtension(v)
	}
	return nil
}

func (p *Plan) add(target common.Address, value *big.Int, data []byte) {
	p.Targets = append(p.Targets, target)
	p.Values = append(p.Values, value)
	p.Calldatas = append(p.Calldatas, data)
}

func isAddress(s string) bool {
	return (strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X")) && common.IsHexAddress(s)
}

func orHex(s string) string {
	if s == "" {
		return "0x"
	}
	return s
}

func itoa(i int) string { return big.NewInt(int64(i)).String() }
