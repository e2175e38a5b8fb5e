// The Spark Connect client: a gRPC channel (@grpc/grpc-js) to SparkConnectService with the
// message types generated from Spark's .proto files (gen/, protoc-gen-es). ExecutePlan streams
// responses whose Arrow IPC batches are decoded with apache-arrow; AnalyzePlan answers schema and
// explain; Interrupt stops operations. Server errors become the engine's typed errors.

import type * as grpc from "@grpc/grpc-js";
import { create, fromBinary, toBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { randomUUID } from "node:crypto";
import {
  AnalyzePlanRequestSchema, AnalyzePlanResponseSchema, ConfigRequestSchema, ConfigResponseSchema, type ConfigResponse,
  ReattachExecuteRequestSchema, ReleaseExecuteRequestSchema, ReleaseExecuteResponseSchema, ExecutePlanRequestSchema, ExecutePlanResponseSchema,
  InterruptRequestSchema, InterruptRequest_InterruptType, InterruptResponseSchema, ReleaseSessionRequestSchema, ReleaseSessionResponseSchema, type AnalyzePlanResponse, type ExecutePlanResponse,
} from "./gen/spark/connect/base_pb";
import type { Plan } from "./gen/spark/connect/base_pb";
import { parseConnectionString, type ConnectionString } from "./connection-string";
import { serverError } from "./server-errors";
import { callMetadata, failure, openChannel, SERVICE, UNAVAILABLE, type CallFailure } from "./channel.mjs";
import { SyncCaller } from "./sync-call";

const CLIENT_TYPE = "bigdata-workbench";

export class SparkConnectClient {
  readonly conn: ConnectionString;
  readonly sessionId: string;
  private readonly channel: grpc.Client;
  private readonly userId: string;

  constructor(url?: string) {
    this.conn = parseConnectionString(url);
    this.sessionId = this.conn.sessionId ?? randomUUID();
    this.userId = this.conn.userId ?? process.env.USER ?? "workbench";
    this.channel = openChannel(this.conn);
  }

  private metadata(): grpc.Metadata {
    return callMetadata(this.conn);
  }

  private base() {
    return { sessionId: this.sessionId, userContext: { userId: this.userId }, clientType: CLIENT_TYPE };
  }

  /** Times a broken stream was picked up again with ReattachExecute (for tests and the docs' claim). */
  reattaches = 0;

  /**
   * Runs a plan as a reattachable execution (Spark Connect's client protocol): the stream's
   * responses carry ids; when the stream ends without ResultComplete (the server ends long streams,
   * or the connection broke), ReattachExecute continues after the last response received, with
   * backoff while the server is unreachable. Resolves with every response (Arrow batches, schema,
   * metrics, progress); `onResponse` sees each as it arrives. The server's copy is released at the end.
   */
  async execute(plan: Plan, operationId: string = randomUUID(), onResponse?: (r: ExecutePlanResponse) => void): Promise<ExecutePlanResponse[]> {
    const out: ExecutePlanResponse[] = [];
    let lastResponseId: string | undefined;
    let failures = 0;
    try {
      for (let first = true; ; first = false) {
        const call = first
          ? this.stream("ExecutePlan", ExecutePlanRequestSchema, { ...this.base(), plan, operationId, requestOptions: [{ requestOption: { case: "reattachOptions", value: { reattachable: true } } }] })
          : this.stream("ReattachExecute", ReattachExecuteRequestSchema, { ...this.base(), operationId, lastResponseId });
        let complete = false;
        try {
          for await (const r of call) {
            failures = 0;
            if (r.responseId) lastResponseId = r.responseId;
            if (r.responseType.case === "resultComplete") { complete = true; continue; }
            out.push(r);
            onResponse?.(r);
          }
        } catch (e) {
          // Only a connection lost after the server has begun answering is retried (by reattaching);
          // the server's own errors are the query's, and a server never reached is CONNECT_UNAVAILABLE.
          if (!isTransient(e) || lastResponseId === undefined || ++failures > MAX_RETRIES) throw toTypedError(e);
          await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** failures)));
        }
        if (complete) return out;
        this.reattaches++;
      }
    } finally {
      // Awaited, not left in flight: a synchronous call right after (the next DataFrame's schema)
      // blocks this thread, and the release would wait behind it.
      await this.unary("/ReleaseExecute", ReleaseExecuteRequestSchema, ReleaseExecuteResponseSchema, { ...this.base(), operationId, release: { case: "releaseAll", value: {} } }).catch(() => undefined);
    }
  }

  private stream<I extends DescMessage>(method: string, schema: I, init: object): AsyncIterable<ExecutePlanResponse> {
    const req = create(schema, init as never);
    return this.channel.makeServerStreamRequest(
      `${SERVICE}/${method}`, (m: MessageShape<I>) => Buffer.from(toBinary(schema, m)),
      (b: Buffer) => fromBinary(ExecutePlanResponseSchema, b), req, this.metadata(),
    ) as unknown as AsyncIterable<ExecutePlanResponse>;
  }

  /** AnalyzePlan; `init` holds its `analyze` case (schema, explain, ...). */
  async analyze(init: object): Promise<AnalyzePlanResponse> {
    return this.unary("/AnalyzePlan", AnalyzePlanRequestSchema, AnalyzePlanResponseSchema, { ...this.base(), ...init });
  }

  /** Interrupts every operation of this session (or one operation). */
  async interrupt(operationId?: string): Promise<string[]> {
    const r = await this.unary("/Interrupt", InterruptRequestSchema, InterruptResponseSchema, {
      ...this.base(),
      interruptType: operationId ? InterruptRequest_InterruptType.OPERATION_ID : InterruptRequest_InterruptType.ALL,
      interrupt: operationId ? { case: "operationId", value: operationId } : { case: undefined },
    });
    return r.interruptedIds;
  }

  /** ReleaseSession: the server drops this session's state. */
  async release(): Promise<void> {
    await this.unary("/ReleaseSession", ReleaseSessionRequestSchema, ReleaseSessionResponseSchema, { ...this.base() });
  }

  /**
   * AnalyzePlan, blocking this thread until the server answers (the schema a DataFrame
   * transformation resolves its columns against, explain(), printSchema()).
   */
  analyzeSync(init: object): AnalyzePlanResponse {
    return this.unarySync("AnalyzePlan", AnalyzePlanRequestSchema, AnalyzePlanResponseSchema, init);
  }

  /** Config (spark.conf on the server), blocking: `operation` is ConfigRequest's operation. */
  configSync(operation: object): ConfigResponse {
    return this.unarySync("Config", ConfigRequestSchema, ConfigResponseSchema, { operation });
  }

  private unarySync<I extends DescMessage, O extends DescMessage>(method: string, inSchema: I, outSchema: O, init: object): MessageShape<O> {
    const req = create(inSchema, { ...this.base(), ...init } as never);
    const [bytes] = this.syncCaller().call(method, toBinary(inSchema, req), false);
    return fromBinary(outSchema, bytes!);
  }

  /** ExecutePlan, blocking until the stream ends: commands that take effect at once (a temp view, spark.sql's statement). */
  executeSync(plan: Plan, operationId: string = randomUUID()): ExecutePlanResponse[] {
    const req = create(ExecutePlanRequestSchema, { ...this.base(), plan, operationId });
    return this.syncCaller().call("ExecutePlan", toBinary(ExecutePlanRequestSchema, req), true).map((b) => fromBinary(ExecutePlanResponseSchema, b));
  }

  private sync?: SyncCaller;
  private syncCaller(): SyncCaller {
    return (this.sync ??= new SyncCaller(this.conn, callError));
  }

  close(): void {
    this.channel.close();
    this.sync?.close();
    this.sync = undefined;
  }

  private unary<I extends DescMessage, O extends DescMessage>(path: string, inSchema: I, outSchema: O, init: object): Promise<MessageShape<O>> {
    const req = create(inSchema, init as never);
    return new Promise((resolve, reject) => {
      this.channel.makeUnaryRequest(`${SERVICE}${path}`, (m: MessageShape<I>) => Buffer.from(toBinary(inSchema, m)), (b: Buffer) => fromBinary(outSchema, b), req, this.metadata(),
        (err, res) => (err ? reject(toTypedError(err)) : resolve(res as MessageShape<O>)));
    });
  }
}

const MAX_RETRIES = 6;

/** A broken connection (the server restarting, a proxy cutting the stream), worth reattaching after. */
function isTransient(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return code === UNAVAILABLE || code === 14 || code === 13 && /RST_STREAM|stream removed|Received RST/i.test(String((e as Error).message));
}

function toTypedError(e: unknown): Error {
  if (typeof (e as { code?: unknown })?.code !== "number") return e instanceof Error ? e : new Error(String(e));
  return callError(failure(e));
}

/** A failed call (here or in the synchronous-call thread) as the engine's typed error. */
export function callError(f: CallFailure): Error {
  if (f.code === UNAVAILABLE) return serverError(`[CONNECT_UNAVAILABLE] the Spark Connect server is not reachable: ${f.details}`, undefined);
  return serverError(f.details, f.status);
}
