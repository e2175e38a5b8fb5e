// Synchronous Spark Connect calls: a thread (sync-thread.mjs) holds its own gRPC channel; a call
// posts the request's bytes to it and blocks on a shared flag until the reply is on the port. A
// DataFrame transformation on a remote session resolves its columns at once, as the embedded
// engine's do, so the schema it needs is asked for synchronously (PySpark's client blocks the
// same way). The thread is unref'd: it never keeps a script alive.

import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import { ExecutionError } from "../common/errors";
import type { ConnectionString } from "./connection-string";
import type { CallFailure } from "./channel.mjs";

type Reply = { responses: Uint8Array[] } | { error: CallFailure };

/** How long a synchronous call waits for the server (an analysis, a command) before it gives up. */
const SYNC_TIMEOUT_MS = 300_000;

export class SyncCaller {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));

  constructor(conn: ConnectionString, private readonly toError: (f: CallFailure) => Error) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(new URL("./sync-thread.mjs", import.meta.url), {
      workerData: { conn, port: port2, flag: this.flag.buffer },
      transferList: [port2],
    });
    this.worker.unref();
    this.port.unref();
  }

  /** One call; `stream` for a server-streaming method. Returns the response messages' bytes. */
  call(method: string, bytes: Uint8Array, stream: boolean): Uint8Array[] {
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage({ method, bytes, stream });
    if (Atomics.wait(this.flag, 0, 0, SYNC_TIMEOUT_MS) === "timed-out") {
      throw new ExecutionError("CONNECT_TIMEOUT", `The Spark Connect server did not answer ${method} within ${SYNC_TIMEOUT_MS / 1000} s.`);
    }
    const got = receiveMessageOnPort(this.port);
    if (!got) throw new ExecutionError("CONNECT_INTERNAL", `No reply to ${method} from the synchronous call thread.`);
    const reply = got.message as Reply;
    if ("error" in reply) throw this.toError(reply.error);
    return reply.responses;
  }

  close(): void {
    this.port.close();
    void this.worker.terminate();
  }
}
