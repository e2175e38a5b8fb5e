// Worker-side window operator of the physical plan: sorts a partition by (partitionBy, orderBy),
// then evaluates ranking, offset and framed aggregate window functions per window partition.
// Registered as a shippable by name like the rest of ./operators. Rows are arrays.

import { registerShippable } from "../../common/closure";
import type { Expr, SortExpr, WindowFrame } from "../expressions/expression";
import { compileExpr } from "../expressions/eval";
import { aggRuntime } from "../expressions/aggregates";
import { lookupFunction, typeOf, type EvalContext } from "../expressions/registry";
import { compareValues } from "../expressions/compare";
import { addMonths, addMonthsKeepingTime } from "../expressions/functions-datetime";
import { UTC, instantOfWall, wallDate } from "../time-zone";
import { ctxFor, type ExecConf, type Row } from "./operators";
import { compareSortKeys, type SortKeySpec } from "./sort-order";

export interface WindowSpecExec {
  partitionBy: Expr[];
  orderBy: SortExpr[];
  /** Window function calls (ranking or aggregate) with args bound to the input row, and frames. */
  functions: { fn: Expr & { kind: "fn" }; frame: WindowFrame }[];
  conf: ExecConf;
}

export const windowPartition = registerShippable("sql.windowPartition", function windowPartition(spec: WindowSpecExec, partition: number, it: Iterable<Row>): Row[] {
  const ctx = ctxFor(spec.conf, partition);
  const pk = spec.partitionBy.map((e) => compileExpr(e, ctx));
  const ok = spec.orderBy.map((o) => compileExpr(o.child, ctx));
  const dirs = spec.orderBy.map((o) => ({ ascending: o.ascending, nullsFirst: o.nullsFirst }));
  const rows = [...it].map((r, i) => ({ r, i, p: pk.map((f) => f(r)), o: ok.map((f) => f(r)) }));
  rows.sort((a, b) => {
    for (let i = 0; i < a.p.length; i++) { const c = compareValues(a.p[i], b.p[i]); if (c) return c; }
    return compareSortKeys(a.o, b.o, dirs) || a.i - b.i;
  });
  const dateKey = spec.orderBy.length > 0 && typeOf(spec.orderBy[0]!.child).type === "date";
  const out: Row[] = [];
  let start = 0;
  while (start < rows.length) {
    let end = start + 1;
    while (end < rows.length && rows[end]!.p.every((v, i) => compareValues(v, rows[start]!.p[i]) === 0)) end++;
    const group = rows.slice(start, end);
    const cols = spec.functions.map((f) => evalWindowFn(f.fn, f.frame, group, dirs, ctx, dateKey));
    group.forEach((g, i) => out.push([...g.r, ...cols.map((c) => c[i])]));
    start = end;
  }
  return out;
});

type Keyed = { r: Row; o: unknown[] };

function evalWindowFn(fn: Expr & { kind: "fn" }, frame: WindowFrame, group: Keyed[], dirs: SortKeySpec[], ctx: EvalContext, dateKey: boolean): unknown[] {
  const n = group.length;
  const name = fn.name.toLowerCase();
  const def = lookupFunction(name);
  const args = fn.args.map((a) => compileExpr(a, ctx));
  const peersEq = (i: number, j: number) => compareSortKeys(group[i]!.o, group[j]!.o, dirs) === 0;
  const res = new Array<unknown>(n);
  if (def?.kind === "window") {
    switch (name) {
      case "row_number": for (let i = 0; i < n; i++) res[i] = i + 1; return res;
      case "rank": case "percent_rank": {
        let rank = 1;
        for (let i = 0; i < n; i++) {
          if (i > 0 && !peersEq(i, i - 1)) rank = i + 1;
          res[i] = name === "rank" ? rank : n > 1 ? (rank - 1) / (n - 1) : 0;
        }
        return res;
      }
      case "dense_rank": {
        let rank = 1;
        for (let i = 0; i < n; i++) { if (i > 0 && !peersEq(i, i - 1)) rank++; res[i] = rank; }
        return res;
      }
      case "cume_dist": {
        let i = 0;
        while (i < n) {
          let j = i + 1;
          while (j < n && peersEq(j, i)) j++;
          for (let k = i; k < j; k++) res[k] = j / n;
          i = j;
        }
        return res;
      }
      case "ntile": {
        const buckets = Number(args[0]!(group[0]!.r));
        const size = Math.floor(n / buckets), extra = n % buckets;
        let i = 0;
        for (let b = 1; b <= buckets && i < n; b++) {
          const len = size + (b <= extra ? 1 : 0);
          for (let k = 0; k < len && i < n; k++) res[i++] = b;
        }
        return res;
      }
      case "lag": case "lead": {
        const off = args[1] ? Number(args[1](group[0]!.r)) : 1;
        const vals = group.map((g) => args[0]!(g.r));
        const step = name === "lag" ? -1 : 1;
        for (let i = 0; i < n; i++) {
          let v: unknown;
          if (!fn.ignoreNulls || off === 0) {
            const j = i + step * off;
            v = j >= 0 && j < n ? vals[j] : undefined;
          } else {
            // IGNORE NULLS: the off-th non-null value before (lag) or after (lead) the current row.
            let seen = 0, j = i + step * Math.sign(off);
            for (; j >= 0 && j < n; j += step * Math.sign(off)) if (vals[j] !== null && vals[j] !== undefined && ++seen === Math.abs(off)) break;
            v = j >= 0 && j < n ? vals[j] : undefined;
          }
          res[i] = v !== undefined ? v : args[2] ? args[2](group[i]!.r) : null;
        }
        return res;
      }
      case "nth_value": {
        const k = Number(args[1]!(group[0]!.r));
        const vals = group.map((g) => args[0]!(g.r));
        for (let i = 0; i < n; i++) {
          const [lo, hi] = frameBounds(frame, i, group, dirs, dateKey);
          let v: unknown = null, seen = 0;
          for (let j = Math.max(lo, 0); j <= Math.min(hi, n - 1); j++) {
            if (fn.ignoreNulls && (vals[j] === null || vals[j] === undefined)) continue;
            if (++seen === k) { v = vals[j]; break; }
          }
          res[i] = v;
        }
        return res;
      }
    }
  }
  // Aggregate over a frame.
  const rt = aggRuntime(fn, ctx);
  const vals = (i: number) => args.map((a) => a(group[i]!.r));
  const lower = frame.lower.type, upper = frame.upper.type;
  if (lower === "unboundedPreceding" && upper === "unboundedFollowing") {
    let b = rt.init();
    for (let i = 0; i < n; i++) b = rt.update(b, vals(i));
    const v = rt.finish(b);
    return res.fill(v);
  }
  if (lower === "unboundedPreceding" && upper === "currentRow") {
    // Running aggregate; a RANGE frame includes all peers of the current row.
    let b = rt.init();
    let i = 0;
    while (i < n) {
      let j = i + 1;
      if (frame.frameType === "range") while (j < n && peersEq(j, i)) j++;
      for (let k = i; k < j; k++) b = rt.update(b, vals(k));
      const v = rt.finish(structuredClone(b));
      for (let k = i; k < j; k++) res[k] = v;
      i = j;
    }
    return res;
  }
  for (let i = 0; i < n; i++) {
    const [lo, hi] = frameBounds(frame, i, group, dirs, dateKey);
    let b = rt.init();
    for (let k = Math.max(lo, 0); k <= Math.min(hi, n - 1); k++) b = rt.update(b, vals(k));
    res[i] = rt.finish(b);
  }
  return res;
}

/** Inclusive row index range of the frame around row i. */
function frameBounds(frame: WindowFrame, i: number, group: Keyed[], dirs: SortKeySpec[], dateKey = false): [number, number] {
  const n = group.length;
  if (frame.frameType === "rows") {
    const lo = frame.lower.type === "unboundedPreceding" ? 0 : frame.lower.type === "currentRow" ? i : frame.lower.type === "offset" ? i + (frame.lower.offset ?? 0) : n;
    const hi = frame.upper.type === "unboundedFollowing" ? n - 1 : frame.upper.type === "currentRow" ? i : frame.upper.type === "offset" ? i + (frame.upper.offset ?? 0) : -1;
    return [lo, hi];
  }
  // RANGE: by the (single, numeric) order key value, or peers for CURRENT ROW.
  const key = group[i]!.o;
  const asc = dirs[0]?.ascending ?? true;
  const within = (j: number, b: typeof frame.lower, side: "lo" | "hi"): boolean => {
    if (b.type === "unboundedPreceding") return side === "lo";
    if (b.type === "unboundedFollowing") return side === "hi";
    const c = compareSortKeys(group[j]!.o, key, dirs);
    if (b.type === "currentRow") return side === "lo" ? c >= 0 : c <= 0;
    const v = rangeNumber(group[j]!.o[0], dateKey), k = rangeNumber(key[0], dateKey);
    if (v === null || k === null || v === undefined || k === undefined) return c === 0;
    const target = b.months ? rangeNumber(plusMonths(key[0] as Date, asc ? b.months : -b.months, dateKey, b.zone ?? UTC), dateKey)!
      : asc ? k + (b.offset ?? 0) : k - (b.offset ?? 0);
    return side === "lo" ? (asc ? v >= target : v <= target) : (asc ? v <= target : v >= target);
  };
  let lo = 0;
  while (lo < n && !within(lo, frame.lower, "lo")) lo++;
  let hi = n - 1;
  while (hi >= 0 && !within(hi, frame.upper, "hi")) hi--;
  return [lo, hi];
}

/** A date or timestamp plus calendar months (a timestamp on the wall clock of `tz`). */
function plusMonths(d: Date, months: number, dateKey: boolean, tz: string): Date {
  return dateKey ? addMonths(d, months) : instantOfWall(addMonthsKeepingTime(wallDate(d, tz), months), tz);
}

/** A RANGE frame's order key as a number: dates count days (their offsets are days), timestamps milliseconds. */
function rangeNumber(v: unknown, dateKey: boolean): number | null | undefined {
  if (v instanceof Date) return dateKey ? v.getTime() / 86_400_000 : v.getTime();
  return v as number | null | undefined;
}
