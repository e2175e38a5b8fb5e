// Joins of two streams (Spark's StreamingSymmetricHashJoinExec): both sides are buffered in
// state; a batch joins its new left rows with all right rows (buffered and new) and the buffered
// left rows with the new right rows, as jobs on the workers. Input rows at or before the previous
// batch's watermark are late and dropped. With a time-range condition, buffered rows that no future row
// can match are evicted when the watermark passes them; each buffered row remembers whether it
// ever matched, so an outer join emits its unmatched rows, padded with nulls, at eviction, and a
// left semi join emits a left row once, at its first match.

import { AnalysisError } from "../common/errors";
import { DataFrame, LongType, type LogicalPlan, type SqlSession } from "../sql";
import type { Attr, Expr } from "../sql/expressions/expression";
import { newExprId, outputOf } from "../sql/plan/logical-plan";
import { eventTimeMs, type StatefulOperator, type StatefulResult } from "./stateful-operators";
import type { StateStore } from "./state-store";

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

/** The join types of two streams, Spark's names. */
const SUPPORTED = new Set(["inner", "left", "right", "full", "left_semi"]);
const SPARK_NAME: Record<string, string> = { left: "LeftOuter", right: "RightOuter", full: "FullOuter", left_semi: "LeftSemi" };

/** A buffered row and whether it has matched a row of the other side. */
type Buffered = [row: unknown[], matched: boolean];

export class StreamingJoin implements StatefulOperator {
  readonly operatorName = "symmetricHashJoin";
  private readonly leftTimeIdx?: number;
  private readonly rightTimeIdx?: number;
  private readonly range: { lo: number; hi: number };
  private readonly joinType: string;
  constructor(readonly node: LogicalPlan & { kind: "Join" }, private readonly left: StateStore, private readonly right: StateStore, watermarkAttrIds: Set<number>) {
    const lo = outputOf(node.left), ro = outputOf(node.right);
    const li = lo.findIndex((a) => watermarkAttrIds.has(a.id)), ri = ro.findIndex((a) => watermarkAttrIds.has(a.id));
    this.leftTimeIdx = li >= 0 ? li : undefined;
    this.rightTimeIdx = ri >= 0 ? ri : undefined;
    this.range = li >= 0 && ri >= 0 ? timeRange(node.condition, lo[li]!.id, ro[ri]!.id) : { lo: -Infinity, hi: Infinity };
    this.joinType = node.joinType;
    this.check();
  }
  get numPartitions(): number { return this.left.numPartitions; }
  /** Both sides' buffers are kept on the driver: a restart reloads them from the checkpoint's files. */
  recover(version: number): void { this.left.load(version); this.right.load(version); }

  /** Spark's UnsupportedOperationChecker: an outer (or semi) side's state must be evictable. */
  private check(): void {
    const t = this.joinType;
    if (!SUPPORTED.has(t)) throw new AnalysisError("UNSUPPORTED_FEATURE", `${t} joins between two streaming DataFrames/Datasets are not supported.`);
    if (t === "inner") return;
    const leftEvictable = this.leftTimeIdx !== undefined && this.rightTimeIdx !== undefined && Number.isFinite(this.range.hi);
    const rightEvictable = this.leftTimeIdx !== undefined && this.rightTimeIdx !== undefined && Number.isFinite(this.range.lo);
    const ok = t === "left" || t === "left_semi" ? leftEvictable : t === "right" ? rightEvictable : leftEvictable && rightEvictable;
    if (!ok) {
      const nullable = t === "left" || t === "left_semi" ? "right" : t === "right" ? "left" : "both";
      throw new AnalysisError("UNSUPPORTED_FEATURE",
        `Stream-stream ${SPARK_NAME[t]} join between two streaming DataFrame/Datasets is not supported without a watermark on ${nullable === "both" ? "both sides" : `the ${nullable} side`} and an appropriate range condition (for example \`rightTime >= leftTime AND rightTime <= leftTime + interval 1 hour\`) (a watermark in the join keys is not modelled here).`);
    }
  }

  async run(session: SqlSession, [li, ri]: (LogicalPlan | null)[], watermarkMs: number, batchId: number, lateWatermarkMs: number): Promise<StatefulResult> {
    this.left.resetMetrics(); this.right.resetMetrics();
    const collect = async (p: LogicalPlan | null | undefined) => (p ? await new DataFrame(session, p).collectInternal() : []);
    let dropped = 0;
    const fresh = (rows: unknown[][], idx: number | undefined) => rows.filter((r) => {
      const t = idx === undefined ? undefined : eventTimeMs(r[idx]);
      if (t !== undefined && t <= lateWatermarkMs) { dropped++; return false; }
      return true;
    });
    const newLeft = fresh(await collect(li), this.leftTimeIdx), newRight = fresh(await collect(ri), this.rightTimeIdx);
    const oldLeft = [...this.left.entries()], oldRight = [...this.right.entries()];
    // All buffered and new rows of each side, by index; matches are found by index.
    const lrows: Buffered[] = [...oldLeft.map((e) => e.value as Buffered), ...newLeft.map((r): Buffered => [r, false])];
    const rrows: Buffered[] = [...oldRight.map((e) => e.value as Buffered), ...newRight.map((r): Buffered => [r, false])];
    const lo = oldLeft.length, ro = oldRight.length;
    const lw = outputOf(this.node.left).length, rw = outputOf(this.node.right).length;
    const pairs = [...await this.matches(session, lrows, lo, lrows.length, rrows, 0, rrows.length), ...await this.matches(session, lrows, 0, lo, rrows, ro, rrows.length)];
    const rows: unknown[][] = [];
    for (const [i, j] of pairs) {
      const l = lrows[i]!, r = rrows[j]!;
      if (this.joinType === "left_semi") { if (!l[1]) rows.push(l[0]); } else rows.push([...l[0], ...r[0]]);
      l[1] = true; r[1] = true;
    }
    // Buffer the new rows; keep the matched flags of the buffered ones.
    oldLeft.forEach((e, i) => { if (lrows[i]![1] !== (e.value as Buffered)[1]) this.left.put(e.key, lrows[i]!); });
    oldRight.forEach((e, j) => { if (rrows[j]![1] !== (e.value as Buffered)[1]) this.right.put(e.key, rrows[j]!); });
    newLeft.forEach((_, i) => this.left.put([batchId, i], lrows[lo + i]!));
    newRight.forEach((_, j) => this.right.put([batchId, j], rrows[ro + j]!));
    // Evict what no future row (event time > watermark) can match; an outer side's unmatched rows
    // leave with nulls for the other side.
    const evict = (store: StateStore, idx: number | undefined, bound: number, pad: (row: unknown[]) => unknown[] | undefined) => {
      if (idx === undefined || !Number.isFinite(bound)) return;
      for (const e of [...store.entries()]) {
        const [row, matched] = e.value as Buffered;
        const t = eventTimeMs(row[idx]);
        if (t === undefined || t > bound) continue;
        store.remove(e.key);
        const out = matched ? undefined : pad(row);
        if (out) rows.push(out);
      }
    };
    const outerLeft = this.joinType === "left" || this.joinType === "full", outerRight = this.joinType === "right" || this.joinType === "full";
    evict(this.left, this.leftTimeIdx, watermarkMs - this.range.hi, (row) => (outerLeft ? [...row, ...new Array<null>(rw).fill(null)] : undefined));
    evict(this.right, this.rightTimeIdx, watermarkMs + this.range.lo, (row) => (outerRight ? [...new Array<null>(lw).fill(null), ...row] : undefined));
    const [a, b] = [this.left.metrics(), this.right.metrics()];
    this.left.commit(); this.right.commit();
    const metrics = { numRowsTotal: a.numRowsTotal + b.numRowsTotal, numRowsUpdated: a.numRowsUpdated + b.numRowsUpdated, numRowsRemoved: a.numRowsRemoved + b.numRowsRemoved, memoryUsedBytes: a.memoryUsedBytes + b.memoryUsedBytes };
    return { rows, numRowsDroppedByWatermark: dropped, metrics };
  }

  /**
   * Index pairs (left i, right j) with i in [l0, l1), j in [r0, r1) that satisfy the join's
   * condition: an inner join of the two row sets, each tagged with its index, run as a job.
   */
  private async matches(session: SqlSession, lrows: Buffered[], l0: number, l1: number, rrows: Buffered[], r0: number, r1: number): Promise<Array<[number, number]>> {
    if (l0 >= l1 || r0 >= r1) return [];
    const tag = (name: string): Attr => ({ kind: "attr", id: newExprId(), name, dataType: LongType, nullable: false });
    const lout = outputOf(this.node.left), rout = outputOf(this.node.right);
    const lt = tag("__left_row"), rt = tag("__right_row");
    const left: LogicalPlan = { kind: "LocalRelation", output: [...lout, lt], rows: lrows.slice(l0, l1).map(([r], k) => [...r, l0 + k]) };
    const right: LogicalPlan = { kind: "LocalRelation", output: [...rout, rt], rows: rrows.slice(r0, r1).map(([r], k) => [...r, r0 + k]) };
    const joined = await new DataFrame(session, { kind: "Project", exprs: [lt, rt], child: { ...this.node, joinType: "inner", left, right } }).collectInternal();
    return joined.map((r) => [Number(r[0]), Number(r[1])]);
  }
}
