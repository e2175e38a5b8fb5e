// Date and timestamp text <-> value conversion for the text formats (CSV, JSON, partition
// directory names). Values are JS Dates (dates at UTC midnight, timestamps instants). A timestamp
// text without an offset is a wall time in the reader's timeZone option (default: the session
// time zone, ../time-zone), and writers print in it. Patterns follow Java's DateTimeFormatter
// letters that Spark users write (yyyy MM dd HH mm ss SSS XXX ...).

import { UTC, fromWallMs } from "../time-zone";
import { compilePattern, formatWithSparkPattern, parseWithSparkPattern } from "../expressions/datetime-format";

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

/** A strict parser for a Spark datetime pattern (whole text must match); a wall time without a zone is in `tz`. */
export function compileParser(pattern: string, tz: string = UTC): (text: string) => Date | null {
  compilePattern(pattern); // a bad pattern fails when the reader is set up, not per row
  return (text: string) => parseWithSparkPattern(text.trim(), pattern, tz);
}

/** Spark's default date text. */
export function formatDate(d: Date): string {
  return formatWithSparkPattern(d, "yyyy-MM-dd", UTC);
}

/** Spark's default timestamp text when writing CSV/JSON (yyyy-MM-dd'T'HH:mm:ss.SSSXXX in the timeZone option's zone). */
export function formatTimestampIso(d: Date, tz: string = UTC): string {
  return formatWithSparkPattern(d, "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", tz);
}

export function truncateToDay(d: Date): Date {
  return new Date(Math.floor(d.getTime() / DAY_MS) * DAY_MS);
}
