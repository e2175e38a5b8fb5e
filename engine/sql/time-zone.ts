// The session time zone (spark.sql.session.timeZone). A TIMESTAMP is an instant (a Date); the
// session zone decides how it reads and prints as wall-clock text, which calendar day and hour it
// falls in, and how a wall-clock text without a zone becomes an instant, as in Spark. DATE values
// are zone-free calendar days (a Date at UTC midnight).
//
// Functions here work on "wall milliseconds": the UTC milliseconds of the wall-clock time in the
// zone, so the UTC getters (getUTCHours, ...) of `new Date(wall)` read the zone's wall clock.

import { WorkbenchError } from "../common/errors";

export const UTC = "UTC";
export const TIME_ZONE_KEY = "spark.sql.session.timeZone";

/** The zone a process runs in, Spark's default session zone (the JVM's default). */
export function systemTimeZone(): string {
  // Asking Intl costs a quarter of a millisecond, and every query asks: kept until TZ changes.
  const tz = process.env.TZ;
  if (systemZone === undefined || tz !== systemZoneTz) {
    systemZone = Intl.DateTimeFormat().resolvedOptions().timeZone || UTC;
    systemZoneTz = tz;
  }
  return systemZone;
}
let systemZone: string | undefined;
let systemZoneTz: string | undefined;

const FIXED = /^(?:(?:UTC|GMT|UT)?([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?|Z|UTC|GMT|UT)$/i;
const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatter(zone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat("en-US", {
        timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric",
        hour: "numeric", minute: "numeric", second: "numeric", era: "short",
      });
    } catch {
      f = null;
    }
    formatters.set(zone, f);
  }
  return f;
}

/** Fixed offset of a zone id like +08:00, -0530, GMT+8, UTC, Z (undefined for a region id). */
function fixedOffsetMs(zone: string): number | undefined {
  const m = FIXED.exec(zone.trim());
  if (!m) return undefined;
  if (!m[1]) return 0;
  const h = Number(m[2]), mi = Number(m[3] ?? 0), s = Number(m[4] ?? 0);
  if (h > 18 || mi > 59 || s > 59) return undefined;
  return (m[1] === "-" ? -1 : 1) * ((h * 60 + mi) * 60 + s) * 1000;
}

/** Whether Spark would accept a zone id (region ids like America/Los_Angeles, or offsets). */
export function isValidTimeZone(zone: string): boolean {
  return fixedOffsetMs(zone) !== undefined || (/^[A-Za-z]/.test(zone) && formatter(zone) !== null);
}

/** Spark's error for a bad spark.sql.session.timeZone value. */
export function invalidTimeZone(zone: string): WorkbenchError {
  return new WorkbenchError("INVALID_CONF_VALUE.TIME_ZONE",
    `The value '${zone}' in the config "spark.sql.session.timeZone" is invalid. Cannot resolve the given timezone.`,
    { parameters: { confValue: zone, confName: "spark.sql.session.timeZone" } });
}

// Offsets change at most every few months and at whole quarter hours (UTC) in practice: cache one
// per zone and 15-minute bucket.
const BUCKET = 15 * 60_000;
const offsetCache = new Map<string, Map<number, number>>();

/** The zone's offset from UTC at an instant, in milliseconds (wall = utc + offset). */
export function zoneOffsetMs(zone: string, utcMs: number): number {
  const fixed = fixedOffsetMs(zone);
  if (fixed !== undefined) return fixed;
  let cache = offsetCache.get(zone);
  if (!cache) { cache = new Map(); offsetCache.set(zone, cache); }
  const bucket = Math.floor(utcMs / BUCKET);
  const hit = cache.get(bucket);
  if (hit !== undefined) return hit;
  const f = formatter(zone);
  if (!f) throw invalidTimeZone(zone);
  const t = bucket * BUCKET;
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(new Date(t))) if (part.type !== "literal") p[part.type] = part.value;
  const year = p.era === "BC" || p.era === "B" ? 1 - Number(p.year) : Number(p.year);
  const wall = Date.UTC(2000, Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  const asUtc = new Date(wall);
  asUtc.setUTCFullYear(year);
  const off = asUtc.getTime() - t;
  if (cache.size > 50_000) cache.clear();
  cache.set(bucket, off);
  return off;
}

const isUtc = (zone: string): boolean => zone === UTC || zone === "Z" || zone === "GMT" || zone === "Etc/UTC";

/** Wall-clock milliseconds of an instant in a zone. */
export function toWallMs(utcMs: number, zone: string): number {
  return isUtc(zone) ? utcMs : utcMs + zoneOffsetMs(zone, utcMs);
}

/**
 * The instant of a wall-clock time in a zone, as java.time resolves it: in an overlap (clocks
 * turned back) the earlier offset; in a gap (clocks turned forward) the time moves forward by
 * the gap's length.
 */
export function fromWallMs(wallMs: number, zone: string): number {
  if (isUtc(zone)) return wallMs;
  const fixed = fixedOffsetMs(zone);
  if (fixed !== undefined) return wallMs - fixed;
  // Candidate offsets: the ones in force a day before and after.
  const before = zoneOffsetMs(zone, wallMs - 86_400_000), after = zoneOffsetMs(zone, wallMs + 86_400_000);
  const fits = [before, after].filter((o) => zoneOffsetMs(zone, wallMs - o) === o);
  if (fits.length) return wallMs - Math.max(...fits); // the earlier instant: the larger offset
  return wallMs - before; // in a gap: the earlier offset, i.e. later on the wall clock
}

/** A Date at the wall-clock time of an instant (read it with the UTC getters). */
export const wallDate = (d: Date, zone: string): Date => (isUtc(zone) ? d : new Date(toWallMs(d.getTime(), zone)));

/** The instant of a wall-clock Date (one built with Date.UTC). */
export const instantOfWall = (wall: Date, zone: string): Date => (isUtc(zone) ? wall : new Date(fromWallMs(wall.getTime(), zone)));

/**
 * An explicit zone written after a timestamp text (Z, +08:00, UTC+8, GMT-05:30, a region id):
 * its offset at the given wall time, or undefined when the text names no valid zone.
 */
export function explicitZoneInstant(wallMs: number, zoneText: string): number | undefined {
  const z = zoneText.trim();
  const fixed = fixedOffsetMs(z);
  if (fixed !== undefined) return Math.abs(fixed) > 18 * 3_600_000 ? undefined : wallMs - fixed;
  if (!isValidTimeZone(z)) return undefined;
  return fromWallMs(wallMs, z);
}

/** The zone's id as current_timezone() and spark.conf.get print it. */
export function normalizeTimeZone(zone: string): string {
  const z = zone.trim();
  if (!isValidTimeZone(z)) throw invalidTimeZone(zone);
  return z;
}

const TS_TEXT = /^\s*([+-]?\d{4,7})(?:-(\d{1,2})(?:-(\d{1,2})(?:[ T](\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:\.(\d{0,9}))?)?)?)?)?)?\s*(Z|[+-]\d{1,2}(?::?\d{2}(?::?\d{2})?)?|(?:UTC|GMT|UT)(?:[+-]\d{1,2}(?::?\d{2}(?::?\d{2})?)?)?|[A-Za-z_]+(?:\/[A-Za-z_+-]+)+)?\s*$/;

/**
 * Spark's text of a timestamp: yyyy[-mm[-dd[( |T)hh[:mm[:ss[.fraction]]]]]][zone]. A wall time
 * without a zone is read in `zone` (the session's); `ignoreZone` (TIMESTAMP_NTZ) drops a written
 * zone. JavaScript Dates keep milliseconds, so finer fractions are truncated.
 */
export function parseTimestampText(s: string, zone: string, ignoreZone = false): Date | undefined {
  const m = TS_TEXT.exec(s);
  if (!m) return undefined;
  const y = Number(m[1]), mo = m[2] ? Number(m[2]) : 1, d = m[3] ? Number(m[3]) : 1;
  const h = Number(m[4] ?? 0), mi = Number(m[5] ?? 0), sec = Number(m[6] ?? 0);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59) return undefined;
  const day = new Date(Date.UTC(2000, mo - 1, d));
  day.setUTCFullYear(y);
  if (day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return undefined;
  const ms = Number(((m[7] ?? "") + "000").slice(0, 3));
  const wall = day.getTime() + ((h * 60 + mi) * 60 + sec) * 1000 + ms;
  const written = ignoreZone ? undefined : m[8];
  const t = written ? explicitZoneInstant(wall, written) : fromWallMs(wall, zone);
  return t === undefined || Number.isNaN(t) ? undefined : new Date(t);
}
