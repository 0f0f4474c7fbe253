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
	var fields []guildhall.FieldError
	bad := func(i int, field, msg string) {
		fields = append(fields, guildhall.FieldError{Field: "actions[" + itoa(i) + "]." + field, Message: msg})
	}
	if strings.TrimSpace(description) == "" {
		fields = append(fields, guildhall.FieldError{Field: "description", Message: "is required: its first line is the proposal's title"})
	}
	if len(description) > 10_000 {
		fields = append(fields, guildhall.FieldError{Field: "description", Message: "must be at most 10000 bytes"})
	} else if !utf8.ValidString(description) || strings.ContainsRune(description, 0) {
		// Neither fits PostgreSQL text: the proposal would be opened on chain and then not recorded.
		fields = append(fields, guildhall.FieldError{Field: "description", Message: "must be UTF-8 text without NUL characters"})
	}
	if len(specs) == 0 || len(specs) > 10 {
		fields = append(fields, guildhall.FieldError{Field: "actions", Message: "must hold 1 to 10 actions"})
	}
	p := &Plan{Description: description}
	for i, s := range specs {
		switch s.Kind {
		case "":
			if !isAddress(s.Target) {
				bad(i, "target", "must be a 0x-prefixed address")
			}
			value := new(big.Int)
			if s.Value != "" {
				v, ok := new(big.Int).SetString(s.Value, 10)
				if !ok || v.Sign() < 0 || v.BitLen() > 256 {
					bad(i, "value", "must be a decimal string of wei")
				} else {
					value = v
				}
			}
			data, err := hexutil.Decode(orHex(s.Calldata))
			if err != nil {
				bad(i, "calldata", "must be 0x-prefixed hex")
			}
			p.add(common.HexToAddress(s.Target), value, data)
		case "mint":
			if !isAddress(s.To) || common.HexToAddress(s.To) == (common.Address{}) {
				bad(i, "to", "must be a 0x-prefixed non-zero address")
			}
			amount, err := guildhall.ParseAmount("amount", s.Amount, true)
			if err != nil || amount.Sign() == 0 {
				bad(i, "amount", "must be a positive decimal string of base units (18 decimals), e.g. 500000000000000000000 for 500 tokens")
				amount = new(big.Int)
			}
			p.add(c.Token, new(big.Int), tokenABI.PackMint(common.HexToAddress(s.To), amount))
		case "setting":
			limit, known := settingLimits[s.Name]
			if !known {
				bad(i, "name", "must be one of voting_delay, voting_period, proposal_threshold, quorum_numerator, late_quorum_extension")
				continue
			}
			v, ok := new(big.Int).SetString(s.Value, 10)
			min := big.NewInt(0)
			if s.Name == "voting_period" || s.Name == "quorum_numerator" {
				min = big.NewInt(1)
			}
			if !ok || v.Cmp(min) < 0 || v.Cmp(limit) > 0 {
				bad(i, "value", "must be a whole number from "+min.String()+" to "+limit.String()+" (seconds for delays and periods, percent for quorum_numerator, base units for proposal_threshold)")
				continue
			}
			var data []byte
			switch s.Name {
			case "voting_delay":
				data = governorABI.PackSetVotingDelay(v)
			case "voting_period":
				data = governorABI.PackSetVotingPeriod(uint32(v.Uint64()))
			case "proposal_threshold":
				data = governorABI.PackSetProposalThreshold(v)
			case "quorum_numerator":
				data = governorABI.PackUpdateQuorumNumerator(v)
			case "late_quorum_extension":
				data = governorABI.PackSetLateQuorumVoteExtension(v)
			}
			p.add(c.Governor, new(big.Int), data)
		default:
			bad(i, "kind", `must be "mint" or "setting", or leave it out for a raw {target, value, calldata} action`)
		}
	}
	if len(fields) > 0 {
		return nil, &guildhall.Error{Code: guildhall.EINVALID, Message: "invalid proposal", Fields: fields}
	}
	return p, nil
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
