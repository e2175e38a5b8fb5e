// Requests and replies between the kernel's main thread and its compiler thread
// (compile-thread.ts, remote-converter.ts). Plain structured-clone data.

import type { MessagePort } from "node:worker_threads";

export interface CompileThreadData {
  /** The notebook's folder (tslab's root dir). */
  cwd: string;
  /** Int32 flag the thread sets to 1 and notifies once a reply is on the port. */
  signal: SharedArrayBuffer;
  port: MessagePort;
}

export type ConverterMethod = "convert" | "inspect" | "complete" | "addModule";

export interface CompileRequest {
  method: ConverterMethod;
  /** tslab's browser-mode converter (cells marked for the browser) instead of the Node one. */
  browser: boolean;
  args: unknown[];
}

export type CompileReply = { ok: true; value: unknown } | { ok: false; name: string; message: string; stack?: string };

/** What the thread tells the kernel on its own (on the worker's parent port). */
export type CompileThreadEvent = { op: "log"; text: string } | { op: "ready"; error?: string; loadMs: number; ms: number; codeCache: boolean };
