// Date and timestamp text <-> value conversion for the text formats (CSV, JSON, partition
// directory names). Values are JS Dates (dates at UTC midnight, timestamps instants). A timestamp
// text without an offset is a wall time in the reader's timeZone option (default: the session
// time zone, ../time-zone), and writers print in it. Patterns follow Java's DateTimeFormatter
// letters that Spark users write (yyyy MM dd HH mm ss SSS XXX ...).

import { UTC, fromWallMs, wallDate, zoneOffsetMs } from "../time-zone";

const DAY_MS = 86_400_000;

function validYmd(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const dim = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= dim;
}

function utc(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): Date {
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const dt = new Date(t);
  if (y >= 0 && y < 100) dt.setUTCFullYear(y); // Date.UTC maps 0-99 to 1900s
  return dt;
}

/** Spark's stringToDate for the default format: yyyy-[m]m-[d]d (optionally followed by T or space + anything). */
export function parseDateLiteral(text: string): Date | null {
  const m = /^\s*([+-]?\d{4,6})-(\d{1,2})-(\d{1,2})(?:[T ].*)?\s*$/.exec(text);
  if (!m) return null;
  const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
  return validYmd(y, mo, d) ? utc(y, mo, d) : null;
}

function zoneOffsetMinutes(z: string | undefined): number | null {
  if (!z) return 0;
  const s = z.trim();
  if (s === "Z" || s.toUpperCase() === "UTC" || s.toUpperCase() === "GMT") return 0;
  const m = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(s);
  if (!m) return null;
  const v = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === "-" ? -v : v;
}

/** Spark's stringToTimestamp: yyyy-MM-dd[( |T)HH:mm[:ss[.S..]]][zone]; without a zone, a wall time in `tz` (the reader's timeZone option). */
export function parseTimestampLiteral(text: string, tz: string = UTC): Date | null {
  const m = /^\s*([+-]?\d{4,6})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{1,2}(?::?\d{2})?|(?:UTC|GMT)(?:[+-]\d{1,2}(?::?\d{2})?)?)?\s*$/i.exec(text);
  if (!m) return null;
  const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
  const h = Number(m[4] ?? 0), mi = Number(m[5] ?? 0), s = Number(m[6] ?? 0);
  const ms = m[7] ? Math.floor(Number(m[7].padEnd(9, "0")) / 1e6) : 0;
  if (!validYmd(y, mo, d) || h > 23 || mi > 59 || s > 59) return null;
  const off = zoneOffsetMinutes(m[8]);
  if (off === null) return null;
  const wall = utc(y, mo, d, h, mi, s, ms).getTime();
  return new Date(m[8] ? wall - off * 60_000 : fromWallMs(wall, tz));
}

type Token = { kind: "field"; letter: string; width: number } | { kind: "lit"; text: string };

function tokenize(pattern: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    if (c === "'") {
      const close = pattern.indexOf("'", i + 1);
      const lit = close < 0 ? pattern.slice(i + 1) : pattern.slice(i + 1, close);
      out.push({ kind: "lit", text: lit === "" ? "'" : lit });
      i = close < 0 ? pattern.length : close + 1;
    } else if (/[a-zA-Z]/.test(c)) {
      let j = i;
      while (pattern[j] === c) j++;
      out.push({ kind: "field", letter: c, width: j - i });
      i = j;
    } else if (c === "[" || c === "]") {
      i++; // optional sections: treated as always present when formatting, optional when parsing (below)
      out.push({ kind: "lit", text: c });
    } else {
      out.push({ kind: "lit", text: c });
      i++;
    }
  }
  return out;
}

const pad = (n: number, w: number) => String(Math.abs(n)).padStart(w, "0");

/** Format an instant with a Java-style pattern, on the wall clock of `tz` (the writer's timeZone option). */
export function formatWithPattern(instant: Date, pattern: string, tz: string = UTC): string {
  const d = wallDate(instant, tz);
  const offset = (colon: boolean) => {
    const o = Math.round(zoneOffsetMs(tz, instant.getTime()) / 60000);
    return `${o < 0 ? "-" : "+"}${pad(Math.floor(Math.abs(o) / 60), 2)}${colon ? ":" : ""}${pad(Math.abs(o) % 60, 2)}`;
  };
  let out = "";
  for (const t of tokenize(pattern)) {
    if (t.kind === "lit") {
      // Optional sections ([...]) are always printed when formatting.
      if (t.text !== "[" && t.text !== "]") out += t.text;
      continue;
    }
    const w = t.width;
    switch (t.letter) {
      case "y": case "u": out += w === 2 ? pad(d.getUTCFullYear() % 100, 2) : pad(d.getUTCFullYear(), Math.max(w, 4)); break;
      case "M": out += w >= 3 ? MONTHS[d.getUTCMonth()]!.slice(0, w === 3 ? 3 : undefined) : pad(d.getUTCMonth() + 1, w); break;
      case "d": out += pad(d.getUTCDate(), w); break;
      case "H": out += pad(d.getUTCHours(), w); break;
      case "h": out += pad(d.getUTCHours() % 12 || 12, w); break;
      case "m": out += pad(d.getUTCMinutes(), w); break;
      case "s": out += pad(d.getUTCSeconds(), w); break;
      case "S": out += pad(d.getUTCMilliseconds(), 3).padEnd(w, "0").slice(0, w); break;
      case "a": out += d.getUTCHours() < 12 ? "AM" : "PM"; break;
      case "X": out += zoneOffsetMs(tz, instant.getTime()) === 0 ? "Z" : offset(w >= 3); break;
      case "x": case "Z": out += offset(t.letter === "x" && w >= 3); break;
      case "E": out += DAYS[d.getUTCDay()]!.slice(0, w <= 3 ? 3 : undefined); break;
      default: out += t.letter.repeat(w);
    }
  }
  return out;
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** Compile a Java-style pattern into a strict parser (whole text must match); a wall time without a zone is in `tz`. */
export function compileParser(pattern: string, tz: string = UTC): (text: string) => Date | null {
  let re = "";
  const fields: string[] = [];
  for (const t of tokenize(pattern)) {
    if (t.kind === "lit") {
      if (t.text === "[") re += "(?:";
      else if (t.text === "]") re += ")?";
      else re += t.text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      continue;
    }
    const w = t.width;
    switch (t.letter) {
      case "y": case "u": re += w === 2 ? "(\\d{2})" : "([+-]?\\d{4,6})"; fields.push("y" + (w === 2 ? "2" : "")); break;
      case "M": if (w >= 3) { re += "([A-Za-z]+)"; fields.push("Mname"); } else { re += w === 1 ? "(\\d{1,2})" : "(\\d{2})"; fields.push("M"); } break;
      case "d": re += w === 1 ? "(\\d{1,2})" : "(\\d{2})"; fields.push("d"); break;
      case "H": re += w === 1 ? "(\\d{1,2})" : "(\\d{2})"; fields.push("H"); break;
      case "h": re += w === 1 ? "(\\d{1,2})" : "(\\d{2})"; fields.push("h"); break;
      case "m": re += w === 1 ? "(\\d{1,2})" : "(\\d{2})"; fields.push("m"); break;
      case "s": re += w === 1 ? "(\\d{1,2})" : "(\\d{2})"; fields.push("s"); break;
      case "S": re += `(\\d{1,${Math.max(w, 1)}})`; fields.push("S"); break;
      case "a": re += "(AM|PM|am|pm)"; fields.push("a"); break;
      case "X": case "x": case "Z": re += "(Z|[+-]\\d{2}(?::?\\d{2})?)"; fields.push("z"); break;
      case "E": re += "[A-Za-z]+"; break;
      default: re += t.letter.repeat(w);
    }
  }
  const rx = new RegExp("^" + re + "$");
  return (text: string) => {
    const m = rx.exec(text.trim());
    if (!m) return null;
    let y = 1970, mo = 1, d = 1, h = 0, mi = 0, s = 0, ms = 0, pm: boolean | null = null, off = 0, zoned = false;
    fields.forEach((f, i) => {
      const v = m[i + 1];
      if (v === undefined) return;
      switch (f) {
        case "y": y = Number(v); break;
        case "y2": y = 2000 + Number(v); break;
        case "M": mo = Number(v); break;
        case "Mname": mo = MONTHS.findIndex((n) => n.toLowerCase().startsWith(v.toLowerCase())) + 1; break;
        case "d": d = Number(v); break;
        case "H": case "h": h = Number(v); break;
        case "m": mi = Number(v); break;
        case "s": s = Number(v); break;
        case "S": ms = Math.floor(Number(v.padEnd(3, "0").slice(0, 3))); break;
        case "a": pm = v.toUpperCase() === "PM"; break;
        case "z": if (v !== undefined) { off = zoneOffsetMinutes(v) ?? 0; zoned = true; } break;
      }
    });
    if (pm !== null) h = (h % 12) + (pm ? 12 : 0);
    if (!validYmd(y, mo, d) || h > 23 || mi > 59 || s > 59) return null;
    const wall = utc(y, mo, d, h, mi, s, ms).getTime();
    return new Date(zoned ? wall - off * 60_000 : fromWallMs(wall, tz));
  };
}

/** Spark's default date text. */
export function formatDate(d: Date): string {
  return formatWithPattern(d, "yyyy-MM-dd");
}

/** Spark's default timestamp text when writing CSV/JSON (yyyy-MM-dd'T'HH:mm:ss.SSSXXX in the timeZone option's zone). */
export function formatTimestampIso(d: Date, tz: string = UTC): string {
  return formatWithPattern(d, "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", tz);
}

/** Timestamp text like Spark's cast to string (yyyy-MM-dd HH:mm:ss[.fff]), used for partition dirs. */
export function formatTimestampPlain(d: Date): string {
  const base = formatWithPattern(d, "yyyy-MM-dd HH:mm:ss");
  const ms = d.getUTCMilliseconds();
  return ms ? base + "." + pad(ms, 3).replace(/0+$/, "") : base;
}

export function truncateToDay(d: Date): Date {
  return new Date(Math.floor(d.getTime() / DAY_MS) * DAY_MS);
}
