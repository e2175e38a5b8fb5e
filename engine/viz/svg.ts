// Shared SVG building blocks: a text-width estimate (no canvas or fonts are available headless, so
// widths come from per-character classes of a sans-serif face), deterministic id prefixes (many
// SVGs share one notebook page, so marker ids must not collide), and small element helpers.

import { escapeXml } from "./format";

export const SVG_FONT = "Helvetica, Arial, 'DejaVu Sans', sans-serif";
export const SVG_MONO = "Menlo, Consolas, 'DejaVu Sans Mono', monospace";

/** Approximate advance width of `s` in px at `size` px, for a Helvetica-like sans-serif font. */
export function textWidth(s: string, size = 11, mono = false): number {
  if (mono) return [...s].length * size * 0.6;
  let em = 0;
  for (const ch of s) {
    if ("il.,:;|!'`ĳ".includes(ch)) em += 0.28;
    else if ("fjrt()[]{} -/\\\"".includes(ch)) em += 0.36;
    else if ("mwMW@%".includes(ch)) em += 0.86;
    else if (/[A-Z]/.test(ch)) em += 0.68;
    else if (/[0-9]/.test(ch)) em += 0.56;
    else if (/[a-z]/.test(ch)) em += 0.53;
    else if (ch.codePointAt(0)! > 0x2e80) em += 1.0;
    else em += 0.6;
  }
  return em * size;
}

/** FNV-1a over a string: a short stable id so repeated renders of the same data give the same SVG. */
export function stableId(prefix: string, data: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) {
    h ^= data.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `${prefix}${(h >>> 0).toString(36)}`;
}

type A = Record<string, string | number | undefined>;

function attrs(a: A): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(typeof v === "number" ? fmt(v) : String(v))}"`)
    .join("");
}

/** Coordinates with at most one decimal: smaller, stable output. */
export function fmt(n: number): string {
  return String(Math.round(n * 10) / 10);
}

export function svgEl(tag: string, a: A, children?: string): string {
  return children === undefined ? `<${tag}${attrs(a)}/>` : `<${tag}${attrs(a)}>${children}</${tag}>`;
}

export function svgText(x: number, y: number, s: string, a: A = {}): string {
  return svgEl("text", { x, y, ...a }, escapeXml(s));
}

/** A native tooltip (shown on hover without any script). */
export function svgTitle(s: string): string {
  return `<title>${escapeXml(s)}</title>`;
}

/**
 * The root element; width/height in px and a viewBox so it scales down in narrow outputs. A white
 * background keeps the dark-on-light drawing readable under dark notebook themes.
 */
export function svgRoot(width: number, height: number, body: string, a: A = {}): string {
  const w = Math.ceil(width);
  const h = Math.ceil(height);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"${attrs(a)}><rect class="bdw-bg" width="${w}" height="${h}" rx="4" fill="#ffffff"/>${body}</svg>`;
}

/** A path through points, with the corners rounded by quadratic curves (dagre gives polylines). */
export function smoothPath(pts: Array<{ x: number; y: number }>): string {
  if (pts.length === 0) return "";
  if (pts.length <= 2) return pts.map((p, i) => `${i === 0 ? "M" : "L"}${fmt(p.x)},${fmt(p.y)}`).join(" ");
  let d = `M${fmt(pts[0]!.x)},${fmt(pts[0]!.y)}`;
  for (let i = 1; i < pts.length - 1; i++) {
    const p = pts[i]!;
    const n = pts[i + 1]!;
    const mx = i === pts.length - 2 ? n.x : (p.x + n.x) / 2;
    const my = i === pts.length - 2 ? n.y : (p.y + n.y) / 2;
    d += ` Q${fmt(p.x)},${fmt(p.y)} ${fmt(mx)},${fmt(my)}`;
  }
  return d;
}
