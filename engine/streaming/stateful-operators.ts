// The stateful operators of a micro-batch: a streaming aggregation and a streaming
// deduplication. Each batch first runs the operator's input (the plan below it, over the batch's
// rows) as a job on the workers - for an aggregation that job also computes per-key partial
// aggregates - then merges the result into the versioned StateStore, drops rows the watermark
// has passed (numRowsDroppedByWatermark), decides what to emit for the output mode and evicts
// state the watermark has passed. The emitted rows replace the operator in the plan above it.

import { AnalysisError } from "../common/errors";
import { canonical } from "../common/keys";
import { Column, DataFrame, type LogicalPlan, type SqlSession } from "../sql";
import type { Expr } from "../sql/expressions/expression";
import { outputOf } from "../sql/plan/logical-plan";
import type { StateStore } from "./state-store";
import type { OutputMode } from "./streaming-plan";

type AggFn = "count" | "sum" | "min" | "max" | "avg";
const AGG_FNS = new Set(["count", "sum", "min", "max", "avg", "mean"]);

interface Slot { fn: AggFn; partial: number[] }
type Item = { kind: "key"; index: number } | { kind: "agg"; slot: Slot };

export interface StatefulResult {
  rows: unknown[][];
  numRowsDroppedByWatermark: number;
}

/** A stateful operator of a streaming query: its plan node, its state stores, one batch at a time. */
export interface StatefulOperator {
  readonly node: LogicalPlan;
  readonly stores: StateStore[];
  readonly operatorName: string;
  /** `inputs` are the node's children over this batch's rows (null: provably no rows). */
  run(session: SqlSession, inputs: (LogicalPlan | null)[], watermarkMs: number, batchId: number): Promise<StatefulResult>;
}

function eventTimeMs(v: unknown, field?: "end"): number | undefined {
  const x = field ? (v as Record<string, unknown> | null)?.[field] : v;
  if (x instanceof Date) return x.getTime();
  if (typeof x === "number") return x;
  if (typeof x === "string") return Date.parse(x);
  return undefined;
}

function cmp(a: unknown, b: unknown): number {
  const x = a instanceof Date ? a.getTime() : a, y = b instanceof Date ? b.getTime() : b;
  return (x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : 0;
}

function add(a: unknown, b: unknown): unknown {
  if (a === null || a === undefined) return b ?? null;
  if (b === null || b === undefined) return a;
  if (typeof a === "bigint" || typeof b === "bigint") return BigInt(a as bigint) + BigInt(b as bigint);
  return (a as number) + (b as number);
}

/** groupBy(...).agg(...) over a stream, with count/sum/min/max/avg merged across batches. */
export class StreamingAggregation implements StatefulOperator {
  readonly operatorName = "stateStoreSave";
  get stores(): StateStore[] { return [this.store]; }
  private readonly items: Item[] = [];
  private readonly partials: Expr[] = [];
  constructor(readonly node: LogicalPlan & { kind: "Aggregate" }, private readonly store: StateStore, private readonly mode: OutputMode,
    private readonly watermarkKey: { index: number; field?: "end" } | undefined) {
    const keyText = node.groupBy.map((g) => canonical(g));
    for (const item of node.aggs) {
      const named = item.kind === "alias" ? item.child : item;
      const k = keyText.indexOf(canonical(named));
      if (k >= 0) { this.items.push({ kind: "key", index: k }); continue; }
      if (named.kind === "fn" && AGG_FNS.has(named.name) && !named.distinct) {
        const fn = (named.name === "mean" ? "avg" : named.name) as AggFn;
        const slot: Slot = { fn, partial: [] };
        const part = (name: string) => { slot.partial.push(this.partials.length); this.partials.push({ kind: "fn", name, args: named.args }); };
        if (fn === "avg") { part("sum"); part("count"); } else part(fn);
        this.items.push({ kind: "agg", slot });
        continue;
      }
      throw new AnalysisError("STREAMING_UNSUPPORTED_OPERATION",
        `Streaming aggregations support count, sum, min, max and avg (without DISTINCT) and grouping columns; '${item.kind === "alias" ? item.name : canonical(item)}' is not supported.`);
    }
  }

  /** Run one batch: `input` is the aggregation's child over this batch's rows. */
  async run(session: SqlSession, [input]: (LogicalPlan | null)[], watermarkMs: number): Promise<StatefulResult> {
    const nk = this.node.groupBy.length;
    const rows = input === null || input === undefined ? [] : await new DataFrame(session, input)
      .groupBy(...this.node.groupBy.map((g) => new Column(g)))
      .agg(...this.partials.map((p, i) => new Column({ kind: "alias", child: p, name: `_partial${i}` } as Expr)))
      .collectInternal();
    const wk = this.watermarkKey;
    const late = (key: unknown[]): boolean => {
      if (!wk || this.mode === "complete") return false;
      const t = eventTimeMs(key[wk.index], wk.field);
      return t !== undefined && t <= watermarkMs;
    };
    let dropped = 0;
    const updated = new Map<string, unknown[]>();
    for (const row of rows) {
      const key = row.slice(0, nk);
      if (late(key)) { dropped++; continue; }
      const part = row.slice(nk);
      const old = this.store.get(key);
      const merged = old ? this.merge(old, part) : part;
      this.store.put(key, merged);
      updated.set(canonical(key), key);
    }
    const out: unknown[][] = [];
    if (this.mode === "complete") {
      for (const e of this.store.entries()) out.push(this.finish(e.key, e.value));
    } else if (this.mode === "update") {
      for (const key of updated.values()) out.push(this.finish(key, this.store.get(key)!));
      for (const e of [...this.store.entries()]) if (late(e.key)) this.store.remove(e.key);
    } else {
      for (const e of [...this.store.entries()]) {
        if (late(e.key)) { out.push(this.finish(e.key, e.value)); this.store.remove(e.key); }
      }
    }
    return { rows: out, numRowsDroppedByWatermark: dropped };
  }

  private merge(a: unknown[], b: unknown[]): unknown[] {
    const r = a.slice();
    for (const it of this.items) {
      if (it.kind !== "agg") continue;
      for (const i of it.slot.partial) {
        const fn = this.partials[i]!.kind === "fn" ? (this.partials[i] as { name: string }).name : "";
        const x = a[i], y = b[i];
        if (fn === "count" || fn === "sum") r[i] = add(x, y);
        else if (x === null || x === undefined) r[i] = y;
        else if (y === null || y === undefined) r[i] = x;
        else r[i] = fn === "min" ? (cmp(y, x) < 0 ? y : x) : (cmp(y, x) > 0 ? y : x);
      }
    }
    return r;
  }

  private finish(key: unknown[], acc: unknown[]): unknown[] {
    return this.items.map((it) => {
      if (it.kind === "key") return key[it.index];
      const p = it.slot.partial.map((i) => acc[i]);
      if (it.slot.fn === "avg") {
        const [s, c] = p as [unknown, unknown];
        return s === null || s === undefined || !Number(c) ? null : Number(s) / Number(c);
      }
      return p[0] ?? (it.slot.fn === "count" ? 0 : null);
    });
  }
}

/** dropDuplicates(...) over a stream: keys seen in earlier batches (kept until the watermark passes them). */
export class StreamingDeduplication implements StatefulOperator {
  readonly operatorName = "dedupe";
  get stores(): StateStore[] { return [this.store]; }
  private readonly keyIdx: number[];
  private readonly timeIdx?: number;
  constructor(readonly node: LogicalPlan & { kind: "Deduplicate" }, private readonly store: StateStore, watermarkAttrIds: Set<number>) {
    const out = outputOf(node.child);
    this.keyIdx = node.keys.map((k) => out.findIndex((a) => a.id === k.id));
    const t = out.findIndex((a) => watermarkAttrIds.has(a.id));
    this.timeIdx = t >= 0 ? t : undefined;
  }
  async run(session: SqlSession, [input]: (LogicalPlan | null)[], watermarkMs: number): Promise<StatefulResult> {
    const rows = input === null || input === undefined ? [] : await new DataFrame(session, input).collectInternal();
    let dropped = 0;
    const out: unknown[][] = [];
    for (const row of rows) {
      const t = this.timeIdx !== undefined ? eventTimeMs(row[this.timeIdx]) : undefined;
      if (t !== undefined && t <= watermarkMs) { dropped++; continue; }
      const key = this.keyIdx.map((i) => row[i]);
      if (this.store.get(key)) continue;
      this.store.put(key, [t ?? null]);
      out.push(row);
    }
    if (this.timeIdx !== undefined) {
      for (const e of [...this.store.entries()]) {
        const t = e.value[0] as number | null;
        if (t !== null && t <= watermarkMs) this.store.remove(e.key);
      }
    }
    return { rows: out, numRowsDroppedByWatermark: dropped };
  }
}

// ---- stream-stream inner join --------------------------------------------------------------------

type Cmp = ">=" | ">" | "<=" | "<";
const FLIP: Record<Cmp, Cmp> = { ">=": "<=", ">": "<", "<=": ">=", "<": ">" };

/** attr + constant milliseconds, if the expression has that shape. */
function timeTerm(e: Expr): { id: number; offset: number } | undefined {
  if (e.kind === "attr") return { id: e.id, offset: 0 };
  if (e.kind === "fn" && e.name === "timestamp_add_millis" && e.args[0]?.kind === "attr" && e.args[1]?.kind === "lit") {
    return { id: e.args[0].id, offset: Number(e.args[1].value) };
  }
  // ts ± INTERVAL '...' DAY TO SECOND: the literal holds microseconds.
  if (e.kind === "fn" && (e.name === "+" || e.name === "-") && e.args[0]?.kind === "attr" && e.args[1]?.kind === "lit" && e.args[1].dataType.type === "interval_dt") {
    return { id: e.args[0].id, offset: (e.name === "-" ? -1 : 1) * Number(e.args[1].value) / 1000 };
  }
  return undefined;
}

function conjuncts(e: Expr | undefined): Expr[] {
  if (!e) return [];
  if (e.kind === "fn" && e.name === "and") return e.args.flatMap(conjuncts);
  return [e];
}

/**
 * The range of rightTime - leftTime the join condition allows (Spark's time-interval join
 * condition), from conjuncts like `rt >= lt`, `rt <= lt + interval 1 hour`.
 */
export function timeRange(condition: Expr | undefined, leftTime: number, rightTime: number): { lo: number; hi: number } {
  let lo = -Infinity, hi = Infinity;
  for (const c of conjuncts(condition)) {
    if (c.kind !== "fn" || !(c.name in FLIP) || c.args.length !== 2) continue;
    const a = timeTerm(c.args[0]!), b = timeTerm(c.args[1]!);
    if (!a || !b) continue;
    let op = c.name as Cmp, k: number;
    // Normalise to rightTime - leftTime op k.
    if (a.id === rightTime && b.id === leftTime) k = b.offset - a.offset;
    else if (a.id === leftTime && b.id === rightTime) { k = a.offset - b.offset; op = FLIP[op]; }
    else continue;
    if (op === ">=" || op === ">") lo = Math.max(lo, k); else hi = Math.min(hi, k);
  }
  return { lo, hi };
}

/**
 * Inner join of two streams (Spark's symmetric hash join): both sides are buffered in state; a
 * batch joins its new left rows with all right rows (buffered and new) and the buffered left rows
 * with the new right rows - as jobs on the workers. Input rows at or before the watermark are late
 * and dropped; with a time-range condition, buffered rows that no future row can match are evicted.
 */
export class StreamingJoin implements StatefulOperator {
  readonly operatorName = "symmetricHashJoin";
  private readonly leftTimeIdx?: number;
  private readonly rightTimeIdx?: number;
  private readonly range: { lo: number; hi: number };
  constructor(readonly node: LogicalPlan & { kind: "Join" }, private readonly left: StateStore, private readonly right: StateStore, watermarkAttrIds: Set<number>) {
    const lo = outputOf(node.left), ro = outputOf(node.right);
    const li = lo.findIndex((a) => watermarkAttrIds.has(a.id)), ri = ro.findIndex((a) => watermarkAttrIds.has(a.id));
    this.leftTimeIdx = li >= 0 ? li : undefined;
    this.rightTimeIdx = ri >= 0 ? ri : undefined;
    this.range = li >= 0 && ri >= 0 ? timeRange(node.condition, lo[li]!.id, ro[ri]!.id) : { lo: -Infinity, hi: Infinity };
  }
  get stores(): StateStore[] { return [this.left, this.right]; }

  async run(session: SqlSession, [li, ri]: (LogicalPlan | null)[], watermarkMs: number, batchId: number): Promise<StatefulResult> {
    const collect = async (p: LogicalPlan | null | undefined) => (p ? await new DataFrame(session, p).collectInternal() : []);
    let dropped = 0;
    const fresh = (rows: unknown[][], idx: number | undefined) => rows.filter((r) => {
      const t = idx === undefined ? undefined : eventTimeMs(r[idx]);
      if (t !== undefined && t <= watermarkMs) { dropped++; return false; }
      return true;
    });
    const newLeft = fresh(await collect(li), this.leftTimeIdx), newRight = fresh(await collect(ri), this.rightTimeIdx);
    const oldLeft = [...this.left.entries()].map((e) => e.value), oldRight = [...this.right.entries()].map((e) => e.value);
    const lout = outputOf(this.node.left), rout = outputOf(this.node.right);
    const joinOf = async (l: unknown[][], r: unknown[][]) => (l.length && r.length
      ? await new DataFrame(session, { ...this.node, left: { kind: "LocalRelation", output: lout, rows: l }, right: { kind: "LocalRelation", output: rout, rows: r } }).collectInternal()
      : []);
    const rows = [...await joinOf(newLeft, [...oldRight, ...newRight]), ...await joinOf(oldLeft, newRight)];
    newLeft.forEach((r, i) => this.left.put([batchId, i], r));
    newRight.forEach((r, i) => this.right.put([batchId, i], r));
    // Evict what no future row (event time > watermark) can match.
    const evict = (store: StateStore, idx: number | undefined, bound: number) => {
      if (idx === undefined || !Number.isFinite(bound)) return;
      for (const e of [...store.entries()]) {
        const t = eventTimeMs(e.value[idx]);
        if (t !== undefined && t <= bound) store.remove(e.key);
      }
    };
    evict(this.left, this.leftTimeIdx, watermarkMs - this.range.hi);
    evict(this.right, this.rightTimeIdx, watermarkMs + this.range.lo);
    return { rows, numRowsDroppedByWatermark: dropped };
  }
}
