// Guildhall dashboard: proposals (list by state, a proposal's page with its actions in words,
// tally, votes and timeline) and Me (the signed-in member's standing, ballots and delegation).

import { describe, lifecycleCall } from "./actions.mjs";
import { delegateForm } from "./pages-community.mjs";
import { renderDescription, titleOf } from "./text.mjs";
import * as wallet from "./wallet.mjs";
import {
  address, api, asOf, card, community, dl, el, notice, pct, sameAddress, short, state, symbol, table, tokens, when, whenISO,
} from "./util.mjs";

const STATES = ["active", "pending", "succeeded", "queued", "executed", "defeated", "canceled", "expired"];

const stateBadge = (s) => el("span", { class: `state ${s}` }, s);

export async function proposals(params) {
  const wanted = STATES.includes(params.get("state")) ? params.get("state") : "";
  const list = await api(community(`/proposals?limit=100${wanted ? "&state=" + wanted : ""}`));
  const tabs = el("nav", { class: "tabs", "aria-label": "Proposals by state" },
    ["", ...STATES].map((s) => el("a", { href: `#/proposals${s ? "?state=" + s : ""}`, "aria-current": s === wanted ? "page" : null }, s || "all")));
  return [card("Proposals", tabs, table(["Proposal", "State", "Voting ends"],
    list.items.map((p) => [el("a", { href: `#/proposals/${p.id}` }, p.title || "(untitled)"), stateBadge(p.state), when(p.vote_end)]),
    { caption: asOf(list.as_of), empty: wanted ? `No ${wanted} proposals.` : "No proposals yet." }))];
}

export async function proposal(pid) {
  const [p, t, votes] = await Promise.all([
    api(community(`/proposals/${pid}`)), api(community(`/proposals/${pid}/tally`)), api(community(`/proposals/${pid}/votes?limit=500`)),
  ]);
  const actions = await Promise.all(p.actions.map(describe));
  return [
    card(el("span", { id: "proposal-title" }, titleOf(p.description)),
      el("p", { class: "meta" }, stateBadge(p.state), ` proposed by `, address(p.proposer), ` · #${short(p.id)}`),
      el("h3", {}, "What it does"),
      el("ol", { class: "actions", id: "actions" }, actions.map((a) => el("li", {}, a))),
      el("div", { class: "description", id: "description" }, renderDescription(p.description))),
    card("Tally", tallyView(t), voteForm(p, votes)),
    card("Timeline", timeline(p, t)),
    card(`Votes (${votes.items.length})`, table(["Voter", "Vote", "Weight", "Reason"],
      votes.items.map((v) => [address(v.voter), el("span", { class: "nowrap" }, v.support), tokens(v.weight), v.reason || "–"]), { empty: "No votes yet." })),
    lifecycle(p, t),
  ];
}

function tallyView(t) {
  const total = [t.for, t.against, t.abstain].map(BigInt).reduce((a, b) => a + b, 0n);
  const share = (v) => (total > 0n ? Number((BigInt(v) * 10000n) / total) / 100 : 0);
  const progress = Math.min(1, t.quorum_progress || 0);
  const rows = ["for", "against", "abstain"].map((k) => el("div", { class: "tally-row", "data-support": k },
    el("span", { class: "tally-label" }, k), el("span", { class: "tally-value", id: `tally-${k}` }, tokens(t[k])),
    el("span", { class: "hint" }, ` ${symbol()} · ${share(t[k])}% · ${t.voters_by_support ? t.voters_by_support[k] : 0} voter(s)`),
    el("div", { class: "bar", role: "presentation" }, el("span", { style: { width: `${share(t[k])}%` } }))));
  return el("div", { id: "tally" }, rows,
    el("div", { class: "tally-row" }, el("span", { class: "tally-label" }, "quorum"),
      t.quorum === null ? "set at the snapshot" : `${tokens(t.quorum_votes)} of ${tokens(t.quorum)} ${symbol()} (${t.quorum_reached ? "reached" : pct(progress)})`,
      el("div", { class: "bar quorum", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": Math.round(progress * 100), "aria-label": "quorum progress" },
        el("span", { style: { width: `${progress * 100}%` } }))),
    el("p", {}, `Turnout: ${pct(t.turnout_total_supply)} of the supply, ${pct(t.turnout_delegated_supply)} of the delegated supply.`),
    el("p", { class: t.consistent ? "consistent" : "inconsistent" },
      t.consistent ? "✓ The indexed tally equals the governor's own count." : "! The indexed tally differs from the governor's count: the index is catching up."),
    el("p", { class: "asof" }, asOf(t.as_of)));
}

// voteForm lets a connected member vote (with a reason) while the proposal is active.
function voteForm(p, votes) {
  if (p.state !== "active") return null;
  if (!state.account) return el("p", { class: "hint" }, "Connect your wallet (top right) to vote. Voting is gasless: you sign, Guildhall sends.");
  const mine = votes.items.find((v) => sameAddress(v.voter, state.account));
  if (mine) return el("p", { class: "ok-text", id: "my-vote" }, `✓ You voted ${mine.support}${mine.reason ? ` (“${mine.reason}”)` : ""}.`);
  const reason = el("textarea", { id: "reason", name: "reason", rows: "2", maxlength: "1000", placeholder: "Why? (optional, public, stored on chain)" });
  const choice = (v, label) => el("label", { class: "choice" }, el("input", { type: "radio", name: "support", value: v, required: true }), label);
  const form = el("form", { id: "vote-form", class: "vote-form", onsubmit: (ev) => {
    ev.preventDefault();
    const support = new FormData(form).get("support");
    castVote(p.id, support, reason.value.trim(), form);
  } },
  el("fieldset", {}, el("legend", {}, "Your vote"), choice("for", "For"), choice("against", "Against"), choice("abstain", "Abstain")),
  el("label", { for: "reason" }, "Reason"), reason,
  el("button", { type: "submit" }, "Sign and send vote (gasless)"));
  return form;
}

async function castVote(pid, support, reason, form) {
  const button = form.querySelector("button");
  button.disabled = true;
  try {
    const res = await wallet.vote(pid, support, reason);
    notice(`Your vote was sent in transaction ${short(res.tx_hash)}; the tally counts it once its block is indexed.`, true);
    waitFor(pid, async () => (await api(community(`/proposals/${pid}/votes?limit=500`))).items.some((x) => sameAddress(x.voter, state.account)));
  } catch (err) {
    notice(wallet.walletError(err));
    button.disabled = false;
  }
}

// waitFor re-renders proposal pid's page once indexed() says what was sent is indexed (checked
// every second, a minute at most, while the page shows the proposal).
async function waitFor(pid, indexed) {
  for (let i = 0; i < 60 && location.hash === `#/proposals/${pid}`; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    if (await indexed()) {
      window.dispatchEvent(new HashChangeEvent("hashchange"));
      return;
    }
  }
}

// timeline lists the proposal's steps in local time, each marked done or still to come.
function timeline(p, t) {
  const now = Date.now();
  const closes = (t.deadline && t.deadline.time) || p.vote_end_at;
  const queued = p.state === "queued" || p.state === "executed";
  const ended = ["defeated", "canceled", "expired"].includes(p.state); // no step after this one comes
  const steps = [
    ["Created", `block ${p.created_block}`, true],
    ["Voting opens", whenISO(p.vote_start_at), Date.parse(p.vote_start_at) <= now],
    ["Voting closes", whenISO(closes), Date.parse(closes) <= now],
    ["Queued, executable from", p.eta_at ? whenISO(p.eta_at) : queued ? "queued" : "not queued", queued],
    ["Executed", p.state === "executed" ? "yes" : "not yet", p.state === "executed"],
  ];
  return el("ol", { class: "timeline", id: "timeline" }, steps.map(([k, v, done]) =>
    el("li", { class: done ? "done" : "future" }, el("strong", {}, k), " ", v, done ? "" : el("span", { class: "hint" }, ended ? " (will not happen)" : " (to come)"))));
}

// lifecycle offers anyone the governor's queue (once the proposal has passed) or execute (once
// it is queued and its timelock delay has passed): both are permissionless, so the connected
// wallet sends them and pays the gas. An issuer may instead have the operator account send them.
function lifecycle(p) {
  const op = p.state === "succeeded" ? "queue" : p.state === "queued" ? "execute" : null;
  if (!op) return null;
  const ready = op === "queue" || !p.eta || p.eta * 1000 <= Date.now();
  const verb = op === "queue" ? "Queue" : "Execute";
  const done = op === "queue" ? "queued" : "executed";
  const sent = (res) => {
    notice(`${verb} sent in transaction ${short(res)}; the page follows once its block is indexed.`, true);
    waitFor(p.id, async () => (await api(community(`/proposals/${p.id}`))).state === done);
  };
  const fromWallet = el("button", { type: "button", id: `${op}-proposal`, disabled: !ready || !state.account, onclick: async (ev) => {
    ev.target.disabled = true;
    try {
      sent(await wallet.send(state.community.governor, await lifecycleCall(op, p)));
    } catch (err) {
      notice(wallet.walletError(err));
      ev.target.disabled = false;
    }
  } }, `${verb} from my wallet`);
  const key = el("input", { type: "password", id: "issuer-key", autocomplete: "off", placeholder: "issuer API key" });
  return card(op === "queue" ? "Queue for execution" : "Execute",
    el("p", { class: "hint" }, op === "queue" ? "The proposal passed: anyone may queue it in the timelock." :
      ready ? "The timelock delay has passed: anyone may execute the proposal's actions." : `Executable from ${when(p.eta)}.`),
    el("p", {}, fromWallet, state.account ? " You pay its gas." : " Connect your wallet (top right) first."),
    el("form", { class: "inline-form", onsubmit: async (ev) => {
      ev.preventDefault();
      try {
        const path = op === "queue" ? community(`/proposals/${p.id}/queue`) : community(`/proposals/${p.id}/execute`);
        sent((await api(path, { method: "POST", auth: key.value.trim() })).tx_hash);
      } catch (err) {
        notice(err.message);
      }
    } }, el("label", { for: "issuer-key" }, "Or, as an issuer, from the operator account: issuer key"), key,
    el("button", { type: "submit", class: "secondary", disabled: !ready }, verb)));
}

// ---- me ------------------------------------------------------------------------------------

export async function me() {
  if (!state.account) {
    return [card("Me", el("p", {}, "Connect your wallet to see your standing, vote and delegate."), walletPicker())];
  }
  if (!state.session) {
    return [card("Me", el("p", {}, `Connected as ${short(state.account)}. Sign in with Ethereum to see your standing: your wallet signs a message, no transaction, no gas.`),
      el("button", { type: "button", id: "signin-me", onclick: () => wallet.signIn().catch((e) => notice(wallet.walletError(e))) }, "Sign in"))];
  }
  const [m, active] = await Promise.all([wallet.member("/v1/me"), api(community("/proposals?state=active&limit=50"))]);
  const mine = (m.communities || []).find((c) => c.cid === state.cid) || {};
  const ballots = await Promise.all(active.items.map((p) => api(community(`/proposals/${p.id}/votes?limit=500`))));
  const rows = active.items.map((p, i) => {
    const byMe = ballots[i].items.find((v) => sameAddress(v.voter, state.account));
    const byDelegate = mine.delegate && !sameAddress(mine.delegate, state.account) ? ballots[i].items.find((v) => sameAddress(v.voter, mine.delegate)) : null;
    return [el("a", { href: `#/proposals/${p.id}` }, p.title || "(untitled)"), byMe ? `✓ voted ${byMe.support}` : "✗ not yet",
      mine.delegate && !sameAddress(mine.delegate, state.account) ? (byDelegate ? `${byDelegate.support}` : "not yet") : "you vote yourself", when(p.vote_end)];
  });
  return [
    card("My standing", el("div", { id: "my-figures" }, dl([
      ["Address", el("span", { class: "mono" }, m.address)], ["Balance", `${tokens(mine.balance)} ${symbol()}`], ["Voting power", tokens(mine.voting_power)],
      ["Delegate", mine.delegate ? (sameAddress(mine.delegate, m.address) ? "myself" : address(mine.delegate)) : "none yet"],
      ["Rewards received", `${tokens(mine.rewards_received)} ${symbol()}`], ["Votes cast", mine.votes_cast ?? 0]])),
    el("p", { class: "hint" }, `Signed in until ${whenISO(state.session.expires_at)}.`)),
    card("Active proposals", table(["Proposal", "My vote", "My delegate's vote", "Voting ends"], rows, { empty: "No proposal is open for votes right now." })),
    card("Delegate", delegateForm()),
  ];
}

// walletPicker lists every wallet found (EIP-6963), or says how to get one.
export function walletPicker() {
  const list = wallet.wallets();
  if (!list.length) return el("p", { class: "empty" }, "No wallet found in this browser: install MetaMask or another Ethereum wallet, then reload.");
  return el("div", { class: "wallets" }, list.map((w) => el("button", { type: "button", class: "wallet-choice", "data-wallet": w.info.name,
    onclick: () => wallet.connect(w.info.uuid).catch((e) => notice(wallet.walletError(e))) },
  w.info.icon && /^data:image\//.test(w.info.icon) ? el("img", { src: w.info.icon, alt: "", width: "20", height: "20" }) : null, `Connect ${w.info.name}`)));
}
