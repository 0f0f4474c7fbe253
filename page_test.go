package guildhall

import (
	"math/big"
	"testing"
)

func TestListPositionsReadBackWhatTheyRender(t *testing.T) {
	chain := ChainPosition{Block: 1234, LogIndex: 7}
	if got, ok := ParseChainPosition(chain.String()); !ok || got != chain {
		t.Errorf("ParseChainPosition(%q) = %v, %v", chain.String(), got, ok)
	}
	holder := HolderPosition{Balance: big.NewInt(5e18), Address: "0xAbCdEf0000000000000000000000000000000001"}
	if got, ok := ParseHolderPosition(holder.String()); !ok || got.Balance.Cmp(holder.Balance) != 0 || got.Address != holder.Address {
		t.Errorf("ParseHolderPosition(%q) = %v, %v", holder.String(), got, ok)
	}
	for _, key := range []string{"", "1", "1:", ":1", "-1:0", "1:-1", "a:b", "1:2:3", "99999999999999999999:0"} {
		if _, ok := ParseChainPosition(key); ok {
			t.Errorf("ParseChainPosition(%q) accepted", key)
		}
	}
	for _, key := range []string{"", "5", "5:", "-5:0xAbCdEf0000000000000000000000000000000001", "+5:0xAbCdEf0000000000000000000000000000000001", "5:0x12", "x:0xAbCdEf0000000000000000000000000000000001"} {
		if _, ok := ParseHolderPosition(key); ok {
			t.Errorf("ParseHolderPosition(%q) accepted", key)
		}
	}
}
