import { createConfig } from "ponder";

import { erc20Abi } from "./abis/erc20Abi";

// The node, the token and its deployment block come from the benchmark that starts Ponder
// (cmd/guildhall's BenchmarkBackfillExternalNode with GUILDHALL_BENCH_PONDER=1).
function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

export default createConfig({
  database: { kind: "postgres", connectionString: env("DATABASE_URL") },
  chains: {
    bench: { id: Number(env("PONDER_CHAIN_ID")), rpc: env("PONDER_RPC_URL") },
  },
  contracts: {
    ERC20: {
      chain: "bench",
      abi: erc20Abi,
      address: env("PONDER_TOKEN_ADDRESS") as `0x${string}`,
      startBlock: Number(env("PONDER_START_BLOCK")),
    },
  },
});
