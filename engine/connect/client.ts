// The Spark Connect client: a gRPC channel (@grpc/grpc-js) to SparkConnectService with the
// message types generated from Spark's .proto files (gen/, protoc-gen-es). ExecutePlan streams
// responses whose Arrow IPC batches are decoded with apache-arrow; AnalyzePlan answers schema and
// explain; Interrupt stops operations. Server errors become the engine's typed errors.

import type * as grpc from "@grpc/grpc-js";
import { create, fromBinary, toBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { randomUUID } from "node:crypto";
import {
  AnalyzePlanRequestSchema, AnalyzePlanResponseSchema, ConfigRequestSchema, ConfigResponseSchema, type ConfigResponse, ExecutePlanRequestSchema, ExecutePlanResponseSchema,
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

  /** Runs a plan; resolves with every response of the stream (Arrow batches, schema, metrics). */
  async execute(plan: Plan, operationId: string = randomUUID(), onResponse?: (r: ExecutePlanResponse) => void): Promise<ExecutePlanResponse[]> {
    const req = create(ExecutePlanRequestSchema, { ...this.base(), plan, operationId });
    const call = this.channel.makeServerStreamRequest(
      `${SERVICE}/ExecutePlan`, (m: typeof req) => Buffer.from(toBinary(ExecutePlanRequestSchema, m)),
      (b: Buffer) => fromBinary(ExecutePlanResponseSchema, b), req, this.metadata(),
    );
    const out: ExecutePlanResponse[] = [];
    try {
      for await (const r of call as AsyncIterable<ExecutePlanResponse>) {
        out.push(r);
        onResponse?.(r);
      }
    } catch (e) {
      throw toTypedError(e);
    }
    return out;
  }

  /** AnalyzePlan; `init` holds its `analyze` case (schema, explain, ...). */
  async analyze(init: object): Promise<AnalyzePlanResponse> {
    return this.unary(`${SERVICE}/AnalyzePlan`, AnalyzePlanRequestSchema, AnalyzePlanResponseSchema, { ...this.base(), ...init });
  }

  /** Interrupts every operation of this session (or one operation). */
  async interrupt(operationId?: string): Promise<string[]> {
    const r = await this.unary(`${SERVICE}/Interrupt`, InterruptRequestSchema, InterruptResponseSchema, {
      ...this.base(),
      interruptType: operationId ? InterruptRequest_InterruptType.OPERATION_ID : InterruptRequest_InterruptType.ALL,
      interrupt: operationId ? { case: "operationId", value: operationId } : { case: undefined },
    });
    return r.interruptedIds;
  }

  /** ReleaseSession: the server drops this session's state. */
  async release(): Promise<void> {
    await this.unary(`${SERVICE}/ReleaseSession`, ReleaseSessionRequestSchema, ReleaseSessionResponseSchema, { ...this.base() });
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
      this.channel.makeUnaryRequest(path, (m: MessageShape<I>) => Buffer.from(toBinary(inSchema, m)), (b: Buffer) => fromBinary(outSchema, b), req, this.metadata(),
        (err, res) => (err ? reject(toTypedError(err)) : resolve(res as MessageShape<O>)));
    });
  }
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
