package chain

import (
	"encoding/json"
	"errors"
	"testing"
)

// FuzzParseLogsResponse: the compact eth_getLogs parser never panics and, on any body that
// encoding/json reads, agrees with it on what the node said: the refusal's code and message
// (which the indexer reads a range limit from) when there is an error, else as many logs as the
// result lists.
func FuzzParseLogsResponse(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		logs, err := parseLogsResponse(body)
		var top map[string]json.RawMessage // exact keys, as the parser reads them
		if json.Unmarshal(body, &top) != nil {
			return
		}
		var rpcErr *RPCError
		if errors.As(err, &rpcErr) {
			var e map[string]json.RawMessage
			if json.Unmarshal(top["error"], &e) != nil || e == nil {
				t.Fatalf("%q: refusal %v from a body whose error is %s", body, rpcErr, top["error"])
			}
			var msg string
			var code int
			if json.Unmarshal(e["message"], &msg) == nil && msg != rpcErr.Message {
				t.Fatalf("%q: refusal message %q, encoding/json reads %q", body, rpcErr.Message, msg)
			}
			if json.Unmarshal(e["code"], &code) == nil && code != rpcErr.Code {
				t.Fatalf("%q: refusal code %d, encoding/json reads %d", body, rpcErr.Code, code)
			}
			return
		}
		if err != nil {
			return
		}
		var result []json.RawMessage
		if json.Unmarshal(top["result"], &result) != nil || len(result) != len(logs) {
			t.Fatalf("%q: %d logs from a body whose result is %s", body, len(logs), top["result"])
		}
	})
}
