// How the streaming engine reads a DataFrame's logical plan: which leaves are streaming sources,
// where withWatermark sits, which stateful operator (aggregation or deduplication) the query has,
// and whether Spark would accept the query in a given output mode (UnsupportedOperationChecker).
// Each micro-batch replaces the streaming leaves by the batch's data (same attribute ids), so the
// rest of the plan runs unchanged as a batch query on the workers.

import { AnalysisError } from "../common/errors";
import type { Attr, Expr } from "../sql/expressions/expression";
import { parseDuration } from "../sql/expressions/functions-datetime";
import { childrenOf, outputOf, withChildren } from "../sql/plan/logical-plan";
import type { LogicalPlan } from "../sql";
import { sourceOfLeaf, type StreamSource } from "./sources";

export interface WatermarkSpec { attr: Attr; delayMs: number; delay: string }

const watermarks = new WeakMap<object, WatermarkSpec>();

/** Mark a plan node as the EventTimeWatermark of `attr`. */
export function markWatermark(node: LogicalPlan, attr: Attr, delay: string): void {
  const ms = parseDuration(delay);
  if (ms === null || ms < 0) throw new AnalysisError("CANNOT_PARSE_INTERVAL", `Unable to parse '${delay}'.`);
  watermarks.set(node, { attr, delayMs: ms, delay });
}
export function watermarkOf(node: object): WatermarkSpec | undefined {
  return watermarks.get(node);
}

export function isStreamingPlan(p: LogicalPlan): boolean {
  // A remote session's streaming read (engine/connect) runs on its server.
  if (p.kind === "RemoteRelation") return p.streaming === true;
  return !!sourceOfLeaf(p) || childrenOf(p).some(isStreamingPlan);
}

/** Every node of the plan, parents first. */
export function nodes(p: LogicalPlan, out: LogicalPlan[] = []): LogicalPlan[] {
  out.push(p);
  for (const c of childrenOf(p)) nodes(c, out);
  return out;
}

/** Replace nodes by identity (leaves and operators alike). */
export function substitute(p: LogicalPlan, by: Map<object, LogicalPlan>): LogicalPlan {
  const hit = by.get(p);
  if (hit) return hit;
  const cs = childrenOf(p);
  if (!cs.length) return p;
  const next = cs.map((c) => substitute(c, by));
  return next.every((c, i) => c === cs[i]) ? p : withChildren(p, next);
}

/** A node whose output keeps the ids of `like` but computes `plan` (position by position). */
export function withOutputOf(plan: LogicalPlan, like: LogicalPlan): LogicalPlan {
  const want = outputOf(like);
  if (plan.kind === "LocalRelation") return { ...plan, output: want };
  const have = outputOf(plan);
  return { kind: "Project", exprs: have.map((a, i) => ({ kind: "alias", child: a, name: want[i]!.name, id: want[i]!.id }) as Expr), child: plan };
}

export type OutputMode = "append" | "update" | "complete";

export interface StreamingPlanInfo {
  leaves: Array<{ node: LogicalPlan; source: StreamSource }>;
  watermarks: Array<{ node: LogicalPlan; spec: WatermarkSpec }>;
  /** The one stateful operator over the stream, if any. */
  stateful?: LogicalPlan & { kind: "Aggregate" | "Deduplicate" | "Join" };
}

function unsupported(message: string, condition = "STREAMING_UNSUPPORTED_OPERATION"): AnalysisError {
  return new AnalysisError(condition, message);
}

/** Find the streaming parts of a plan and refuse what Spark refuses in this output mode. */
export function analyzeStreamingPlan(plan: LogicalPlan, mode: OutputMode): StreamingPlanInfo {
  const info: StreamingPlanInfo = { leaves: [], watermarks: [] };
  const all = nodes(plan);
  for (const n of all) {
    const s = sourceOfLeaf(n);
    if (s) info.leaves.push({ node: n, source: s });
    const w = watermarkOf(n);
    if (w) info.watermarks.push({ node: n, spec: w });
  }
  if (!info.leaves.length) {
    throw new AnalysisError("WRITE_STREAM_NOT_ALLOWED", "'writeStream' can be called only on streaming Dataset/DataFrame.");
  }
  const streamJoin = (n: LogicalPlan): n is LogicalPlan & { kind: "Join" } => n.kind === "Join" && isStreamingPlan(n.left) && isStreamingPlan(n.right);
  const stateful = all.filter((n): n is LogicalPlan & { kind: "Aggregate" | "Deduplicate" | "Join" } => ((n.kind === "Aggregate" || n.kind === "Deduplicate") && isStreamingPlan(n)) || streamJoin(n));
  const aggs = stateful.filter((n): n is LogicalPlan & { kind: "Aggregate" } => n.kind === "Aggregate");
  if (aggs.length > 1) throw unsupported("Multiple streaming aggregations are not supported with streaming DataFrames/Datasets");
  if (stateful.length > 1) throw unsupported("Only one stateful operator (an aggregation, dropDuplicates or a stream-stream join) per streaming query is supported here");
  info.stateful = stateful[0];
  // A session_window aggregation's own Window nodes (the batch rewrite) are allowed; no other Window.
  const sessionNodes = new Set(info.stateful?.kind === "Aggregate" && sessionWindowOf(info.stateful) ? nodes(info.stateful) : []);
  for (const n of all) {
    if (!isStreamingPlan(n)) continue;
    if (streamJoin(n) && !["inner", "left", "right", "full", "left_semi"].includes(n.joinType)) {
      throw unsupported(`${n.joinType} joins between two streaming DataFrames/Datasets are not supported (inner, left/right/full outer and left semi are, with watermarks)`);
    }
    if (streamJoin(n) && mode !== "append") {
      throw unsupported(`Join between two streaming DataFrames/Datasets is not supported in ${mode[0]!.toUpperCase()}${mode.slice(1)} output mode, only in Append output mode`);
    }
    if (n.kind === "Join" && !(isStreamingPlan(n.left) && isStreamingPlan(n.right)) && n.joinType !== "inner" && n.joinType !== "cross") {
      const streamLeft = isStreamingPlan(n.left);
      const ok = (streamLeft && (n.joinType === "left" || n.joinType === "left_semi" || n.joinType === "left_anti")) || (!streamLeft && n.joinType === "right");
      if (!ok) throw unsupported(`${n.joinType} outer join with a streaming DataFrame/Dataset on the ${streamLeft ? "left" : "right"} and a static DataFrame/DataSet on the ${streamLeft ? "right" : "left"} is not supported`);
    }
    if (n.kind === "Sort" && !(mode === "complete" && info.stateful?.kind === "Aggregate" && !nodes(info.stateful).includes(n))) {
      throw unsupported("Sorting is not supported on streaming DataFrames/Datasets, unless it is on aggregated DataFrame/Dataset in Complete output mode");
    }
    if (n.kind === "Limit" && mode !== "complete") throw unsupported("Limits are not supported on streaming DataFrames/Datasets in Update output mode");
    if (n.kind === "Window" && !sessionNodes.has(n)) throw unsupported("Non-time-based windows are not supported on streaming DataFrames/Datasets");
    if (n.kind === "SetOp" && !(n.op === "union" && n.all)) throw unsupported(`${n.op} is not supported with streaming DataFrames/Datasets`);
  }
  const agg = aggs[0];
  if (agg && mode === "update" && sessionWindowOf(agg)) {
    throw unsupported("Invalid streaming output mode: update. This output mode is not supported for session window streaming aggregations on streaming DataFrames/DataSets.", "STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION");
  }
  if (mode === "complete" && !agg) {
    throw unsupported("Complete output mode not supported when there are no streaming aggregations on streaming DataFrames/Datasets");
  }
  if (mode === "append" && agg && !aggregateWatermarkKey(agg, info)) {
    throw unsupported("Append output mode not supported when there are streaming aggregations on streaming DataFrames/DataSets without watermark");
  }
  return info;
}

/**
 * The grouping key of an aggregation that carries the event-time watermark: the watermarked
 * column itself, or a window over it (then the window's end is compared with the watermark).
 */
export function aggregateWatermarkKey(agg: LogicalPlan & { kind: "Aggregate" }, info: Pick<StreamingPlanInfo, "watermarks">): { index: number; field?: "end" } | undefined {
  const ids = new Set(info.watermarks.map((w) => w.spec.attr.id));
  if (!ids.size) return undefined;
  const defs = definitions(agg.child);
  const sw = sessionWindowOf(agg);
  if (sw) return refersTo(sw.ts, ids, defs, 0) ? { index: sw.keyIndex, field: "end" } : undefined;
  for (let i = 0; i < agg.groupBy.length; i++) {
    const g = agg.groupBy[i]!;
    if (g.kind === "attr" && ids.has(g.id)) return { index: i };
    const def = g.kind === "attr" ? defs.get(g.id) : g;
    if (def && isWindowOver(def, ids, defs)) return { index: i, field: "end" };
  }
  return undefined;
}

/**
 * When the rows reaching an aggregation are exactly the rows of the query's one withWatermark
 * (only projections between them) and still carry its column: that column, so the aggregation's
 * own partial-aggregate job can also compute the batch's event-time statistics (one pass over the
 * batch instead of two; Spark's EventTimeWatermarkExec gathers them in the same pass too).
 */
export function eventTimeCarrier(agg: LogicalPlan & { kind: "Aggregate" }, info: Pick<StreamingPlanInfo, "watermarks">): Attr | undefined {
  if (info.watermarks.length !== 1) return undefined;
  const w = info.watermarks[0]!;
  for (let n: LogicalPlan = agg.child; n !== w.node; n = n.child) if (n.kind !== "Project") return undefined;
  return outputOf(agg.child).some((a) => a.id === w.spec.attr.id) ? w.spec.attr : undefined;
}

/** An aggregation grouped by session_window(ts, gap): which grouping key is the session, its time and gap. */
export interface SessionWindowInfo { keyIndex: number; ts: Expr; gapMs: number }

/**
 * The session_window of an aggregation, read from the plan the batch rewrite
 * (sql/plan/session-window.ts) builds below it: Project/Window nodes over Filter(isnotnull(ts)),
 * the first Window holding max(timestamp_add_millis(ts, gap)), and a grouping key named like the
 * struct column the top Project adds.
 */
export function sessionWindowOf(agg: LogicalPlan & { kind: "Aggregate" }): SessionWindowInfo | undefined {
  const base = sessionBase(agg.child);
  if (!base || base.kind !== "Filter") return undefined;
  let gap: Expr | undefined;
  for (let n: LogicalPlan = agg.child; n !== base; n = childrenOf(n)[0]!) {
    if (n.kind === "Window") gap = findFn(n.windowExprs, "timestamp_add_millis") ?? gap;
  }
  const top = agg.child.kind === "Project" ? agg.child : undefined;
  const structIds = new Set((top?.exprs ?? []).filter((e) => e.kind === "alias" && e.child.kind === "fn" && e.child.name === "named_struct").map((e) => (e as { id?: number }).id));
  const keyIndex = agg.groupBy.findIndex((g) => g.kind === "attr" && structIds.has(g.id));
  if (!gap || gap.kind !== "fn" || gap.args[1]?.kind !== "lit" || keyIndex < 0) return undefined;
  return { keyIndex, ts: gap.args[0]!, gapMs: Number(gap.args[1].value) };
}

/** Below a session rewrite (a chain of Project and session Window nodes): the Filter it starts from. */
export function sessionBase(p: LogicalPlan): LogicalPlan | undefined {
  let n = p, windows = 0;
  while (n.kind === "Project" || n.kind === "Window") {
    if (n.kind === "Window") {
      if (!JSON.stringify(n.windowExprs).includes("__session_") && !findFn(n.windowExprs, "timestamp_add_millis")) return undefined;
      windows++;
    }
    n = n.child;
  }
  return windows ? n : undefined;
}

function findFn(e: unknown, name: string): (Expr & { kind: "fn" }) | undefined {
  if (Array.isArray(e)) { for (const x of e) { const f = findFn(x, name); if (f) return f; } return undefined; }
  if (!isExpr(e)) return undefined;
  if (e.kind === "fn" && e.name === name) return e;
  for (const v of Object.values(e)) { const f = typeof v === "object" && v !== null ? findFn(v, name) : undefined; if (f) return f; }
  return undefined;
}

/** Where each attribute produced inside a plan is defined (aliases and generators). */
function definitions(p: LogicalPlan, out = new Map<number, Expr>()): Map<number, Expr> {
  if (p.kind === "Project") for (const e of p.exprs) if (e.kind === "alias" && e.id !== undefined) out.set(e.id, e.child);
  if (p.kind === "Generate") for (const a of p.generatorOutput) out.set(a.id, p.generator);
  for (const c of childrenOf(p)) definitions(c, out);
  return out;
}

function isWindowOver(e: Expr, ids: Set<number>, defs: Map<number, Expr>): boolean {
  const x = e.kind === "alias" ? e.child : e;
  if (x.kind !== "fn" || !x.name.startsWith("window")) return false;
  const t = x.args[0];
  return !!t && refersTo(t, ids, defs, 0);
}

function refersTo(e: Expr, ids: Set<number>, defs: Map<number, Expr>, depth: number): boolean {
  if (depth > 20) return false;
  if (e.kind === "attr") return ids.has(e.id) || (defs.has(e.id) && refersTo(defs.get(e.id)!, ids, defs, depth + 1));
  return Object.values(e).some((v) => Array.isArray(v) ? v.some((x) => isExpr(x) && refersTo(x, ids, defs, depth + 1)) : isExpr(v) && refersTo(v, ids, defs, depth + 1));
}

function isExpr(v: unknown): v is Expr {
  return typeof v === "object" && v !== null && typeof (v as { kind?: unknown }).kind === "string";
}
