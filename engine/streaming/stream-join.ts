// Joins of two streams (Spark's StreamingSymmetricHashJoinExec): both sides are buffered in
// state; a batch joins its new left rows with all right rows (buffered and new) and the buffered
// left rows with the new right rows, as jobs on the workers. Input rows at or before the previous
// batch's watermark are late and dropped. With a time-range condition, buffered rows that no future row
// can match are evicted when the watermark passes them; each buffered row remembers whether it
// ever matched, so an outer join emits its unmatched rows, padded with nulls, at eviction, and a
// left semi join emits a left row once, at its first match.

import { AnalysisError } from "../common/errors";
import type { RDD } from "../rdd";
import { DataFrame, type LogicalPlan, type SqlSession } from "../sql";
import type { Expr } from "../sql/expressions/expression";
import { outputOf } from "../sql/plan/logical-plan";
import { bindExpr } from "../sql/execution/executor";
import { extractEquiKeys } from "../sql/physical/planner";
import { joinState, keyJoinSide, type JoinStateSpec, type SideRow } from "./join-state-task";
import { runStateTasks, type StateHome, type StatefulOperator, type StatefulResult } from "./stateful-operators";

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

export class StreamingJoin implements StatefulOperator {
  readonly operatorName = "symmetricHashJoin";
  private readonly leftTimeIdx?: number;
  private readonly rightTimeIdx?: number;
  private readonly range: { lo: number; hi: number };
  private readonly joinType: string;
  /** The equi-join keys bound to each side's rows, and the whole condition bound to [...left, ...right]. */
  private readonly leftKeys: Expr[];
  private readonly rightKeys: Expr[];
  private readonly condition?: Expr;
  constructor(readonly node: LogicalPlan & { kind: "Join" }, private readonly home: StateHome, watermarkAttrIds: Set<number>) {
    const lo = outputOf(node.left), ro = outputOf(node.right);
    const { lk, rk } = extractEquiKeys(node.condition, lo, ro);
    this.leftKeys = lk.map((k) => bindExpr(k, lo));
    this.rightKeys = rk.map((k) => bindExpr(k, ro));
    if (node.condition) this.condition = bindExpr(node.condition, [...lo, ...ro]);
    const li = lo.findIndex((a) => watermarkAttrIds.has(a.id)), ri = ro.findIndex((a) => watermarkAttrIds.has(a.id));
    this.leftTimeIdx = li >= 0 ? li : undefined;
    this.rightTimeIdx = ri >= 0 ? ri : undefined;
    this.range = li >= 0 && ri >= 0 ? timeRange(node.condition, lo[li]!.id, ro[ri]!.id) : { lo: -Infinity, hi: Infinity };
    this.joinType = node.joinType;
    this.check();
  }
  get numPartitions(): number { return this.home.numPartitions; }

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

  /**
   * Both sides' rows of this batch, keyed by their equi-join key and shuffled into the state
   * partitions, then one state task per partition on the workers (./join-state-task.ts).
   */
  async run(session: SqlSession, [li, ri]: (LogicalPlan | null)[], watermarkMs: number, batchId: number, lateWatermarkMs: number): Promise<StatefulResult> {
    const conf = session.execConf();
    const side = async (p: LogicalPlan | null | undefined, s: 0 | 1, keys: Expr[]): Promise<RDD<SideRow>> => {
      if (!p) return session.sparkContext.parallelize<SideRow>([], 1);
      return (await new DataFrame(session, p).toInternalRdd()).mapPartitionsWithIndex((i: number, it: Iterable<unknown[]>) => keyJoinSide(s, keys, conf, i, it));
    };
    const keyed = (await side(li, 0, this.leftKeys)).union(await side(ri, 1, this.rightKeys)).partitionBy(this.numPartitions);
    const spec: JoinStateSpec = {
      runId: this.home.runId, leftDir: `${this.home.operatorDir}-left`, rightDir: `${this.home.operatorDir}-right`, version: batchId, batchId,
      joinType: this.joinType as JoinStateSpec["joinType"], conf, leftWidth: outputOf(this.node.left).length, rightWidth: outputOf(this.node.right).length,
      ...(this.condition ? { condition: this.condition } : {}),
      ...(this.leftTimeIdx !== undefined ? { leftTimeIdx: this.leftTimeIdx } : {}),
      ...(this.rightTimeIdx !== undefined ? { rightTimeIdx: this.rightTimeIdx } : {}),
      lo: this.range.lo, hi: this.range.hi, watermarkMs, lateWatermarkMs,
    };
    return runStateTasks(this.operatorName, batchId, keyed, (i, it) => joinState(spec, i, it as Iterable<SideRow>));
  }
}
