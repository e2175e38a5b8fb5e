// Structured streaming on a remote session (spark.readStream is the remote reader of
// remote-readwriter.ts making streaming reads): df.withWatermark as a WithWatermark relation, df.writeStream...start() as a
// WriteStreamOperationStart command, and the StreamingQuery handle's members (status, progress,
// processAllAvailable, awaitTermination, stop, exception, explain) as StreamingQueryCommands. The
// query runs on the server; its memory sink or table is read back with spark.sql / spark.table.

import { AnalysisError, ExecutionError } from "../common/errors";
import type { DataFrame } from "../sql/api/dataframe";
import { create } from "@bufbuild/protobuf";
import type { StreamingQueryCommandResult } from "./gen/spark/connect/commands_pb";
import { PlanSchema, type ExecutePlanResponse } from "./gen/spark/connect/base_pb";
import type { RemoteSqlSession } from "./remote-sql-session";
import { strings } from "./remote-readwriter";

type Opt = string | number | boolean;

export class RemoteDataStreamWriter {
  private fmt?: string;
  private mode?: string;
  private name?: string;
  private readonly opts: Record<string, Opt> = {};
  private partitionCols: string[] = [];
  private trig?: { case: "processingTimeInterval"; value: string } | { case: "availableNow" | "once"; value: true };

  /** @internal Made by the session. */
  constructor(private readonly df: DataFrame, private readonly s: RemoteSqlSession) {}

  format(f: string): this { this.fmt = f; return this; }
  outputMode(m: string): this { this.mode = m; return this; }
  queryName(n: string): this { this.name = n; return this; }
  option(k: string, v: Opt): this { this.opts[k] = v; return this; }
  options(o: Record<string, Opt>): this { Object.assign(this.opts, o); return this; }
  partitionBy(...cols: string[]): this { this.partitionCols = cols; return this; }
  /** trigger({ processingTime: "1 second" } | { availableNow: true } | { once: true }), PySpark's keywords. */
  trigger(t: { processingTime?: string; availableNow?: boolean; once?: boolean; continuous?: string }): this {
    if (t.continuous) throw new AnalysisError("UNSUPPORTED_FEATURE.SPARK_CONNECT", "Continuous triggers are not supported on a remote session here.");
    this.trig = t.processingTime ? { case: "processingTimeInterval", value: t.processingTime } : t.availableNow ? { case: "availableNow", value: true } : t.once ? { case: "once", value: true } : undefined;
    return this;
  }
  foreachBatch(): never {
    throw new AnalysisError("UNSUPPORTED_FEATURE.SPARK_CONNECT", "foreachBatch with a JavaScript function cannot run on a Spark Connect server (it runs Python and Scala functions only).");
  }

  /** Starts the query on the server (a path for file sinks). */
  start(path?: string): RemoteStreamingQuery {
    return this.begin(path ? { case: "path", value: path } : undefined);
  }
  toTable(name: string): RemoteStreamingQuery {
    return this.begin({ case: "tableName", value: name });
  }

  private begin(dest?: { case: "path" | "tableName"; value: string }): RemoteStreamingQuery {
    const input = this.s.planOf(this.df.plan).opType.value as never;
    const responses = this.s.commandSync({
      commandType: {
        case: "writeStreamOperationStart",
        value: {
          input, format: this.fmt ?? "", options: strings(this.opts), partitioningColumnNames: this.partitionCols,
          trigger: this.trig ?? { case: undefined }, outputMode: this.mode ?? "", queryName: this.name ?? "", sinkDestination: dest ?? { case: undefined },
        },
      },
    });
    for (const r of responses) {
      if (r.responseType.case === "writeStreamOperationStartResult" && r.responseType.value.queryId) {
        const q = r.responseType.value;
        return new RemoteStreamingQuery(this.s, q.queryId!.id, q.queryId!.runId, q.name || null);
      }
    }
    throw new ExecutionError("CONNECT_STREAMING", "The server did not return the started query's id.");
  }
}

/** A streaming query running on the server (PySpark's StreamingQuery names). */
export class RemoteStreamingQuery {
  /** @internal Made by the session. */
  constructor(private readonly s: RemoteSqlSession, readonly id: string, readonly runId: string, readonly name: string | null) {}

  private plan(command: object) {
    return create(PlanSchema, { opType: { case: "command", value: { commandType: { case: "streamingQueryCommand", value: { queryId: { id: this.id, runId: this.runId }, command } as never } } } });
  }

  private static result(responses: ExecutePlanResponse[]): StreamingQueryCommandResult["resultType"] {
    for (const r of responses) if (r.responseType.case === "streamingQueryCommandResult") return r.responseType.value.resultType;
    return { case: undefined };
  }

  /** A quick command (status, progress): answered at once, so asked synchronously as PySpark does. */
  private command(command: object): StreamingQueryCommandResult["resultType"] {
    return RemoteStreamingQuery.result(this.s.client.executeSync(this.plan(command)));
  }

  /** A command that waits on the query (processAllAvailable, awaitTermination, stop): the caller awaits it. */
  private async waitFor(command: object): Promise<StreamingQueryCommandResult["resultType"]> {
    return RemoteStreamingQuery.result(await this.s.client.execute(this.plan(command)));
  }

  get status(): { message: string; isDataAvailable: boolean; isTriggerActive: boolean } {
    const r = this.command({ case: "status", value: true });
    return r.case === "status" ? { message: r.value.statusMessage, isDataAvailable: r.value.isDataAvailable, isTriggerActive: r.value.isTriggerActive } : { message: "", isDataAvailable: false, isTriggerActive: false };
  }
  get isActive(): boolean {
    const r = this.command({ case: "status", value: true });
    return r.case === "status" && r.value.isActive;
  }
  /** The progress reports (Spark's JSON, parsed), oldest first. */
  get recentProgress(): Record<string, unknown>[] {
    const r = this.command({ case: "recentProgress", value: true });
    return r.case === "recentProgress" ? r.value.recentProgressJson.map((j) => JSON.parse(j) as Record<string, unknown>) : [];
  }
  get lastProgress(): Record<string, unknown> | null {
    const r = this.command({ case: "lastProgress", value: true });
    const all = r.case === "recentProgress" ? r.value.recentProgressJson : [];
    return all.length ? (JSON.parse(all[all.length - 1]!) as Record<string, unknown>) : null;
  }
  /** The error that stopped the query, or null. */
  exception(): string | null {
    const r = this.command({ case: "exception", value: true });
    return r.case === "exception" ? r.value.exceptionMessage ?? null : null;
  }
  explainString(extended = false): string {
    const r = this.command({ case: "explain", value: { extended } });
    return r.case === "explain" ? r.value.result : "";
  }
  explain(extended = false): void { console.log(this.explainString(extended)); }

  /** Blocks until every row available now at the sources has been processed (for tests and examples). */
  async processAllAvailable(): Promise<void> {
    await this.waitFor({ case: "processAllAvailable", value: true });
  }
  /** Resolves true when the query has terminated (within timeoutMs when given). */
  async awaitTermination(timeoutMs?: number): Promise<boolean> {
    const r = await this.waitFor({ case: "awaitTermination", value: { timeoutMs: timeoutMs === undefined ? undefined : BigInt(timeoutMs) } });
    return r.case === "awaitTermination" && r.value.terminated;
  }
  async stop(): Promise<void> {
    await this.waitFor({ case: "stop", value: true });
  }
  toString(): string {
    return `<RemoteStreamingQuery ${this.name ?? ""} id=${this.id} runId=${this.runId}>`;
  }
}

/** spark.streams on a remote session: the server's active queries (StreamingQueryManagerCommand). */
export class RemoteStreamingQueryManager {
  /** @internal Made by the session. */
  constructor(private readonly s: RemoteSqlSession) {}

  get active(): RemoteStreamingQuery[] {
    const plan = create(PlanSchema, { opType: { case: "command", value: { commandType: { case: "streamingQueryManagerCommand", value: { command: { case: "active", value: true } } } } } });
    for (const r of this.s.client.executeSync(plan)) {
      if (r.responseType.case === "streamingQueryManagerCommandResult" && r.responseType.value.resultType.case === "active") {
        return r.responseType.value.resultType.value.activeQueries.map((q) => new RemoteStreamingQuery(this.s, q.id!.id, q.id!.runId, q.name ?? null));
      }
    }
    return [];
  }
}
