// INTERVAL literals as Spark reads them: months and a day-time part kept apart, so that
// `ts + INTERVAL 1 MONTH` is calendar arithmetic (add_months) and never "30 days". The engine has
// no INTERVAL column type: the binder accepts interval literals only where they are consumed at
// once (timestamp/date ± INTERVAL, RANGE frame offsets) and rejects them elsewhere.

import { AnalysisError } from "../../common/errors";
import type * as A from "../parser/ast";

export interface IntervalValue {
  months: number;
  /** The day-time part in milliseconds (microseconds kept as a fraction). */
  ms: number;
}

const DAY = 86_400_000;
const UNIT_MS: Record<string, number> = { WEEK: 7 * DAY, DAY, HOUR: 3_600_000, MINUTE: 60_000, SECOND: 1000, MILLISECOND: 1, MICROSECOND: 0.001 };
const UNIT_WORDS: Record<string, string> = {};
for (const u of ["YEAR", "MONTH", ...Object.keys(UNIT_MS)]) { UNIT_WORDS[u] = u; UNIT_WORDS[u + "S"] = u; }

function bad(text: string, why = ""): AnalysisError {
  return new AnalysisError("INVALID_INTERVAL_FORMAT", `Error parsing interval '${text}'${why ? `: ${why}` : ""}.`, { parameters: { input: text } });
}

function unitValue(text: string, unit: string): IntervalValue {
  const t = text.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(t)) throw bad(t, `not a number for ${unit}`);
  const n = Number(t);
  if (unit === "YEAR" || unit === "MONTH") {
    if (!Number.isInteger(n)) throw bad(t, `${unit} must be a whole number`);
    return { months: unit === "YEAR" ? 12 * n : n, ms: 0 };
  }
  return { months: 0, ms: n * UNIT_MS[unit]! };
}

const RANGE_PATTERNS: Record<string, RegExp> = {
  "YEAR TO MONTH": /^([+-])?(\d+)-(\d+)$/,
  "DAY TO HOUR": /^([+-])?(\d+) (\d+)$/,
  "DAY TO MINUTE": /^([+-])?(\d+) (\d+):(\d+)$/,
  "DAY TO SECOND": /^([+-])?(\d+) (\d+):(\d+):(\d+(?:\.\d*)?)$/,
  "HOUR TO MINUTE": /^([+-])?(\d+):(\d+)$/,
  "HOUR TO SECOND": /^([+-])?(\d+):(\d+):(\d+(?:\.\d*)?)$/,
  "MINUTE TO SECOND": /^([+-])?(\d+):(\d+(?:\.\d*)?)$/,
};

function rangeValue(text: string, from: string, to: string): IntervalValue {
  const key = `${from} TO ${to}`;
  const rx = RANGE_PATTERNS[key];
  const m = rx?.exec(text.trim());
  if (!m) throw bad(text, `expected the ${key} form`);
  const sign = m[1] === "-" ? -1 : 1;
  const nums = m.slice(2).map(Number);
  if (key === "YEAR TO MONTH") return { months: sign * (12 * nums[0]! + nums[1]!), ms: 0 };
  const order = ["DAY", "HOUR", "MINUTE", "SECOND"];
  const units = order.slice(order.indexOf(from), order.indexOf(to) + 1);
  const ms = units.reduce((a, u, i) => a + nums[i]! * UNIT_MS[u]!, 0);
  return { months: 0, ms: sign * ms };
}

/** '1 day 2 hours', 'interval 3 months -1 day': pairs of number and unit. */
function multiUnitText(text: string): IntervalValue {
  const words = text.trim().replace(/^interval\s+/i, "").split(/\s+/).filter(Boolean);
  if (words.length === 0 || words.length % 2 !== 0) throw bad(text);
  const out: IntervalValue = { months: 0, ms: 0 };
  for (let i = 0; i < words.length; i += 2) {
    const unit = UNIT_WORDS[words[i + 1]!.toUpperCase()];
    if (!unit) throw bad(text, `unknown unit ${words[i + 1]}`);
    const v = unitValue(words[i]!, unit);
    out.months += v.months;
    out.ms += v.ms;
  }
  return out;
}

export function intervalValue(lit: A.IntervalLiteral): IntervalValue {
  const out: IntervalValue = { months: 0, ms: 0 };
  for (const p of lit.parts) {
    const v = !p.unit ? multiUnitText(p.value) : p.toUnit ? rangeValue(p.value, p.unit, p.toUnit) : unitValue(p.value, p.unit);
    out.months += v.months;
    out.ms += v.ms;
  }
  if (!Number.isFinite(out.ms)) throw bad(lit.parts.map((p) => p.value).join(" "));
  return out;
}

/** Raised where an interval value would need a column type the engine does not have. */
export function intervalNotSupported(): AnalysisError {
  return new AnalysisError("UNSUPPORTED_DATATYPE",
    `Unsupported data type "INTERVAL": interval values are supported only in timestamp/date ± INTERVAL and in RANGE window frame offsets.`,
    { parameters: { typeName: '"INTERVAL"' } });
}
