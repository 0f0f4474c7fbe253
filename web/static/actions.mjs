// Guildhall dashboard: a proposal's actions in words. calls.json lists every state-changing
// function of the community's token, governor and timelock by selector (a test keeps it equal to
// the contracts' ABIs); known settings and mints read as sentences, other known functions as
// function and arguments, anything else as the raw call.

import { el, sameAddress, short, state, tokens } from "./util.mjs";

let calls = null;

async function knownCalls() {
  if (!calls) calls = fetch("/assets/calls.json").then((r) => r.json());
  return calls;
}

// duration says a number of seconds the way people do: "2 days", "5 minutes", "90 seconds".
export function duration(seconds) {
  const s = Number(seconds);
  for (const [unit, n] of [["day", 86400], ["hour", 3600], ["minute", 60]]) {
    if (s >= n && s % n === 0) return `${s / n} ${unit}${s / n === 1 ? "" : "s"}`;
  }
  return `${s} second${s === 1 ? "" : "s"}`;
}

const word = (data, i) => data.slice(i * 64, (i + 1) * 64);
const uint = (w) => BigInt("0x" + (w || "0"));
const addr = (w) => "0x" + w.slice(24);

// decodeArgs reads the ABI-encoded arguments of types from data (hex, no 0x, selector removed):
// static words, and address[], uint256[], bytes and string by their offsets. null when malformed.
function decodeArgs(types, data) {
  try {
    return types.map((type, i) => {
      const w = word(data, i);
      if (w.length !== 64) throw new Error("short");
      if (type === "address") return addr(w);
      if (/^u?int\d*$/.test(type)) return uint(w);
      if (type === "bool") return uint(w) !== 0n;
      if (/^bytes\d+$/.test(type)) return "0x" + w;
      const at = Number(uint(w)) * 2;
      const len = Number(uint(data.slice(at, at + 64)));
      const body = data.slice(at + 64);
      if (type === "address[]" || type === "uint256[]") {
        return Array.from({ length: len }, (_, k) => (type === "address[]" ? addr(word(body, k)) : uint(word(body, k))));
      }
      if (type === "bytes") return "0x" + body.slice(0, len * 2);
      if (type === "string") return new TextDecoder().decode(Uint8Array.from(body.slice(0, len * 2).match(/../g) || [], (h) => parseInt(h, 16)));
      return "(" + type + ")";
    });
  } catch {
    return null;
  }
}

const typesOf = (signature) => {
  const inner = signature.slice(signature.indexOf("(") + 1, -1);
  return inner ? inner.split(",") : [];
};

// contractAt names the community contract at target: token, governor, timelock, or null.
function contractAt(target) {
  const c = state.community;
  if (sameAddress(target, c.token.address)) return "token";
  if (sameAddress(target, c.governor)) return "governor";
  if (sameAddress(target, c.timelock)) return "timelock";
  return null;
}

const SETTINGS = {
  "governor.setVotingPeriod": (a) => `set the voting period to ${duration(a[0])}`,
  "governor.setVotingDelay": (a) => `set the voting delay to ${duration(a[0])}`,
  "governor.setLateQuorumVoteExtension": (a) => `set the late-quorum extension to ${duration(a[0])}`,
  "governor.updateQuorumNumerator": (a) => `set the quorum to ${a[0]}% of the supply`,
  "governor.setProposalThreshold": (a, sym) => `set the proposal threshold to ${tokens(a[0].toString())} ${sym}`,
  "timelock.updateDelay": (a) => `set the timelock delay to ${duration(a[0])}`,
};

// describe is one action {target, value, calldata} in words, as a list of nodes.
export async function describe(action) {
  const sym = state.community.token.symbol;
  const data = (action.calldata || "0x").slice(2).toLowerCase();
  const where = contractAt(action.target);
  const value = BigInt(action.value || "0");
  const pay = value > 0n ? ` and send ${tokens(value.toString())} ETH` : "";
  if (!data) return [`send ${tokens(value.toString())} ETH to `, target(action.target)];
  const known = (await knownCalls())["0x" + data.slice(0, 8)];
  const args = known ? decodeArgs(typesOf(known.signature), data.slice(8)) : null;
  if (!known || !args || !where || !known.contracts.includes(where)) {
    if (known && args) return [`call ${known.signature.split("(")[0]}(${args.map(show).join(", ")}) on `, target(action.target), pay];
    return [`call ${data.slice(0, 8)} on `, target(action.target), ` with ${data.length / 2 - 4} bytes of arguments (not a function Guildhall knows)${pay}`];
  }
  const name = `${where}.${known.signature.split("(")[0]}`;
  if (SETTINGS[name]) return [SETTINGS[name](args, sym), pay];
  if (name === "token.mint") return [`mint ${tokens(args[1].toString())} ${sym} to `, target(args[0]), pay];
  if (name === "token.transfer") return [`send ${tokens(args[1].toString())} ${sym} from the treasury to `, target(args[0]), pay];
  const parts = known.inputs.map((n, i) => `${n || "arg" + i} = ${show(args[i])}`).join(", ");
  return [`${where}: ${known.signature.split("(")[0]}(${parts})`, pay];
}

const show = (v) => (Array.isArray(v) ? `[${v.map(show).join(", ")}]` : typeof v === "bigint" ? v.toString() : String(v));

function target(a) {
  const name = contractAt(a);
  return el("a", { href: `#/members/${a}`, title: a, class: "addr" }, name ? `the ${name}` : short(a));
}

// ---- queue and execute ---------------------------------------------------------------------

const u256 = (n) => BigInt(n).toString(16).padStart(64, "0");
const words = (hex) => hex.padEnd(Math.ceil(hex.length / 64) * 64, "0");

// encodeArray ABI-encodes a dynamic array: its length, then its items (each already encoded:
// static words, or dynamic ones behind offsets counted from just after the length).
function encodeArray(items, dynamic) {
  if (!dynamic) return u256(items.length) + items.join("");
  let at = items.length * 32;
  const offsets = items.map((it) => { const o = u256(at); at += it.length / 2; return o; });
  return u256(items.length) + offsets.join("") + items.join("");
}

// lifecycleCall is the calldata (0x hex) of the governor's queue or execute (op) of proposal p:
// op(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash), its
// selector looked up in calls.json.
export async function lifecycleCall(op, p) {
  const signature = `${op}(address[],uint256[],bytes[],bytes32)`;
  const known = await knownCalls();
  const selector = Object.keys(known).find((s) => known[s].signature === signature && known[s].contracts.includes("governor"));
  if (!selector) throw new Error(`the governor has no ${signature}`);
  const targets = encodeArray(p.actions.map((a) => a.target.slice(2).toLowerCase().padStart(64, "0")), false);
  const values = encodeArray(p.actions.map((a) => u256(a.value || "0")), false);
  const calldatas = encodeArray(p.actions.map((a) => { const b = (a.calldata || "0x").slice(2); return u256(b.length / 2) + words(b); }), true);
  const head = [4 * 32, 4 * 32 + targets.length / 2, 4 * 32 + (targets.length + values.length) / 2].map(u256).join("") + p.description_hash.slice(2);
  return selector + head + targets + values + calldatas;
}
