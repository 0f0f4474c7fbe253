package main

import (
	"context"
	"crypto/ecdsa"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"
)

// testWalletJS is the EIP-1193 wallet the browser tests inject into every page (see the file).
//
//go:embed testdata/testwallet.js
var testWalletJS string

// testWallet signs, with one dev key, what the injected wallet is asked to sign: Sign-In with
// Ethereum messages (personal_sign) and EIP-712 ballots and delegations (eth_signTypedData_v4),
// and sends the transactions it is asked to send (eth_sendTransaction) to the chain at rpc.
type testWallet struct {
	key     *ecdsa.PrivateKey
	account common.Address
	rpc     *ethclient.Client

	mu     sync.Mutex
	signed []string // the methods signed, in order
}

// inject installs the wallet in every document the tab loads, starting on chainID, and answers
// its signing requests.
func (w *testWallet) inject(ctx context.Context, chainID uint64) error {
	cfg, _ := json.Marshal(map[string]any{"account": w.account.Hex(), "chainId": chainID})
	script := fmt.Sprintf("window.__testWalletConfig = %s;\n%s", cfg, testWalletJS)
	chromedp.ListenTarget(ctx, func(ev any) {
		if e, ok := ev.(*runtime.EventBindingCalled); ok && e.Name == "guildhallWalletSign" {
			go w.answer(ctx, e.Payload)
		}
	})
	return chromedp.Run(ctx, runtime.AddBinding("guildhallWalletSign"), chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := page.AddScriptToEvaluateOnNewDocument(script).Do(ctx)
		return err
	}))
}

// answer signs one request of the page's wallet and hands the signature (or the error) back.
func (w *testWallet) answer(ctx context.Context, payload string) {
	var req struct {
		ID     int               `json:"id"`
		Method string            `json:"method"`
		Params []json.RawMessage `json:"params"`
	}
	result, errText := "", ""
	if err := json.Unmarshal([]byte(payload), &req); err != nil {
		errText = err.Error()
	} else if out, err := w.do(ctx, req.Method, req.Params); err != nil {
		errText = err.Error()
	} else {
		result = hexutil.Encode(out)
		w.mu.Lock()
		w.signed = append(w.signed, req.Method)
		w.mu.Unlock()
	}
	resolve := fmt.Sprintf("window.__testWallet.resolve(%d, %q, %q)", req.ID, result, errText)
	_ = chromedp.Run(ctx, chromedp.Evaluate(resolve, nil))
}

// do answers one request: a transaction sent (its hash) or a signature.
func (w *testWallet) do(ctx context.Context, method string, params []json.RawMessage) ([]byte, error) {
	if method != "eth_sendTransaction" {
		return w.sign(method, params)
	}
	var tx struct {
		From common.Address
		To   common.Address
		Data hexutil.Bytes
	}
	if len(params) != 1 {
		return nil, fmt.Errorf("eth_sendTransaction wants one transaction, got %d", len(params))
	}
	if err := json.Unmarshal(params[0], &tx); err != nil || tx.From != w.account {
		return nil, fmt.Errorf("eth_sendTransaction wants a transaction from %s: %s (%v)", w.account, params[0], err)
	}
	sent, err := sendDevTx(ctx, w.rpc, w.key, tx.To, tx.Data)
	if err != nil {
		return nil, err
	}
	return sent.Hash().Bytes(), nil
}

func (w *testWallet) sign(method string, params []json.RawMessage) ([]byte, error) {
	if len(params) != 2 {
		return nil, fmt.Errorf("%s wants 2 params, got %d", method, len(params))
	}
	var hash []byte
	switch method {
	case "personal_sign":
		var msg string
		if err := json.Unmarshal(params[0], &msg); err != nil {
			return nil, err
		}
		raw, err := hexutil.Decode(msg)
		if err != nil {
			return nil, fmt.Errorf("personal_sign message is not hex: %w", err)
		}
		hash = accounts.TextHash(raw)
	case "eth_signTypedData_v4":
		var doc string
		if err := json.Unmarshal(params[1], &doc); err != nil {
			return nil, err
		}
		var td apitypes.TypedData
		if err := json.NewDecoder(strings.NewReader(doc)).Decode(&td); err != nil {
			return nil, fmt.Errorf("typed data: %w", err)
		}
		h, _, err := apitypes.TypedDataAndHash(td)
		if err != nil {
			return nil, fmt.Errorf("typed data hash: %w", err)
		}
		hash = h
	default:
		return nil, fmt.Errorf("the test wallet does not sign %s", method)
	}
	sig, err := crypto.Sign(hash, w.key)
	if err != nil {
		return nil, err
	}
	sig[64] += 27 // the V wallets return
	return sig, nil
}

func (w *testWallet) signedMethods() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.signed...)
}
