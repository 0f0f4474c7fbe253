package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/guildhall/guildhall/siwe"
)

// contractSpy stands in for the chain where a sign-in names a contract wallet: it counts the
// ERC-1271 questions the server asks and accepts nothing.
type contractSpy struct{ calls atomic.Int32 }

func (s *contractSpy) IsValidSignature(context.Context, common.Address, common.Hash, []byte) (bool, bool, error) {
	s.calls.Add(1)
	return false, true, nil
}

// A sign-in with a nonce this server never issued is refused before any contract named in it is
// asked anything: otherwise anyone could make the server run a contract of their choosing.
func TestSignInChecksTheNonceBeforeAskingAContract(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t)
	withSignIn(srv)
	spy := &contractSpy{}
	srv.gov.SIWE.Verifier = spy

	verify := func(nonce string) *httptest.ResponseRecorder {
		msg := siwe.Message{Domain: srv.gov.SIWE.Domain, Address: common.HexToAddress("0x00000000000000000000000000000000000c0de0"),
			URI: "http://" + srv.gov.SIWE.Domain + "/", Version: "1", ChainID: srv.gov.SIWE.ChainID, Nonce: nonce,
			IssuedAt: time.Now().UTC().Truncate(time.Second)}
		body, _ := json.Marshal(map[string]string{"message": msg.String(), "signature": "0x" + strings.Repeat("11", 65)})
		req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/v1/auth/verify", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		return serve(t, srv.engine, req)
	}

	wantProblem(t, verify("NeverIssuedByThisServer1"), http.StatusUnauthorized)
	if n := spy.calls.Load(); n != 0 {
		t.Fatalf("the contract was asked %d times for a sign-in with a nonce the server never issued", n)
	}
	// With an issued nonce the contract is asked (and refuses): the spy does see calls.
	var issued struct{ Nonce string }
	rec := srv.do(t, http.MethodPost, "/v1/auth/nonce", nil)
	if err := json.Unmarshal(rec.Body.Bytes(), &issued); err != nil || issued.Nonce == "" {
		t.Fatalf("nonce: %d %s", rec.Code, rec.Body)
	}
	wantProblem(t, verify(issued.Nonce), http.StatusUnauthorized)
	if n := spy.calls.Load(); n != 1 {
		t.Fatalf("the contract was asked %d times for a sign-in with an issued nonce, want 1", n)
	}
}
