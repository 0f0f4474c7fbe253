package main

import (
	"context"
	"log/slog"
	"net"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/guildhall/guildhall/api"
	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/governance"
	"github.com/guildhall/guildhall/governance/govchain"
	"github.com/guildhall/guildhall/postgres"
)

// governanceConfig wires governance writes, tallies and member sign-in for serve.
//
// Transactions go through a chain.Sender over the same key and the same nonce table as the
// minter's: nonces are allocated under a row lock in PostgreSQL, so the two never collide, and
// the minter's sender's Run follows (rebroadcasts, replaces, confirms) every open intent of the
// key, this one's included. This sender only records and broadcasts; it never runs its own loop.
func governanceConfig(ctx context.Context, log *slog.Logger, db *postgres.DB, cc *chainConn, siweDomain string, relayPerHour int, confirmations uint64) (api.GovernanceConfig, error) {
	sender, err := chain.NewSender(ctx, chain.SenderConfig{
		Client: cc.client, Key: cc.operator, Store: db, Logger: log, Confirmations: confirmations,
	})
	if err != nil {
		return api.GovernanceConfig{}, err
	}
	reader := govchain.NewReader(cc.client)
	return api.GovernanceConfig{
		Service: &govchain.Service{
			Reader: reader, Backend: cc.client,
			Relayer: &govchain.SenderRelayer{Sender: sender},
			Relays:  db, Plans: db,
			Operator: crypto.PubkeyToAddress(cc.operator.PublicKey),
			Limit:    governance.RelayLimit{Max: relayPerHour, Window: time.Hour},
			Clock:    governance.TimestampClock,
		},
		Reader:  reader,
		Tallies: db,
		Members: db,
		SIWE:    api.SIWEConfig{Domain: siweDomain, ChainID: cc.identity.ChainID, Verifier: reader},
	}, nil
}

// defaultSIWEDomain is the authority wallets see when they reach the API at httpAddr directly:
// localhost:PORT for a loopback address, else the address itself.
func defaultSIWEDomain(httpAddr string) string {
	host, port, err := net.SplitHostPort(httpAddr)
	if err != nil {
		return httpAddr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsLoopback()) {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
