package chain

import (
	"context"
	"fmt"
	"net"
	"testing"

	"github.com/guildhall/guildhall"
)

func TestConnect(t *testing.T) {
	closedURL := fmt.Sprintf("http://%s", closedAddr(t))
	tests := map[string]struct {
		url      string
		code     string
		contains []string
	}{
		"closed port": {
			url:      closedURL,
			code:     guildhall.EUNAVAILABLE,
			contains: []string{"cannot reach the chain at " + closedURL + ": connection refused; start the node or fix --rpc-url"},
		},
		"no scheme": {
			url:      "127.0.0.1:8545",
			code:     guildhall.EINVALID,
			contains: []string{"--rpc-url", "http://127.0.0.1:8545"},
		},
		"unsupported scheme": {
			url:      "ftp://127.0.0.1:8545",
			code:     guildhall.EINVALID,
			contains: []string{"--rpc-url", "http, https, ws or wss"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			client, err := Connect(context.Background(), tc.url)
			if err == nil {
				client.Close()
				t.Fatal("Connect() succeeded, want an error")
			}
			assertUserError(t, err, tc.code, tc.contains...)
		})
	}
}

func TestConnectToDevChain(t *testing.T) {
	ctx := context.Background()
	dev := startDevChain(t, DevChainConfig{HTTPAddr: "127.0.0.1:0"})
	client, err := Connect(ctx, dev.RPCURL())
	if err != nil {
		t.Fatalf("Connect(%s) = %v", dev.RPCURL(), err)
	}
	t.Cleanup(client.Close)
	overHTTP, err := Identity(ctx, client)
	if err != nil {
		t.Fatal(err)
	}
	inProcess, err := Identity(ctx, dev.Client())
	if err != nil {
		t.Fatal(err)
	}
	want := guildhall.ChainIdentity{ChainID: 1337, GenesisHash: dev.GenesisHash().Hex()}
	if overHTTP != want || inProcess != want {
		t.Errorf("Identity() = %+v over HTTP, %+v in process; want %+v", overHTTP, inProcess, want)
	}
}

// closedAddr returns a local address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
