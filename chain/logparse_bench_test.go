package chain

import (
	"encoding/json"
	"math/rand"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// transferLogsBody is a node's answer of n logs shaped like Transfers (3 topics, 32 bytes of data).
func transferLogsBody(tb testing.TB, n int) []byte {
	r := rand.New(rand.NewSource(1))
	logs := make([]*types.Log, n)
	for i := range logs {
		l := &types.Log{BlockNumber: uint64(1000 + i/100), Index: uint(i % 100), TxIndex: uint(i % 7), BlockTimestamp: 1_700_000_000, Data: make([]byte, 32)}
		r.Read(l.Address[:])
		r.Read(l.TxHash[:])
		r.Read(l.BlockHash[:])
		r.Read(l.Data)
		l.Topics = make([]common.Hash, 3)
		for j := range l.Topics {
			r.Read(l.Topics[j][:])
		}
		logs[i] = l
	}
	result, err := json.Marshal(logs)
	if err != nil {
		tb.Fatal(err)
	}
	return []byte(`{"jsonrpc":"2.0","id":1,"result":` + string(result) + `}`)
}

// BenchmarkParseLogsResponse: the parser's cost per log (go test ./chain/ -run '^$' -bench ParseLogs).
func BenchmarkParseLogsResponse(b *testing.B) {
	body := transferLogsBody(b, benchLogs)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		logs, err := parseLogsResponse(body)
		if err != nil || len(logs) != benchLogs {
			b.Fatal(len(logs), err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchLogs), "ns/log")
	b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/float64(b.N*benchLogs), "cpu-ns/log")
}

// cpuTime is the CPU time this process used so far: on a shared, loaded machine it measures the
// parser's cost better than the elapsed time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

const benchLogs = 10_000
