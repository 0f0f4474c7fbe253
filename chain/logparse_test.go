package chain

import (
	"encoding/json"
	"errors"
	"math/rand"
	"reflect"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// The compact parser reads what go-ethereum's own JSON encoding of logs writes, exactly as
// go-ethereum's decoder does.
func TestParseLogsResponseMatchesGoEthereum(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	var logs []*types.Log
	for i := range 500 {
		l := &types.Log{BlockNumber: r.Uint64() >> uint(r.Intn(64)), TxIndex: uint(r.Intn(1000)), Index: uint(i),
			BlockTimestamp: r.Uint64() >> 20, Removed: i%97 == 0, Data: make([]byte, r.Intn(4)*32)}
		r.Read(l.Address[:])
		r.Read(l.TxHash[:])
		r.Read(l.BlockHash[:])
		r.Read(l.Data)
		l.Topics = []common.Hash{}
		for range r.Intn(5) {
			var h common.Hash
			r.Read(h[:])
			l.Topics = append(l.Topics, h)
		}
		logs = append(logs, l)
	}
	result, err := json.MarshalIndent(logs, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"compact":  `{"jsonrpc":"2.0","id":1,"result":` + string(result) + `}`,
		"reversed": `{ "result" : ` + string(result) + ` , "extra": {"a": [1, "}", {"b": null}]}, "id": 1, "jsonrpc": "2.0" }`,
	} {
		got, err := parseLogsResponse([]byte(body))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var want []types.Log
		if err := json.Unmarshal(result, &want); err != nil {
			t.Fatal(err)
		}
		for i := range want { // go-ethereum decodes an empty data as an empty slice, as the parser does
			if len(want[i].Topics) == 0 {
				want[i].Topics = []common.Hash{}
			}
			if len(got[i].Topics) == 0 {
				got[i].Topics = []common.Hash{}
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: parsed logs differ from go-ethereum's", name)
		}
	}
}

func TestParseLogsResponseEdges(t *testing.T) {
	got, err := parseLogsResponse([]byte(`{"jsonrpc":"2.0","id":1,"result":[]}`))
	if err != nil || got == nil || len(got) != 0 {
		t.Fatalf("empty result: %v %v", got, err)
	}
	if got, err = parseLogsResponse([]byte(`{"jsonrpc":"2.0","id":1,"result":null}`)); err != nil || got == nil || len(got) != 0 {
		t.Fatalf("null result: %v %v", got, err)
	}
	_, err = parseLogsResponse([]byte(`{"jsonrpc":"2.0","id":1,"error":{"code":-32005,"message":"query returned more than 10000 results. Try with this block range [0x1, 0x2f].","data":{"from":"0x1"}}}`))
	var rpcErr *RPCError
	if !errors.As(err, &rpcErr) || rpcErr.ErrorCode() != -32005 || !strings.Contains(err.Error(), "[0x1, 0x2f]") {
		t.Fatalf("error answer: %v", err)
	}
	_, err = parseLogsResponse([]byte(`{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"a \"quoted\" message"}}`))
	if err == nil || err.Error() != `a "quoted" message` {
		t.Fatalf("escaped message: %v", err)
	}
	for _, bad := range []string{
		`{"jsonrpc":"2.0","id":1}`,
		`{"result":[{"address":"0x01"}]}`,
		`{"result":[{"topics":[]}]}`,
		`{"result":[`,
		`not json`,
	} {
		if _, err := parseLogsResponse([]byte(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}
