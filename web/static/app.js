// Guildhall members' dashboard. Reads the public API; signs with the member's own wallet
// (EIP-1193: MetaMask or any injected wallet) for Sign-In with Ethereum, gasless ballots and
// gasless delegation. No build step, no dependencies.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { cid: null, community: null, account: null, session: null, proposal: null };

// ---- API ----------------------------------------------------------------------------------

async function api(path, { method = "GET", body, auth } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (auth) headers.Authorization = "Bearer " + auth;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON (a proxy's error page): report the status, not a parse error.
  }
  if (!res.ok) {
    // Every error is an RFC 9457 problem: detail says what went wrong and how to fix it.
    const fields = ((data && data.errors) || []).map((e) => `${e.field}: ${e.message}`).join("; ");
    const detail = (data && (data.detail || data.title)) || `HTTP ${res.status}`;
    const err = new Error(fields ? `${detail} (${fields})` : detail);
    err.status = res.status;
    throw err;
  }
  return data;
}

const community = (path = "") => `/v1/communities/${encodeURIComponent(state.cid)}${path}`;

// ---- formatting ---------------------------------------------------------------------------

// tokens formats a decimal string of base units (18 decimals) as whole tokens, four places at most.
function tokens(base, decimals = 18) {
  if (base === null || base === undefined) return "–";
  const v = BigInt(base);
  const unit = 10n ** BigInt(decimals);
  const whole = (v / unit).toLocaleString("en-US");
  const frac = (v % unit).toString().padStart(decimals, "0").slice(0, 4).replace(/0+$/, "");
  return frac ? `${whole}.${frac}` : whole;
}

const short = (a) => (a ? `${a.slice(0, 6)}…${a.slice(-4)}` : "–");
const when = (unix) => (unix ? new Date(unix * 1000).toLocaleString() : "–");
const pct = (x) => (x === null || x === undefined ? "–" : `${(x * 100).toFixed(1)}%`);
const asOf = (a) => (a ? `as of block ${a.block_number}${a.block_time ? ", " + new Date(a.block_time).toLocaleString() : ""}` : "");

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function figures(dl, pairs) {
  dl.replaceChildren(...pairs.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
}

function notice(text, ok = false) {
  const n = $("notice");
  n.textContent = text;
  n.className = ok ? "notice ok" : "notice";
  n.hidden = !text;
}

async function guarded(fn) {
  try {
    await fn();
  } catch (err) {
    notice(err.message || String(err));
  }
}

// ---- community reads ----------------------------------------------------------------------

async function loadCommunities() {
  const list = await api("/v1/communities?limit=500");
  const select = $("community");
  select.replaceChildren(...list.items.map((c) => el("option", { value: c.id }, `${c.name} (${c.token.symbol})`)));
  if (!list.items.length) {
    notice("No community yet: create one with `guildhall community create`.");
    return;
  }
  const wanted = new URLSearchParams(location.search).get("community");
  state.cid = list.items.some((c) => c.id === wanted) ? wanted : list.items[0].id;
  select.value = state.cid;
  await loadCommunity();
}

async function loadCommunity() {
  const c = await api(community());
  state.community = c;
  figures($("figures"), [
    ["Token", `${c.token.name} (${c.token.symbol})`],
    ["Token address", c.token.address],
    ["Governor", c.governor],
    ["Total supply", tokens(c.total_supply)],
    ["Holders", c.holders ?? "–"],
    ["Voting delay", `${c.voting_delay}s`],
    ["Voting period", `${c.voting_period}s`],
    ["Quorum", `${c.quorum_numerator}% of supply`],
    ["Chain", c.chain_id],
  ]);
  $("overview-asof").textContent = asOf(c.as_of);
  $("proposal").hidden = true;
  await Promise.all([loadProposals(), loadLeaderboard(), loadHolders(), loadMe()]);
}

async function loadProposals() {
  const list = await api(community("/proposals?limit=50"));
  $("proposals").tBodies[0].replaceChildren(
    ...list.items.map((p) =>
      el("tr", { class: "link", onclick: () => guarded(() => openProposal(p.id)) },
        el("td", {}, p.title || "(untitled)"),
        el("td", {}, el("span", { class: `state ${p.state}` }, p.state)),
        el("td", {}, when(p.vote_end)))));
  $("proposals-empty").hidden = list.items.length > 0;
}

async function loadLeaderboard() {
  const list = await api(community(`/leaderboard?period=${$("period").value}&limit=20`));
  $("leaderboard").tBodies[0].replaceChildren(
    ...list.items.map((r) => el("tr", {}, el("td", {}, r.rank), el("td", { title: r.address }, short(r.address)),
      el("td", {}, tokens(r.earned)), el("td", {}, tokens(r.balance)))));
  $("leaderboard-empty").hidden = list.items.length > 0;
}

async function loadHolders() {
  const list = await api(community("/holders?limit=20"));
  $("holders").tBodies[0].replaceChildren(
    ...list.items.map((h) => el("tr", {}, el("td", { title: h.address }, short(h.address)),
      el("td", {}, tokens(h.balance)), el("td", {}, tokens(h.voting_power)))));
}

async function openProposal(pid) {
  const [p, t] = await Promise.all([api(community(`/proposals/${pid}`)), api(community(`/proposals/${pid}/tally`))]);
  state.proposal = p;
  $("proposal").hidden = false;
  $("proposal-title").textContent = (p.description || "").split("\n")[0] || "(untitled)";
  $("proposal-meta").textContent = `#${short(p.id)} by ${short(p.proposer)} · ${p.state} · voting ${when(p.vote_start)} – ${when(p.vote_end)}`;
  $("proposal-description").textContent = p.description;
  const total = [t.for, t.against, t.abstain].map(BigInt).reduce((a, b) => a + b, 0n);
  const share = (v) => (total > 0n ? Number((BigInt(v) * 10000n) / total) / 100 : 0);
  const progress = Math.min(1, t.quorum_progress || 0);
  $("tally").replaceChildren(
    ...["for", "against", "abstain"].flatMap((k) => [
      el("div", {}, `${k[0].toUpperCase() + k.slice(1)}: ${tokens(t[k])} (${share(t[k])}%)`),
      el("div", { class: "bar" }, el("span", { style: `width:${share(t[k])}%` })),
    ]),
    el("div", {}, `Quorum: ${tokens(t.quorum)} · ${t.quorum_reached ? "reached" : pct(progress) + " of the way"}`),
    el("div", { class: "bar" }, el("span", { style: `width:${progress * 100}%` })),
    el("div", {}, `Voters: ${t.voters} · turnout ${pct(t.turnout_total_supply)} of supply, ${pct(t.turnout_delegated_supply)} of delegated supply`),
    el("div", { class: t.consistent ? "consistent" : "inconsistent" },
      t.consistent ? "The indexed tally equals the governor's own count." : "The indexed tally differs from the governor's count: the index is catching up."),
    el("p", { class: "asof" }, asOf(t.as_of)));
  $("vote").hidden = !(p.state === "active" && state.account);
}

// ---- wallet: connect, sign in, vote, delegate ----------------------------------------------

function wallet() {
  if (!window.ethereum) throw new Error("No wallet found: install MetaMask (or another EIP-1193 wallet) and reload.");
  return window.ethereum;
}

async function connect() {
  const [account] = await wallet().request({ method: "eth_requestAccounts" });
  const chainId = parseInt(await wallet().request({ method: "eth_chainId" }), 16);
  // The API returns addresses EIP-55 checksummed, which Sign-In with Ethereum requires.
  const me = await api(community(`/accounts/${account}`));
  state.account = me.address;
  $("address").textContent = short(state.account);
  $("address").title = state.account;
  $("connect").hidden = true;
  $("signin").hidden = false;
  if (state.community && chainId !== state.community.chain_id) {
    notice(`Your wallet is on chain ${chainId}; switch it to chain ${state.community.chain_id} to sign ballots and delegations.`);
  } else {
    notice("");
  }
  await loadMe();
  if (state.proposal) await openProposal(state.proposal.id);
}

const hexUTF8 = (s) => "0x" + Array.from(new TextEncoder().encode(s), (b) => b.toString(16).padStart(2, "0")).join("");

async function signIn() {
  const n = await api("/v1/auth/nonce", { method: "POST" });
  if (n.domain !== location.host) {
    // Wallets warn when a sign-in message names another site than the page asking for it.
    notice(`This server signs members in as ${n.domain}: open the dashboard at ${location.protocol}//${n.domain}/ to sign in.`);
    return;
  }
  const issued = new Date();
  const expires = new Date(issued.getTime() + 60 * 60 * 1000);
  const message = [
    `${n.domain} wants you to sign in with your Ethereum account:`,
    state.account,
    "",
    "Sign in to Guildhall.",
    "",
    `URI: ${location.protocol}//${n.domain}/`,
    "Version: 1",
    `Chain ID: ${n.chain_id}`,
    `Nonce: ${n.nonce}`,
    `Issued At: ${issued.toISOString()}`,
    `Expiration Time: ${expires.toISOString()}`,
  ].join("\n");
  const signature = await wallet().request({ method: "personal_sign", params: [hexUTF8(message), state.account] });
  const session = await api("/v1/auth/verify", { method: "POST", body: { message, signature } });
  state.session = session.token;
  $("signin").hidden = true;
  notice(`Signed in as ${short(session.address)} until ${new Date(session.expires_at).toLocaleString()}.`, true);
  await loadMe();
}

async function loadMe() {
  if (!state.account) return;
  $("me").hidden = false;
  if (state.session) {
    let me;
    try {
      me = await api("/v1/me", { auth: state.session });
    } catch (err) {
      if (err.status !== 401) throw err;
      // The session expired: sign in again; meanwhile show the public figures.
      state.session = null;
      $("signin").hidden = false;
      return loadMe();
    }
    const mine = (me.communities || []).find((c) => c.cid === state.cid) || {};
    figures($("my-figures"), [
      ["Address", me.address],
      ["Balance", tokens(mine.balance)],
      ["Voting power", tokens(mine.voting_power)],
      ["Delegate", mine.delegate || "none"],
      ["Rewards received", tokens(mine.rewards_received)],
      ["Votes cast", mine.votes_cast ?? 0],
    ]);
    return;
  }
  const a = await api(community(`/accounts/${state.account}`));
  figures($("my-figures"), [
    ["Address", a.address],
    ["Balance", tokens(a.balance)],
    ["Voting power", tokens(a.voting_power)],
    ["Delegate", a.delegate || "none"],
    ["Rewards received", tokens(a.rewards_received)],
  ]);
}

async function signTyped(typedData) {
  return wallet().request({ method: "eth_signTypedData_v4", params: [state.account, JSON.stringify(typedData)] });
}

async function vote(support) {
  const pid = state.proposal.id;
  const typed = await api(community(`/proposals/${pid}/ballot-typed-data?voter=${state.account}&support=${support}`));
  const signature = await signTyped(typed);
  const res = await api(community(`/proposals/${pid}/ballots`), { method: "POST", body: { voter: state.account, support, signature } });
  notice(`Ballot sent in transaction ${res.tx_hash}. The tally counts it once the block is indexed.`, true);
  setTimeout(() => guarded(() => openProposal(pid)), 3000);
}

async function delegate(ev) {
  ev.preventDefault();
  const delegatee = $("delegatee").value.trim() || state.account;
  const typed = await api(community(`/delegation-typed-data?delegator=${state.account}&delegatee=${encodeURIComponent(delegatee)}`));
  const signature = await signTyped(typed);
  const res = await api(community("/delegations"), {
    method: "POST",
    body: { delegator: state.account, delegatee, nonce: String(typed.message.nonce), expiry: String(typed.message.expiry), signature },
  });
  notice(`Delegation sent in transaction ${res.tx_hash}.`, true);
  setTimeout(() => guarded(loadMe), 3000);
}

// ---- wiring -------------------------------------------------------------------------------

$("community").addEventListener("change", (e) => guarded(async () => {
  state.cid = e.target.value;
  history.replaceState(null, "", `?community=${encodeURIComponent(state.cid)}`);
  await loadCommunity();
}));
$("period").addEventListener("change", () => guarded(loadLeaderboard));
$("connect").addEventListener("click", () => guarded(connect));
$("signin").addEventListener("click", () => guarded(signIn));
$("delegate-form").addEventListener("submit", (ev) => guarded(() => delegate(ev)));
for (const b of $("vote").querySelectorAll("button")) {
  b.addEventListener("click", () => guarded(() => vote(b.dataset.support)));
}
if (window.ethereum && window.ethereum.on) {
  window.ethereum.on("accountsChanged", () => location.reload());
  window.ethereum.on("chainChanged", () => location.reload());
}
guarded(loadCommunities);
