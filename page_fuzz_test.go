package guildhall

import (
	"math/big"
	"strings"
	"testing"
)

// FuzzParseChainPosition: a key ParseChainPosition accepts is one String renders (so a cursor
// that parses re-encodes to itself), and every position String renders parses back to itself.
func FuzzParseChainPosition(f *testing.F) {
	f.Fuzz(func(t *testing.T, key string, block uint64, index uint32) {
		if p, ok := ParseChainPosition(key); ok && p.String() != key {
			t.Fatalf("ParseChainPosition(%q) = %v, which renders as %q", key, p, p.String())
		}
		p := ChainPosition{Block: block >> 1, LogIndex: uint(index)} // blocks are int64 in the index
		if got, ok := ParseChainPosition(p.String()); !ok || got != p {
			t.Fatalf("ParseChainPosition(%q) = %v, %v; want %v", p.String(), got, ok, p)
		}
	})
}

// FuzzParseHolderPosition: a key ParseHolderPosition accepts is one String renders, with a
// uint256-or-larger balance that is not negative and a 0x address; every position String renders
// parses back to itself.
func FuzzParseHolderPosition(f *testing.F) {
	f.Fuzz(func(t *testing.T, key string, balance []byte, address []byte) {
		if p, ok := ParseHolderPosition(key); ok {
			if p.String() != key || p.Balance.Sign() < 0 || !isHexAddress(p.Address) {
				t.Fatalf("ParseHolderPosition(%q) = %v:%v, which renders as %q", key, p.Balance, p.Address, p.String())
			}
		}
		if len(balance) > 32 {
			balance = balance[:32]
		}
		addr := "0x" + strings.Repeat("0", 40)
		if len(address) >= 20 {
			addr = "0x" + string(hexDigits(address[:20]))
		}
		p := HolderPosition{Balance: new(big.Int).SetBytes(balance), Address: addr}
		got, ok := ParseHolderPosition(p.String())
		if !ok || got.Balance.Cmp(p.Balance) != 0 || got.Address != p.Address {
			t.Fatalf("ParseHolderPosition(%q) = %v:%v, %v; want %v:%v", p.String(), got.Balance, got.Address, ok, p.Balance, p.Address)
		}
	})
}

// hexDigits renders b as hex digits, odd bytes in upper case (addresses come in any case).
func hexDigits(b []byte) []byte {
	const lower, upper = "0123456789abcdef", "0123456789ABCDEF"
	out := make([]byte, 0, 2*len(b))
	for i, c := range b {
		digits := lower
		if i%2 == 1 {
			digits = upper
		}
		out = append(out, digits[c>>4], digits[c&15])
	}
	return out
}
