// An analyzed logical plan (engine/sql/plan) as a Spark Connect `Relation`: one plan model, two
// backends. The DataFrame API builds and checks the same plan on a remote session as on the
// embedded engine; at an action this writer sends it to the server. Columns go by name; where a
// name alone is ambiguous (both sides of a join have `id`), the reference names the relation it
// comes from by plan id, as PySpark's Connect client does for df1.id vs df2.id. Every node gets a
// fresh plan id, so a DataFrame used twice (a self-join) stays two relations.

import type { MessageInitShape } from "@bufbuild/protobuf";
import { assertNever } from "../common/errors";
import { transformUp, type Attr, type Expr } from "../sql/expressions/expression";
import { outputOf, toAttr, type JoinType, type LogicalPlan } from "../sql/plan/logical-plan";
import {
  Aggregate_GroupType, Join_JoinType, SetOperation_SetOpType, type Relation, type RelationSchema,
} from "./gen/spark/connect/relations_pb";
import { encodeRows } from "./local-relation";
import { ExpressionWriter, notRemote, type PExpr } from "./to-expression";

export type PRel = MessageInitShape<typeof RelationSchema>;

/** A translated node: its message, plan id, output and translated children (for plan-id lookups). */
interface Node {
  rel: PRel;
  planId: bigint;
  output: Attr[];
  children: Node[];
}

const JOIN_TYPES: Record<JoinType, Join_JoinType> = {
  inner: Join_JoinType.INNER, left: Join_JoinType.LEFT_OUTER, right: Join_JoinType.RIGHT_OUTER, full: Join_JoinType.FULL_OUTER,
  left_semi: Join_JoinType.LEFT_SEMI, left_anti: Join_JoinType.LEFT_ANTI, cross: Join_JoinType.CROSS,
};

const lower = (s: string) => s.toLowerCase();

export class RelationWriter {
  /** Attributes named differently on the server (window results get plain generated names). */
  private readonly renamed = new Map<number, string>();

  constructor(private readonly nextPlanId: () => bigint, private readonly watermarkOf: (node: LogicalPlan) => { eventTime: string; delay: string } | undefined = () => undefined) {}

  /** The Relation message of an analyzed plan. */
  relation(plan: LogicalPlan): PRel {
    return this.node(plan).rel;
  }

  private nameOf(a: Attr): string {
    return this.renamed.get(a.id) ?? a.name;
  }

  /** The expression writer for a node over `inputs`: a column by name, with a plan id when the name is ambiguous there. */
  private exprs(inputs: Node[]): ExpressionWriter {
    const all = inputs.flatMap((n) => n.output);
    return new ExpressionWriter((a) => {
      const name = this.nameOf(a);
      const same = all.filter((x) => lower(this.nameOf(x)) === lower(name));
      if (same.length <= 1) return { name };
      const owner = this.owner(inputs, a.id);
      return { name, planId: owner?.planId };
    });
  }

  /** The nearest node under `nodes` whose output holds attribute `id` under a name unique there. */
  private owner(nodes: Node[], id: number): Node | undefined {
    for (const n of nodes) {
      const hit = n.output.find((x) => x.id === id);
      if (!hit) continue;
      const name = lower(this.nameOf(hit));
      if (n.output.filter((x) => lower(this.nameOf(x)) === name).length === 1) return n;
      const deeper = this.owner(n.children, id);
      if (deeper) return deeper;
    }
    return undefined;
  }

  private make(relType: PRel["relType"], output: Attr[], children: Node[]): Node {
    const planId = this.nextPlanId();
    return { rel: { common: { planId }, relType }, planId, output, children };
  }

  private node(p: LogicalPlan): Node {
    switch (p.kind) {
      case "RemoteRelation": {
        const planId = this.nextPlanId();
        const rel = p.relation as Relation;
        return { rel: { ...rel, common: { ...rel.common, planId } } as PRel, planId, output: p.output, children: [] };
      }
      case "Range":
        return this.make({ case: "range", value: { start: BigInt(p.start), end: BigInt(p.end), step: BigInt(p.step), numPartitions: p.numPartitions } }, p.output, []);
      case "LocalRelation": return this.local(p.output, p.rows);
      case "Scan": throw notRemote(`reading ${p.spec.format} files through the embedded engine's reader`);
      case "RddRelation": throw notRemote(p.cached ? "a DataFrame cached by the embedded engine" : "a DataFrame made from an RDD (the RDD API is not part of Spark Connect)");
      case "SubqueryAlias": {
        const c = this.node(p.child);
        return this.make({ case: "subqueryAlias", value: { input: c.rel, alias: p.alias } }, outputOf(p), [c]);
      }
      case "Project": {
        let c = this.node(p.child);
        const wm = this.watermarkOf(p);
        if (wm) c = this.make({ case: "withWatermark", value: { input: c.rel, eventTime: wm.eventTime, delayThreshold: wm.delay } }, c.output, [c]);
        const w = this.exprs([c]);
        // A column known on the server under a generated name gets its own name back.
        const named = (e: Expr): PExpr => (e.kind === "attr" && this.nameOf(e) !== e.name ? { exprType: { case: "alias", value: { expr: w.expr(e), name: [e.name] } } } : w.expr(e));
        return this.make({ case: "project", value: { input: c.rel, expressions: p.exprs.map(named) } }, outputOf(p), [c]);
      }
      case "Filter": {
        const c = this.node(p.child);
        return this.make({ case: "filter", value: { input: c.rel, condition: this.exprs([c]).expr(p.condition) } }, outputOf(p), [c]);
      }
      case "Aggregate": return this.aggregate(p);
      case "Join": {
        const l = this.node(p.left), r = this.node(p.right);
        const cond = p.condition ? this.exprs([l, r]).expr(p.condition) : undefined;
        return this.make({ case: "join", value: { left: l.rel, right: r.rel, joinCondition: cond, joinType: JOIN_TYPES[p.joinType] } }, outputOf(p), [l, r]);
      }
      case "Sort": {
        const c = this.node(p.child);
        const w = this.exprs([c]);
        return this.make({ case: "sort", value: { input: c.rel, order: p.orders.map((o) => w.sortOrder(o)), isGlobal: p.global } }, outputOf(p), [c]);
      }
      case "Limit": {
        let c = this.node(p.child);
        if (p.offset > 0) c = this.make({ case: "offset", value: { input: c.rel, offset: p.offset } }, c.output, [c]);
        if (p.limit >= 2 ** 31 - 1) return c;
        return this.make({ case: "limit", value: { input: c.rel, limit: p.limit } }, outputOf(p), [c]);
      }
      case "SetOp": {
        const l = this.node(p.left), r = this.node(p.right);
        const type = p.op === "union" ? SetOperation_SetOpType.UNION : p.op === "intersect" ? SetOperation_SetOpType.INTERSECT : SetOperation_SetOpType.EXCEPT;
        // Spark names the result's columns after the left side's.
        p.output.forEach((a, i) => { const la = l.output[i]; if (la && this.nameOf(la) !== a.name) this.renamed.set(a.id, this.nameOf(la)); });
        return this.make({ case: "setOp", value: { leftInput: l.rel, rightInput: r.rel, setOpType: type, isAll: p.all, byName: false } }, p.output, [l, r]);
      }
      case "Generate": {
        const c = this.node(p.child);
        const w = this.exprs([c]);
        // Output columns named like a child column go under generated names (Spark would find both).
        const taken = new Set(c.output.map((a) => lower(this.nameOf(a))));
        for (const a of p.generatorOutput) if (taken.has(lower(a.name))) this.renamed.set(a.id, `_g${a.id}`);
        const gen: PExpr = { exprType: { case: "alias", value: { expr: w.expr(p.generator), name: p.generatorOutput.map((a) => this.nameOf(a)) } } };
        return this.make({ case: "project", value: { input: c.rel, expressions: [...c.output.map((a) => w.expr(a)), gen] } }, outputOf(p), [c]);
      }
      case "Window": {
        const c = this.node(p.child);
        const w = this.exprs([c]);
        const windows = p.windowExprs.map((e) => {
          const a = toAttr(e);
          this.renamed.set(a.id, `_w${a.id}`);
          return w.expr(e.kind === "alias" ? { ...e, name: `_w${a.id}` } : e);
        });
        return this.make({ case: "project", value: { input: c.rel, expressions: [...c.output.map((a) => w.expr(a)), ...windows] } }, outputOf(p), [c]);
      }
      case "Repartition": {
        const c = this.node(p.child);
        if (!p.exprs.length) return this.make({ case: "repartition", value: { input: c.rel, numPartitions: p.numPartitions, shuffle: p.shuffle } }, outputOf(p), [c]);
        const w = this.exprs([c]);
        return this.make({ case: "repartitionByExpression", value: { input: c.rel, partitionExprs: p.exprs.map((e) => w.expr(e)), numPartitions: p.numPartitions } }, outputOf(p), [c]);
      }
      case "Deduplicate": {
        const c = this.node(p.child);
        const all = p.keys.length === c.output.length && c.output.every((a) => p.keys.some((k) => k.id === a.id));
        return this.make({ case: "deduplicate", value: { input: c.rel, columnNames: all ? [] : p.keys.map((k) => this.nameOf(k)), allColumnsAsKeys: all } }, outputOf(p), [c]);
      }
      case "Sample": {
        const c = this.node(p.child);
        return this.make({ case: "sample", value: { input: c.rel, lowerBound: 0, upperBound: p.fraction, withReplacement: p.withReplacement, seed: BigInt(p.seed) } }, outputOf(p), [c]);
      }
      case "Hint": {
        const c = this.node(p.child);
        return this.make({ case: "hint", value: { input: c.rel, name: p.name } }, outputOf(p), [c]);
      }
      default: return assertNever(p, "logical plan");
    }
  }

  /**
   * Spark Connect's Aggregate outputs the grouping expressions followed by the aggregate
   * expressions. The engine's Aggregate lists its whole output: when that starts with the grouping
   * columns, the rest are the aggregate expressions; otherwise every output expression goes under a
   * generated name and a projection gives the engine's names back. ROLLUP / CUBE / GROUPING SETS
   * (the engine's Expand, a generator) become Spark's GROUPING_SETS aggregate.
   */
  private aggregate(p: LogicalPlan & { kind: "Aggregate" }): Node {
    const out = outputOf(p);
    const gen = p.child.kind === "Generate" && p.child.generator.name.startsWith("__expand_grouping_sets") ? p.child : undefined;
    if (gen) return this.groupingSets(p, gen);
    const c = this.node(p.child);
    const w = this.exprs([c]);
    const prefix = p.groupBy.every((g, i) => {
      const a = p.aggs[i];
      return g.kind === "attr" && a?.kind === "attr" && a.id === g.id;
    });
    if (prefix) {
      return this.make({
        case: "aggregate",
        value: { input: c.rel, groupType: Aggregate_GroupType.GROUPBY, groupingExpressions: p.groupBy.map((g) => w.expr(g)), aggregateExpressions: p.aggs.slice(p.groupBy.length).map((e) => w.expr(e)) },
      }, out, [c]);
    }
    const agg = this.make({
      case: "aggregate",
      value: { input: c.rel, groupType: Aggregate_GroupType.GROUPBY, groupingExpressions: p.groupBy.map((g) => w.expr(g)), aggregateExpressions: this.renamedAggs(p.aggs, w, (e) => e) },
    }, out, [c]);
    return this.keepAggs(agg, out);
  }

  /** Aggregate over the engine's Expand: Spark's GROUPING_SETS with the sets, grouping columns and grouping_id(). */
  private groupingSets(p: LogicalPlan & { kind: "Aggregate" }, gen: LogicalPlan & { kind: "Generate" }): Node {
    if (gen.generator.name !== "__expand_grouping_sets") throw notRemote("a grouping set listed twice");
    const c = this.node(gen.child);
    const w = this.exprs([c]);
    const setsArg = gen.generator.args[0]!;
    const sets = (setsArg.kind === "lit" ? setsArg.value : []) as number[][];
    const groups = gen.generator.args.slice(1);
    const [gidAttr] = gen.generatorOutput.slice(groups.length);
    const swap = (e: Expr): Expr => transformUp(e, (x) => {
      if (x.kind !== "attr") return x;
      const i = gen.generatorOutput.findIndex((a) => a.id === x.id);
      if (i < 0) return x;
      return i < groups.length ? groups[i]! : x.id === gidAttr?.id ? { kind: "fn", name: "grouping_id", args: [] } : x;
    });
    const agg = this.make({
      case: "aggregate",
      value: {
        input: c.rel,
        groupType: Aggregate_GroupType.GROUPING_SETS,
        groupingExpressions: groups.map((g) => w.expr(g)),
        groupingSets: sets.map((set) => ({ groupingSet: set.map((i) => w.expr(groups[i]!)) })),
        aggregateExpressions: this.renamedAggs(p.aggs, w, swap),
      },
    }, outputOf(p), [c]);
    return this.keepAggs(agg, outputOf(p));
  }

  /** The output expressions under generated names `_a<i>` (they cannot clash with the grouping columns Spark puts first). */
  private renamedAggs(aggs: Expr[], w: ExpressionWriter, swap: (e: Expr) => Expr): PExpr[] {
    return aggs.map((e, i) => {
      const body = e.kind === "alias" ? e.child : e;
      return { exprType: { case: "alias", value: { expr: w.expr(swap(body)), name: [`_a${i}`] } } };
    });
  }

  /** A projection from the `_a<i>` columns to the engine's output names. */
  private keepAggs(agg: Node, out: Attr[]): Node {
    const keep: PExpr[] = out.map((a, i) => ({
      exprType: { case: "alias", value: { expr: { exprType: { case: "unresolvedAttribute", value: { unparsedIdentifier: `_a${i}` } } }, name: [this.nameOf(a)] } },
    }));
    return this.make({ case: "project", value: { input: agg.rel, expressions: keep } }, out, [agg]);
  }

  /** Client rows as a LocalRelation (Arrow), with the server-side conversions of the columns sent as text. */
  private local(output: Attr[], rows: unknown[][]): Node {
    const { data, conversions } = encodeRows(output, rows);
    const rel = this.make({ case: "localRelation", value: { data } }, output, []);
    if (conversions.every((c) => !c)) return rel;
    const w = this.exprs([rel]);
    const cols: PExpr[] = output.map((a, i) => {
      const conv = conversions[i];
      const col = w.expr(a);
      if (!conv) return col;
      const value: PExpr = conv.kind === "cast"
        ? { exprType: { case: "cast", value: { expr: col, castToType: { case: "typeStr", value: conv.type } } } }
        : { exprType: { case: "unresolvedFunction", value: { functionName: "from_json", arguments: [col, { exprType: { case: "literal", value: { literalType: { case: "string", value: conv.type } } } }] } } };
      return { exprType: { case: "alias", value: { expr: value, name: [a.name] } } };
    });
    return this.make({ case: "project", value: { input: rel.rel, expressions: cols } }, output, [rel]);
  }
}
