package chain

import (
	"errors"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/rpc"
)

// RevertData returns the ABI-encoded revert data carried by an error from eth_call or
// eth_estimateGas (for example a custom error's selector and arguments), if there is any.
func RevertData(err error) ([]byte, bool) {
	var de rpc.DataError
	if !errors.As(err, &de) {
		return nil, false
	}
	s, ok := de.ErrorData().(string)
	if !ok {
		return nil, false
	}
	data := common.FromHex(s)
	return data, len(data) >= 4
}

// IsRevert reports whether err is the node's answer that the code a call or a gas estimate ran
// failed (it reverted, with or without revert data), as opposed to no answer: a transport
// failure, a timeout, the node refusing the request (unknown block, rate limit). failures names
// further messages (matched without regard to case) that count as such an answer for the caller:
// an estimate's "gas required exceeds" (no gas limit up to the node's cap is enough), or the
// EVM's other failures an eth_call reports without revert data ("invalid opcode", ...).
func IsRevert(err error, failures ...string) bool {
	if err == nil {
		return false
	}
	if _, ok := RevertData(err); ok {
		return true
	}
	var re rpc.Error
	if errors.As(err, &re) && re.ErrorCode() == 3 { // geth's and most nodes' "execution reverted"
		return true
	}
	msg := strings.ToLower(err.Error())
	if strings.Contains(msg, "execution reverted") {
		return true
	}
	for _, f := range failures {
		if strings.Contains(msg, strings.ToLower(f)) {
			return true
		}
	}
	return false
}
