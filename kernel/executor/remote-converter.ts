// tslab's Converter interface, answered by the compiler thread (compile-thread.ts). tslab calls
// its converter synchronously while it runs a cell, so each call posts a request and blocks on a
// shared flag until the reply is on the port (a cell's first call waits while the thread is still
// creating the converters).

import { MessageChannel, receiveMessageOnPort } from "node:worker_threads";
import type { MessagePort, Worker } from "node:worker_threads";
import type { CompletionInfo, Converter, ConvertResult, Diagnostic } from "tslab/dist/converter";
import type { QuickInfo } from "@tslab/typescript-for-tslab";
import { startThread } from "../bundled";
import type { CompileReply, CompileRequest, CompileThreadData, CompileThreadEvent, ConverterMethod } from "./compile-messages";

/** Longest wait for one reply: far beyond any cell's compile, short of hanging a kernel forever. */
const REPLY_TIMEOUT_MS = 300_000;

export class CompileThread {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  /** Why the thread is no longer there, once it is not. */
  private gone?: string;

  /**
   * Settles when the thread has created the converter (or failed to: `error`): `loadMs` to start
   * the thread and load TypeScript, then `ms` to create the converter.
   */
  readonly ready: Promise<{ error?: string; loadMs: number; ms: number; codeCache: boolean }>;
  /** Where the thread's messages for the user's log go (e.g. declarations being emitted). */
  onLog: (text: string) => void = (t) => { process.stderr.write(`[bigdata kernel] ${t}\n`); };

  /** Starts the thread; it begins creating tslab's converter for the notebook folder `cwd` at once. */
  constructor(cwd: string) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const data: CompileThreadData = { cwd, signal: this.signal.buffer as SharedArrayBuffer, port: port2 };
    this.worker = startThread("compileThread", new URL("./compile-thread.ts", import.meta.url), data, [port2]);
    this.ready = new Promise((resolve) => {
      this.worker.on("message", (m: CompileThreadEvent) => {
        if (m.op === "log") this.onLog(m.text);
        else resolve({ error: m.error, loadMs: m.loadMs, ms: m.ms, codeCache: m.codeCache });
      });
      this.worker.on("error", (e) => { this.gone = String(e); resolve({ error: this.gone, loadMs: 0, ms: 0, codeCache: false }); });
      this.worker.on("exit", () => { this.gone ??= "it exited"; resolve({ error: this.gone, loadMs: 0, ms: 0, codeCache: false }); });
    });
    // The thread must never keep the kernel process alive on its own.
    this.worker.unref();
  }

  call(method: ConverterMethod, browser: boolean, args: unknown[]): unknown {
    if (this.gone) throw new Error(`the TypeScript compiler thread is gone (${this.gone}); restart the kernel`);
    Atomics.store(this.signal, 0, 0);
    this.port.postMessage({ method, browser, args } satisfies CompileRequest);
    if (Atomics.wait(this.signal, 0, 0, REPLY_TIMEOUT_MS) === "timed-out") {
      throw new Error(`the TypeScript compiler thread did not answer ${method} within ${REPLY_TIMEOUT_MS / 1000} s`);
    }
    const got = receiveMessageOnPort(this.port);
    if (!got) throw new Error(`the TypeScript compiler thread sent no reply to ${method}`);
    const reply = got.message as CompileReply;
    if (reply.ok) return reply.value;
    const err = new Error(reply.message);
    err.name = reply.name;
    if (reply.stack) err.stack = reply.stack;
    throw err;
  }

  /** A tslab Converter whose calls run in this thread. */
  converter(browser: boolean): Converter {
    return {
      convert: (prevDecl, src) => this.call("convert", browser, [prevDecl, src]) as ConvertResult,
      inspect: (prevDecl, src, position) => this.call("inspect", browser, [prevDecl, src, position]) as QuickInfo,
      complete: (prevDecl, src, position) => this.call("complete", browser, [prevDecl, src, position]) as CompletionInfo,
      addModule: (name, content, meta) => this.call("addModule", browser, [name, content, meta]) as Diagnostic[],
      close: () => {},
    };
  }

  close(): void {
    this.gone = "the kernel closed it";
    void this.worker.terminate();
  }
}
