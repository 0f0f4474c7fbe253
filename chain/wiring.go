package chain

import (
	"context"
	"fmt"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall/contracts/bindings/guildgovernor"
	"github.com/guildhall/guildhall/contracts/bindings/guildtoken"
	"github.com/guildhall/guildhall/contracts/bindings/timelock"
)

// CheckWiring reads, at the latest block, whether a community's contracts are still wired as
// Deploy wired them and as Guildhall needs them: the operator may mint, the timelock administers
// the token, the governor proposes to the timelock and governs this token through it. It returns
// one sentence per thing that is not so (none when all is well); err is a failure to ask.
func CheckWiring(ctx context.Context, client bind.ContractBackend, dep Deployment, operator common.Address) (problems []string, err error) {
	for name, addr := range map[string]common.Address{"token": dep.Token, "governor": dep.Governor, "timelock": dep.Timelock} {
		code, err := client.CodeAt(ctx, addr, nil)
		if err != nil {
			return nil, fmt.Errorf("read the %s's code: %w", name, err)
		}
		if len(code) == 0 {
			problems = append(problems, fmt.Sprintf("no contract at the %s's address %s", name, addr.Hex()))
		}
	}
	if len(problems) > 0 {
		return problems, nil
	}
	opts := &bind.CallOpts{Context: ctx}
	token, tl, gov := guildtoken.NewGuildToken(), timelock.NewTimelockController(), guildgovernor.NewGuildGovernor()
	tokenC, tlC, govC := token.Instance(client, dep.Token), tl.Instance(client, dep.Timelock), gov.Instance(client, dep.Governor)

	minterRole, err := bind.Call(tokenC, opts, token.PackMINTERROLE(), token.UnpackMINTERROLE)
	if err != nil {
		return nil, fmt.Errorf("read MINTER_ROLE: %w", err)
	}
	proposerRole, err := bind.Call(tlC, opts, tl.PackPROPOSERROLE(), tl.UnpackPROPOSERROLE)
	if err != nil {
		return nil, fmt.Errorf("read PROPOSER_ROLE: %w", err)
	}
	type holding struct {
		c      *bind.BoundContract
		packed []byte
		unpack func([]byte) (bool, error)
		lacks  string
	}
	for _, h := range []holding{
		{tokenC, token.PackHasRole(minterRole, operator), token.UnpackHasRole, "the operator " + operator.Hex() + " lacks MINTER_ROLE on the token: rewards cannot be minted"},
		{tokenC, token.PackHasRole([32]byte{}, dep.Timelock), token.UnpackHasRole, "the timelock does not administer the token: governance cannot grant or revoke its roles"},
		{tlC, tl.PackHasRole(proposerRole, dep.Governor), tl.UnpackHasRole, "the governor lacks PROPOSER_ROLE on the timelock: passed proposals cannot be queued"},
	} {
		ok, err := bind.Call(h.c, opts, h.packed, h.unpack)
		if err != nil {
			return nil, fmt.Errorf("read a role: %w", err)
		}
		if !ok {
			problems = append(problems, h.lacks)
		}
	}
	for _, a := range []struct {
		packed []byte
		unpack func([]byte) (common.Address, error)
		want   common.Address
		name   string
	}{
		{gov.PackToken(), gov.UnpackToken, dep.Token, "token"},
		{gov.PackTimelock(), gov.UnpackTimelock, dep.Timelock, "timelock"},
	} {
		got, err := bind.Call(govC, opts, a.packed, a.unpack)
		if err != nil {
			return nil, fmt.Errorf("read the governor's %s: %w", a.name, err)
		}
		if got != a.want {
			problems = append(problems, fmt.Sprintf("the governor's %s is %s, not the community's %s", a.name, got.Hex(), a.want.Hex()))
		}
	}
	return problems, nil
}
