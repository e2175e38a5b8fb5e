// The stateful operators of a micro-batch: a streaming aggregation and a streaming
// deduplication (the stream-stream join is in ./stream-join.ts). Each batch first runs the operator's input (the plan below it, over the batch's
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
  /**
   * `inputs` are the node's children over this batch's rows (null: provably no rows);
   * `watermarkMs` evicts state; `lateWatermarkMs` is the previous batch's watermark, which the
   * stream-stream join drops late input rows at (Spark's eventTimeWatermarkForLateEvents; the
   * aggregation and deduplication drop them at `watermarkMs`, as Spark 4.0.1 does in the
   * differential tests).
   */
  run(session: SqlSession, inputs: (LogicalPlan | null)[], watermarkMs: number, batchId: number, lateWatermarkMs: number): Promise<StatefulResult>;
}

/** An event-time value (Date, epoch milliseconds or ISO text; a window's `end` with field) in milliseconds. */
export function eventTimeMs(v: unknown, field?: "end"): number | undefined {
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
