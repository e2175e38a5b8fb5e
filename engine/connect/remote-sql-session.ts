// The SQL session of a remote (Spark Connect) SparkSession: the same DataFrame class, builders and
// analyzer as the embedded engine (one plan model), with another backend. Its leaves are the
// server's relations (spark.sql, spark.table, spark.read) whose schemas come from AnalyzePlan;
// every action sends the analyzed plan as a Spark Connect Relation (to-relation.ts) and decodes
// the Arrow batches that come back into the engine's rows.

import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { randomUUID } from "node:crypto";
import { AnalysisError } from "../common/errors";
import { DataFrame } from "../sql/api/dataframe";
import { attrsOf, outputOf, type LogicalPlan } from "../sql/plan/logical-plan";
import { RemoteDataStreamWriter } from "./remote-streaming";
import { MapConf } from "../sql/session-types";
import { SqlSession } from "../sql/api/sql-session";
import { StructType } from "../sql/types";
import type { RDD } from "../rdd";
import { StorageLevel } from "../storage/storage-level";
import { AnalyzePlanRequest_Explain_ExplainMode, PlanSchema, type Plan } from "./gen/spark/connect/base_pb";
import type { CommandSchema } from "./gen/spark/connect/commands_pb";
import { RelationSchema, type Relation } from "./gen/spark/connect/relations_pb";
import { resultFromResponses } from "./arrow-rows";
import type { SparkConnectClient } from "./client";
import { structFields } from "./proto-types";
import { RemoteDataFrameReader, RemoteDataFrameWriter } from "./remote-readwriter";
import { RelationWriter, type PRel } from "./to-relation";
import { RemoteProgress } from "./remote-progress";
import { userCallSite } from "../rdd/call-site";

type PCommand = MessageInitShape<typeof CommandSchema>;

const EXPLAIN_MODES: Record<string, AnalyzePlanRequest_Explain_ExplainMode> = {
  simple: AnalyzePlanRequest_Explain_ExplainMode.SIMPLE,
  extended: AnalyzePlanRequest_Explain_ExplainMode.EXTENDED,
  codegen: AnalyzePlanRequest_Explain_ExplainMode.CODEGEN,
  cost: AnalyzePlanRequest_Explain_ExplainMode.COST,
  formatted: AnalyzePlanRequest_Explain_ExplainMode.FORMATTED,
};

/** Spark's refusal of the JVM-side API on a Connect session (JVM_ATTRIBUTE_NOT_SUPPORTED). */
export function jvmOnly(attr: string, why = "The RDD API runs on the embedded engine only."): AnalysisError {
  return new AnalysisError("JVM_ATTRIBUTE_NOT_SUPPORTED", `Attribute \`${attr}\` is not supported in Spark Connect as it depends on the JVM. If you need to use this attribute, do not use Spark Connect when creating your session. (${why})`, { parameters: { attr_name: attr } });
}

export class RemoteSqlSession extends SqlSession {
  private planIds = 0n;
  /** Operation ids of the actions running now (interrupt names them). */
  readonly running = new Set<string>();

  constructor(readonly client: SparkConnectClient) {
    super({ get sparkContext(): never { throw jvmOnly("sparkContext"); }, conf: new MapConf() });
  }

  override get isRemote(): boolean { return true; }

  private readonly schemas = new WeakMap<LogicalPlan, StructType>();

  /** The server's schema of a plan (AnalyzePlan), asked once per DataFrame. */
  override schemaOf(plan: LogicalPlan): StructType {
    let s = this.schemas.get(plan);
    if (!s) {
      s = this.serverSchema(this.planOf(plan), "this DataFrame");
      this.schemas.set(plan, s);
    }
    return s;
  }

  private serverSchema(plan: MessageInitShape<typeof PlanSchema>, what: string): StructType {
    const r = this.client.analyzeSync({ analyze: { case: "schema", value: { plan } } });
    if (r.result.case !== "schema" || !r.result.value.schema) throw new AnalysisError("CONNECT_SCHEMA", `The server gave no schema for ${what}.`);
    return new StructType(structFields(r.result.value.schema));
  }

  nextPlanId(): bigint {
    return this.planIds++;
  }

  /** A Plan message whose root is this analyzed plan. */
  planOf(plan: LogicalPlan): Plan {
    return create(PlanSchema, { opType: { case: "root", value: new RelationWriter(() => this.nextPlanId(), (n) => this.watermarks.get(n)).relation(plan) } });
  }

  /** A DataFrame over a server relation; its schema is asked for now (AnalyzePlan), as PySpark's client does at df.columns. */
  leaf(relType: PRel["relType"], label: string, streaming = false): DataFrame {
    const relation = create(RelationSchema, { common: { planId: this.nextPlanId() }, relType });
    const schema = this.serverSchema({ opType: { case: "root", value: relation } }, label);
    const output = attrsOf(schema.fields);
    const plan: LogicalPlan = { kind: "RemoteRelation", relation, output, label, streaming };
    this.schemas.set(plan, schema); // df.schema of this leaf needs no second call
    return new DataFrame(this, plan);
  }

  /** Runs a command now (a view, a write, spark.sql's statement); resolves when the server has done it. */
  commandSync(command: PCommand): ReturnType<SparkConnectClient["executeSync"]> {
    return this.client.executeSync(create(PlanSchema, { opType: { case: "command", value: command } }));
  }

  /** The same, without blocking (writes); `op` names the action in the progress panel. */
  async command(command: PCommand, op: string): Promise<void> {
    await this.run(create(PlanSchema, { opType: { case: "command", value: command } }), op);
  }

  /** Progress of the actions this session runs, as listener events (the kernel's progress panel listens). */
  readonly progress = new RemoteProgress();

  /**
   * Runs a plan as the action `op` ("collect at <cell 3>:2" in the progress panel), tracking its
   * operation id so that interruptAll and the kernel's interrupt reach it.
   */
  async run(plan: Plan, op = "collect"): ReturnType<SparkConnectClient["execute"]> {
    const id = randomUUID();
    const job = this.progress.start(userCallSite(op));
    this.running.add(id);
    try {
      const out = await this.client.execute(plan, id, (r) => job.onResponse(r));
      job.end();
      return out;
    } catch (e) {
      job.end(e);
      throw e;
    } finally {
      this.running.delete(id);
    }
  }

  // ---- DataFrame sources ----------------------------------------------------------------------------

  /**
   * Runs a SQL statement on the server, as PySpark's Connect client does (a SqlCommand): a query
   * comes back as a relation (lazy, as always); a command (CREATE VIEW, SET, ...) has taken effect.
   */
  override sql(text: string): DataFrame {
    const responses = this.commandSync({ commandType: { case: "sqlCommand", value: { input: { common: { planId: this.nextPlanId() }, relType: { case: "sql", value: { query: text } } } } } });
    for (const r of responses) {
      if (r.responseType.case === "sqlCommandResult" && r.responseType.value.relation) {
        const rel = r.responseType.value.relation as Relation;
        return this.leaf(rel.relType as PRel["relType"], "SQL");
      }
    }
    return this.leaf({ case: "sql", value: { query: text } }, "SQL");
  }

  override table(name: string): DataFrame {
    return this.leaf({ case: "read", value: { readType: { case: "namedTable", value: { unparsedIdentifier: name } } } }, `Table ${name}`);
  }

  override get read(): RemoteDataFrameReader { return new RemoteDataFrameReader(this); }
  override writerFor(df: DataFrame): RemoteDataFrameWriter { return new RemoteDataFrameWriter(df); }

  // ---- actions ----------------------------------------------------------------------------------

  override async collectPlan(plan: LogicalPlan, op = "collect"): Promise<unknown[][]> {
    return resultFromResponses(await this.run(this.planOf(plan), op)).rows;
  }

  override async executePlan(_plan: LogicalPlan): Promise<RDD<unknown[]>> {
    throw jvmOnly("rdd");
  }

  override rowRdd(_plan: LogicalPlan): never {
    throw jvmOnly("rdd");
  }

  /** explain(): the server's plans (AnalyzePlan), in any of Spark's modes. */
  override explainPlan(plan: LogicalPlan, mode: string): string {
    const explainMode = EXPLAIN_MODES[mode.toLowerCase()];
    if (explainMode === undefined) {
      throw new AnalysisError("INVALID_EXPLAIN_MODE", `Unknown explain mode "${mode}"; use one of ${Object.keys(EXPLAIN_MODES).join(", ")}.`, { parameters: { explainMode: mode } });
    }
    const r = this.client.analyzeSync({ analyze: { case: "explain", value: { plan: this.planOf(plan), explainMode } } });
    return r.result.case === "explain" ? r.result.value.explainString : "";
  }

  override persistPlan(plan: LogicalPlan, level: StorageLevel = StorageLevel.MEMORY_AND_DISK_DESER): void {
    const storageLevel = { useDisk: level.useDisk, useMemory: level.useMemory, useOffHeap: level.useOffHeap, deserialized: level.deserialized, replication: level.replication };
    this.client.analyzeSync({ analyze: { case: "persist", value: { relation: this.planOf(plan).opType.value, storageLevel } } });
  }

  override unpersistPlan(plan: LogicalPlan, blocking = false): void {
    this.client.analyzeSync({ analyze: { case: "unpersist", value: { relation: this.planOf(plan).opType.value, blocking } } });
  }

  /** The server's storage level of the plan (its cache matches plans by their result, as Spark's does). */
  override storageLevelOf(plan: LogicalPlan): StorageLevel | undefined {
    const r = this.client.analyzeSync({ analyze: { case: "getStorageLevel", value: { relation: this.planOf(plan).opType.value } } });
    const l = r.result.case === "getStorageLevel" ? r.result.value.storageLevel : undefined;
    if (!l || (!l.useDisk && !l.useMemory && !l.useOffHeap)) return undefined;
    return StorageLevel.fromFlags(l.useDisk, l.useMemory, l.useOffHeap, l.deserialized, l.replication);
  }

  private readonly watermarks = new WeakMap<LogicalPlan, { eventTime: string; delay: string }>();

  /** df.withWatermark: a projection of every column, marked; it goes to the server as a WithWatermark relation. */
  override watermarkPlan(plan: LogicalPlan, eventTime: string, delay: string): LogicalPlan {
    const node: LogicalPlan = { kind: "Project", exprs: outputOf(plan), child: plan };
    this.watermarks.set(node, { eventTime, delay });
    return node;
  }

  override streamWriterFor(df: DataFrame): RemoteDataStreamWriter {
    return new RemoteDataStreamWriter(df, this);
  }

  get readStream(): RemoteDataFrameReader { return new RemoteDataFrameReader(this, true); }

  override createTempView(name: string, plan: LogicalPlan, replace: boolean, global = false): void {
    this.commandSync({ commandType: { case: "createDataframeView", value: { input: this.planOf(plan).opType.value as Relation, name, isGlobal: global, replace } } });
  }
}
