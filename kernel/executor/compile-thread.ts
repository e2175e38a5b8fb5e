// The kernel's compiler thread: tslab's converters (TypeScript's program and checker over the
// cell, the earlier cells' declarations, Node's and the engine's types) live here, so the ~1 s
// it takes to create them runs beside the kernel's own start instead of before its first cell.
// The main thread calls them synchronously (remote-converter.ts); replies carry only plain data.

import { parentPort, workerData } from "node:worker_threads";
import type { Converter } from "tslab/dist/converter";
import { converterModule, tslabTsFromCodeCache } from "./tslab";
import { saveCodeCaches } from "./code-cache";
import { installVirtualPackages } from "../typing/virtual-packages";
import { declarationsForKernel } from "../typing/engine-declarations";
import type { CompileReply, CompileRequest, CompileThreadData, CompileThreadEvent } from "./compile-messages";

const data = workerData as CompileThreadData;
const signal = new Int32Array(data.signal);
const port = data.port;

// The thread's clock starts with the thread: this is its start plus loading TypeScript and tslab.
const t0 = performance.now();
const tell = (e: CompileThreadEvent) => parentPort?.postMessage(e);
installVirtualPackages(data.cwd, declarationsForKernel((text) => tell({ op: "log", text })));
let node: Converter | undefined;
let browser: Converter | undefined;
let failed: Error | undefined;
try {
  node = converterModule.createConverter({ isJS: false, isBrowser: false });
} catch (e) {
  failed = e instanceof Error ? e : new Error(String(e));
}
tell({ op: "ready", error: failed?.message, loadMs: t0, ms: performance.now() - t0, codeCache: tslabTsFromCodeCache });

function answer(req: CompileRequest): unknown {
  if (failed || !node) throw failed ?? new Error("the TypeScript converter was not created");
  const conv = req.browser ? (browser ??= converterModule.createConverter({ isJS: false, isBrowser: true })) : node;
  const args = req.args as [string, string, number];
  switch (req.method) {
    case "convert": return conv.convert(args[0], args[1]);
    case "inspect": return conv.inspect(args[0], args[1], args[2]);
    // The compiler's own completion object is for debugging only (and not plain data).
    case "complete": { const { original: _original, ...rest } = conv.complete(args[0], args[1], args[2]); return rest; }
    case "addModule": return conv.addModule(args[0], args[1], req.args[2] as Parameters<Converter["addModule"]>[2]);
  }
}

// The code cache of tslab's TypeScript is written after the first conversion (code-cache.ts), when
// the functions a cell's check runs are compiled too; it serves the next kernel's start.
let cacheSaved = false;

port.on("message", (req: CompileRequest) => {
  let reply: CompileReply;
  try {
    reply = { ok: true, value: answer(req) };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    reply = { ok: false, name: err.name, message: err.message, stack: err.stack };
  }
  try {
    port.postMessage(reply);
  } catch (e) {
    port.postMessage({ ok: false, name: "DataCloneError", message: `the compiler's ${req.method} reply is not plain data: ${String(e)}` } satisfies CompileReply);
  }
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
  if (!cacheSaved && req.method === "convert") {
    cacheSaved = true;
    setImmediate(saveCodeCaches);
  }
});
