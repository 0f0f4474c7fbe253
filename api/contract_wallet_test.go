package api

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts"
	bind "github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/guildhall/guildhall/contracts/bindings/contractwallet"
	"github.com/guildhall/guildhall/governance/govchain"
	"github.com/guildhall/guildhall/siwe"
)

// A smart-contract wallet (ERC-1271) signs in and votes through the relay like a key does: the API
// asks the wallet contract whether it accepts the signature, and the governor does the same on chain.
func TestContractWalletSignsInAndVotesThroughTheRelay(t *testing.T) {
	h := newGovHarness(t, govTestSettings, 4, 40)
	owner, stranger := h.sim.Accounts[2], h.sim.Accounts[3]
	wallet := h.contractWallet(t, 2)

	t.Run("sign in", func(t *testing.T) {
		signIn := func(key *ecdsa.PrivateKey) (int, map[string]any) { return h.signInAs(t, wallet, key) }
		code, session := signIn(owner)
		if code != http.StatusOK || session["address"] != wallet.Hex() {
			t.Fatalf("the owner's signature for the wallet: %d %v, want 200 signed in as %s", code, session, wallet.Hex())
		}
		h.sync(t)
		me := h.want(t, h.do(t, http.MethodGet, "/v1/me", session["token"].(string), nil), http.StatusOK)
		if c := me["communities"].([]any); len(c) != 1 || c[0].(map[string]any)["voting_power"] != tokens(10).String() {
			t.Fatalf("/v1/me of the wallet: %v", me)
		}
		code, p := signIn(stranger)
		if code != http.StatusUnauthorized || !strings.Contains(p["detail"].(string), "did not accept the signature (ERC-1271)") {
			t.Fatalf("a stranger's signature for the wallet: %d %v, want 401 naming ERC-1271", code, p)
		}
	})

	t.Run("gasless vote", func(t *testing.T) {
		pid := h.proposeMint(t, "Grant 5 BAKE to the wallet", wallet, 5)
		h.advance(t, govTestSettings.VotingDelay+time.Second)

		q := fmt.Sprintf("/v1/communities/bakery/proposals/%s/ballot-typed-data?voter=%s&support=for", pid, wallet.Hex())
		typed := h.do(t, http.MethodGet, q, "", nil)
		if typed.Code != http.StatusOK {
			t.Fatalf("ballot-typed-data: %d %s", typed.Code, typed.Body)
		}
		nonce := h.operatorNonce(t)
		rec := h.do(t, http.MethodPost, ballotPath(pid), "", map[string]any{"voter": wallet.Hex(), "support": "for",
			"signature": signTypedData(t, typed.Body.Bytes(), stranger)})
		h.wantRefused(t, rec, rec.Body.String(), rec.Code, "does not recover the voter", nonce)

		rec = h.do(t, http.MethodPost, ballotPath(pid), "", map[string]any{"voter": wallet.Hex(), "support": "for",
			"signature": signTypedData(t, typed.Body.Bytes(), owner)})
		h.mine(t, h.want(t, rec, http.StatusAccepted)["tx_hash"].(string))
		tally := h.tally(t, pid)
		if tally["for"] != tokens(10).String() || tally["voters"] != 1.0 || tally["consistent"] != true {
			t.Fatalf("tally after the wallet's relayed vote: %v", tally)
		}
		pidInt, _ := new(big.Int).SetString(pid, 10)
		if out := h.sim.Call(t, h.dep.Governor, govABI.PackHasVoted(pidInt, wallet)); new(big.Int).SetBytes(out).Sign() != 1 {
			t.Fatal("the governor does not record the wallet's vote")
		}
	})
}

// contractWallet deploys an ERC-1271 wallet owned by account owner's key and gives it 10 tokens
// (it delegates to itself on first receipt, so it votes with 10).
func (h *govHarness) contractWallet(t *testing.T, owner int) common.Address {
	t.Helper()
	opts := bind.NewKeyedTransactor(h.sim.Accounts[0], h.sim.ChainID)
	wallet, tx, err := bind.DeployContract(opts, common.FromHex(contractwallet.ContractWalletMetaData.Bin), h.sim.Client,
		contractwallet.NewContractWallet().PackConstructor(h.sim.Address(owner)))
	if err != nil {
		t.Fatal(err)
	}
	h.mine(t, tx.Hash().Hex())
	h.sim.MustTransact(t, h.sim.Accounts[0], h.dep.Token, tokenABI.PackMintBatch(common.Hash{2}, []common.Address{wallet}, []*big.Int{tokens(10)}))
	h.advance(t, time.Second)
	return wallet
}

// signInAs signs a fresh sign-in message for address with key and verifies it.
func (h *govHarness) signInAs(t *testing.T, address common.Address, key *ecdsa.PrivateKey) (int, map[string]any) {
	t.Helper()
	nonce := h.want(t, h.do(t, http.MethodPost, "/v1/auth/nonce", "", nil), http.StatusOK)["nonce"].(string)
	later := time.Now().Add(time.Hour)
	text := (&siwe.Message{Domain: "guildhall.test", Address: address, Statement: "Sign in to Guildhall.",
		URI: "https://guildhall.test/", Version: "1", ChainID: h.sim.ChainID.Uint64(), Nonce: nonce,
		IssuedAt: time.Now().Add(-time.Second), ExpirationTime: &later}).String()
	sig, _ := crypto.Sign(accounts.TextHash([]byte(text)), key)
	sig[64] += 27
	rec := h.do(t, http.MethodPost, "/v1/auth/verify", "", map[string]string{"message": text, "signature": hexutil.Encode(sig)})
	return rec.Code, h.want(t, rec, rec.Code)
}

// erc1271Down is a node that answers everything but a wallet's isValidSignature, which fails as
// a dropped connection does.
type erc1271Down struct{ govchain.Backend }

func (b erc1271Down) CallContract(ctx context.Context, msg ethereum.CallMsg, block *big.Int) ([]byte, error) {
	if bytes.HasPrefix(msg.Data, common.FromHex("0x1626ba7e")) {
		return nil, errors.New(`Post "http://node:8545": read tcp 10.0.0.2:41234->10.0.0.9:8545: read: connection reset by peer`)
	}
	return b.Backend.CallContract(ctx, msg, block)
}

// When the node cannot be asked whether a contract wallet accepts a signature, sign-in and a
// relayed ballot answer 503 (try again), not "signature refused", and nothing is sent.
func TestContractWalletCheckWhenTheNodeDoesNotAnswer(t *testing.T) {
	h := newGovHarness(t, govTestSettings, 4, 40)
	wallet := h.contractWallet(t, 2)
	pid := h.proposeMint(t, "Grant 5 BAKE to the wallet", wallet, 5)
	h.advance(t, govTestSettings.VotingDelay+time.Second)
	typed := h.do(t, http.MethodGet, fmt.Sprintf("/v1/communities/bakery/proposals/%s/ballot-typed-data?voter=%s&support=for", pid, wallet.Hex()), "", nil)
	if typed.Code != http.StatusOK {
		t.Fatalf("ballot-typed-data: %d %s", typed.Code, typed.Body)
	}

	down := govchain.NewReader(erc1271Down{h.sim.Client})
	svc := h.svc
	healthy := svc.Reader
	h.srv.gov.SIWE.Verifier, svc.Reader = down, down

	code, p := h.signInAs(t, wallet, h.sim.Accounts[2])
	if code != http.StatusServiceUnavailable || !strings.Contains(p["detail"].(string), "the chain node did not answer") {
		t.Fatalf("sign-in while the node drops the ERC-1271 call: %d %v, want 503", code, p)
	}
	nonce, rows := h.operatorNonce(t), h.relayRows(t)
	rec := h.do(t, http.MethodPost, ballotPath(pid), "", map[string]any{"voter": wallet.Hex(), "support": "for",
		"signature": signTypedData(t, typed.Body.Bytes(), h.sim.Accounts[2])})
	p = h.want(t, rec, http.StatusServiceUnavailable)
	if !strings.Contains(p["detail"].(string), "did not answer") || h.operatorNonce(t) != nonce || h.relayRows(t) != rows {
		t.Fatalf("ballot while the node drops the ERC-1271 call: %v; operator nonce %d -> %d", p, nonce, h.operatorNonce(t))
	}

	// Once the node answers, the same signatures go through.
	h.srv.gov.SIWE.Verifier, svc.Reader = healthy, healthy
	if code, p := h.signInAs(t, wallet, h.sim.Accounts[2]); code != http.StatusOK {
		t.Fatalf("sign-in with the node back: %d %v", code, p)
	}
	h.mine(t, h.want(t, h.do(t, http.MethodPost, ballotPath(pid), "", map[string]any{"voter": wallet.Hex(), "support": "for",
		"signature": signTypedData(t, typed.Body.Bytes(), h.sim.Accounts[2])}), http.StatusAccepted)["tx_hash"].(string))
}
