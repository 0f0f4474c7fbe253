// Compiles Guildhall's contracts with the pinned solc against the pinned OpenZeppelin contracts and
// writes <Contract>.abi and <Contract>.bin into the output directory (default ./artifacts).
// Usage: node build.js [--out DIR]
"use strict";
const fs = require("fs");
const path = require("path");
const solc = require("solc");

const CONTRACTS = {
  "GuildToken.sol": ["GuildToken"],
  "GuildGovernor.sol": ["GuildGovernor"],
  "@openzeppelin/contracts/governance/TimelockController.sol": ["TimelockController"],
  // Test fixtures (testdata/): built and checked like the rest, never deployed by Guildhall.
  "testdata/ContractWallet.sol": ["ContractWallet"],
};

function main() {
  const outIdx = process.argv.indexOf("--out");
  const outDir = outIdx >= 0 ? process.argv[outIdx + 1] : path.join(__dirname, "artifacts");
  const srcDir = path.join(__dirname, "src");

  const sources = {};
  for (const f of fs.readdirSync(srcDir).filter((f) => f.endsWith(".sol")).sort()) {
    sources[f] = { content: fs.readFileSync(path.join(srcDir, f), "utf8") };
  }
  const testDir = path.join(__dirname, "testdata");
  for (const f of fs.readdirSync(testDir).filter((f) => f.endsWith(".sol")).sort()) {
    sources[`testdata/${f}`] = { content: fs.readFileSync(path.join(testDir, f), "utf8") };
  }
  const input = {
    language: "Solidity",
    sources,
    settings: {
      evmVersion: "cancun",
      optimizer: { enabled: true, runs: 200 },
      metadata: { bytecodeHash: "none" },
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
    },
  };
  const findImports = (p) => {
    try {
      return { contents: fs.readFileSync(require.resolve(p, { paths: [__dirname] }), "utf8") };
    } catch (e) {
      return { error: `not found: ${p}` };
    }
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  const errors = (out.errors || []).filter((e) => e.severity === "error");
  // OpenZeppelin's own warnings are not ours to fix; ours and every error are shown.
  for (const e of out.errors || []) {
    const ours = e.sourceLocation && !e.sourceLocation.file.startsWith("@openzeppelin/");
    if (e.severity === "error" || ours) console.error(e.formattedMessage);
  }
  if (errors.length) process.exit(1);

  fs.mkdirSync(outDir, { recursive: true });
  for (const [file, names] of Object.entries(CONTRACTS)) {
    for (const name of names) {
      const c = out.contracts[file] && out.contracts[file][name];
      if (!c) {
        console.error(`missing contract ${file}:${name} in compiler output`);
        process.exit(1);
      }
      fs.writeFileSync(path.join(outDir, `${name}.abi`), JSON.stringify(c.abi, null, 2) + "\n");
      fs.writeFileSync(path.join(outDir, `${name}.bin`), c.evm.bytecode.object + "\n");
      console.log(`${name}: ${c.evm.bytecode.object.length / 2} bytes of init code`);
    }
  }
  console.log(`solc ${solc.version()} -> ${outDir}`);
}

main();
