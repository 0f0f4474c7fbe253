package govchain

import (
	"fmt"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"

	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/contracts/bindings/guildgovernor"
	"github.com/guildhall/guildhall/contracts/bindings/guildtoken"
	"github.com/guildhall/guildhall/contracts/bindings/timelock"
)

// bindMeta is a contract's custom errors by name, with their selectors.
type bindMeta struct {
	abi    *abi.ABI
	errors map[string][4]byte
}

func newBindMeta(parse func() (*abi.ABI, error)) *bindMeta {
	a, err := parse()
	if err != nil {
		panic("govchain: parse ABI: " + err.Error())
	}
	m := &bindMeta{abi: a, errors: map[string][4]byte{}}
	for name, e := range a.Errors {
		m.errors[name] = [4]byte(e.ID[:4])
	}
	return m
}

var (
	govMeta      = newBindMeta(guildgovernor.GuildGovernorMetaData.ParseABI)
	tokenMeta    = newBindMeta(guildtoken.GuildTokenMetaData.ParseABI)
	timelockMeta = newBindMeta(timelock.TimelockControllerMetaData.ParseABI)
)

// DescribeRevert names the custom error (with its arguments) in a call's revert, e.g.
// "GovernorUnexpectedProposalState(proposalId=1, current=3, expected=0x10)"; ok is false when err
// carries no revert data this package can decode.
func DescribeRevert(err error) (string, bool) {
	data, ok := chain.RevertData(err)
	if !ok {
		if chain.IsRevert(err) {
			return "execution reverted", true
		}
		return "", false
	}
	if reason, err := abi.UnpackRevert(data); err == nil {
		return reason, true
	}
	for _, m := range []*bindMeta{govMeta, tokenMeta, timelockMeta} {
		for name, sel := range m.errors {
			if [4]byte(data[:4]) != sel {
				continue
			}
			e := m.abi.Errors[name]
			vals, err := e.Inputs.Unpack(data[4:])
			if err != nil {
				return name, true
			}
			args := make([]string, len(vals))
			for i, v := range vals {
				args[i] = fmt.Sprintf("%s=%v", e.Inputs[i].Name, v)
			}
			return name + "(" + strings.Join(args, ", ") + ")", true
		}
	}
	return fmt.Sprintf("unknown error 0x%x", data[:4]), true
}
