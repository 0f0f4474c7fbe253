package indexer

import (
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum"

	"github.com/guildhall/guildhall/chain"
)

// A range a node refuses over chain.HTTPLogs is read by the ranger as it is through go-ethereum's
// client: the error answer's code and message (here Infura's suggested range) reach it.
func TestRangerReadsARefusalThroughHTTPLogs(t *testing.T) {
	node := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"jsonrpc":"2.0","id":1,"error":{"code":-32005,"message":"query returned more than 10000 results. Try with this block range [0x1, 0x2f].","data":{"from":"0x1"}}}`))
	}))
	defer node.Close()
	client, err := chain.HTTPLogs(nil, node.URL)
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.FilterLogs(t.Context(), ethereum.FilterQuery{FromBlock: big.NewInt(1), ToBlock: big.NewInt(100)})
	var rpcErr *chain.RPCError
	if !errors.As(err, &rpcErr) || rpcErr.ErrorCode() != -32005 || !strings.Contains(err.Error(), "[0x1, 0x2f]") {
		t.Fatalf("error answer: %v", err)
	}
	if n, _, ok := newRanger(100, 100).refused(err, 100); !ok || n != 47 {
		t.Fatalf("the ranger reads the error answer as %d, %v", n, ok)
	}
}
