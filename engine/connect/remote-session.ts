// A session on a Spark Connect server (first slice of the remote backend, issue 15): SQL and range
// relations, collect / count / columns / explain, interrupt, and Spark's refusal of the RDD API.
// The DataFrame API over remote plans (one plan model, two backends) builds on this.

import { create } from "@bufbuild/protobuf";
import { AnalysisError } from "../common/errors";
import { AnalyzePlanRequest_Explain_ExplainMode, PlanSchema, type Plan } from "./gen/spark/connect/base_pb";
import { Aggregate_GroupType, type Relation } from "./gen/spark/connect/relations_pb";
import type { Expression } from "./gen/spark/connect/expressions_pb";
import { resultFromResponses, rowsFromResponses, type RemoteResult, type RemoteRow } from "./arrow-rows";
import { SparkConnectClient } from "./client";

type RelationInit = Relation["relType"];

const EXPLAIN_MODES: Record<string, AnalyzePlanRequest_Explain_ExplainMode> = {
  simple: AnalyzePlanRequest_Explain_ExplainMode.SIMPLE,
  extended: AnalyzePlanRequest_Explain_ExplainMode.EXTENDED,
  codegen: AnalyzePlanRequest_Explain_ExplainMode.CODEGEN,
  cost: AnalyzePlanRequest_Explain_ExplainMode.COST,
  formatted: AnalyzePlanRequest_Explain_ExplainMode.FORMATTED,
};

export class RemoteSparkSession {
  private nextPlanId = 0;

  constructor(readonly client: SparkConnectClient) {}

  /** A session on the server at `url` (sc://host:port/;...; SPARK_REMOTE when omitted). */
  static connect(url?: string): RemoteSparkSession {
    return new RemoteSparkSession(new SparkConnectClient(url));
  }

  /** The RDD API is not part of Spark Connect (Spark's JVM_ATTRIBUTE_NOT_SUPPORTED). */
  get sparkContext(): never {
    throw new AnalysisError("JVM_ATTRIBUTE_NOT_SUPPORTED", "Attribute `sparkContext` is not supported in Spark Connect as it depends on the JVM. If you need to use this attribute, do not use Spark Connect when creating your session. (The RDD API runs on the embedded engine only.)", { parameters: { attr_name: "sparkContext" } });
  }

  sql(query: string): RemoteDataFrame {
    return this.frame({ case: "sql", value: { query } as never });
  }

  range(start: number, end?: number, step = 1, numPartitions?: number): RemoteDataFrame {
    const [s, e] = end === undefined ? [0, start] : [start, end];
    return this.frame({ case: "range", value: { start: BigInt(s), end: BigInt(e), step: BigInt(step), numPartitions } as never });
  }

  /** Interrupts every running operation of this session; resolves with their ids. */
  interruptAll(): Promise<string[]> {
    return this.client.interrupt();
  }

  /** Releases the session on the server and closes the channel. */
  async stop(): Promise<void> {
    try {
      await this.client.release();
    } finally {
      this.client.close();
    }
  }

  /** @internal */
  frame(relType: RelationInit): RemoteDataFrame {
    return new RemoteDataFrame(this, { common: { planId: BigInt(this.nextPlanId++) }, relType } as Relation);
  }
}

export class RemoteDataFrame {
  constructor(readonly session: RemoteSparkSession, readonly relation: Relation) {}

  private plan(): Plan {
    return create(PlanSchema, { opType: { case: "root", value: this.relation } });
  }

  async collect(): Promise<RemoteRow[]> {
    return rowsFromResponses(await this.session.client.execute(this.plan()));
  }

  /** Column names and positional rows (what a comparison with the embedded engine needs). */
  async collectResult(): Promise<RemoteResult> {
    return resultFromResponses(await this.session.client.execute(this.plan()));
  }

  /** count(): an aggregate count(1) over this relation, as PySpark's Connect client sends it. */
  async count(): Promise<number> {
    const countOne: Expression = {
      exprType: { case: "unresolvedFunction", value: { functionName: "count", arguments: [{ exprType: { case: "literal", value: { literalType: { case: "integer", value: 1 } } } }] } },
    } as Expression;
    const agg = this.session.frame({ case: "aggregate", value: { input: this.relation, groupType: Aggregate_GroupType.GROUPBY, groupingExpressions: [], aggregateExpressions: [countOne] } as never });
    const [row] = await agg.collect();
    return Number(Object.values(row ?? {})[0]);
  }

  /** Column names, from the server's analysis (AnalyzePlan schema). */
  async columns(): Promise<string[]> {
    const r = await this.session.client.analyze({ analyze: { case: "schema", value: { plan: this.plan() } } });
    if (r.result.case !== "schema") return [];
    const t = r.result.value.schema?.kind;
    return t?.case === "struct" ? t.value.fields.map((f) => f.name) : [];
  }

  /** explain() text as the server's planner prints it (simple, extended, codegen, cost, formatted). */
  async explainString(mode = "simple"): Promise<string> {
    const explainMode = EXPLAIN_MODES[mode.toLowerCase()];
    if (explainMode === undefined) throw new AnalysisError("INVALID_EXPLAIN_MODE", `Unknown explain mode "${mode}"; use one of ${Object.keys(EXPLAIN_MODES).join(", ")}.`);
    const r = await this.session.client.analyze({ analyze: { case: "explain", value: { plan: this.plan(), explainMode } } });
    return r.result.case === "explain" ? r.result.value.explainString : "";
  }
}
