// Date and time functions. Dates are Date objects at UTC midnight and timestamps are Date objects
// (instants) read in the session time zone (info.ctx.timeZone, ../time-zone): their day, hour and
// text are those of the zone's wall clock. Patterns are Java DateTimeFormatter-style
// (yyyy-MM-dd HH:mm:ss).

import { DateType, TimestampType, IntegerType, LongType, StringType, DoubleType } from "../types";
import { register, simple, coerceArg, typeOf, type ScalarDef } from "./registry";
import { parseDate, parseTimestamp } from "./cast";
import { formatWithSparkPattern, parseWithSparkPattern } from "./datetime-format";
import { UTC, fromWallMs, instantOfWall, isValidTimeZone, toWallMs, wallDate } from "../time-zone";
import { AnalysisError } from "../../common/errors";
import { exprSql } from "./print";
import { sqlTypeName } from "./type-utils";

const DAY = 86400000;
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** Format an instant with a Spark datetime pattern, on the wall clock of `tz` (datetime-format.ts). */
export function formatDateTime(instant: Date, pattern: string, tz: string = UTC): string {
  return formatWithSparkPattern(instant, pattern, tz);
}

/** Parse text with a Spark datetime pattern into an instant (a wall time without a zone is in `tz`), or null (datetime-format.ts). */
export function parseDateTime(s: string, pattern: string, tz: string = UTC): Date | null {
  return parseWithSparkPattern(s.trim(), pattern, tz);
}

export function truncDay(d: Date): Date {
  return new Date(Math.floor(d.getTime() / DAY) * DAY);
}

function dayOfYear(d: Date): number {
  return Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY) + 1;
}

function isoWeek(d: Date): number {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  return Math.ceil(((t.getTime() - yearStart) / DAY + 1) / 7);
}

/** d + n calendar months at the same time of day (ts + INTERVAL n MONTH; a date stays at midnight). */
export function addMonthsKeepingTime(d: Date, n: number): Date {
  return new Date(addMonths(d, n).getTime() + (((d.getTime() % DAY) + DAY) % DAY));
}

/**
 * A wall-clock Date plus a day-time amount in ms, as Spark's timestampAddInterval: whole days on
 * the wall clock of `tz` (the local time survives a DST change), the rest on the instant.
 */
export function addDayTime(wall: Date, ms: number, tz: string): Date {
  const days = Math.trunc(ms / DAY);
  return new Date(instantOfWall(new Date(wall.getTime() + days * DAY), tz).getTime() + (ms - days * DAY));
}

export function addMonths(d: Date, n: number): Date {
  const y = d.getUTCFullYear(), m = d.getUTCMonth() + n, day = d.getUTCDate();
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(day, last)));
}

register({
  kind: "scalar", name: "current_date", minArgs: 0, maxArgs: 0,
  resolve() { return { args: [], dataType: DateType, nullable: false }; },
  eval(_v, info) { return truncDay(wallDate(new Date(info.ctx.nowMillis), info.ctx.timeZone)); },
}, "curdate");
register({
  kind: "scalar", name: "current_timestamp", minArgs: 0, maxArgs: 0,
  resolve() { return { args: [], dataType: TimestampType, nullable: false }; },
  eval(_v, info) { return new Date(info.ctx.nowMillis); },
}, "now", "localtimestamp");

function toDateLike(name: string, date: boolean): ScalarDef {
  return {
    kind: "scalar", name, minArgs: 1, maxArgs: 2,
    resolve(args, node) {
      const t = typeOf(args[0]!);
      const a0 = t.type === "string" || args.length > 1 ? coerceArg(node, args, 0, "string") : coerceArg(node, args, 0, date ? "date" : "timestamp");
      return { args: args.length > 1 ? [a0, coerceArg(node, args, 1, "string")] : [a0], dataType: date ? DateType : TimestampType };
    },
    eval([v, fmt], info) {
      let r: Date | null;
      if (v instanceof Date) r = v;
      // A date is the calendar day written; a timestamp's wall time is in the session zone.
      else if (fmt !== undefined) r = parseDateTime(v as string, fmt as string, date ? UTC : info.ctx.timeZone);
      else r = date ? parseDate(v as string) : parseTimestamp(v as string, info.ctx.timeZone);
      if (!r) return null;
      return date ? truncDay(r) : r;
    },
  };
}
register(toDateLike("to_date", true));
register(toDateLike("to_timestamp", false));
register(toDateLike("to_timestamp_ltz", false));
// TIMESTAMP_NTZ values are held as their wall time in the session zone (docs/spark-differences.md).
register(toDateLike("to_timestamp_ntz", false));

register(simple("date_format", ["timestamp", "string"], StringType, ([d, f], info) => formatDateTime(d as Date, f as string, info.ctx.timeZone)));

// A date's fields are its own; a timestamp's those of its wall time in the session zone.
const part = (name: string, f: (d: Date) => number, expect: "date" | "timestamp" = "date", ...aliases: string[]) =>
  register(simple(name, [expect], IntegerType, ([d], info) => f(expect === "timestamp" ? wallDate(d as Date, info.ctx.timeZone) : d as Date)), ...aliases);
part("year", (d) => d.getUTCFullYear());
part("quarter", (d) => Math.floor(d.getUTCMonth() / 3) + 1);
part("month", (d) => d.getUTCMonth() + 1);
part("dayofmonth", (d) => d.getUTCDate(), "date", "day");
part("dayofweek", (d) => d.getUTCDay() + 1);
part("weekday", (d) => (d.getUTCDay() + 6) % 7);
part("dayofyear", dayOfYear);
part("weekofyear", isoWeek);
part("hour", (d) => d.getUTCHours(), "timestamp");
part("minute", (d) => d.getUTCMinutes(), "timestamp");
part("second", (d) => d.getUTCSeconds(), "timestamp");

register(simple("datediff", ["date", "date"], IntegerType, ([a, b]) => Math.round(((a as Date).getTime() - (b as Date).getTime()) / DAY)));
/** date_add / date_sub: the day count must be an INT, SMALLINT or TINYINT (a string literal must spell an integer), as in Spark. */
function dateShift(name: string, sign: number): ScalarDef {
  const base = simple(name, ["date", "int"], DateType, ([d, n]) => new Date((d as Date).getTime() + sign * (n as number) * DAY));
  return {
    ...base,
    resolve(args, node) {
      const n = args[1]!, t = typeOf(n);
      if (t.type === "string" && n.kind === "lit" && typeof n.value === "string" && !/^\s*[+-]?\d+\s*$/.test(n.value)) {
        throw new AnalysisError("SECOND_FUNCTION_ARGUMENT_NOT_INTEGER", `The second argument of \`${name}\` function needs to be an integer.`, { parameters: { functionName: name } });
      }
      if (!["byte", "short", "integer", "string", "null"].includes(t.type)) {
        throw new AnalysisError("DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
          `Cannot resolve "${exprSql(node)}" due to data type mismatch: The second parameter requires the ("INT" or "SMALLINT" or "TINYINT") type, however "${exprSql(n)}" has the type "${sqlTypeName(t)}".`);
      }
      return base.resolve(args, node);
    },
  };
}
register(dateShift("date_add", 1), "dateadd");
register(dateShift("date_sub", -1));
register(simple("add_months", ["date", "int"], DateType, ([d, n]) => addMonths(d as Date, n as number)));
register(simple("last_day", ["date"], DateType, ([d]) => new Date(Date.UTC((d as Date).getUTCFullYear(), (d as Date).getUTCMonth() + 1, 0))));
register(simple("next_day", ["date", "string"], DateType, ([d, dow]) => {
  const target = DAYS.findIndex((x) => x.toLowerCase().startsWith(String(dow).toLowerCase().slice(0, 2)));
  if (target < 0) return null;
  const cur = (d as Date).getUTCDay();
  const delta = ((target - cur + 7) % 7) || 7;
  return new Date((d as Date).getTime() + delta * DAY);
}));
register(simple("make_date", ["int", "int", "int"], DateType, ([y, m, d]) => {
  const r = new Date(Date.UTC(2000, (m as number) - 1, d as number));
  r.setUTCFullYear(y as number); // Date.UTC reads years 0-99 as 1900-1999
  return r.getUTCMonth() !== (m as number) - 1 || r.getUTCDate() !== d ? null : r;
}));
register(simple("months_between", ["timestamp", "timestamp"], DoubleType, ([a, b], info) => {
  const x = wallDate(a as Date, info.ctx.timeZone), y = wallDate(b as Date, info.ctx.timeZone);
  const months = (x.getUTCFullYear() - y.getUTCFullYear()) * 12 + (x.getUTCMonth() - y.getUTCMonth());
  const lastX = new Date(Date.UTC(x.getUTCFullYear(), x.getUTCMonth() + 1, 0)).getUTCDate() === x.getUTCDate();
  const lastY = new Date(Date.UTC(y.getUTCFullYear(), y.getUTCMonth() + 1, 0)).getUTCDate() === y.getUTCDate();
  if (x.getUTCDate() === y.getUTCDate() || (lastX && lastY)) return months;
  const secs = (d: Date) => ((d.getUTCDate() - 1) * 86400 + d.getUTCHours() * 3600 + d.getUTCMinutes() * 60 + d.getUTCSeconds());
  const r = months + (secs(x) - secs(y)) / (31 * 86400);
  return Math.round(r * 1e8) / 1e8;
}));

register({
  kind: "scalar", name: "unix_timestamp", minArgs: 0, maxArgs: 2,
  resolve(args, node) {
    if (!args.length) return { args, dataType: LongType };
    const t = typeOf(args[0]!);
    const a0 = t.type === "string" ? args[0]! : coerceArg(node, args, 0, "timestamp");
    return { args: args.length > 1 ? [a0, coerceArg(node, args, 1, "string")] : [a0], dataType: LongType };
  },
  eval(vals, info) {
    if (!vals.length) return Math.floor(info.ctx.nowMillis / 1000);
    const [v, f] = vals;
    const d = v instanceof Date ? v : parseDateTime(v as string, (f as string | undefined) ?? "yyyy-MM-dd HH:mm:ss", info.ctx.timeZone);
    return d ? Math.floor(d.getTime() / 1000) : null;
  },
}, "to_unix_timestamp");
register(simple("from_unixtime", ["long", "string"], StringType,
  ([n, f], info) => formatDateTime(new Date(Number(n) * 1000), (f as string | undefined) ?? "yyyy-MM-dd HH:mm:ss", info.ctx.timeZone), { minArgs: 1 }));
register(simple("timestamp_seconds", ["double"], TimestampType, ([n]) => new Date(Number(n) * 1000)));
register(simple("unix_seconds", ["timestamp"], LongType, ([d]) => Math.floor((d as Date).getTime() / 1000)));
register(simple("unix_date", ["date"], IntegerType, ([d]) => Math.floor((d as Date).getTime() / DAY)));
register(simple("date_from_unix_date", ["int"], DateType, ([n]) => new Date((n as number) * DAY)));

export function truncTo(d: Date, unit: string): Date | null {
  const y = d.getUTCFullYear(), m = d.getUTCMonth();
  switch (unit.toLowerCase()) {
    case "year": case "yyyy": case "yy": return new Date(Date.UTC(y, 0, 1));
    case "quarter": return new Date(Date.UTC(y, m - (m % 3), 1));
    case "month": case "mon": case "mm": return new Date(Date.UTC(y, m, 1));
    case "week": { const t = truncDay(d); const dow = (t.getUTCDay() + 6) % 7; return new Date(t.getTime() - dow * DAY); }
    case "day": case "dd": return truncDay(d);
    case "hour": return new Date(Math.floor(d.getTime() / 3600000) * 3600000);
    case "minute": return new Date(Math.floor(d.getTime() / 60000) * 60000);
    case "second": return new Date(Math.floor(d.getTime() / 1000) * 1000);
    case "millisecond": return new Date(d.getTime());
    default: return null;
  }
}
// Truncation happens on the wall clock of the session zone (a day starts at the zone's midnight).
register(simple("date_trunc", ["string", "timestamp"], TimestampType, ([u, d], info) => {
  const tz = info.ctx.timeZone;
  const r = truncTo(wallDate(d as Date, tz), u as string);
  return r && instantOfWall(r, tz);
}));
register(simple("trunc", ["date", "string"], DateType, ([d, u]) => {
  const unit = (u as string).toLowerCase();
  if (!["year", "yyyy", "yy", "quarter", "month", "mon", "mm", "week"].includes(unit)) return null;
  return truncTo(d as Date, unit);
}));

/** Milliseconds of an interval text like "10 minutes", "1 hour", "2 days", "500 milliseconds". */
export function parseDuration(text: string): number | null {
  // Called per row by window(ts, "10 minutes"): the few distinct texts are parsed once.
  const hit = durations.get(text);
  if (hit !== undefined) return hit;
  const ms = parseDurationText(text);
  if (durations.size < 1000) durations.set(text, ms);
  return ms;
}
const durations = new Map<string, number | null>();

function parseDurationText(text: string): number | null {
  const units: Record<string, number> = {
    millisecond: 1, ms: 1, second: 1000, sec: 1000, s: 1000, minute: 60000, min: 60000, m: 60000,
    hour: 3600000, h: 3600000, day: DAY, d: DAY, week: 7 * DAY, w: 7 * DAY, microsecond: 0.001,
  };
  let total = 0;
  const re = /(-?\d+(?:\.\d+)?)\s*([a-z]+)/gi;
  let m: RegExpExecArray | null;
  let any = false;
  const t = text.trim().replace(/^interval\s+/i, "");
  while ((m = re.exec(t))) {
    const u = m[2]!.toLowerCase().replace(/s$/, "");
    const f = units[u] ?? units[m[2]!.toLowerCase()];
    if (f === undefined) return null;
    total += Number(m[1]) * f;
    any = true;
  }
  return any ? total : null;
}

const WINDOW_TYPE = {
  type: "struct" as const,
  fields: [
    { name: "start", dataType: TimestampType, nullable: true },
    { name: "end", dataType: TimestampType, nullable: true },
  ],
};

// Tumbling event-time windows: window(ts, "10 minutes") -> {start, end}. Sliding windows (with a
// slide shorter than the duration) are the generator `window_sliding` below.
register({
  kind: "scalar", name: "window", minArgs: 2, maxArgs: 4,
  resolve(args, node) {
    return { args: [coerceArg(node, args, 0, "timestamp"), ...args.slice(1).map((_, i) => coerceArg(node, args, i + 1, "string"))], dataType: WINDOW_TYPE };
  },
  eval([ts, dur, _slide, start]) {
    const d = parseDuration(dur as string);
    if (!d) return null;
    const off = start ? parseDuration(start as string) ?? 0 : 0;
    const t = (ts as Date).getTime();
    const s = Math.floor((t - off) / d) * d + off;
    return { start: new Date(s), end: new Date(s + d) };
  },
});

// session_window(ts, gap) on one row: [ts, ts + gap) (as a grouping key, plan/session-window.ts
// merges the sessions of a key first).
register({
  kind: "scalar", name: "session_window", minArgs: 2, maxArgs: 2,
  resolve(args, node) {
    return { args: [coerceArg(node, args, 0, "timestamp"), coerceArg(node, args, 1, "string")], dataType: WINDOW_TYPE };
  },
  eval([ts, gap]) {
    const d = parseDuration(gap as string);
    if (d === null) return null;
    const t = (ts as Date).getTime();
    return { start: new Date(t), end: new Date(t + d) };
  },
});

register({
  kind: "generator", name: "window_sliding", minArgs: 3, maxArgs: 4, outer: false,
  resolve(args, node) {
    return {
      args: [coerceArg(node, args, 0, "timestamp"), ...args.slice(1).map((_, i) => coerceArg(node, args, i + 1, "string"))],
      output: [{ name: "window", dataType: WINDOW_TYPE, nullable: true }],
    };
  },
  generate([ts, dur, slide, start]) {
    if (ts === null || ts === undefined) return [];
    const d = parseDuration(dur as string)!, sl = parseDuration(slide as string)!;
    const off = start ? parseDuration(start as string) ?? 0 : 0;
    const t = (ts as Date).getTime();
    const rows: unknown[][] = [];
    // Every window [s, s + d) with s = off + k * sl that contains t, earliest first.
    let s = Math.floor((t - off) / sl) * sl + off;
    const found: number[] = [];
    while (s > t - d) { found.push(s); s -= sl; }
    for (const x of found.reverse()) rows.push([{ start: new Date(x), end: new Date(x + d) }]);
    return rows;
  },
});

// ts + INTERVAL ...: the SQL binder turns day-time intervals into milliseconds.
// date/timestamp + INTERVAL n MONTH: add_months keeping the time of day (a date stays a date).
register({
  kind: "scalar", name: "timestamp_add_months", minArgs: 2, maxArgs: 2,
  resolve(args, node) {
    const t = typeOf(args[0]!);
    const first = t.type === "date" ? args[0]! : coerceArg(node, args, 0, "timestamp");
    return { args: [first, coerceArg(node, args, 1, "int")], dataType: t.type === "date" ? DateType : TimestampType };
  },
  eval([d, n], info) {
    // A timestamp moves on the wall clock of the session zone (same local time of day).
    if (info.argTypes[0]!.type === "date") return addMonthsKeepingTime(d as Date, n as number);
    const tz = info.ctx.timeZone;
    return instantOfWall(addMonthsKeepingTime(wallDate(d as Date, tz), n as number), tz);
  },
});

register({
  kind: "scalar", name: "timestamp_add_millis", minArgs: 2, maxArgs: 2,
  resolve(args, node) {
    const t = typeOf(args[0]!);
    const ms = args[1]!.kind === "lit" ? Number(args[1]!.value) : NaN;
    if (t.type === "date" && ms % DAY === 0) return { args: [args[0]!, args[1]!], dataType: DateType };
    return { args: [coerceArg(node, args, 0, "timestamp"), coerceArg(node, args, 1, "long")], dataType: TimestampType };
  },
  eval([d, ms], info) {
    // A date meets a time of day: its midnight in the session zone.
    if (info.dataType.type === "date") return new Date((d as Date).getTime() + Number(ms));
    // Whole days on the wall clock of the session zone, the rest on the instant (Spark's timestampAddInterval).
    const tz = info.ctx.timeZone;
    return addDayTime(wallDate(info.argTypes[0]!.type === "date" ? instantOfWall(d as Date, tz) : d as Date, tz), Number(ms), tz);
  },
});

// ---- time zones --------------------------------------------------------------------------------

register({
  kind: "scalar", name: "current_timezone", minArgs: 0, maxArgs: 0,
  resolve() { return { args: [], dataType: StringType, nullable: false }; },
  eval(_v, info) { return info.ctx.timeZone; },
});

/**
 * from_utc_timestamp(ts, zone): the instant's UTC wall time read as a wall time in `zone`, i.e. the
 * wall clock of `zone` shown as if it were UTC; to_utc_timestamp the reverse (Spark's convertTz).
 */
function shiftByZone(name: string, fromUtc: boolean): ScalarDef {
  return simple(name, ["timestamp", "string"], TimestampType, ([d, z]) => {
    const zone = String(z);
    if (!isValidTimeZone(zone)) return null;
    const t = (d as Date).getTime();
    return new Date(fromUtc ? toWallMs(t, zone) : fromWallMs(t, zone));
  });
}
register(shiftByZone("from_utc_timestamp", true));
register(shiftByZone("to_utc_timestamp", false));

// make_timestamp(year, month, day, hour, min, sec[, zone]): a wall time in the zone given or the session's.
const makeTimestamp = (name: string, zoned: boolean) => simple(name, zoned ? ["int", "int", "int", "int", "int", "double", "string"] : ["int", "int", "int", "int", "int", "double"], TimestampType, ([y, mo, d, h, mi, sec, z], info) => {
  const s = Number(sec);
  if (![mo, d, h, mi].every((x) => Number.isInteger(x)) || s < 0 || s > 60) return null;
  const whole = Math.floor(s);
  const wall = new Date(Date.UTC(2000, (mo as number) - 1, d as number, h as number, mi as number, whole === 60 ? 0 : whole, Math.round((s - whole) * 1000)));
  wall.setUTCFullYear(y as number);
  if (wall.getUTCMonth() !== (mo as number) - 1 || wall.getUTCDate() !== d || wall.getUTCHours() !== h || (mi as number) > 59) return null;
  const zone = z === undefined ? info.ctx.timeZone : String(z);
  if (!isValidTimeZone(zone)) return null;
  return new Date(fromWallMs(wall.getTime() + (whole === 60 ? 60_000 : 0), zone));
}, { minArgs: 6 });
register(makeTimestamp("make_timestamp", true));
register(makeTimestamp("make_timestamp_ltz", true));
register(makeTimestamp("make_timestamp_ntz", false));

// Epoch conversions at millisecond and microsecond scale (timestamps hold milliseconds: micros truncate).
register(simple("timestamp_millis", ["long"], TimestampType, ([n]) => new Date(Number(n))));
register(simple("timestamp_micros", ["long"], TimestampType, ([n]) => new Date(Math.floor(Number(n) / 1000))));
register(simple("unix_millis", ["timestamp"], LongType, ([d]) => (d as Date).getTime()));
register(simple("unix_micros", ["timestamp"], LongType, ([d]) => (d as Date).getTime() * 1000));

/**
 * convert_timezone([sourceTz, ]targetTz, ts): the wall time of `ts` read in sourceTz (default the
 * session zone) and shown on targetTz's wall clock (a TIMESTAMP_NTZ in Spark, held here as that
 * wall time in the session zone).
 */
register({
  kind: "scalar", name: "convert_timezone", minArgs: 2, maxArgs: 3,
  resolve(args, node) {
    const n = args.length;
    const zones = args.slice(0, n - 1).map((_, i) => coerceArg(node, args, i, "string"));
    return { args: [...zones, coerceArg(node, args, n - 1, "timestamp")], dataType: TimestampType };
  },
  eval(vals, info) {
    const tz = info.ctx.timeZone;
    const [src, tgt, ts] = vals.length === 3 ? vals as [string, string, Date] : [tz, vals[0] as string, vals[1] as Date];
    if (!isValidTimeZone(String(src)) || !isValidTimeZone(String(tgt))) return null;
    const instant = fromWallMs(wallDate(ts, tz).getTime(), String(src));
    return instantOfWall(new Date(toWallMs(instant, String(tgt))), tz);
  },
});
