// Guildhall dashboard: the API client, formatting and DOM helpers every page uses.

export const state = { cid: null, community: null, account: null, session: null, chainOK: false };

// wroteKey is where this tab keeps when it last wrote something (a ballot, a delegation, a
// transaction), across page loads.
const wroteKey = "guildhall.wroteAt";

// noteWrite records that this tab has just written something: for a minute its reads ask for the
// current snapshot (Cache-Control: no-cache), so the member sees what they did; otherwise a
// community health read may answer with the newest figures already computed, naming their block.
export function noteWrite() {
  try {
    sessionStorage.setItem(wroteKey, String(Date.now()));
  } catch {
    // Storage refused (a private window): reads just take the newest computed figures.
  }
}

function wroteRecently() {
  try {
    return Date.now() - Number(sessionStorage.getItem(wroteKey) || 0) < 60_000;
  } catch {
    return false;
  }
}

// api fetches one JSON answer of the public API. Errors are RFC 9457 problems: the thrown Error
// carries detail (with the fields named) and status.
export async function api(path, { method = "GET", body, auth } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (auth) headers.Authorization = "Bearer " + auth;
  if (method === "GET" && wroteRecently()) headers["Cache-Control"] = "no-cache";
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (method !== "GET" && res.ok) noteWrite();
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON (a proxy's error page): report the status, not a parse error.
  }
  if (!res.ok) {
    const fields = ((data && data.errors) || []).map((e) => `${e.field}: ${e.message}`).join("; ");
    const detail = (data && (data.detail || data.title)) || `HTTP ${res.status}`;
    const err = new Error(fields ? `${detail} (${fields})` : detail);
    err.status = res.status;
    throw err;
  }
  return data;
}

// optional reads a route another server version may not have: null on 404 or 501.
export async function optional(path) {
  try {
    return await api(path);
  } catch (err) {
    if (err.status === 404 || err.status === 501) return null;
    throw err;
  }
}

export const community = (path = "") => `/v1/communities/${encodeURIComponent(state.cid)}${path}`;

// tokens formats a decimal string of base units as whole tokens, four places at most.
export function tokens(base, decimals = 18) {
  if (base === null || base === undefined) return "–";
  const v = BigInt(base);
  const unit = 10n ** BigInt(decimals);
  const sign = v < 0n ? "-" : "";
  const a = v < 0n ? -v : v;
  const whole = (a / unit).toLocaleString("en-US");
  const frac = (a % unit).toString().padStart(decimals, "0").slice(0, 4).replace(/0+$/, "");
  return sign + (frac ? `${whole}.${frac}` : whole);
}

// tokenNumber is base units as a float of whole tokens, for chart scales only.
export const tokenNumber = (base) => Number(BigInt(base || "0") / 10n ** 14n) / 1e4;

export const symbol = () => (state.community ? state.community.token.symbol : "");
export const short = (a) => (a ? `${a.slice(0, 6)}…${a.slice(-4)}` : "–");
export const when = (unix) => (unix ? new Date(unix * 1000).toLocaleString() : "–");
export const whenISO = (iso) => (iso ? new Date(iso).toLocaleString() : "–");
export const pct = (x) => (x === null || x === undefined ? "–" : `${(x * 100).toFixed(1)}%`);
export const num = (x, digits = 2) => (x === null || x === undefined ? "–" : Number(x).toFixed(digits).replace(/\.?0+$/, ""));
export const sameAddress = (a, b) => !!a && !!b && a.toLowerCase() === b.toLowerCase();

// asOf names the block (and its time) a figure is true at.
export function asOf(a) {
  if (!a) return "";
  return `as of block ${a.block_number}${a.block_time ? ", " + new Date(a.block_time).toLocaleString() : ""}`;
}

// el builds an element: attributes (class, on* listeners, the rest as attributes) and children
// (nodes, or strings as text: nothing a server or member wrote is ever parsed as HTML).
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "style") Object.assign(e.style, v); // CSSOM: the page's CSP allows no inline style attribute
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

// address shows an address short, whole in its title, linking to the member's page.
export const address = (a) => el("a", { href: `#/members/${a}`, title: a, class: "addr" }, short(a));

// defLink links a figure to its written definition.
export const defLink = (name, text) => el("a", { href: `#/definitions/${name}`, class: "def", title: `How ${text} is defined` }, text);

// figure is one headline number: its name (linking its definition), value and as_of block.
export function figure(def, label, value, asof) {
  return el("div", { class: "figure", "data-figure": def },
    el("div", { class: "figure-label" }, defLink(def, label)),
    el("div", { class: "figure-value" }, value),
    el("div", { class: "asof" }, asof ? `block ${asof.block_number}` : ""));
}

export function table(headers, rows, { caption, empty = "Nothing yet." } = {}) {
  if (!rows.length) return el("p", { class: "empty" }, empty);
  return el("div", { class: "scroll" }, el("table", {},
    caption ? el("caption", {}, caption) : null,
    el("thead", {}, el("tr", {}, headers.map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, rows.map((r) => el("tr", {}, r.map((c, i) => el("td", { "data-label": label(headers[i]) }, c)))))));
}

// label is a column header as text, which narrow screens show beside each cell.
const label = (h) => (h instanceof Node ? h.textContent : String(h ?? ""));

// dl is a list of [term, value] pairs as a definition list.
export const dl = (pairs) => el("dl", {}, pairs.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));

export function card(title, ...children) {
  return el("section", { class: "card" }, el("h2", {}, title), ...children);
}

export function notice(text, ok = false) {
  const n = document.getElementById("notice");
  n.replaceChildren(...(Array.isArray(text) ? text : [text || ""]));
  n.className = ok ? "notice ok" : "notice";
  n.hidden = !text;
}
