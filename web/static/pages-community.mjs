// Guildhall dashboard: the community's pages. Overview (health figures and charts), definitions,
// delegates (with gasless delegate-to), members (leaderboards, see pages-recognition.mjs) and a
// member's page.

import { barChart, heatmap, lineChart, lorenz } from "./charts.mjs";
import { leaderboard, recognitionCards } from "./pages-recognition.mjs";
import * as wallet from "./wallet.mjs";
import {
  address, api, asOf, card, community, defLink, dl, el, figure, notice, num, pct, sameAddress, short, state,
  symbol, table, tokenNumber, tokens, whenISO,
} from "./util.mjs";

// ---- overview ------------------------------------------------------------------------------

export async function overview() {
  const [o, activity, retention, contribution, holders] = await Promise.all([
    api(community("/stats/overview")), api(community("/stats/activity?interval=week")), api(community("/stats/retention")),
    api(community("/stats/contribution")), api(community("/holders?limit=500")),
  ]);
  const vp = o.voting_power || {};
  const figures = el("div", { class: "figures", id: "figures" },
    figure("members", "Members", o.members, o.as_of),
    figure("active_7d", "Active, 7 days", o.active_7d, o.as_of),
    figure("active_28d", "Active, 28 days", o.active_28d, o.as_of),
    figure("new_members_28d", "New, 28 days", o.new_members_28d, o.as_of),
    figure("participation_28d", "Participation, 28 days", pct(o.participation_28d), o.as_of),
    figure("retention_m1", "Retention after a month", pct(o.retention_m1), o.as_of),
    figure("holders", "Holders", o.holders, o.as_of),
    figure("concentration.gini", "Voting power Gini", num(vp.gini), o.as_of),
    figure("concentration.nakamoto", "Nakamoto coefficient", vp.nakamoto ?? "–", o.as_of),
    figure("concentration.top10_share", "Top 10 hold", pct(vp.top10_share), o.as_of),
    figure("delegates_active", "Active delegates", o.delegates_active, o.as_of),
    figure("dormant_voting_power_share", "Dormant voting power", pct(o.dormant_voting_power_share), o.as_of));
  return [
    card("Community health", figures,
      el("p", { class: "asof", id: "overview-asof" }, `Every figure is exact ${asOf(o.as_of)} and the reward ledger through ${whenISO(o.ledger_through)}. Each name links to its definition.`)),
    el("div", { class: "charts" },
      chartCard("Members and active members per week", "activity.active_members", activity.as_of, membersChart(o, activity)),
      chartCard("Retention by weekly cohort", "retention.retained", retention.as_of, heatmap(retention.cohorts.filter((c) => c.size > 0), { title: "Share of each weekly cohort active in each week since it joined", period: retention.cohort })),
      chartCard(`Rewards by activity, last ${contribution.days} days`, "contribution.by_activity", contribution.as_of, barChart(
        contribution.by_activity.map((a) => ({ label: a.activity, value: tokenNumber(a.amount), text: `${tokens(a.amount)} ${symbol()} · ${a.rewards} rewards` })),
        { title: "Tokens rewarded per activity" })),
      chartCard("Voting power distribution (Lorenz curve)", "concentration.gini", holders.as_of, lorenz(
        holders.items.map((h) => tokenNumber(h.voting_power)).filter((v) => v > 0), { title: "Lorenz curve of voting power" }),
      `Gini ${num(vp.gini)}: 0 is perfectly equal, 1 is one account holding everything. The diagonal is perfect equality.`)),
  ];
}

// membersChart: members at each period's end (the members at as_of less those who joined later)
// and active members per period.
function membersChart(o, activity) {
  const items = activity.items;
  let later = 0;
  const members = items.map((_, i) => {
    const j = items.length - 1 - i;
    const v = o.members - later;
    later += items[j].new_members;
    return v;
  }).reverse();
  return lineChart(items.map((i) => i.period_start), [
    { name: "members", values: members, marker: "circle" },
    { name: "active members", values: items.map((i) => i.active_members), dash: "6 4", marker: "square" },
  ], { title: "Members and active members per week", yLabel: "members" });
}

function chartCard(title, def, asof, chart, note) {
  return el("section", { class: "card chart-card" }, el("h2", {}, title), chart,
    note ? el("p", { class: "hint" }, note) : null,
    el("p", { class: "asof" }, asOf(asof), " · ", defLink(def, "definition")));
}

// ---- definitions ---------------------------------------------------------------------------

export async function definitions(name) {
  const d = await api("/v1/stats/definitions");
  const list = el("dl", { class: "definitions" }, d.items.flatMap((x) => [
    el("dt", { id: `def-${x.name}`, tabindex: "-1" }, x.name), el("dd", {}, x.text)]));
  if (name) setTimeout(() => { const t = document.getElementById(`def-${name}`); if (t) { t.scrollIntoView(); t.focus(); } });
  return [card("How each figure is defined", list)];
}

// ---- delegates -----------------------------------------------------------------------------

export async function delegates() {
  const d = await api(community("/delegates?limit=100"));
  const rows = d.items.map((x) => [
    address(x.address), `${tokens(x.voting_power)} ${symbol()}`, x.delegators,
    x.participation === null ? "no proposals yet" : `${pct(x.participation)} (${x.votes_cast} of ${x.eligible_proposals})`,
    x.status || "–",
    el("button", { type: "button", class: "small", "data-delegate": x.address, onclick: () => delegateTo(x.address) }, `Delegate to ${short(x.address)}`),
  ]);
  return [card("Delegates",
    el("p", { class: "hint" }, "Delegating lends your voting power, not your tokens; you can take it back at any time. Guildhall relays the signed delegation, so it costs you no gas."),
    table(["Delegate", defLink("voting_power", "Voting power"), defLink("delegates.delegators", "Delegators"),
      defLink("delegates.participation", "Participation"), defLink("delegates.status", "Status"), ""], rows, { caption: `Delegates ${asOf(d.as_of)}`, empty: "No delegates yet: members holding tokens appear here." }),
    delegateForm())];
}

// delegateForm delegates to any address, the member's own to vote themselves.
export function delegateForm() {
  const input = el("input", { id: "delegatee", name: "delegatee", placeholder: "0x… (your own address to vote yourself)", autocomplete: "off", spellcheck: "false" });
  return el("form", { class: "inline-form", onsubmit: (ev) => { ev.preventDefault(); delegateTo(input.value.trim() || state.account); } },
    el("label", { for: "delegatee" }, "Delegate my votes to"), input, el("button", { type: "submit" }, "Sign delegation (gasless)"));
}

export async function delegateTo(delegatee) {
  try {
    if (!state.account) throw new Error("Connect your wallet first (top right).");
    const res = await wallet.delegate(delegatee);
    notice(`Delegation to ${short(delegatee)} sent in transaction ${short(res.tx_hash)}. It shows here once its block is indexed.`, true);
  } catch (err) {
    notice(wallet.walletError(err));
  }
}

// ---- members -------------------------------------------------------------------------------

export async function members(params) {
  const [board, holders] = await Promise.all([leaderboard(params), api(community("/holders?limit=50"))]);
  return [
    board,
    card("Holders", table(["Member", "Balance", "Voting power"],
      holders.items.map((h) => [address(h.address), tokens(h.balance), tokens(h.voting_power)]), { caption: asOf(holders.as_of), empty: "No holders yet." })),
  ];
}

export async function member(addr) {
  const [a, recognition, dels, transfers] = await Promise.all([
    api(community(`/accounts/${addr}`)), recognitionCards(addr),
    api(community("/delegates?limit=500")), api(community(`/accounts/${addr}/transfers?limit=20`)),
  ]);
  const rec = dels.items.find((d) => sameAddress(d.address, a.address));
  const facts = [
    ["Balance", `${tokens(a.balance)} ${symbol()}`], ["Voting power", tokens(a.voting_power)],
    ["Delegates to", a.delegate ? (sameAddress(a.delegate, a.address) ? "themself" : address(a.delegate)) : "nobody yet"],
    ["Rewards received", `${tokens(a.rewards_received)} ${symbol()}`],
  ];
  if (rec) facts.push(["As a delegate", `${rec.delegators} delegator(s), voted on ${rec.votes_cast} of ${rec.eligible_proposals} proposals`]);
  return [
    card(el("span", { class: "addr-title" }, `Member ${short(a.address)}`), el("p", { class: "mono" }, a.address), dl(facts), el("p", { class: "asof" }, asOf(a.as_of))),
    ...recognition,
    card("Recent transfers", table(["When", "From", "To", "Amount"],
      transfers.items.map((t) => [whenISO(t.timestamp), address(t.from), address(t.to), tokens(t.value)]), { empty: "No transfers yet." })),
  ];
}
