// One query, from its analyzed plan to the RDD an action runs (Spark's QueryExecution): each form
// made once. The optimized and physical plans explain() and estimates read (cached sub-plans shown
// as in-memory relations, subqueries not run), and, when an action runs it, the executed forms:
// cached sub-plans filled and substituted, subqueries' values in, its physical plan, the RDD, and
// the per-operator metrics its tasks reported (rows out, time) as plain data for the physical-plan
// graph renderer in engine/viz (PlanGraphNode shape).

import type { PlanGraphNode } from "../../common/plan-graph-node";
import { AnalysisError } from "../../common/errors";
import type { RDD } from "../../rdd";
import { isStackOverflow, tooComplexError } from "../too-complex";
import { outputOf, type LogicalPlan } from "../plan/logical-plan";
import { planString, planStringWith, bytesToString, schemaHeader } from "../plan/tree-string";
import { optimize } from "../optimizer";
import { PhysicalPlanner, estimateSize } from "../physical/planner";
import { physicalChildren, type PhysicalPlan } from "../physical/physical-plan";
import { physicalNodeString, physicalPlanString } from "../physical/plan-string";
import { columnarChain, columnarNodes } from "../physical/columnar-plan";
import { defaultEvalContext } from "../expressions/eval";
import { generatedAggSource } from "./columnar/columnar-agg";
import type { SqlSettings, SqlSparkContext } from "../session-types";
import type { CacheManager } from "./cache-manager";
import { Executor, columnarAggSpec, operatorIds, stageOps } from "./executor";
import { fusedJoinOf } from "./columnar/columnar-stage";
import { mergeMetrics, type ExecConf, type OpMetrics } from "./operators";
import { applyCorrelated, hasAppliedSubqueries, materializeSubqueries } from "./subqueries";

export type { PlanGraphNode };

/** What a query needs of its session (SqlSession provides it). */
export interface QueryContext {
  readonly sparkContext: SqlSparkContext;
  readonly cacheManager: CacheManager;
  settings(): SqlSettings;
  /** The conf tasks evaluate expressions with (ANSI mode, time zone, the query's now). */
  execConf(s: SqlSettings): ExecConf;
  /** Run another query to its RDD (a subquery, through the session so it is its last execution too). */
  executePlan(plan: LogicalPlan): Promise<RDD<unknown[]>>;
}

/** A physical plan ready to run: its operators' ids and the accumulator their metrics come back in. */
interface Executed {
  optimized: LogicalPlan;
  physical: PhysicalPlan;
  ids: Map<PhysicalPlan, number>;
  acc?: { readonly value: OpMetrics; add(term: OpMetrics): void };
}

export class QueryExecution {
  /** The settings the query was planned with, read once. */
  readonly settings: SqlSettings;
  private optimizedForm?: LogicalPlan;
  private physicalForm?: PhysicalPlan;
  private executed?: Executed;

  constructor(private readonly ctx: QueryContext, readonly analyzedPlan: LogicalPlan) {
    this.settings = ctx.settings();
  }

  /** The optimized plan: the executed one once an action ran the query, else explain()'s. */
  get optimizedPlan(): LogicalPlan {
    return this.executed?.optimized ?? this.explainOptimized();
  }

  /** The physical plan: the executed one once an action ran the query, else explain()'s. */
  get physicalPlan(): PhysicalPlan {
    return this.executed?.physical ?? this.explainPhysical();
  }

  /** Whether columnar execution was on (spark.sql.parquet.enableVectorizedReader). */
  get columnar(): boolean { return this.settings.columnar; }

  private explainOptimized(): LogicalPlan {
    return (this.optimizedForm ??= optimize(this.ctx.cacheManager.substituteForExplain(this.analyzedPlan), undefined, foldConf(this.settings)));
  }

  private explainPhysical(): PhysicalPlan {
    return (this.physicalForm ??= this.planner().plan(this.explainOptimized()));
  }

  private planner(): PhysicalPlanner {
    return new PhysicalPlanner(this.settings, this.ctx.sparkContext.defaultParallelism);
  }

  /**
   * The RDD of the query's rows. Correlated subqueries no rewrite covers are applied and the
   * uncorrelated ones run first (jobs of their own), cached sub-plans are filled (the first action
   * over a cache fills it, as in Spark) and substituted, then the plan is optimized, planned and
   * turned into RDDs. Runs once; a second call returns the same RDD.
   */
  async toRdd(): Promise<RDD<unknown[]>> {
    return (this.rdd ??= this.run());
  }
  private rdd?: Promise<RDD<unknown[]>>;

  private async run(): Promise<RDD<unknown[]>> {
    const fold = foldConf(this.settings);
    let optimized: LogicalPlan;
    try {
      const run = async (p: LogicalPlan) => (await this.ctx.executePlan(p)).collect();
      const applied = hasAppliedSubqueries(this.analyzedPlan) ? await applyCorrelated(this.analyzedPlan, run) : this.analyzedPlan;
      const cached = await this.ctx.cacheManager.substitute(applied, (p) => this.execute(this.prepareRun(optimize(p, undefined, fold))));
      const withSub = await materializeSubqueries(cached, run);
      optimized = optimize(withSub, undefined, fold);
    } catch (e) {
      if (isStackOverflow(e)) throw tooComplexError(e);
      throw e;
    }
    this.executed = this.prepareRun(optimized);
    return this.execute(this.executed);
  }

  private prepareRun(optimized: LogicalPlan): Executed {
    const physical = this.planner().plan(optimized);
    const acc = this.ctx.sparkContext.accumulator?.<OpMetrics>({}, { zero: () => ({}), addInPlace: mergeMetrics });
    return { optimized, physical, ids: operatorIds(physical), acc };
  }

  private execute(e: Executed): Promise<RDD<unknown[]>> {
    return new Executor(this.ctx.sparkContext, this.ctx.execConf(this.settings), e.acc, e.ids).execute(e.physical);
  }

  /** Metrics by operator id: { rows, ms } summed over all tasks of the query's jobs (empty before it runs). */
  metrics(): Record<number, { rows?: number; ms?: number }> {
    const out: Record<number, { rows?: number; ms?: number }> = {};
    for (const [k, v] of Object.entries(this.executed?.acc?.value ?? {})) {
      const [id, what] = k.split(".") as [string, "rows" | "ms"];
      (out[Number(id)] ??= {})[what] = v;
    }
    return out;
  }

  /**
   * The generated loops of the plan's columnar partial aggregates (agg-codegen.ts), by the
   * aggregate's line in the physical plan.
   */
  private generatedCode(): Map<string, string> {
    const out = new Map<string, string>();
    const ctx = defaultEvalContext(0, { ansi: this.settings.ansi, nowMillis: 0, seed: 0, timeZone: this.settings.timeZone });
    const walk = (p: PhysicalPlan): void => {
      const chain = p.kind === "HashAggregate" && p.mode === "partial" ? columnarChain(p) : undefined;
      if (chain && p.kind === "HashAggregate") {
        const src = generatedAggSource(columnarAggSpec(p), ctx, fusedJoinOf(stageOps(chain).ops, p.child.output.length));
        if (src) out.set(physicalNodeString(p, true), src);
      }
      physicalChildren(p).forEach(walk);
    };
    walk(this.explainPhysical());
    return out;
  }

  planGraph(): PlanGraphNode {
    const m = this.metrics();
    const root = this.physicalPlan;
    const ids = this.executed?.ids ?? operatorIds(root);
    const columnar = this.columnar ? columnarNodes(root, physicalChildren) : new Set<PhysicalPlan>();
    const build = (p: PhysicalPlan): PlanGraphNode => {
      const id = ids.get(p) ?? 0;
      const mm = m[id];
      const metrics: Record<string, number | string> = {};
      if (mm?.rows !== undefined) metrics["number of output rows"] = mm.rows;
      if (mm?.ms !== undefined) metrics["time"] = `${Math.round(mm.ms * 10) / 10} ms`;
      const text = physicalNodeString(p, columnar.has(p));
      const detail = text.startsWith(p.kind) ? text.slice(p.kind.length).trim() : text;
      return { id, name: p.kind, detail: detail || undefined, children: physicalChildren(p).map(build), metrics: Object.keys(metrics).length ? metrics : undefined };
    };
    return build(root);
  }

  toString(): string {
    return physicalPlanString(this.physicalPlan, { columnar: this.columnar });
  }

  /** explain(mode): Spark's modes over the explain forms; `parsed` is the SQL text's parsed plan. */
  explainString(mode: string, parsed?: string): string {
    const optimized = this.explainOptimized();
    // With each cached relation's plan below its scan, as Spark prints it; built only for the modes that print it.
    const phys = (): string => physicalPlanString(this.explainPhysical(), { columnar: this.columnar, cachedPlan: (p) => this.planner().plan(optimize(p, undefined, foldConf(this.settings))) });
    const plan = this.analyzedPlan;
    switch (mode) {
      case "simple": return `== Physical Plan ==\n${phys()}\n`;
      case "cost":
        return `== Optimized Logical Plan ==\n${planStringWith(optimized, (n) => `, Statistics(sizeInBytes=${bytesToString(estimateSize(n))})`)}\n\n== Physical Plan ==\n${phys()}\n`;
      // The subtrees of this plan only (a cached relation's plan ran when the cache was filled).
      case "codegen": return codegenPlan(physicalPlanString(this.explainPhysical(), { columnar: this.columnar }), this.columnar ? this.generatedCode() : new Map());
      case "extended":
        return `== Parsed Logical Plan ==\n${parsed ?? planString(plan)}\n\n== Analyzed Logical Plan ==\n${schemaHeader(outputOf(plan))}\n${planString(plan)}\n\n== Optimized Logical Plan ==\n${planString(optimized)}\n\n== Physical Plan ==\n${phys()}\n`;
      case "formatted": return formattedPlan(phys());
      default: throw new AnalysisError("INVALID_EXPLAIN_MODE", `Unknown explain mode: ${mode}. Accepted explain modes are 'simple', 'extended', 'codegen', 'cost', 'formatted'.`);
    }
  }
}

/** What constant folding must evaluate like execution: ANSI mode and the session time zone. */
const foldConf = (s: SqlSettings) => ({ ansi: s.ansi, timeZone: s.timeZone });

/**
 * explain("codegen"): Spark lists each WholeStageCodegen subtree (operators fused into one
 * function, marked *(n) in the plan) and its generated Java. Here a subtree runs as one fused
 * pipeline per task; the code generated for it is a columnar partial aggregate's loop
 * (`generated`, by the aggregate's plan line), other subtrees run without generated code.
 */
function codegenPlan(phys: string, generated: Map<string, string>): string {
  const groups = new Map<string, string[]>();
  for (const line of phys.split("\n")) {
    const m = /\*\((\d+)\) /.exec(line);
    if (!m) continue;
    const list = groups.get(m[1]!) ?? [];
    list.push(line);
    groups.set(m[1]!, list);
  }
  const ids = [...groups.keys()].sort((a, b) => Number(a) - Number(b));
  const parts = ids.map((id, i) => {
    const lines = groups.get(id)!;
    const code = [...generated].filter(([node]) => lines.some((l) => l.endsWith(node))).map(([, src]) => src);
    const text = code.length ? `Generated code (the partial aggregate's loop over each column batch):\n${code.join("\n")}` : "Generated code: none (the workbench runs this subtree as one fused, interpreted pipeline per task)";
    return `== Subtree ${i + 1} / ${ids.length} ==\n${lines.join("\n")}\n\n${text}\n`;
  });
  return `Found ${ids.length} WholeStageCodegen subtrees.\n${parts.join("\n")}`;
}

function formattedPlan(phys: string): string {
  const lines = phys.split("\n");
  const numbered = lines.map((l, i) => `${l} (${i + 1})`);
  const details = lines.map((l, i) => `(${i + 1}) ${l.replace(/^[\s:+-]*(\*\(\d+\) )?/, "")}`);
  return `== Physical Plan ==\n${numbered.join("\n")}\n\n\n${details.join("\n\n")}\n`;
}
