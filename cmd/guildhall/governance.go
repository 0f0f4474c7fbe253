package main

import (
	"math/big"
	"net"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/guildhall/guildhall/api"
	"github.com/guildhall/guildhall/chain"
	"github.com/guildhall/guildhall/governance"
	"github.com/guildhall/guildhall/governance/govchain"
	"github.com/guildhall/guildhall/postgres"
)

// governanceConfig wires governance writes, tallies and member sign-in for serve, and returns the
// governance service too (the relay settler finishes stranded relays through it).
//
// Transactions (proposals, relayed ballots and delegations) go through sender, the operator's one
// sender that startMinting runs: its nonces are allocated under a row lock in PostgreSQL and its
// Run loop rebroadcasts, replaces and confirms every open intent of the key, the minter's and
// these alike.
func governanceConfig(cc *chainConn, db *postgres.DB, index *postgres.IndexReader, sender *chain.Sender, siweDomain string,
	relay relayFlags, minDelegatorBalance *big.Int) (api.GovernanceConfig, *govchain.Service) {
	reader := govchain.NewReader(cc.client)
	store := postgres.NewGovernanceStore(db)
	svc := &govchain.Service{
		Reader: reader, Backend: cc.client,
		Relayer: &govchain.SenderRelayer{Sender: sender},
		Relays:  store, Plans: store,
		Operator:            crypto.PubkeyToAddress(cc.operator.PublicKey),
		Limit:               governance.RelayLimit{Max: relay.perHour, Window: time.Hour},
		Budget:              governance.RelayBudget{GasPerDay: relay.gasBudget},
		Clock:               governance.TimestampClock,
		MinDelegatorBalance: minDelegatorBalance,
	}
	return api.GovernanceConfig{
		Service: svc,
		Tallies: index,
		Onchain: govchain.NewTallyCheck(reader),
		Members: postgres.NewSessionStore(db),
		SIWE:    api.SIWEConfig{Domain: siweDomain, ChainID: cc.identity.ChainID, Verifier: reader},
	}, svc
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
