package chain

import (
	"math/big"
	"testing"
	"time"
)

func TestPendingIntentStep(t *testing.T) {
	const stuckAfter = 30 * time.Second
	tests := map[string]struct {
		state pendingState
		want  pendingStep
	}{
		"a fresh attempt waits": {
			pendingState{nonce: 7, finalNonce: 7, age: time.Second}, stepWait},
		"a fresh attempt is rebroadcast after a restart": {
			pendingState{nonce: 7, finalNonce: 7, age: time.Second, rebroadcast: true}, stepRebroadcast},
		"an attempt unmined for StuckAfter is replaced": {
			pendingState{nonce: 7, finalNonce: 7, age: stuckAfter}, stepReplace},
		"a stuck attempt is replaced, not only rebroadcast, after a restart": {
			pendingState{nonce: 7, finalNonce: 7, age: time.Hour, rebroadcast: true}, stepReplace},
		"an earlier nonce still pending does not count as taken": {
			pendingState{nonce: 7, finalNonce: 5, age: time.Second}, stepWait},
		"a nonce a foreign transaction took gets a new nonce": {
			pendingState{nonce: 7, finalNonce: 8, age: time.Second}, stepRenonce},
		"a taken nonce is renonced rather than replaced": {
			pendingState{nonce: 7, finalNonce: 9, age: time.Hour, rebroadcast: true}, stepRenonce},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			tt.state.stuckAfter = stuckAfter
			if got := tt.state.next(); got != tt.want {
				t.Errorf("next() = %s, want %s", got, tt.want)
			}
		})
	}
}

func gwei(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e9)) }

func TestStuckTransactionFeeBump(t *testing.T) {
	maxFeeCap := gwei(1000)
	tests := map[string]struct {
		last, now fee
		want      fee
		wantOK    bool
	}{
		"tip and fee cap each rise at least 12.5% so nodes take the replacement": {
			last: fee{tip: gwei(8), maxFee: gwei(80)}, now: fee{tip: gwei(1), maxFee: gwei(10)},
			want: fee{tip: big.NewInt(9e9 + 1), maxFee: big.NewInt(90e9 + 1)}, wantOK: true},
		"the chain asking more than the bump pays what it asks": {
			last: fee{tip: gwei(1), maxFee: gwei(10)}, now: fee{tip: gwei(3), maxFee: gwei(50)},
			want: fee{tip: gwei(3), maxFee: gwei(50)}, wantOK: true},
		"a legacy gas price is bumped alike": {
			last: fee{tip: gwei(16), maxFee: gwei(16), legacy: true}, now: fee{tip: gwei(1), maxFee: gwei(1), legacy: true},
			want: fee{tip: big.NewInt(18e9 + 1), maxFee: big.NewInt(18e9 + 1), legacy: true}, wantOK: true},
		"a zero fee still rises by 1 wei": {
			last: fee{tip: big.NewInt(0), maxFee: big.NewInt(0)}, now: fee{tip: big.NewInt(0), maxFee: big.NewInt(0)},
			want: fee{tip: big.NewInt(1), maxFee: big.NewInt(1)}, wantOK: true},
		"the tip never passes the fee cap": {
			last: fee{tip: gwei(8), maxFee: gwei(8)}, now: fee{tip: gwei(20), maxFee: gwei(10)},
			want: fee{tip: big.NewInt(10e9), maxFee: big.NewInt(10e9)}, wantOK: true},
		"a replacement above MaxFeeCap is given up: the attempt stays as it is": {
			last: fee{tip: gwei(2), maxFee: gwei(900)}, now: fee{tip: gwei(1), maxFee: gwei(10)}, wantOK: false},
		"exactly MaxFeeCap is still a replacement": {
			last: fee{tip: gwei(1), maxFee: gwei(1)}, now: fee{tip: gwei(1), maxFee: gwei(1000)},
			want: fee{tip: big.NewInt(1125e6 + 1), maxFee: gwei(1000)}, wantOK: true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, ok := bumpFee(tt.last, tt.now, maxFeeCap)
			if ok != tt.wantOK {
				t.Fatalf("bumpFee ok = %v, want %v (fee %v)", ok, tt.wantOK, got)
			}
			if !ok {
				return
			}
			if got.tip.Cmp(tt.want.tip) != 0 || got.maxFee.Cmp(tt.want.maxFee) != 0 || got.legacy != tt.want.legacy {
				t.Errorf("bumpFee = tip %s, fee cap %s, legacy %v; want tip %s, fee cap %s, legacy %v",
					got.tip, got.maxFee, got.legacy, tt.want.tip, tt.want.maxFee, tt.want.legacy)
			}
			// What a node demands of a replacement: at least 10% more on the fee cap, and on the
			// tip unless the tip is held at the fee cap.
			if !atLeastTenPercentMore(tt.last.maxFee, got.maxFee) {
				t.Errorf("fee cap bumped from %s to %s: less than 10%% more", tt.last.maxFee, got.maxFee)
			}
			if got.tip.Cmp(got.maxFee) != 0 && !atLeastTenPercentMore(tt.last.tip, got.tip) {
				t.Errorf("tip bumped from %s to %s: less than 10%% more", tt.last.tip, got.tip)
			}
		})
	}
}

func atLeastTenPercentMore(old, bumped *big.Int) bool {
	min := new(big.Int).Add(old, new(big.Int).Div(old, big.NewInt(10)))
	return bumped.Cmp(min) >= 0 && bumped.Cmp(old) > 0
}

func TestNewAttemptFees(t *testing.T) {
	maxFeeCap := gwei(100)
	tests := map[string]struct {
		tip, baseFee *big.Int
		want         fee
	}{
		"the tip plus twice the base fee":            {gwei(2), gwei(10), fee{tip: gwei(2), maxFee: gwei(22)}},
		"a chain without base fees pays a gas price": {gwei(5), nil, fee{tip: gwei(5), maxFee: gwei(5), legacy: true}},
		"no suggested tip pays 1 wei":                {nil, big.NewInt(0), fee{tip: big.NewInt(1), maxFee: big.NewInt(1)}},
		"a base fee spike is capped at MaxFeeCap":    {gwei(2), gwei(80), fee{tip: gwei(2), maxFee: gwei(100)}},
		"a gas price above MaxFeeCap is capped":      {gwei(500), nil, fee{tip: gwei(100), maxFee: gwei(100), legacy: true}},
		"a tip above MaxFeeCap is capped with it":    {gwei(500), gwei(1), fee{tip: gwei(100), maxFee: gwei(100)}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := suggestedFee(tt.tip, tt.baseFee, maxFeeCap)
			if got.tip.Cmp(tt.want.tip) != 0 || got.maxFee.Cmp(tt.want.maxFee) != 0 || got.legacy != tt.want.legacy {
				t.Errorf("suggestedFee = tip %s, fee cap %s, legacy %v; want tip %s, fee cap %s, legacy %v",
					got.tip, got.maxFee, got.legacy, tt.want.tip, tt.want.maxFee, tt.want.legacy)
			}
		})
	}
}
