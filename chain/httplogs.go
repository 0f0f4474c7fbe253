package chain

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"

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
// read once, uncompressed when the node is on this machine, and parsed in one pass into logs
// whose topics and data share a few large allocations.
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
	url  string
	http *http.Client
	bufs sync.Pool
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
	FromBlock string           `json:"fromBlock"`
	ToBlock   string           `json:"toBlock"`
	Address   []common.Address `json:"address,omitempty"`
	Topics    [][]common.Hash  `json:"topics,omitempty"`
}

// FilterLogs is eth_getLogs for a range of numbered blocks, as the indexer asks; other queries (by
// block hash, or up to "latest") go through the wrapped client.
func (h *httpLogs) FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error) {
	if q.BlockHash != nil || q.FromBlock == nil || q.ToBlock == nil || q.FromBlock.Sign() < 0 || q.ToBlock.Sign() < 0 {
		return h.Client.FilterLogs(ctx, q)
	}
	body, err := json.Marshal(map[string]any{
		"jsonrpc": "2.0", "id": 1, "method": "eth_getLogs",
		"params": []filterArg{{FromBlock: hexutil.EncodeBig(q.FromBlock), ToBlock: hexutil.EncodeBig(q.ToBlock), Address: q.Addresses, Topics: q.Topics}},
	})
	if err != nil {
		return nil, err
	}
	buf := h.buffer()
	defer h.release(buf)
	status, err := h.post(ctx, body, buf)
	if err != nil {
		return nil, err
	}
	logs, err := parseLogsResponse(buf.Bytes())
	if err != nil && status.code != http.StatusOK {
		var rpcErr *RPCError
		if errors.As(err, &rpcErr) {
			return nil, err
		}
		return nil, fmt.Errorf("%s: %s", status.text, truncate(buf.Bytes(), 500))
	}
	return logs, err
}

// httpStatus is an HTTP answer's status code and text ("413 Request Entity Too Large").
type httpStatus struct {
	code int
	text string
}

// post sends one JSON-RPC request and reads the whole answer into buf.
func (h *httpLogs) post(ctx context.Context, body []byte, buf *bytes.Buffer) (httpStatus, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url, bytes.NewReader(body))
	if err != nil {
		return httpStatus{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := h.http.Do(req)
	if err != nil {
		return httpStatus{}, err
	}
	defer resp.Body.Close()
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return httpStatus{}, fmt.Errorf("read eth_getLogs response: %w", err)
	}
	return httpStatus{code: resp.StatusCode, text: resp.Status}, nil
}

// buffer returns an empty buffer for an answer, reusing one an earlier answer grew.
func (h *httpLogs) buffer() *bytes.Buffer {
	buf, _ := h.bufs.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	buf.Reset()
	return buf
}

// release keeps buf for the next answer unless it grew past 64 MiB.
func (h *httpLogs) release(buf *bytes.Buffer) {
	if buf.Cap() <= 64<<20 {
		h.bufs.Put(buf)
	}
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}
