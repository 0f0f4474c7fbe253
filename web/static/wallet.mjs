// Guildhall dashboard: the member's wallet. Every injected wallet is discovered through EIP-6963
// (window.ethereum is the fallback for wallets that do not announce themselves); the member picks
// one, the page checks its chain (offering wallet_switchEthereumChain, then
// wallet_addEthereumChain), signs in with Sign-In with Ethereum and signs EIP-712 ballots and
// delegations that Guildhall relays, so no gas is needed.

import { api, community, el, noteWrite, notice, short, state } from "./util.mjs";

const providers = new Map(); // uuid -> {info, provider}
let current = null; // the chosen EIP-1193 provider
const listeners = new Set();
const SESSION_KEY = "guildhall.session";
const WALLET_KEY = "guildhall.wallet"; // the wallet this tab connected, reconnected on reload

export function onWalletChange(fn) {
  listeners.add(fn);
}
const changed = () => listeners.forEach((fn) => fn());

// discover listens for EIP-6963 announcements and asks every wallet to announce itself.
export function discover() {
  window.addEventListener("eip6963:announceProvider", (ev) => {
    const d = ev.detail;
    if (!d || !d.info || !d.provider) return;
    providers.set(d.info.uuid, d);
    changed();
  });
  window.dispatchEvent(new Event("eip6963:requestProvider"));
  restoreSession();
}

// reconnect connects again, without a prompt, the wallet this tab connected before a reload.
export async function reconnect() {
  const uuid = sessionStorage.getItem(WALLET_KEY);
  const w = uuid && wallets().find((x) => x.info.uuid === uuid);
  if (!w) return;
  const accounts = await w.provider.request({ method: "eth_accounts" });
  if (accounts && accounts.length) await connect(uuid);
}

// wallets lists the wallets the member can pick: every announced one, else window.ethereum.
export function wallets() {
  const list = [...providers.values()];
  if (!list.length && window.ethereum) list.push({ info: { uuid: "injected", name: "Browser wallet", rdns: "" }, provider: window.ethereum });
  return list;
}

// describe turns a wallet's refusal into what the member should do next.
export function walletError(err) {
  const code = err && (err.code ?? (err.data && err.data.code));
  if (code === 4001) return "You rejected the request in your wallet: nothing was signed or sent.";
  if (code === 4100) return "Your wallet has not authorised this site: connect it again.";
  if (code === -32002) return "Your wallet already has a request waiting: open it and answer it.";
  return (err && err.message) || String(err);
}

export async function connect(uuid) {
  const w = wallets().find((x) => x.info.uuid === uuid) || wallets()[0];
  if (!w) throw new Error("No wallet found: install MetaMask (or another EIP-1193 wallet) and reload.");
  current = w.provider;
  sessionStorage.setItem(WALLET_KEY, w.info.uuid);
  const [account] = await request("eth_requestAccounts");
  if (!account) throw new Error("Your wallet shared no account: unlock it and connect again.");
  // The API answers addresses EIP-55 checksummed, which Sign-In with Ethereum requires.
  const a = await api(community(`/accounts/${account}`));
  if (state.account && state.account !== a.address) dropSession();
  state.account = a.address;
  if (current.on) {
    current.on("accountsChanged", () => location.reload());
    current.on("chainChanged", () => checkChain().then(changed));
  }
  await checkChain();
  changed();
}

async function request(method, params) {
  if (!current) throw new Error("Connect a wallet first.");
  try {
    return await current.request(params === undefined ? { method } : { method, params });
  } catch (err) {
    const e = new Error(walletError(err));
    e.code = err && err.code;
    throw e;
  }
}

// checkChain compares the wallet's chain with the community's and says what to do when they differ.
export async function checkChain() {
  const chainId = parseInt(await request("eth_chainId"), 16);
  const want = state.community.chain_id;
  state.chainOK = chainId === want;
  if (!state.chainOK) {
    notice([`Your wallet is on chain ${chainId}, but this community lives on chain ${want}. `,
      el("button", { type: "button", id: "switch-chain", onclick: () => switchChain().catch((e) => notice(e.message)) }, `Switch to chain ${want}`)]);
  }
  return state.chainOK;
}

export async function switchChain() {
  const want = state.community.chain_id;
  const hex = "0x" + want.toString(16);
  try {
    await request("wallet_switchEthereumChain", [{ chainId: hex }]);
  } catch (err) {
    if (err.code !== 4902) throw err;
    // The wallet does not know the chain: add it (the dev chain's JSON-RPC beside this server).
    await request("wallet_addEthereumChain", [{
      chainId: hex, chainName: `${state.community.name} (chain ${want})`,
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: [want === 1337 ? `http://${location.hostname}:8545` : location.origin],
    }]);
  }
  if (await checkChain()) notice(`Your wallet is now on chain ${want}.`, true);
  changed();
}

const hexUTF8 = (s) => "0x" + Array.from(new TextEncoder().encode(s), (b) => b.toString(16).padStart(2, "0")).join("");

// signIn signs a Sign-In with Ethereum message and keeps the session for this tab.
export async function signIn() {
  if (!state.chainOK && !(await checkChain())) return;
  const n = await api("/v1/auth/nonce", { method: "POST" });
  if (n.domain !== location.host) {
    notice(`This server signs members in as ${n.domain}: open the dashboard at ${location.protocol}//${n.domain}/ to sign in.`);
    return;
  }
  const issued = new Date();
  const expires = new Date(issued.getTime() + 60 * 60 * 1000);
  const message = [
    `${n.domain} wants you to sign in with your Ethereum account:`, state.account, "",
    "Sign in to Guildhall.", "",
    `URI: ${location.protocol}//${n.domain}/`, "Version: 1", `Chain ID: ${n.chain_id}`, `Nonce: ${n.nonce}`,
    `Issued At: ${issued.toISOString()}`, `Expiration Time: ${expires.toISOString()}`,
  ].join("\n");
  const signature = await request("personal_sign", [hexUTF8(message), state.account]);
  const s = await api("/v1/auth/verify", { method: "POST", body: { message, signature } });
  state.session = { token: s.token, address: s.address, expires_at: s.expires_at };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(state.session));
  notice(`Signed in as ${short(s.address)} until ${new Date(s.expires_at).toLocaleString()}.`, true);
  changed();
}

function restoreSession() {
  try {
    const s = JSON.parse(sessionStorage.getItem(SESSION_KEY) || "null");
    if (s && new Date(s.expires_at) > new Date()) state.session = s;
  } catch {
    sessionStorage.removeItem(SESSION_KEY);
  }
}

export function dropSession() {
  state.session = null;
  sessionStorage.removeItem(SESSION_KEY);
}

// member calls a member route; an expired session is dropped with a message to sign in again.
export async function member(path) {
  try {
    return await api(path, { auth: state.session.token });
  } catch (err) {
    if (err.status !== 401) throw err;
    const expired = "Your session has expired: sign in again.";
    dropSession();
    notice(expired);
    changed();
    throw new Error(expired);
  }
}

export async function signTyped(typed) {
  if (!state.chainOK && !(await checkChain())) throw new Error("Switch your wallet to the community's chain first.");
  return request("eth_signTypedData_v4", [state.account, JSON.stringify(typed)]);
}

// send sends a transaction of the member's own from their wallet (which pays its gas) and
// returns its hash.
export async function send(to, data) {
  if (!state.chainOK && !(await checkChain())) throw new Error("Switch your wallet to the community's chain first.");
  const hash = await request("eth_sendTransaction", [{ from: state.account, to, data }]);
  noteWrite();
  return hash;
}

// vote signs a ballot and has Guildhall relay it.
export async function vote(pid, support, reason) {
  const q = new URLSearchParams({ voter: state.account, support });
  if (reason) q.set("reason", reason);
  const typed = await api(community(`/proposals/${pid}/ballot-typed-data?${q}`));
  const signature = await signTyped(typed);
  const body = { voter: state.account, support, signature };
  if (reason) body.reason = reason;
  return api(community(`/proposals/${pid}/ballots`), { method: "POST", body });
}

// delegate signs a delegation and has Guildhall relay it.
export async function delegate(delegatee) {
  const typed = await api(community(`/delegation-typed-data?delegator=${state.account}&delegatee=${encodeURIComponent(delegatee)}`));
  const signature = await signTyped(typed);
  return api(community("/delegations"), {
    method: "POST",
    body: { delegator: state.account, delegatee, nonce: String(typed.message.nonce), expiry: String(typed.message.expiry), signature },
  });
}
