// Guildhall members' dashboard: the router and the header. Reads the public API; signs with the
// member's own wallet (EIP-1193, found through EIP-6963). No build step, no dependencies: plain
// modules and SVG.

import * as community from "./pages-community.mjs";
import * as governance from "./pages-governance.mjs";
import * as wallet from "./wallet.mjs";
import { api, el, notice, short, state } from "./util.mjs";

// Each route: a hash pattern and the page it renders (a list of nodes).
const ROUTES = [
  [/^#?\/?$/, "overview", () => community.overview()],
  [/^#\/proposals$/, "proposals", (m, q) => governance.proposals(q)],
  [/^#\/proposals\/(\d+)$/, "proposals", (m) => governance.proposal(m[1])],
  [/^#\/delegates$/, "delegates", () => community.delegates()],
  [/^#\/members$/, "members", (m, q) => community.members(q)],
  [/^#\/members\/(0x[0-9a-fA-F]{40})$/, "members", (m) => community.member(m[1])],
  [/^#\/me$/, "me", () => governance.me()],
  [/^#\/definitions(?:\/([\w.]+))?$/, "overview", (m) => community.definitions(m[1])],
];

let rendering = 0;

async function render() {
  const [path, query] = location.hash.split("?");
  const params = new URLSearchParams(query || "");
  const view = document.getElementById("view");
  const route = ROUTES.find(([re]) => re.test(path || ""));
  const turn = ++rendering;
  document.querySelectorAll("nav.main a").forEach((a) => a.setAttribute("aria-current", route && a.dataset.page === route[1] ? "page" : "false"));
  if (!route) {
    view.replaceChildren(el("section", { class: "card" }, el("h2", {}, "Not found"), el("p", {}, "No such page. "), el("a", { href: "#/" }, "Back to the overview")));
    return;
  }
  view.setAttribute("aria-busy", "true");
  try {
    const nodes = await route[2](path.match(route[0]), params);
    if (turn !== rendering) return; // a later navigation won
    view.replaceChildren(...nodes.filter(Boolean));
    view.dataset.route = location.hash || "#/"; // what the page shows, once it is shown
    // The Performance API's measure of when each page was shown (the first: the load time).
    performance.mark("guildhall:rendered", { detail: view.dataset.route });
    document.title = `${document.querySelector("nav.main a[aria-current=page]")?.textContent || "Guildhall"} · ${state.community.name}`;
  } catch (err) {
    if (turn !== rendering) return;
    const wait = err.status === 503 ? " The community is still being indexed: try again in a moment." : "";
    view.replaceChildren(el("section", { class: "card" }, el("h2", {}, "Could not load this page"), el("p", { class: "error", role: "alert" }, err.message + wait)));
    view.dataset.route = "error";
  } finally {
    view.setAttribute("aria-busy", "false");
  }
}

// header shows the wallet's state: connect (one wallet: at once; several: on Me), sign in, address.
function header() {
  const box = document.getElementById("wallet");
  const parts = [];
  if (!state.account) {
    parts.push(el("button", { type: "button", id: "connect", onclick: connectClicked }, "Connect wallet"));
  } else {
    parts.push(el("a", { href: "#/me", id: "address", title: state.account, class: "addr" }, short(state.account)));
    if (!state.chainOK) parts.push(el("span", { class: "badge warn", id: "wrong-chain" }, "wrong chain"));
    if (!state.session) parts.push(el("button", { type: "button", id: "signin", onclick: () => wallet.signIn().catch((e) => notice(wallet.walletError(e))) }, "Sign in"));
    else parts.push(el("span", { class: "badge", id: "signed-in" }, "signed in"));
  }
  box.replaceChildren(...parts);
}

async function connectClicked() {
  const list = wallet.wallets();
  if (list.length === 1) {
    await wallet.connect(list[0].info.uuid).catch((e) => notice(wallet.walletError(e)));
  } else {
    location.hash = "#/me"; // the Me page lists every wallet found
    if (!list.length) notice("No wallet found in this browser: install MetaMask or another Ethereum wallet, then reload.");
  }
}

const walletState = () => `${state.account}|${state.chainOK}|${!!state.session}`;

async function start() {
  const list = await api("/v1/communities?limit=500");
  const select = document.getElementById("community");
  select.replaceChildren(...list.items.map((c) => el("option", { value: c.id }, `${c.name} (${c.token.symbol})`)));
  if (!list.items.length) {
    notice("No community yet: create one with `guildhall community create`.");
    return;
  }
  const wanted = new URLSearchParams(location.search).get("community");
  state.cid = list.items.some((c) => c.id === wanted) ? wanted : list.items[0].id;
  select.value = state.cid;
  state.community = list.items.find((c) => c.id === state.cid);
  select.addEventListener("change", () => {
    location.search = `?community=${encodeURIComponent(select.value)}`;
  });
  // A wallet announcing itself changes only the header (and Me, which lists the wallets); the page
  // is rendered again when the account, its chain or its session changed.
  let seen = walletState();
  wallet.onWalletChange(() => {
    header();
    const now = walletState();
    if (now !== seen || location.hash.startsWith("#/me")) render();
    seen = now;
  });
  wallet.discover();
  window.addEventListener("hashchange", render);
  header();
  await wallet.reconnect().catch((e) => notice(wallet.walletError(e)));
  await render();
}

start().catch((err) => notice(err.message || String(err)));
