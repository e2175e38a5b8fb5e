// date_format / from_unixtime patterns as Spark 3+ reads them (java.time's DateTimeFormatter
// letters, with Spark's checks): the pattern is validated once (a letter or width Spark refuses is
// INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION or Java's "Illegal pattern
// character"), then formats instants on the wall clock of the session zone. Quoted text and
// optional sections [...] print as written.

import { ExecutionError, WorkbenchError } from "../../common/errors";
import { explicitZoneInstant, fromWallMs, isValidTimeZone, wallDate, zoneOffsetMs } from "../time-zone";

type Tok = { lit: string } | { field: string; width: number } | { section: "[" | "]" };

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const QUARTERS = ["1st quarter", "2nd quarter", "3rd quarter", "4th quarter"];

/** Widths Spark accepts per letter (formatting). */
const MAX_WIDTH: Record<string, number> = {
  G: 4, y: 6, M: 4, L: 4, Q: 4, q: 4, d: 2, D: 3, E: 4, F: 1, a: 1, h: 2, H: 2, k: 2, K: 2, m: 2, s: 2,
  S: 9, V: 2, z: 4, O: 4, X: 5, x: 5, Z: 5,
};
/** Week-based and other letters Spark 3 refuses (its upgrade error), and letters java.time does not know. */
const SPARK_REFUSED = new Set(["Y", "w", "W", "u", "e", "c"]);

function patternError(pattern: string): WorkbenchError {
  return new ExecutionError("INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION",
    `You may get a different result due to the upgrading to Spark >= 3.0: Fail to recognize '${pattern}' pattern in the DateTimeFormatter. ` +
    `1) You can set "spark.sql.legacy.timeParserPolicy" to "LEGACY" to restore the behavior before Spark 3.0. 2) You can form a valid datetime pattern with the guide from 'https://spark.apache.org/docs/latest/sql-ref-datetime-pattern.html'.`,
    { parameters: { config: '"spark.sql.legacy.timeParserPolicy"', docroot: "https://spark.apache.org/docs/latest", pattern: `'${pattern}'` } });
}

const cache = new Map<string, Tok[]>();

/** The pattern's tokens, checked as Spark checks them (cached per pattern). */
export function compilePattern(pattern: string): Tok[] {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const out: Tok[] = [];
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i]!;
    if (c === "'") {
      const j = pattern.indexOf("'", i + 1);
      const end = j < 0 ? pattern.length : j;
      out.push({ lit: end === i + 1 ? "'" : pattern.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (pattern[j] === c) j++;
      const width = j - i;
      if (SPARK_REFUSED.has(c)) throw patternError(pattern);
      const max = MAX_WIDTH[c];
      if (max === undefined) throw new ExecutionError("INVALID_PARAMETER_VALUE.PATTERN", `Illegal pattern character: ${c}`, { parameters: { pattern } });
      if (c === "V" && width !== 2) throw new ExecutionError("INVALID_PARAMETER_VALUE.PATTERN", "Pattern letter count must be 2: V", { parameters: { pattern } });
      if (c === "O" && width !== 1 && width !== 4) throw new ExecutionError("INVALID_PARAMETER_VALUE.PATTERN", "Pattern letter count must be 1 or 4: O", { parameters: { pattern } });
      if ((c === "X" || c === "x" || c === "Z") && width > 5 || c === "z" && width > 4) {
        throw new ExecutionError("INVALID_PARAMETER_VALUE.PATTERN", `Too many pattern letters: ${c}`, { parameters: { pattern } });
      }
      if (width > max) throw patternError(pattern);
      out.push({ field: c, width });
      i = j;
      continue;
    }
    // Optional sections: printed when formatting, optional when parsing.
    out.push(c === "[" || c === "]" ? { section: c } : { lit: c });
    i++;
  }
  if (cache.size > 1000) cache.clear();
  cache.set(pattern, out);
  return out;
}

const pad = (n: number, w: number) => String(n).padStart(w, "0");

/** ±HH[MM[SS]] pieces of an offset in ms. */
function offsetParts(ms: number): { sign: string; h: number; m: number; s: number } {
  const total = Math.round(Math.abs(ms) / 1000);
  return { sign: ms < 0 ? "-" : "+", h: Math.floor(total / 3600), m: Math.floor(total / 60) % 60, s: total % 60 };
}

/** Java's offset patterns X/x (pattern letter counts 1-5; X prints "Z" for zero) and Z. */
function offsetText(ms: number, letter: string, w: number): string {
  const { sign, h, m, s } = offsetParts(ms);
  if (letter === "Z") {
    if (w <= 3) return `${sign}${pad(h, 2)}${pad(m, 2)}`;
    if (w === 4) return ms === 0 ? "GMT" : `GMT${sign}${pad(h, 2)}:${pad(m, 2)}${s ? ":" + pad(s, 2) : ""}`;
    return ms === 0 ? "Z" : `${sign}${pad(h, 2)}:${pad(m, 2)}${s ? ":" + pad(s, 2) : ""}`;
  }
  if (ms === 0 && letter === "X") return "Z";
  switch (w) {
    case 1: return `${sign}${pad(h, 2)}${m ? pad(m, 2) : ""}`;
    case 2: return `${sign}${pad(h, 2)}${pad(m, 2)}`;
    case 3: return `${sign}${pad(h, 2)}:${pad(m, 2)}`;
    case 4: return `${sign}${pad(h, 2)}${pad(m, 2)}${s ? pad(s, 2) : ""}`;
    default: return `${sign}${pad(h, 2)}:${pad(m, 2)}${s ? ":" + pad(s, 2) : ""}`;
  }
}

/**
 * The zone's name at an instant as java.time's z (short) / zzzz (long) prints it, via Intl. Where
 * Intl has no name for the time (before the zone's standard time, e.g. local mean time) Java still
 * prints the zone's standard-time name: the name in force in January or July 2021, whichever has
 * the smaller offset.
 */
function zoneName(tz: string, t: number, long: boolean): string {
  const name = (at: number): string | undefined => {
    try {
      return new Intl.DateTimeFormat("en-US", { timeZone: tz, timeZoneName: long ? "long" : "short" }).formatToParts(new Date(at)).find((p) => p.type === "timeZoneName")?.value;
    } catch {
      return undefined;
    }
  };
  const n = name(t);
  if (n && !/^GMT[+-]/.test(n)) return n;
  const jan = Date.UTC(2021, 0, 1), jul = Date.UTC(2021, 6, 1);
  return name(zoneOffsetMs(tz, jan) <= zoneOffsetMs(tz, jul) ? jan : jul) ?? n ?? tz;
}

function dayOfYear(d: Date): number {
  const start = new Date(Date.UTC(2000, 0, 1));
  start.setUTCFullYear(d.getUTCFullYear());
  return Math.floor((d.getTime() - start.getTime()) / 86_400_000) + 1;
}

/** Format an instant with a Spark datetime pattern on the wall clock of `tz`. */
export function formatWithSparkPattern(instant: Date, pattern: string, tz: string): string {
  const toks = compilePattern(pattern);
  const d = wallDate(instant, tz);
  let offset: number | undefined;
  const off = () => (offset ??= zoneOffsetMs(tz, instant.getTime()));
  let out = "";
  for (const t of toks) {
    if ("lit" in t) { out += t.lit; continue; }
    if ("section" in t) continue;
    const w = t.width;
    const y = d.getUTCFullYear(), mo = d.getUTCMonth(), h = d.getUTCHours();
    switch (t.field) {
      case "G": { const ad = y > 0; out += w === 4 ? (ad ? "Anno Domini" : "Before Christ") : ad ? "AD" : "BC"; break; }
      case "y": {
        const ye = y > 0 ? y : 1 - y; // year of era
        out += w === 2 ? pad(ye % 100, 2) : w === 1 ? String(ye) : pad(ye, w);
        break;
      }
      case "M": case "L": out += w >= 4 ? MONTHS[mo]! : w === 3 ? MONTHS[mo]!.slice(0, 3) : w === 2 ? pad(mo + 1, 2) : String(mo + 1); break;
      case "Q": case "q": {
        const q = Math.floor(mo / 3) + 1;
        out += w === 4 ? QUARTERS[q - 1]! : w === 3 ? `Q${q}` : w === 2 ? pad(q, 2) : String(q);
        break;
      }
      case "d": out += w === 2 ? pad(d.getUTCDate(), 2) : String(d.getUTCDate()); break;
      case "D": out += pad(dayOfYear(d), w); break;
      case "E": out += w === 4 ? DAYS[d.getUTCDay()]! : DAYS[d.getUTCDay()]!.slice(0, 3); break;
      case "F": out += String(((d.getUTCDate() - 1) % 7) + 1); break;
      case "a": out += h < 12 ? "AM" : "PM"; break;
      case "H": out += w === 2 ? pad(h, 2) : String(h); break;
      case "h": out += w === 2 ? pad(h % 12 || 12, 2) : String(h % 12 || 12); break;
      case "k": out += w === 2 ? pad(h || 24, 2) : String(h || 24); break;
      case "K": out += w === 2 ? pad(h % 12, 2) : String(h % 12); break;
      case "m": out += w === 2 ? pad(d.getUTCMinutes(), 2) : String(d.getUTCMinutes()); break;
      case "s": out += w === 2 ? pad(d.getUTCSeconds(), 2) : String(d.getUTCSeconds()); break;
      case "S": out += (pad(d.getUTCMilliseconds(), 3) + "000000").slice(0, w); break;
      case "V": out += tz; break;
      case "z": out += zoneName(tz, instant.getTime(), w === 4); break;
      case "O": {
        const { sign, h: oh, m: om, s: os } = offsetParts(off());
        if (off() === 0) { out += "GMT"; break; }
        out += w === 1 ? `GMT${sign}${oh}${om || os ? ":" + pad(om, 2) : ""}${os ? ":" + pad(os, 2) : ""}` : `GMT${sign}${pad(oh, 2)}:${pad(om, 2)}${os ? ":" + pad(os, 2) : ""}`;
        break;
      }
      case "X": case "x": case "Z": out += offsetText(off(), t.field, w); break;
    }
  }
  return out;
}

// ---- parsing ------------------------------------------------------------------------------------

/** Zone abbreviations java.time reads with 'z' (its short names and ZoneId.SHORT_IDS). */
const ZONE_ABBREVIATIONS: Record<string, string> = {
  UTC: "UTC", GMT: "UTC", UT: "UTC", Z: "UTC",
  PST: "America/Los_Angeles", PDT: "America/Los_Angeles", MST: "America/Denver", MDT: "America/Denver",
  CST: "America/Chicago", CDT: "America/Chicago", EST: "America/New_York", EDT: "America/New_York",
  HST: "Pacific/Honolulu", AKST: "America/Anchorage", AKDT: "America/Anchorage",
  CET: "Europe/Paris", CEST: "Europe/Paris", EET: "Europe/Athens", EEST: "Europe/Athens", WET: "Europe/Lisbon",
  BST: "Europe/London", IST: "Asia/Kolkata", JST: "Asia/Tokyo", KST: "Asia/Seoul", CTT: "Asia/Shanghai",
  AEST: "Australia/Sydney", AEDT: "Australia/Sydney", ACT: "Australia/Darwin", NZST: "Pacific/Auckland",
};

type Parsed = Record<string, string>;

/**
 * Parse text with a Spark datetime pattern into an instant (a wall time without a zone is in
 * `tz`), or null when the text does not match or names an impossible date. Fields read greedily
 * without backtracking into the next one, as java.time's parser does.
 */
export function parseWithSparkPattern(text: string, pattern: string, tz: string): Date | null {
  const toks = compilePattern(pattern);
  let re = "^";
  let group = 0;
  const fields: string[] = [];
  // An atomic match of `body` (a lookahead captures, a back-reference consumes): no backtracking.
  const atomic = (body: string, name: string) => { fields.push(name); group += 1; return `(?=(${body}))\\${group}`; };
  for (const t of toks) {
    if ("section" in t) { re += t.section === "[" ? "(?:" : ")?"; continue; }
    if ("lit" in t) { re += t.lit.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); continue; }
    const w = t.width, f = t.field;
    const num = (min: number, max: number) => atomic(`\\d{${min},${max}}`, `${f}${w}`);
    switch (f) {
      case "y": re += w === 2 ? num(2, 2) : num(w, 9); break;
      case "M": case "L": re += w >= 3 ? atomic(w === 3 ? "[A-Za-z]{3}" : "[A-Za-z]+", `${f}name`) : num(w, 2); break;
      case "Q": case "q": re += w >= 3 ? atomic(w === 3 ? "Q\\d" : "\\d[a-z]{2} quarter", "Qtext") : num(w, 2); break;
      case "d": case "H": case "h": case "k": case "K": case "m": case "s": re += num(w, 2); break;
      case "D": re += num(w, 3); break;
      case "E": re += atomic(w === 4 ? "[A-Za-z]+" : "[A-Za-z]{3}", "E"); break;
      case "F": re += num(1, 1); break;
      case "a": re += atomic("[AaPp][Mm]", "a"); break;
      case "G": re += atomic("AD|BC|Anno Domini|Before Christ", "G"); break;
      case "S": re += num(1, w); break;
      case "V": re += atomic("[A-Za-z_]+(?:/[A-Za-z_+-]+)+|UTC|GMT|Z", "zone"); break;
      case "z": re += atomic("[A-Za-z][A-Za-z0-9_/]*(?:[+-]\\d{1,2}(?::?\\d{2})?)?", "zone"); break;
      case "O": re += atomic("GMT(?:[+-]\\d{1,2}(?::\\d{2}(?::\\d{2})?)?)?", "zone"); break;
      default: re += atomic("Z|[+-]\\d{2}(?::?\\d{2}(?::?\\d{2})?)?", "zone");
    }
  }
  const m = new RegExp(re + "$").exec(text);
  if (!m) return null;
  const got: Parsed = {};
  for (let i = 0; i < fields.length; i++) {
    const v = m[i + 1], name = fields[i]!;
    if (v === undefined) continue;
    // A field written twice must read the same both times.
    if (got[name] !== undefined && got[name] !== v) return null;
    got[name] = v;
  }
  return resolveFields(got, tz);
}

function resolveFields(p: Parsed, tz: string): Date | null {
  const n = (k: string) => (p[k] === undefined ? undefined : Number(p[k]));
  const yearKey = Object.keys(p).find((k) => k.startsWith("y") && /^y\d$/.test(k));
  let y = 1970;
  if (yearKey) y = yearKey === "y2" ? 2000 + Number(p[yearKey]) : Number(p[yearKey]);
  if (p.G && /^(BC|Before Christ)$/.test(p.G)) y = 1 - y;
  const nameIdx = (v: string) => MONTHS.findIndex((x) => x.toLowerCase().startsWith(v.toLowerCase()));
  let mo = n("M1") ?? n("M2") ?? n("L1") ?? n("L2") ?? (p.Mname ? nameIdx(p.Mname) + 1 : p.Lname ? nameIdx(p.Lname) + 1 : undefined);
  let d = n("d1") ?? n("d2");
  const doy = n("D1") ?? n("D2") ?? n("D3");
  if (doy !== undefined) {
    const at = new Date(Date.UTC(2000, 0, 1));
    at.setUTCFullYear(y);
    at.setUTCDate(doy);
    if (at.getUTCFullYear() !== y) return null;
    if (mo !== undefined && mo !== at.getUTCMonth() + 1) return null;
    if (d !== undefined && d !== at.getUTCDate()) return null;
    mo = at.getUTCMonth() + 1;
    d = at.getUTCDate();
  }
  mo ??= 1;
  d ??= 1;
  let h = n("H1") ?? n("H2") ?? 0;
  const h12 = n("h1") ?? n("h2") ?? n("K1") ?? n("K2");
  const k24 = n("k1") ?? n("k2");
  if (k24 !== undefined) { if (k24 < 1 || k24 > 24) return null; h = k24 % 24; }
  if (h12 !== undefined) {
    if (h12 > 12) return null;
    h = (h12 % 12) + (p.a && /^p/i.test(p.a) ? 12 : 0);
  } else if (p.a && /^p/i.test(p.a) && h < 12) h += 12;
  const mi = n("m1") ?? n("m2") ?? 0, s = n("s1") ?? n("s2") ?? 0;
  const fracKey = Object.keys(p).find((k) => /^S\d$/.test(k));
  const ms = fracKey ? Number((p[fracKey]! + "00").slice(0, 3)) : 0;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const wall = new Date(Date.UTC(2000, mo - 1, d, h, mi, s, ms));
  wall.setUTCFullYear(y);
  if (wall.getUTCMonth() !== mo - 1 || wall.getUTCDate() !== d) return null;
  const z = p.zone;
  if (z === undefined) return new Date(fromWallMs(wall.getTime(), tz));
  const named = ZONE_ABBREVIATIONS[z.toUpperCase()];
  const zoneId = named ?? z.replace(/^GMT(?=[+-])/, "GMT");
  const t = named ? fromWallMs(wall.getTime(), named) : isValidTimeZone(zoneId) ? explicitZoneInstant(wall.getTime(), zoneId) : undefined;
  return t === undefined ? null : new Date(t);
}
