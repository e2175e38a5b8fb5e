// INTERVAL literals as Spark reads them. A literal whose units are all year-month (YEAR, MONTH)
// is an INTERVAL YEAR TO MONTH value, one whose units are all day-time (WEEK .. MICROSECOND) an
// INTERVAL DAY TO SECOND value, each with the range of fields the literal names
// (`INTERVAL '3' YEAR` is `interval year`, `interval 3 day 1 second` `interval day to second`).
// A literal mixing both (`INTERVAL 1 MONTH 2 DAYS`, Spark's legacy CalendarIntervalType) is
// accepted only where it is consumed at once: timestamp/date ± INTERVAL, where the months are
// calendar arithmetic (add_months) and never "30 days".

import { AnalysisError } from "../../common/errors";
import type { Expr } from "../expressions/expression";
import { multiUnitText, rangeValue, unitValue, unitField, badInterval } from "../expressions/intervals";
import { YearMonthIntervalType, DayTimeIntervalType } from "../types";
import type * as A from "../parser/ast";

export interface IntervalValue {
  months: number;
  /** The day-time part in milliseconds (microseconds kept as a fraction). */
  ms: number;
}

interface ParsedLiteral {
  months: number;
  micros: number;
  units: string[];
}

function parse(lit: A.IntervalLiteral): ParsedLiteral {
  const out: ParsedLiteral = { months: 0, micros: 0, units: [] };
  for (const p of lit.parts) {
    if (!p.unit) {
      const v = multiUnitText(p.value);
      out.months += v.months; out.micros += v.micros; out.units.push(...v.units);
      continue;
    }
    const v = p.toUnit ? rangeValue(p.value, p.unit, p.toUnit) : unitValue(p.value, p.unit);
    out.months += v.months; out.micros += v.micros;
    out.units.push(p.unit, ...(p.toUnit ? [p.toUnit] : []));
  }
  if (!Number.isFinite(out.micros)) throw badInterval(lit.parts.map((p) => p.value).join(" "));
  return out;
}

export function intervalValue(lit: A.IntervalLiteral): IntervalValue {
  const p = parse(lit);
  return { months: p.months, ms: p.micros / 1000 };
}

/** Does the literal mix year-month with day-time units (no ANSI interval type holds it)? */
export function isCalendarInterval(lit: A.IntervalLiteral): boolean {
  return new Set(parse(lit).units.map((u) => unitField(u).kind)).size > 1;
}

/** The literal as a typed value: INTERVAL YEAR TO MONTH (months) or DAY TO SECOND (microseconds). */
export function intervalLiteral(lit: A.IntervalLiteral): Expr {
  const p = parse(lit);
  const fields = p.units.map(unitField);
  const kinds = new Set(fields.map((f) => f.kind));
  if (kinds.size !== 1) throw intervalNotSupported();
  const start = Math.min(...fields.map((f) => f.field)), end = Math.max(...fields.map((f) => f.field));
  if (kinds.has("interval_ym")) {
    if (Math.abs(p.months) > 2147483647) throw badInterval(lit.parts.map((x) => x.value).join(" "), "integer overflow");
    return { kind: "lit", value: p.months, dataType: YearMonthIntervalType(start, end) };
  }
  return { kind: "lit", value: p.micros, dataType: DayTimeIntervalType(start, end) };
}

/** Raised for an interval mixing months with days or time outside timestamp ± INTERVAL. */
export function intervalNotSupported(): AnalysisError {
  return new AnalysisError("UNSUPPORTED_DATATYPE",
    `Unsupported data type "INTERVAL": an interval mixing year-month and day-time units (Spark's legacy CalendarIntervalType) is supported only in timestamp/date ± INTERVAL; use INTERVAL YEAR TO MONTH or INTERVAL DAY TO SECOND values.`,
    { parameters: { typeName: '"INTERVAL"' } });
}
