// The Spark Connect client: a gRPC channel (@grpc/grpc-js) to SparkConnectService with the
// message types generated from Spark's .proto files (gen/, protoc-gen-es). ExecutePlan streams
// responses whose Arrow IPC batches are decoded with apache-arrow; AnalyzePlan answers schema and
// explain; Interrupt stops operations. Server errors become the engine's typed errors.

import * as grpc from "@grpc/grpc-js";
import { create, fromBinary, toBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { randomUUID } from "node:crypto";
import {
  AnalyzePlanRequestSchema, AnalyzePlanResponseSchema, ExecutePlanRequestSchema, ExecutePlanResponseSchema,
  InterruptRequestSchema, InterruptRequest_InterruptType, InterruptResponseSchema, ReleaseSessionRequestSchema, ReleaseSessionResponseSchema, type AnalyzePlanResponse, type ExecutePlanResponse,
} from "./gen/spark/connect/base_pb";
import type { Plan } from "./gen/spark/connect/base_pb";
import { parseConnectionString, type ConnectionString } from "./connection-string";
import { serverError } from "./server-errors";

const SERVICE = "/spark.connect.SparkConnectService";
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
    let creds = this.conn.useSsl ? grpc.credentials.createSsl() : grpc.credentials.createInsecure();
    if (this.conn.token) {
      const token = this.conn.token;
      const bearer = grpc.credentials.createFromMetadataGenerator((_p, cb) => {
        const md = new grpc.Metadata();
        md.set("authorization", `Bearer ${token}`);
        cb(null, md);
      });
      creds = this.conn.useSsl ? grpc.credentials.combineChannelCredentials(creds, bearer) : creds;
    }
    this.channel = new grpc.Client(`${this.conn.host.includes(":") ? `[${this.conn.host}]` : this.conn.host}:${this.conn.port}`, creds, {
      "grpc.max_receive_message_length": 128 * 1024 * 1024,
    });
  }

  private metadata(): grpc.Metadata {
    const md = new grpc.Metadata();
    if (this.conn.token && !this.conn.useSsl) md.set("authorization", `Bearer ${this.conn.token}`);
    return md;
  }

  private base() {
    return { sessionId: this.sessionId, userContext: { userId: this.userId }, clientType: CLIENT_TYPE };
  }

  /** Runs a plan; resolves with every response of the stream (Arrow batches, schema, metrics). */
  async execute(plan: Plan, operationId: string = randomUUID()): Promise<ExecutePlanResponse[]> {
    const req = create(ExecutePlanRequestSchema, { ...this.base(), plan, operationId });
    const call = this.channel.makeServerStreamRequest(
      `${SERVICE}/ExecutePlan`, (m: typeof req) => Buffer.from(toBinary(ExecutePlanRequestSchema, m)),
      (b: Buffer) => fromBinary(ExecutePlanResponseSchema, b), req, this.metadata(),
    );
    const out: ExecutePlanResponse[] = [];
    try {
      for await (const r of call as AsyncIterable<ExecutePlanResponse>) out.push(r);
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

  close(): void {
    this.channel.close();
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
  const se = e as Partial<grpc.ServiceError>;
  if (typeof se?.code !== "number") return e instanceof Error ? e : new Error(String(e));
  if (se.code === grpc.status.UNAVAILABLE) {
    return serverError(`[CONNECT_UNAVAILABLE] the Spark Connect server is not reachable: ${se.details ?? se.message}`, undefined);
  }
  const status = se.metadata?.get("grpc-status-details-bin")[0];
  return serverError(se.details ?? se.message ?? "", status instanceof Buffer ? new Uint8Array(status) : undefined);
}
