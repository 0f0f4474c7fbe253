package rewards_test

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall/rewards"
)

func TestIndexedMintMatches(t *testing.T) {
	a, b := common.HexToAddress("0xa1"), common.HexToAddress("0xb0")
	batch := &rewards.Batch{Total: big.NewInt(30)}
	mints := []rewards.Mint{{Wallet: a, Amount: big.NewInt(10)}, {Wallet: b, Amount: big.NewInt(20)}}
	indexed := func(count, total int64, ms ...rewards.Mint) *rewards.IndexedMint {
		return &rewards.IndexedMint{Count: big.NewInt(count), Total: big.NewInt(total), Mints: ms}
	}
	tests := []struct {
		name string
		m    *rewards.IndexedMint
		want bool
	}{
		{"the batch's mints", indexed(2, 30, mints...), true},
		{"another count", indexed(3, 30, mints...), false},
		{"another total", indexed(2, 31, mints...), false},
		{"a mint missing", indexed(2, 30, mints[0]), false},
		{"another order", indexed(2, 30, mints[1], mints[0]), false},
		{"another amount", indexed(2, 30, mints[0], rewards.Mint{Wallet: b, Amount: big.NewInt(21)}), false},
		{"another wallet", indexed(2, 30, mints[0], rewards.Mint{Wallet: a, Amount: big.NewInt(20)}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.m.Matches(batch, mints); got != tt.want {
				t.Fatalf("Matches = %v, want %v", got, tt.want)
			}
		})
	}
}
