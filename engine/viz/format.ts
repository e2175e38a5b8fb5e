// Human-readable numbers and safe text for the renderers: byte sizes and durations as Spark's UI
// shows them, and escaping for HTML/SVG output (every label in an output comes from user data,
// e.g. a call site or a column value, so nothing is inserted unescaped).

/**
 * Byte size as Spark's Utils.bytesToString writes it: one decimal, binary units, and a unit is
 * used only from twice its size ("1536.0 B", "2.0 KiB", "12.3 MiB").
 */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? "-" : "";
  const v = Math.abs(n);
  const units = ["EiB", "PiB", "TiB", "GiB", "MiB", "KiB"];
  for (let i = 0; i < units.length; i++) {
    const size = 2 ** (10 * (units.length - i));
    if (v >= 2 * size) return `${sign}${toFixedHalfUp(v / size, 1)} ${units[i]}`;
  }
  return `${sign}${toFixedHalfUp(v, 1)} B`;
}

/**
 * x with d decimals, rounding half up on the shortest decimal form of x, as Java's "%.Nf" does
 * (0.15 -> "0.2", where Number.toFixed gives "0.1" because 0.15 is stored as 0.1499...).
 */
export function toFixedHalfUp(x: number, d: number): string {
  if (!Number.isFinite(x) || String(Math.abs(x)).includes("e")) return x.toFixed(d);
  const sign = x < 0 ? "-" : "";
  const scaled = Math.round(Number(`${Math.abs(x)}e${d}`));
  const out = Number(`${scaled}e-${d}`).toFixed(d);
  return Number(out) === 0 ? out : sign + out;
}

/** Milliseconds as Spark's UIUtils.formatDuration: "35 ms", "0.4 s", "12 s", "3.5 min", "25 min", "1.1 h". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return "-" + formatDuration(-ms);
  if (ms < 100) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 1) return `${toFixedHalfUp(s, 1)} s`;
  if (s < 60) return `${toFixedHalfUp(s, 0)} s`;
  const min = s / 60;
  if (min < 10) return `${toFixedHalfUp(min, 1)} min`;
  if (min < 60) return `${toFixedHalfUp(min, 0)} min`;
  return `${toFixedHalfUp(min / 60, 1)} h`;
}

/** Integer with thousands separators (1,234,567); non-integers keep up to 2 decimals. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const fixed = Number.isInteger(n) ? String(Math.abs(n)) : Math.abs(n).toFixed(2);
  const [int, frac] = fixed.split(".") as [string, string | undefined];
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return (n < 0 ? "-" : "") + grouped + (frac !== undefined ? "." + frac : "");
}

export { escapeXml } from "../common/escape-xml";

/** Shorten to at most `max` characters with a trailing ellipsis. */
export function ellipsize(s: string, max: number): string {
  if (s.length <= max) return s;
  return max <= 1 ? s.slice(0, max) : s.slice(0, max - 1) + "…";
}

/** Epoch ms -> "2026-11-25 10:40:08" (UTC), for tables and tooltips. */
export function formatTimestamp(ms: number): string {
  if (!Number.isFinite(ms)) return "";
  return new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, "");
}
