// Guildhall dashboard: charts drawn as plain SVG, no library. Every chart has a title and a text
// description for screen readers, and tells its series apart by shape and label, not by colour
// alone (dashes, markers, numbers in cells).

const NS = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}, ...children) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  for (const c of children.flat()) if (c) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

// frame is the chart's <svg>: scalable (viewBox, width 100%), with its title and description.
function frame(w, h, title, desc, ...children) {
  const e = svg("svg", { viewBox: `0 0 ${w} ${h}`, class: "chart", role: "img", "aria-label": title, preserveAspectRatio: "xMidYMid meet" },
    svg("title", {}, title), svg("desc", {}, desc), ...children);
  e.style.maxWidth = `${w * 1.25}px`; // scales down to fit, never up past a readable size
  return e;
}

const niceMax = (m) => {
  if (m <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(m));
  return [1, 2, 2.5, 5, 10].map((k) => k * p).find((v) => v >= m);
};

const fmt = (v) => (Math.abs(v) >= 1000 ? v.toLocaleString("en-US", { maximumFractionDigits: 0 }) : String(Math.round(v * 100) / 100));

// lineChart draws series (each {name, values, dash, marker}) over labels (one per x).
export function lineChart(labels, series, { title, yLabel = "" }) {
  const W = 640, H = 270, L = 44, R = 24, T = 24, B = 44;
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const x = (i) => L + (labels.length < 2 ? (W - L - R) / 2 : (i * (W - L - R)) / (labels.length - 1));
  const y = (v) => T + (H - T - B) * (1 - v / max);
  const grid = [0, 0.25, 0.5, 0.75, 1].map((f) => svg("g", {},
    svg("line", { x1: L, x2: W - R, y1: y(max * f), y2: y(max * f), class: "grid" }),
    svg("text", { x: L - 6, y: y(max * f) + 4, "text-anchor": "end", class: "tick" }, fmt(max * f))));
  const step = Math.max(1, Math.ceil(labels.length / 6));
  const ticks = labels.map((l, i) => (i % step === 0 || i === labels.length - 1)
    ? svg("text", { x: x(i), y: H - B + 16, "text-anchor": "middle", class: "tick" }, l.slice(5)) : null);
  const lines = series.map((s, k) => svg("g", { class: `series s${k}` },
    svg("polyline", { points: s.values.map((v, i) => `${x(i)},${y(v)}`).join(" "), fill: "none", "stroke-dasharray": s.dash || "none", class: "line" }),
    s.values.map((v, i) => marker(s.marker || "circle", x(i), y(v), `${s.name} ${labels[i]}: ${fmt(v)}`))));
  const legend = series.map((s, k) => svg("g", { class: `series s${k}` },
    svg("line", { x1: L + k * 170, x2: L + k * 170 + 26, y1: H - 10, y2: H - 10, "stroke-dasharray": s.dash || "none", class: "line" }),
    marker(s.marker || "circle", L + k * 170 + 13, H - 10),
    svg("text", { x: L + k * 170 + 32, y: H - 6, class: "legend" }, s.name)));
  const desc = series.map((s) => `${s.name}: ${s.values.map(fmt).join(", ")}`).join("; ") + ` (periods ${labels[0]} to ${labels[labels.length - 1]})`;
  return frame(W, H, title, desc, grid, svg("text", { x: L, y: 11, "text-anchor": "middle", class: "tick" }, yLabel), ticks, lines, legend);
}

function marker(kind, cx, cy, label) {
  const m = kind === "square"
    ? svg("rect", { x: cx - 3.5, y: cy - 3.5, width: 7, height: 7, class: "marker" })
    : svg("circle", { cx, cy, r: 3.5, class: "marker" });
  if (label) m.append(svg("title", {}, label));
  return m;
}

// barChart draws one horizontal bar per item {label, value, text}.
export function barChart(items, { title }) {
  const W = 640, rowH = 30, L = 130, R = 190, H = Math.max(1, items.length) * rowH + 10;
  const max = Math.max(0, ...items.map((i) => i.value)) || 1;
  const rows = items.map((it, k) => svg("g", { transform: `translate(0 ${5 + k * rowH})` },
    svg("text", { x: L - 8, y: rowH / 2 + 4, "text-anchor": "end", class: "label" }, it.label),
    svg("rect", { x: L, y: 5, height: rowH - 10, width: Math.max(1, ((W - L - R) * it.value) / max), class: "bar-fill" }),
    svg("text", { x: L + ((W - L - R) * it.value) / max + 6, y: rowH / 2 + 4, class: "label" }, it.text)));
  const desc = items.map((i) => `${i.label}: ${i.text}`).join("; ");
  return frame(W, H, title, desc || "no data", rows);
}

// heatmap draws retention cohorts: one row per cohort, one cell per period since it joined, the
// share retained written in the cell and shown by its shade.
export function heatmap(cohorts, { title, period = "week" }) {
  const cols = Math.max(1, ...cohorts.map((c) => c.retained.length));
  const cell = 44, L = 118, T = 26, W = L + cols * cell + 4, H = T + cohorts.length * 26 + 6;
  const head = Array.from({ length: cols }, (_, i) => svg("text", { x: L + i * cell + cell / 2, y: T - 8, "text-anchor": "middle", class: "tick" }, `+${i}`));
  const rows = cohorts.map((c, r) => svg("g", { transform: `translate(0 ${T + r * 26})` },
    svg("text", { x: L - 8, y: 17, "text-anchor": "end", class: "label" }, `${c.cohort_start} (${c.size})`),
    c.retained.map((n, i) => {
      const share = c.size ? n / c.size : 0;
      const text = c.size ? `${Math.round(share * 100)}%` : "–";
      return svg("g", {},
        svg("rect", { x: L + i * cell, y: 2, width: cell - 2, height: 22, class: "heat", "fill-opacity": (0.08 + 0.92 * share).toFixed(2) },
          svg("title", {}, `cohort ${c.cohort_start}, ${period} +${i}: ${n} of ${c.size}`)),
        svg("text", { x: L + i * cell + cell / 2 - 1, y: 17, "text-anchor": "middle", class: share > 0.55 ? "heat-text dark" : "heat-text" }, text));
    })));
  const desc = cohorts.map((c) => `${c.cohort_start}: ${c.size} members, retained ${c.retained.join(", ")}`).join("; ");
  return frame(W, H, title, desc, svg("text", { x: L - 8, y: T - 8, "text-anchor": "end", class: "tick" }, `${period} joined`), head, rows);
}

// lorenz draws the Lorenz curve of amounts (numbers): the share of the total held by the smallest
// x share of accounts, against the diagonal of perfect equality.
export function lorenz(amounts, { title }) {
  const W = 330, H = 320, P = 52, S = W - P - 30;
  const sorted = [...amounts].sort((a, b) => a - b);
  const total = sorted.reduce((a, b) => a + b, 0) || 1;
  let acc = 0;
  const pts = [[0, 0], ...sorted.map((v, i) => { acc += v; return [(i + 1) / sorted.length, acc / total]; })];
  const X = (f) => P + f * S, Y = (f) => H - P + 10 - f * S;
  const axes = [0, 0.5, 1].map((f) => svg("g", {},
    svg("text", { x: X(f), y: H - P + 26, "text-anchor": "middle", class: "tick" }, `${f * 100}%`),
    svg("text", { x: P - 6, y: Y(f) + 4, "text-anchor": "end", class: "tick" }, `${f * 100}%`)));
  const desc = `${sorted.length} accounts; the smallest half hold ${Math.round(100 * share(pts, 0.5))}% of the voting power`;
  return frame(W, H, title, desc,
    svg("rect", { x: X(0), y: Y(1), width: S, height: S, class: "plot" }),
    svg("line", { x1: X(0), y1: Y(0), x2: X(1), y2: Y(1), class: "diagonal", "stroke-dasharray": "5 4" }),
    svg("polyline", { points: pts.map(([a, b]) => `${X(a)},${Y(b)}`).join(" "), fill: "none", class: "line lorenz" }),
    axes,
    svg("text", { x: X(0.5), y: H - 2, "text-anchor": "middle", class: "legend" }, "share of accounts, smallest first"),
    svg("text", { x: 12, y: Y(0.5), transform: `rotate(-90 12 ${Y(0.5)})`, "text-anchor": "middle", class: "legend" }, "share of voting power"));
}

function share(pts, f) {
  for (let i = 1; i < pts.length; i++) if (pts[i][0] >= f) return pts[i][1];
  return 1;
}
