package guildhall

import (
	"math/big"
	"strconv"
	"strings"
)

// Page is where a list continues and how many items it holds at most. After is nil for the
// first page; else the position of the last item of the previous page.
type Page[P any] struct {
	After *P
	Limit int
}

// ChainPosition is where an event stands on the chain. Lists of events run newest first and
// continue with the events before a position.
type ChainPosition struct {
	Block    uint64
	LogIndex uint
}

// String renders p as the key ParseChainPosition reads: "block:log_index".
func (p ChainPosition) String() string {
	return strconv.FormatUint(p.Block, 10) + ":" + strconv.FormatUint(uint64(p.LogIndex), 10)
}

// ParseChainPosition reads a key String rendered; ok is false for anything else (also for
// another spelling of a position, such as leading zeros: one position, one key).
func ParseChainPosition(key string) (p ChainPosition, ok bool) {
	b, i, found := strings.Cut(key, ":")
	block, err1 := strconv.ParseUint(b, 10, 63)
	index, err2 := strconv.ParseUint(i, 10, 32)
	p = ChainPosition{Block: block, LogIndex: uint(index)}
	if !found || err1 != nil || err2 != nil || p.String() != key {
		return ChainPosition{}, false
	}
	return p, true
}

// HolderPosition is a place in the holders list, which runs by balance, largest first, then by
// address.
type HolderPosition struct {
	Balance *big.Int
	Address string // EIP-55, as the list gives it
}

// String renders p as the key ParseHolderPosition reads: "balance:address".
func (p HolderPosition) String() string {
	return p.Balance.String() + ":" + p.Address
}

// ParseHolderPosition reads a key String rendered; ok is false for anything else (also for
// another spelling of a balance, such as leading zeros or a sign).
func ParseHolderPosition(key string) (p HolderPosition, ok bool) {
	balance, address, found := strings.Cut(key, ":")
	v, valid := new(big.Int).SetString(balance, 10)
	if !found || !valid || v.Sign() < 0 || v.String() != balance || !isHexAddress(address) {
		return HolderPosition{}, false
	}
	return HolderPosition{Balance: v, Address: address}, true
}

// isHexAddress reports whether s is "0x" and 40 hex digits, in any case.
func isHexAddress(s string) bool {
	if len(s) != 42 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') {
		return false
	}
	for _, r := range s[2:] {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}
