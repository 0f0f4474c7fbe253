package chain_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/guildhall/guildhall/chain"
)

// nodeError is a JSON-RPC error answer as go-ethereum's client returns it.
type nodeError struct {
	code int
	msg  string
	data any
}

func (e *nodeError) Error() string  { return e.msg }
func (e *nodeError) ErrorCode() int { return e.code }
func (e *nodeError) ErrorData() any { return e.data }

func TestIsRevertTellsAFailedCallFromANodeThatDidNotAnswer(t *testing.T) {
	tests := map[string]struct {
		err      error
		failures []string
		want     bool
	}{
		"custom error with data":         {&nodeError{3, "execution reverted", "0x8bb6c8a1"}, nil, true},
		"wrapped revert":                 {fmt.Errorf("estimate gas: %w", &nodeError{3, "execution reverted", "0x8bb6c8a1"}), nil, true},
		"revert code without a message":  {&nodeError{3, "failed", nil}, nil, true},
		"revert message without data":    {errors.New("Execution reverted"), nil, true},
		"out of gas at the cap":          {&nodeError{-32000, "gas required exceeds allowance (16777216)", nil}, nil, false},
		"out of gas at the cap, counted": {&nodeError{-32000, "gas required exceeds allowance (16777216)", nil}, []string{"gas required exceeds"}, true},
		"invalid opcode, counted":        {errors.New("invalid opcode: INVALID"), []string{"invalid opcode"}, true},
		"connection refused":             {errors.New("dial tcp 127.0.0.1:8545: connect: connection refused"), []string{"invalid opcode"}, false},
		"node refuses the block":         {&nodeError{-32000, "missing trie node abc", nil}, nil, false},
		"context ended":                  {context.DeadlineExceeded, nil, false},
		"no error":                       {nil, []string{"out of gas"}, false},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := chain.IsRevert(tt.err, tt.failures...); got != tt.want {
				t.Errorf("IsRevert(%v, %q) = %v, want %v", tt.err, tt.failures, got, tt.want)
			}
		})
	}
}
