package chain

// GasWithHeadroom returns the gas limit to send with a transaction whose eth_estimateGas answer
// was estimate.
//
// Estimates run in the context of the latest block, but a transaction runs in the next one, with a
// later timestamp. GuildToken and GuildGovernor clock votes by timestamp, so an account
// checkpointed in the latest block needs a new checkpoint slot (about 20,000 gas more) in the next
// block where the estimate only updated one in place. The headroom covers that for a handful of
// accounts; unused gas is not charged.
func GasWithHeadroom(estimate uint64) uint64 {
	return estimate + estimate/5 + 50_000
}
