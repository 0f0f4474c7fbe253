// Guildhall dashboard: recognition on the members' pages. Leaderboards by rolling period or by
// season (a season picker; an ended season shows its sealed final ranking), and a member's level
// with their progress to the next one, streaks, badges held and the progress on those not yet.

import { address, api, asOf, card, community, dl, el, optional, symbol, table, tokens, whenISO } from "./util.mjs";

const PERIODS = [["7d", "last 7 days"], ["30d", "last 30 days"], ["all", "all time"]];
const day = (t) => new Date(t).toLocaleDateString();
const BOARDS = [["earned", "Earned"], ["active_days", "Active days"], ["votes", "Votes"]];

// leaderboard is the leaderboard card: ?season=sid&by= for a season's, else ?period= (30d by
// default) for the rolling one; a picker switches between them.
export async function leaderboard(params) {
  const seasons = ((await optional(community("/seasons"))) || { items: [] }).items;
  const season = seasons.find((s) => s.season === params.get("season"));
  const period = PERIODS.some(([p]) => p === params.get("period")) ? params.get("period") : "30d";
  const picker = el("select", { id: "season-picker", "aria-label": "Leaderboard period or season",
    onchange: (ev) => { location.hash = `#/members?${ev.target.value}`; } },
  el("optgroup", { label: "Rolling" }, PERIODS.map(([p, label]) => el("option", { value: `period=${p}`, selected: !season && p === period }, label))),
  seasons.length ? el("optgroup", { label: "Seasons" }, seasons.map((s) => el("option", { value: `season=${s.season}`, selected: s === season },
    `${s.name} (${s.sealed ? "final" : Date.parse(s.starts_at) > Date.now() ? "to come" : "running"})`))) : null);
  const choose = el("p", { class: "picker" }, el("label", { for: "season-picker" }, "Show "), picker);
  if (!season) {
    const board = await api(community(`/leaderboard?period=${period}&limit=50`));
    return card("Leaderboard", choose, table(["#", "Member", "Earned", "Balance"],
      board.items.map((r) => [r.rank, address(r.address), `${tokens(r.earned)} ${symbol()}`, tokens(r.balance)]),
      { caption: `Rewards earned, ${PERIODS.find(([p]) => p === period)[1]} (${asOf(board.as_of)})`, empty: "No rewards in this period." }));
  }
  const by = BOARDS.some(([b]) => b === params.get("by")) ? params.get("by") : "earned";
  const board = await api(community(`/leaderboard?season=${encodeURIComponent(season.season)}&by=${by}&limit=50`));
  const tabs = el("nav", { class: "tabs", "aria-label": "Season leaderboard by" }, BOARDS.map(([b, label]) =>
    el("a", { href: `#/members?season=${encodeURIComponent(season.season)}&by=${b}`, "aria-current": b === by ? "page" : null }, label)));
  const status = board.sealed ? `final ranking, sealed ${asOf(board.as_of)}` : `so far, ${asOf(board.as_of)}`;
  return card("Leaderboard", choose, tabs, table(["#", "Member", BOARDS.find(([b]) => b === by)[1]],
    board.items.map((r) => [r.rank, address(r.address), by === "earned" ? `${tokens(r.value)} ${symbol()}` : r.value]),
    { caption: `${season.name} (${day(season.starts_at)} to ${day(Date.parse(season.ends_at) - 1)}): ${status}`, empty: "Nobody on this board yet." }));
}

// recognitionCards are a member's level, streaks and badges, or a note when there is no profile.
export async function recognitionCards(addr) {
  const [p, ladder, roles] = await Promise.all([optional(community(`/members/${addr}`)), optional(community("/levels")), optional(community("/roles"))]);
  if (!p) return [card("Level and badges", el("p", { class: "empty", id: "no-profile" }, "No recognition profile: this server does not serve levels and badges yet, or this account is not a member."))];
  const rules = new Map(((roles && roles.items) || []).map((r) => [r.role, r]));
  const all = [...p.badges, ...p.roles];
  const held = all.filter((b) => b.held), pending = all.filter((b) => !b.held);
  const kind = (b) => rules.get(b.role)?.kind || "role";
  return [
    card("Level", el("div", { id: "level" },
      el("p", { class: "level" }, el("strong", { class: "level-name" }, p.level || "none yet"), p.level_since ? ` since ${whenISO(p.level_since)}` : ""),
      nextLevel(p, ladder && ladder.levels),
      dl([["Member since", p.member_since], ["Earned, 365 days", `${tokens(p.earned_365d)} ${symbol()}`], ["Active days, 90 days", p.active_days_90d],
        ["Weekly streak", `${p.streak_weeks} week(s) (longest ${p.longest_streak_weeks})`], ["Voting streak", `${p.voting_streak} proposal(s) in a row`]])),
    el("p", { class: "asof" }, asOf(p.as_of))),
    card(`Badges and tiers held (${held.length})`, el("ul", { class: "badges", id: "badges" }, held.length
      ? held.map((b) => el("li", { class: `held kind-${kind(b)}` }, el("strong", {}, `★ ${b.role}`), ` (${kind(b)}) since ${whenISO(b.since)}`, conditions(b, rules.get(b.role))))
      : el("li", { class: "empty" }, "No badge yet."))),
    pending.length ? card("Working towards", el("ul", { class: "badges", id: "progress" }, pending.map((b) =>
      el("li", {}, el("strong", {}, b.role), ` (${kind(b)})`, conditions(b, rules.get(b.role)))))) : null,
  ];
}

// nextLevel shows how far the member is from the next level of the ladder.
function nextLevel(p, levels) {
  if (!levels) return null;
  const next = levels[levels.findIndex((l) => l.name === p.level) + 1];
  if (!next) return el("p", { class: "hint" }, "The top of the ladder.");
  const earned = BigInt(p.earned_365d), need = BigInt(next.min_earned_365d);
  const share = Math.min(earned >= need ? 1 : Number((earned * 1000n) / (need || 1n)) / 1000, p.active_days_90d >= next.min_active_days_90d ? 1 : p.active_days_90d / next.min_active_days_90d);
  return el("div", { class: "next-level" },
    el("p", {}, `Next: ${next.name}, at ${tokens(next.min_earned_365d)} ${symbol()} earned in 365 days (${tokens(p.earned_365d)} so far) and ${next.min_active_days_90d} active days in 90 (${p.active_days_90d} so far).`),
    el("div", { class: "bar", role: "progressbar", "aria-label": `progress to ${next.name}`, "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": Math.round(share * 100) },
      el("span", { style: { width: `${share * 100}%` } })));
}

// conditions lists a standing's progress, each condition in words from the role's rule.
function conditions(standing, rule) {
  return el("ul", { class: "conditions" }, (standing.progress || []).map((g) => {
    const m = /^(all|any|none)\[(\d+)\]\.(\w+)$/.exec(g.condition);
    const spec = m && rule && rule[m[1]] ? rule[m[1]][Number(m[2])] : null;
    const kind = m ? m[3] : g.condition;
    const amount = kind === "earned" || kind === "voting_power";
    const show = (v) => (amount ? `${tokens(v)} ${symbol()}` : String(v));
    const figures = kind === "level" ? `${g.have} (${g.need} or higher)` : `${show(g.have)} of ${show(g.need)}`;
    return el("li", { class: g.met ? "met" : "unmet" }, `${g.met ? "✓" : "…"} ${m && m[1] === "none" ? "not: " : ""}${describe(kind, spec ? spec[kind] : {})}: ${figures}`);
  }));
}

// describe says a condition of the rule language in words.
function describe(kind, c) {
  const days = c.window_days ? ` in ${c.window_days} days` : "";
  switch (kind) {
    case "earned": return `earned${c.activity ? " for " + c.activity : ""}${days}`;
    case "activity_count": return `${c.activity || "activity"} rewards${days}`;
    case "votes": return `votes on the last ${c.last_proposals} proposals`;
    case "voting_power": return "voting power";
    case "tenure_days": return "days a member";
    case "level": return "level";
    case "streak_weeks": return "weeks in a row with activity";
    case "referrals": return "members referred";
    default: return kind;
  }
}
