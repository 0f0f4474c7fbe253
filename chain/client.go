// Package chain connects Guildhall to an EVM chain: an external node reached over JSON-RPC, or
// the embedded dev chain it runs in-process. It also loads the operator key.
package chain

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/guildhall/guildhall"
)

// Client is what Guildhall needs from a chain: the abigen v2 bindings' backend (calls,
// transactions, gas and fee suggestions, logs, receipts) plus chain identity, balances, nonces and
// new-head notifications. *ethclient.Client and the simulated backend's client satisfy it.
type Client interface {
	bind.ContractBackend
	bind.DeployBackend
	ethereum.ChainIDReader
	ethereum.BlockNumberReader

	// BalanceAt returns the wei balance of account at blockNumber; nil means the latest block.
	BalanceAt(ctx context.Context, account common.Address, blockNumber *big.Int) (*big.Int, error)
	// NonceAt returns the number of transactions account has sent as of blockNumber; nil means
	// the latest block. Compare with PendingNonceAt to find transactions not yet mined.
	NonceAt(ctx context.Context, account common.Address, blockNumber *big.Int) (uint64, error)
	// SubscribeNewHead sends every new canonical head to ch. Over plain HTTP it fails with
	// rpc.ErrNotificationsUnsupported; callers then poll BlockNumber/HeaderByNumber instead.
	SubscribeNewHead(ctx context.Context, ch chan<- *types.Header) (ethereum.Subscription, error)
}

var (
	_ Client = (*ethclient.Client)(nil)
	_ Client = (simulated.Client)(nil)
)

// connectTimeout bounds how long Connect waits for the node's first answer.
const connectTimeout = 5 * time.Second

// Connect dials the JSON-RPC endpoint at rpcURL (http, https, ws or wss) and checks that it
// answers eth_chainId within a few seconds (sooner if ctx ends first). A URL of another form is
// an EINVALID *guildhall.Error; a node that does not answer is an EUNAVAILABLE *guildhall.Error
// with a one-line message naming the URL (without credentials) and the cause. The caller closes
// the returned client.
func Connect(ctx context.Context, rpcURL string) (*ethclient.Client, error) {
	u, err := url.Parse(rpcURL)
	if err != nil || u.Host == "" {
		return nil, guildhall.Errorf(guildhall.EINVALID, "invalid --rpc-url %q: want a URL such as http://127.0.0.1:8545", guildhall.RedactURL(rpcURL))
	}
	switch u.Scheme {
	case "http", "https", "ws", "wss":
	default:
		return nil, guildhall.Errorf(guildhall.EINVALID, "invalid --rpc-url %s: the scheme must be http, https, ws or wss", guildhall.RedactURL(rpcURL))
	}

	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	client, err := ethclient.DialContext(ctx, rpcURL)
	if err != nil {
		return nil, unreachable(rpcURL, err)
	}
	if _, err := client.ChainID(ctx); err != nil {
		client.Close()
		return nil, unreachable(rpcURL, err)
	}
	return client, nil
}

// unreachable turns a dial or first-call failure into the one-line EUNAVAILABLE error.
func unreachable(rpcURL string, err error) error {
	return guildhall.Errorf(guildhall.EUNAVAILABLE, "cannot reach the chain at %s: %s; start the node or fix --rpc-url",
		guildhall.RedactURL(rpcURL), dialCause(err))
}

// dialCause names why a node did not answer in a few words: the operating system's reason for a
// failed connection, a timeout, an HTTP status or the node's own error.
func dialCause(err error) string {
	var (
		sysErr  *os.SyscallError
		dnsErr  *net.DNSError
		httpErr rpc.HTTPError
		rpcErr  rpc.Error
	)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("no answer within %s", connectTimeout)
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.As(err, &dnsErr):
		return "unknown host " + dnsErr.Name
	case errors.As(err, &sysErr):
		return sysErr.Err.Error()
	case errors.As(err, &httpErr):
		return fmt.Sprintf("HTTP %s from the node", httpErr.Status)
	case errors.As(err, &rpcErr):
		return "eth_chainId failed: " + oneLine(rpcErr.Error())
	default:
		return oneLine(err.Error())
	}
}

// Identity returns the chain id and genesis (block 0) hash of the chain c is connected to. The
// hash is the one the node reports when c can make raw JSON-RPC calls (as *ethclient.Client
// can), so chains whose headers go-ethereum cannot rehash (some L2s) still get their true hash.
func Identity(ctx context.Context, c Client) (guildhall.ChainIdentity, error) {
	id, err := c.ChainID(ctx)
	if err != nil {
		return guildhall.ChainIdentity{}, fmt.Errorf("read chain id: %w", err)
	}
	if !id.IsUint64() {
		return guildhall.ChainIdentity{}, fmt.Errorf("read chain id: %s does not fit in 64 bits", id)
	}
	hash, err := genesisHash(ctx, c)
	if err != nil {
		return guildhall.ChainIdentity{}, fmt.Errorf("read genesis block: %w", err)
	}
	return guildhall.ChainIdentity{ChainID: id.Uint64(), GenesisHash: hash.Hex()}, nil
}

// rawCaller is implemented by *ethclient.Client (and so by the simulated backend's client).
type rawCaller interface {
	Client() *rpc.Client
}

func genesisHash(ctx context.Context, c Client) (common.Hash, error) {
	if rc, ok := c.(rawCaller); ok && rc.Client() != nil {
		var block struct {
			Hash *common.Hash `json:"hash"`
		}
		if err := rc.Client().CallContext(ctx, &block, "eth_getBlockByNumber", "0x0", false); err != nil {
			return common.Hash{}, err
		}
		if block.Hash == nil {
			return common.Hash{}, errors.New("the node has no block 0")
		}
		return *block.Hash, nil
	}
	header, err := c.HeaderByNumber(ctx, big.NewInt(0))
	if err != nil {
		return common.Hash{}, err
	}
	return header.Hash(), nil
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
