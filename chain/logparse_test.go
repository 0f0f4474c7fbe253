package chain

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

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

// blocksBody is an answer of perBlock logs in each of blocks blocks (from block 100), as a node
// sends them: in block order.
func blocksBody(t *testing.T, blocks, perBlock int) []byte {
	t.Helper()
	var logs []*types.Log
	for b := range blocks {
		for i := range perBlock {
			logs = append(logs, &types.Log{BlockNumber: uint64(100 + b), Index: uint(i), Topics: []common.Hash{{1}, {2}}, Data: make([]byte, 32)})
		}
	}
	result, err := json.Marshal(logs)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(`{"jsonrpc":"2.0","id":1,"result":` + string(result) + `}`)
}

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// An answer larger than a batch should hold is read only up to the limit, and cut between blocks:
// the logs kept are every log of their blocks, and the rest of the body is never read.
func TestReadLogsResponseStopsBetweenBlocksAtTheLimit(t *testing.T) {
	body := blocksBody(t, 200, 100) // 20,000 logs
	for name, limit := range map[string]logLimit{
		"logs":  {Logs: 250},
		"bytes": {Bytes: 250 * int64(len(body)/20_000)},
	} {
		r := &countingReader{r: bytes.NewReader(body)}
		a, err := readLogsResponse(r, limit)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// 250 logs end inside block 102; the answer is cut before block 103.
		if !a.Cut || a.Through != 102 || len(a.Logs) != 300 || a.Logs[299].BlockNumber != 102 || a.Logs[0].BlockNumber != 100 {
			t.Fatalf("%s: cut=%v through=%d, %d logs", name, a.Cut, a.Through, len(a.Logs))
		}
		if r.n > len(body)/10 {
			t.Fatalf("%s: read %d of %d bytes for 300 of 20,000 logs", name, r.n, len(body))
		}
	}
	// A single block is read whole, whatever its size; an answer under the limit is not cut.
	a, err := readLogsResponse(bytes.NewReader(blocksBody(t, 1, 500)), logLimit{Logs: 10})
	if err != nil || a.Cut || len(a.Logs) != 500 {
		t.Fatalf("one block of 500 logs with a limit of 10: cut=%v, %d logs, %v", a.Cut, len(a.Logs), err)
	}
	a, err = readLogsResponse(bytes.NewReader(body), logLimit{Logs: 20_000})
	if err != nil || a.Cut || len(a.Logs) != 20_000 {
		t.Fatalf("20,000 logs with a limit of 20,000: cut=%v, %d logs, %v", a.Cut, len(a.Logs), err)
	}
}

// Logs out of block order are never cut (the blocks kept would not be whole).
func TestReadLogsResponseNeverCutsLogsOutOfOrder(t *testing.T) {
	body := `{"jsonrpc":"2.0","id":1,"result":[` + strings.Join([]string{logJSON(5), logJSON(3), logJSON(4), logJSON(6)}, ",") + `]}`
	a, err := readLogsResponse(strings.NewReader(body), logLimit{Logs: 1})
	if err != nil || a.Cut || len(a.Logs) != 4 {
		t.Fatalf("cut=%v, %d logs, %v", a.Cut, len(a.Logs), err)
	}
}

func logJSON(block int) string {
	return fmt.Sprintf(`{"address":"0x%040x","topics":[],"data":"0x","blockNumber":"0x%x","transactionHash":"0x%064x",`+
		`"transactionIndex":"0x0","blockHash":"0x%064x","logIndex":"0x0","removed":false}`, 1, block, 2, 3)
}

// The answer is read as a stream: delivered a byte at a time it parses to the same logs.
func TestReadLogsResponseFromAStream(t *testing.T) {
	body := blocksBody(t, 20, 10)
	want, err := parseLogsResponse(body)
	if err != nil {
		t.Fatal(err)
	}
	a, err := readLogsResponse(iotest.OneByteReader(bytes.NewReader(body)), logLimit{})
	if err != nil || a.Cut || !reflect.DeepEqual(a.Logs, want) || len(want) != 200 {
		t.Fatalf("one byte at a time: cut=%v, %d logs (want %d), %v", a.Cut, len(a.Logs), len(want), err)
	}
}
