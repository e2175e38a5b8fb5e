// Messages exchanged between the kernel's main thread and its socket thread (io-thread.ts).
// Plain structured-clone data: headers and contents are JSON, identities are byte arrays.

import type { ConnectionInfo, JupyterMessage, MessageHeader } from "./wire";

export type Channel = "shell" | "control" | "stdin" | "iopub";

export interface IoThreadData {
  connection: ConnectionInfo;
  /** Session id stamped on every header the kernel sends. */
  session: string;
  /** Static kernel_info_reply content, so the thread can answer it on the control channel. */
  kernelInfo: Record<string, unknown>;
}

export type ToIoThread =
  | {
      op: "send";
      channel: Channel;
      msgType: string;
      content: unknown;
      parent: Partial<MessageHeader>;
      identities?: Uint8Array[];
      metadata?: Record<string, unknown>;
    }
  /** The main thread handled an interrupt (or finished a cell): stop repeating SIGINT. */
  | { op: "interrupt-ack" }
  | { op: "close" };

export type FromIoThread =
  | { op: "ready" }
  | { op: "closed" }
  | { op: "log"; text: string }
  | { op: "fatal"; text: string }
  | { op: "message"; channel: "shell" | "control" | "stdin"; msg: JupyterMessage };
