// Guildhall dashboard: a proposal's description rendered safely. Anyone can write a proposal, so
// its text is never parsed as HTML: a small Markdown subset (headings, lists, paragraphs, **bold**,
// _emphasis_, `code` and http(s) links) is built into DOM nodes, and everything else stays literal
// text.

import { el } from "./util.mjs";

// _emphasis_ only between non-word characters, so snake_case names stay as they are.
const INLINE = /(\*\*[^*]+\*\*|(?<!\w)_[^_]+_(?!\w)|`[^`]+`|\[[^\]]+\]\([^)\s]+\))/;

function inline(text) {
  return text.split(INLINE).filter(Boolean).map((part) => {
    if (part.startsWith("**") && part.endsWith("**") && part.length > 4) return el("strong", {}, part.slice(2, -2));
    if (part.startsWith("`") && part.endsWith("`") && part.length > 2) return el("code", {}, part.slice(1, -1));
    if (/^_[^_]+_$/.test(part)) return el("em", {}, inline(part.slice(1, -1)));
    const link = part.match(/^\[([^\]]+)\]\(([^)\s]+)\)$/);
    if (link) {
      let url = null;
      try {
        url = new URL(link[2]);
      } catch {
        // not an absolute URL: shown as text
      }
      if (url && (url.protocol === "https:" || url.protocol === "http:")) {
        return el("a", { href: url.href, rel: "noopener noreferrer nofollow", target: "_blank" }, link[1]);
      }
    }
    return part;
  });
}

// renderDescription turns a proposal's description into nodes, skipping its first line when it is
// the title shown above it.
export function renderDescription(text, { skipTitle = true } = {}) {
  const lines = String(text || "").replace(/\r\n?/g, "\n").split("\n");
  if (skipTitle && lines.length && /^#?\s*\S/.test(lines[0])) lines.shift();
  const out = [];
  let para = [], list = null;
  const flush = () => {
    if (para.length) out.push(el("p", {}, inline(para.join(" "))));
    para = [];
    list = null;
  };
  for (const line of lines) {
    const heading = line.match(/^(#{1,4})\s+(.*)$/);
    const item = line.match(/^\s*[-*]\s+(.*)$/);
    if (!line.trim()) flush();
    else if (heading) {
      flush();
      out.push(el(`h${Math.min(6, heading[1].length + 2)}`, {}, inline(heading[2])));
    } else if (item) {
      if (para.length) flush();
      if (!list) {
        list = el("ul");
        out.push(list);
      }
      list.append(el("li", {}, inline(item[1])));
    } else {
      list = null;
      para.push(line.trim());
    }
  }
  flush();
  return out;
}

// titleOf is a description's first line without its heading marks.
export const titleOf = (text) => String(text || "").split("\n")[0].replace(/^#+\s*/, "").trim() || "(untitled)";
