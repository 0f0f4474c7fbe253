package chain

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
)

// HTTPLogs returns c with eth_getLogs sent straight to the node's HTTP JSON-RPC endpoint rpcURL
// (the node c talks to) and decoded by a compact parser; every other call still goes through c.
//
// A backfill is mostly eth_getLogs responses of tens of megabytes. Through go-ethereum's client
// each response is scanned three times by encoding/json (the envelope, the result, then each log
// through its generated UnmarshalJSON and hexutil types), and over loopback the node also gzips
// it for the client to gunzip: together more CPU than the node's own log search. Here the body is
// read as a stream, uncompressed when the node is on this machine, one log at a time into logs
// whose topics and data share a few large allocations; FilterLogsUpTo stops reading at a bound.
//
// rpcURL must be http or https; errors never show it (it may hold an API key).
func HTTPLogs(c Client, rpcURL string) (Client, error) {
	u, err := url.Parse(rpcURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// The URL is left out: it may hold an API key.
		return nil, errors.New("eth_getLogs over HTTP needs an http(s) node URL")
	}
	local := false
	if ip := net.ParseIP(u.Hostname()); (ip != nil && ip.IsLoopback()) || u.Hostname() == "localhost" {
		local = true
	}
	// Compression saves bandwidth to a remote node; on this machine it only costs CPU.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.DisableCompression = local
	return &httpLogs{Client: c, url: rpcURL, http: &http.Client{Transport: transport}}, nil
}

type httpLogs struct {
	Client
	url    string
	http   *http.Client
	expect atomic.Int64 // the logs of the last answer read (logLimit.Expect)
}

// RPCError is a JSON-RPC error answer. It has the methods go-ethereum's errors have (Error,
// ErrorCode, ErrorData), so a refused range is recognized the same way.
type RPCError struct {
	Code    int
	Message string
	Data    json.RawMessage
}

func (e *RPCError) Error() string {
	if e.Message == "" {
		return "json-rpc error " + strconv.Itoa(e.Code)
	}
	return e.Message
}
func (e *RPCError) ErrorCode() int { return e.Code }
func (e *RPCError) ErrorData() any { return e.Data }

type filterArg struct {
	BlockHash *common.Hash     `json:"blockHash,omitempty"`
	FromBlock string           `json:"fromBlock,omitempty"`
	ToBlock   string           `json:"toBlock,omitempty"`
	Address   []common.Address `json:"address,omitempty"`
	Topics    [][]common.Hash  `json:"topics,omitempty"`
}

// FilterLogs is eth_getLogs for a range of numbered blocks or for one block by its hash, as the
// indexer asks; other queries (up to "latest") go through the wrapped client.
func (h *httpLogs) FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error) {
	if !numbered(q) && q.BlockHash == nil {
		return h.Client.FilterLogs(ctx, q)
	}
	a, err := h.getLogs(ctx, q, logLimit{})
	return a.Logs, err
}

// FilterLogsUpTo is FilterLogs that stops reading the answer once it holds maxLogs logs or
// maxBytes bytes of their JSON (0: no bound), at a block boundary: the logs returned are every log
// of the blocks q.FromBlock..through, and through is q.ToBlock when the answer was read whole. The
// rest of the answer is never read, so memory is bounded by the limit, not by the range.
func (h *httpLogs) FilterLogsUpTo(ctx context.Context, q ethereum.FilterQuery, maxLogs int, maxBytes int64) ([]types.Log, uint64, error) {
	if !numbered(q) {
		return nil, 0, errors.New("FilterLogsUpTo needs a range of numbered blocks")
	}
	a, err := h.getLogs(ctx, q, logLimit{Logs: maxLogs, Bytes: maxBytes})
	if err != nil {
		return nil, 0, err
	}
	if !a.Cut {
		a.Through = q.ToBlock.Uint64()
	}
	return a.Logs, a.Through, nil
}

func numbered(q ethereum.FilterQuery) bool {
	return q.BlockHash == nil && q.FromBlock != nil && q.ToBlock != nil && q.FromBlock.Sign() >= 0 && q.ToBlock.Sign() >= 0
}

// getLogs sends eth_getLogs and reads the answer as a stream, up to limit.
func (h *httpLogs) getLogs(ctx context.Context, q ethereum.FilterQuery, limit logLimit) (logsAnswer, error) {
	arg := filterArg{BlockHash: q.BlockHash, Address: q.Addresses, Topics: q.Topics}
	if q.BlockHash == nil {
		arg.FromBlock, arg.ToBlock = hexutil.EncodeBig(q.FromBlock), hexutil.EncodeBig(q.ToBlock)
	}
	body, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "eth_getLogs", "params": []filterArg{arg}})
	if err != nil {
		return logsAnswer{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url, bytes.NewReader(body))
	if err != nil {
		return logsAnswer{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := h.http.Do(req)
	if err != nil {
		return logsAnswer{}, err
	}
	// Closing an answer not read to its end (cut at the limit) closes its connection.
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		limit.Expect = int(h.expect.Load())
		a, err := readLogsResponse(resp.Body, limit)
		if err != nil && ctx.Err() != nil {
			return a, ctx.Err()
		}
		if err == nil {
			h.expect.Store(int64(len(a.Logs)))
		}
		return a, err
	}
	// An HTTP error: a JSON-RPC error in its body, else its status and the start of its body.
	head, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var rpcErr *RPCError
	if _, err := readLogsResponse(bytes.NewReader(head), logLimit{}); errors.As(err, &rpcErr) {
		return logsAnswer{}, err
	}
	return logsAnswer{}, fmt.Errorf("%s: %s", resp.Status, truncate(head, 500))
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}
