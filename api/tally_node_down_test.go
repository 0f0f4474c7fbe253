package api

import (
	"context"
	"errors"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	ethereum "github.com/ethereum/go-ethereum"

	"github.com/guildhall/guildhall/governance/govchain"
)

// callsDown is a node whose eth_call fails as a dropped connection does; it cannot call at a block
// hash either, so the tally takes its by-number path.
type callsDown struct{ govchain.Backend }

func (callsDown) CallContract(context.Context, ethereum.CallMsg, *big.Int) ([]byte, error) {
	return nil, errors.New(`Post "http://node:8545": dial tcp 10.0.0.9:8545: connect: connection refused`)
}

// A tally whose on-chain cross-check cannot be read is a 503 to retry, never a 500, and the cause
// stays in the log, not in the answer.
func TestTallyWhenTheNodeDoesNotAnswer(t *testing.T) {
	h := newGovHarness(t, govTestSettings, 3, 40)
	pid := h.proposeMint(t, "Grant 1 BAKE", h.sim.Address(2), 1)
	h.advance(t, time.Second)
	h.sync(t)

	healthy := h.check.Reader
	h.check.Reader = govchain.NewReader(callsDown{h.sim.Client})
	rec := h.do(t, http.MethodGet, "/v1/communities/bakery/proposals/"+pid+"/tally", "", nil)
	p := h.want(t, rec, http.StatusServiceUnavailable)
	if detail := p["detail"].(string); !strings.Contains(detail, "did not answer") || strings.Contains(detail, "10.0.0.9") {
		t.Fatalf("tally with the node down: %v, want a 503 saying the node did not answer, without the cause", p)
	}

	h.check.Reader = healthy
	if tally := h.tally(t, pid); tally["consistent"] != true {
		t.Fatalf("tally with the node back: %v", tally)
	}
}
