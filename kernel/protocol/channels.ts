// Main-thread side of the kernel's sockets: starts the socket thread, turns its events into
// typed callbacks and offers send/reply/publish helpers bound to a parent message.

import type { Worker } from "node:worker_threads";
import { startThread } from "../bundled";
import { randomUUID } from "node:crypto";
import type { ConnectionInfo, JupyterMessage, MessageHeader } from "./wire";
import type { Channel, FromIoThread, IoThreadData, ToIoThread } from "./io-messages";

export type IncomingHandler = (channel: "shell" | "control" | "stdin", msg: JupyterMessage) => void;

export class KernelChannels {
  readonly session = randomUUID();
  private worker?: Worker;
  private closed?: Promise<void>;

  constructor(
    private readonly connection: ConnectionInfo,
    private readonly kernelInfo: Record<string, unknown>,
    private readonly onMessage: IncomingHandler,
    private readonly onLog: (text: string) => void = () => {},
  ) {}

  /** Binds all sockets (in the socket thread); resolves once they listen. */
  start(): Promise<void> {
    const data: IoThreadData = { connection: this.connection, session: this.session, kernelInfo: this.kernelInfo };
    const worker = startThread("ioThread", new URL("./io-thread.ts", import.meta.url), data);
    this.worker = worker;
    return new Promise((resolve, reject) => {
      worker.on("message", (m: FromIoThread) => {
        switch (m.op) {
          case "ready": resolve(); break;
          case "fatal": reject(new Error(`kernel socket thread failed: ${m.text}`)); break;
          case "log": this.onLog(m.text); break;
          case "message": this.onMessage(m.channel, reviveMessage(m.msg)); break;
          case "closed": break;
        }
      });
      worker.on("error", reject);
    });
  }

  send(channel: Channel, msgType: string, content: unknown, parent: JupyterMessage | undefined, metadata?: Record<string, unknown>): void {
    const m: ToIoThread = {
      op: "send",
      channel,
      msgType,
      content,
      parent: parent?.header ?? {},
      identities: channel === "iopub" ? [] : parent?.identities ?? [],
      metadata,
    };
    this.worker?.postMessage(m);
  }

  publish(msgType: string, content: unknown, parent: JupyterMessage | undefined): void {
    this.send("iopub", msgType, content, parent);
  }

  status(state: "busy" | "idle", parent: JupyterMessage | undefined): void {
    this.publish("status", { execution_state: state }, parent);
  }

  /** Tells the socket thread the last interrupt took effect, so it stops re-raising SIGINT. */
  ackInterrupt(): void {
    this.worker?.postMessage({ op: "interrupt-ack" } satisfies ToIoThread);
  }

  /** Flushes pending sends, closes the sockets and ends the thread. */
  close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return Promise.resolve();
    this.closed ??= new Promise<void>((resolve) => {
      const done = () => { void worker.terminate().finally(resolve); };
      const timer = setTimeout(done, 2000);
      worker.on("message", (m: FromIoThread) => { if (m.op === "closed") { clearTimeout(timer); done(); } });
      worker.postMessage({ op: "close" } satisfies ToIoThread);
    });
    return this.closed;
  }
}

/** Structured clone turns Buffers into Uint8Arrays; identities must be Buffers again to be resent. */
function reviveMessage(msg: JupyterMessage): JupyterMessage {
  return { ...msg, identities: msg.identities.map((b) => Buffer.from(b)), buffers: msg.buffers.map((b) => Buffer.from(b)) };
}

export type { MessageHeader };
