// Runs notebook cells through tslab's converter and executor, adding what tslab's own server
// lacks: the last value as data (not printed), errors as objects with a traceback mapped to the
// cell's lines, auto-awaited Promise results, and an interrupt that also breaks awaits.

import { createRequire } from "node:module";
import type { Converter, Diagnostic } from "tslab/dist/converter";
import type { Executor, ConverterSet } from "tslab/dist/executor";
import { converterModule, executorModule, inspectModule } from "./tslab";
import { insertLineMarkers } from "./line-markers";
import { cellUserLine, formatCompileError, formatRuntimeError } from "./traceback";
import type { CellRecord, CompileDiagnostic, ErrorFacts, JupyterError } from "./traceback";

export type ExecOutcome =
  | { status: "ok"; hasValue: boolean; value?: unknown }
  | { status: "error"; error: JupyterError; interrupted: boolean; thrown?: unknown };

export interface CompletionResult { start: number; end: number; matches: string[] }

const nodeRequire = createRequire(import.meta.url);
const vm = nodeRequire("vm") as typeof import("node:vm");

/** Thrown value used to break an await when the user interrupts. */
class InterruptSignal extends Error {
  override readonly name = "KeyboardInterrupt";
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (typeof v === "object" || typeof v === "function") && v !== null && typeof (v as { then?: unknown }).then === "function";
}

// tslab runs cells with vm.runInThisContext and no file name; naming the script "<cell N>" lets
// stack traces tell cells apart. Installed once, active only while a cell is being started.
let currentCellFile: string | undefined;
const originalRunInThisContext = vm.runInThisContext;
function installVmFileNames(): void {
  if ((vm.runInThisContext as { __bdwPatched?: boolean }).__bdwPatched) return;
  const patched = function (code: string, options?: import("node:vm").RunningScriptOptions | string) {
    if (currentCellFile && typeof options === "object" && options.breakOnSigint && !options.filename) {
      options = { ...options, filename: currentCellFile };
    }
    return originalRunInThisContext.call(vm, code, options);
  } as typeof vm.runInThisContext & { __bdwPatched?: boolean };
  patched.__bdwPatched = true;
  vm.runInThisContext = patched;
}

/**
 * Lets the engine name the user's cell line in its call sites: a frame "<cell 3>:5:12" names a
 * position in the cell's compiled JS; the engine (engine/rdd/call-site.ts) asks this hook for the
 * user's line, so labels read "collect at <cell 3>:2" as tracebacks do.
 */
export function installCellPositionHook(executor: () => CellExecutor | undefined): void {
  (globalThis as Record<symbol, unknown>)[Symbol.for("bigdata-workbench.cellPosition")] = (file: string, line: number, column: number) => {
    const pos = executor()?.userPosition(file, line, column);
    return pos ? { ...pos, label: `Cell In[${pos.cell}]:${pos.line}` } : undefined;
  };
  // Where a function shipped to the workers was written (engine/common/closure/serialize.ts).
  (globalThis as Record<symbol, unknown>)[Symbol.for("bigdata-workbench.functionOrigin")] = (src: string) => executor()?.functionOrigin(src);
}

export class CellExecutor {
  private readonly node: Converter;
  private browser?: Converter;
  private readonly executor: Executor;
  private readonly cells = new Map<string, CellRecord>();
  private lastConvert?: { output?: string; hasToplevelAwait?: boolean };
  private captured: { hasValue: boolean; value?: unknown; diagnostics: CompileDiagnostic[]; thrown: unknown[] } = { hasValue: false, diagnostics: [], thrown: [] };
  private interruptWaiters = new Set<(e: Error) => void>();
  private interruptedFlag = false;
  private runningFile?: string;
  /** Finds the JS line of a failed job's call site in a cell (set by the kernel, which knows the engine). */
  jobCallSite?: (jobId: number) => { file: string; line: number } | undefined;

  /**
   * `converter` makes tslab's converters (browser: for cells tslab runs in the browser); by default
   * they are created here, on this thread; the kernel passes its compiler thread's.
   */
  constructor(rootDir: string = process.cwd(), private readonly converter: (browser: boolean) => Converter = (browser) => converterModule.createConverter({ isJS: false, isBrowser: browser })) {
    installVmFileNames();
    this.node = converter(false);
    const self = this;
    const recording: Converter = {
      convert(prevDecl, src) {
        const r = self.node.convert(prevDecl, src);
        self.lastConvert = { output: r.output, hasToplevelAwait: r.hasToplevelAwait };
        // The running cell's JS is known before it runs, so call sites taken while it runs
        // (every RDD and job records one) can be mapped to the user's lines.
        const running = self.runningFile ? self.cells.get(self.runningFile) : undefined;
        if (running && running.emitted === undefined) CellExecutor.setEmitted(running, r.output, r.hasToplevelAwait);
        return r;
      },
      inspect: (p, s, pos) => self.node.inspect(p, s, pos),
      complete: (p, s, pos) => self.node.complete(p, s, pos),
      close: () => self.node.close(),
      addModule: (name, content, meta) => self.node.addModule(name, content, meta),
    };
    const convs: ConverterSet = {
      node: recording,
      get browser() {
        self.browser ??= self.converter(true);
        return self.browser;
      },
      close: () => { self.node.close(); self.browser?.close(); },
    };
    this.executor = executorModule.createExecutor(rootDir, convs, {
      // tslab reports the cell's last value with log(), and failures with error().
      log: (value?: unknown) => { this.captured.hasValue = true; this.captured.value = value; },
      error: (first?: unknown, ...rest: unknown[]) => {
        if (first === "%s%d:%d - %s") {
          const [file, line, column, message] = rest as [string, number, number, string];
          this.captured.diagnostics.push({ file: file.trim(), line, column, message });
        } else {
          this.captured.thrown.push(first);
        }
      },
    });
  }

  /** The VM file name of a cell, e.g. "<cell 3>"; `count` is the cell's execution count. */
  static fileName(count: number): string {
    return `<cell ${count}>`;
  }

  cell(file: string): CellRecord | undefined {
    return this.cells.get(file);
  }

  private static setEmitted(record: CellRecord, output: string | undefined, toplevelAwait: boolean | undefined): void {
    record.emitted = output;
    record.prefixLength = toplevelAwait ? "(async function(exports, require) { ".length : "(function(exports, require) { ".length;
  }

  /**
   * The user's cell and line for a position in a cell's JavaScript (a stack frame "<cell 3>:5:12"),
   * e.g. { cell: 3, line: 2 }; undefined for anything else.
   */
  userPosition(file: string, jsLine: number, jsColumn: number): { cell: number; line: number } | undefined {
    const cell = this.cells.get(file);
    const line = cell ? cellUserLine(cell, jsLine, jsColumn) : undefined;
    return cell && line !== undefined ? { cell: cell.count, line } : undefined;
  }

  /**
   * The cell whose code holds a function's source and the 1-based JS line it starts on (the
   * latest cell first, as a redefinition shadows the old one).
   */
  functionOrigin(src: string): { file: string; line: number } | undefined {
    if (src.length < 2) return undefined;
    for (const cell of [...this.cells.values()].reverse()) {
      const at = cell.emitted?.indexOf(src) ?? -1;
      if (at >= 0) return { file: cell.file, line: cell.emitted!.slice(0, at).split("\n").length };
    }
    return undefined;
  }

  /** Executes one cell. Never throws: failures come back as a formatted Jupyter error. */
  async execute(source: string, count: number): Promise<ExecOutcome> {
    const file = CellExecutor.fileName(count);
    const marked = insertLineMarkers(source);
    const record: CellRecord = { file, count, source, prefixLength: 0 };
    this.cells.set(file, record);
    this.runningFile = file;
    this.captured = { hasValue: false, diagnostics: [], thrown: [] };
    this.lastConvert = undefined;
    this.interruptedFlag = false;
    let ok: boolean;
    currentCellFile = file;
    try {
      const running = this.executor.execute(marked.code);
      // The cell's synchronous part has run by now; later vm calls are not this cell's.
      currentCellFile = undefined;
      ok = await running;
    } catch (e) {
      ok = false;
      this.captured.thrown.push(e);
    } finally {
      currentCellFile = undefined;
    }
    // Set from the converter callback during execute(); read through a cast because TS narrowed it.
    const conv = this.lastConvert as { output?: string; hasToplevelAwait?: boolean } | undefined;
    CellExecutor.setEmitted(record, conv?.output, conv?.hasToplevelAwait);

    if (!ok) {
      if (this.captured.diagnostics.length > 0) {
        const diags = this.captured.diagnostics.map((d) => d.file ? d : { ...d, column: Math.max(1, d.column - (marked.shift[d.line - 1] ?? 0)) });
        return { status: "error", error: formatCompileError(diags, record), interrupted: false };
      }
      return this.failure(this.captured.thrown[0]);
    }
    if (!this.captured.hasValue) return { status: "ok", hasValue: false };
    let value = this.captured.value;
    // Actions return Promises; showing "Promise { <pending> }" teaches nothing, so await them.
    if (isThenable(value)) {
      try {
        value = await this.interruptible(value);
      } catch (e) {
        return this.failure(e);
      }
      if (value === undefined || value === null) return { status: "ok", hasValue: false };
    }
    return { status: "ok", hasValue: true, value };
  }

  private failure(e: unknown): ExecOutcome {
    const interrupted = this.interruptedFlag || e instanceof InterruptSignal || isInterruptError(e);
    const running = this.runningFile;
    const fallback = (facts: ErrorFacts) => {
      const jobId = facts.context?.jobId;
      const site = typeof jobId === "number" ? this.jobCallSite?.(jobId) : undefined;
      return site ?? (running ? { file: running } : undefined);
    };
    return { status: "error", error: formatRuntimeError(e, (f) => this.cells.get(f), interrupted, fallback), interrupted, thrown: e };
  }

  /** Races `p` against the next interrupt. */
  interruptible<T>(p: PromiseLike<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onInterrupt = (e: Error) => reject(e);
      this.interruptWaiters.add(onInterrupt);
      Promise.resolve(p).then(resolve, reject).finally(() => this.interruptWaiters.delete(onInterrupt));
    });
  }

  /** Breaks a pending await of the running cell (synchronous loops are broken by SIGINT itself). */
  interrupt(): void {
    this.interruptedFlag = true;
    this.executor.interrupt();
    for (const w of [...this.interruptWaiters]) w(new InterruptSignal("interrupted"));
  }

  complete(code: string, cursor: number): CompletionResult {
    const info = this.executor.complete(code, cursor);
    return { start: info.start, end: info.end, matches: info.candidates };
  }

  inspect(code: string, cursor: number): string | undefined {
    const info = this.executor.inspect(code, cursor);
    return info ? inspectModule.printQuickInfo(info) : undefined;
  }

  static isComplete(code: string): { status: "complete" | "incomplete" | "invalid"; indent?: string } {
    const r = converterModule.isCompleteCode(code);
    if (r.completed) return { status: "complete" };
    return { status: "incomplete", indent: r.indent ?? "" };
  }

  /** Runs code silently (no history, no display); used for the notebook preamble. */
  async run(code: string): Promise<ExecOutcome> {
    return this.execute(code, 0);
  }

  close(): void {
    this.executor.close();
  }
}

function isInterruptError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  return (e as { code?: string }).code === "ERR_SCRIPT_EXECUTION_INTERRUPTED" || e.message === "Interrupted asynchronously";
}

export type { Diagnostic };
