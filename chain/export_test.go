package chain

// GovernorDeployGas exposes governorDeployGas to the chain_test package.
const GovernorDeployGas = governorDeployGas
