// The Jupyter kernel: a protocol server over tslab's compiler and executor. It queues shell
// requests, runs cells with busy/idle around every request, sends execute_result / error /
// stream / display messages for the running cell, keeps history, honours stop_on_error, and
// wires the notebook globals (spark, sc, display, configure, and test/expect/check for graded work) and the live job progress panel.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { KernelChannels } from "./protocol/channels";
import type { ConnectionInfo, JupyterMessage } from "./protocol/wire";
import { PROTOCOL_VERSION } from "./protocol/wire";
import { CellExecutor, installCellPositionHook } from "./executor/cell-executor";
import type { ExecOutcome } from "./executor/cell-executor";
import { formatRuntimeError } from "./executor/traceback";
import { lastStatementLine } from "./executor/line-markers";
import { jupyterModule } from "./executor/tslab";
import { History } from "./history";
import type { HistoryRequest } from "./history";
import { randomUUID } from "node:crypto";
import { installGradingGlobals } from "./grading/globals";
import { createDisplay, isDisplayHandle, liveContent, liveDisplayOf, toDisplayContent } from "./display";
import type { DisplayContent, DisplaySink } from "./display";
import { NotebookSession, cellUsesSession, isRemoteSession } from "./notebook-session";
import type { EngineSession } from "./notebook-session";
import { CommManager } from "./comms";
import { ProgressPanel, plainRenderers } from "./progress-panel";
import type { ProgressRenderers } from "./progress-panel";
import { CompileThread } from "./executor/remote-converter";

const KERNEL_VERSION = "0.1.0";
/** Stream output sent per cell at most (characters), and the size of the chunks it goes in. */
const MAX_CELL_STREAM = 10_000_000;
const STREAM_CHUNK = 64 * 1024;
const ENGINE_PACKAGE = "bigdata-workbench";
/** Read by the engine's call sites (engine/rdd/call-site.ts): where the user's action is. */
const CALL_SITE_OVERRIDE = Symbol.for("bigdata-workbench.callSiteOverride");

export function kernelInfoContent(): Record<string, unknown> {
  return {
    status: "ok",
    protocol_version: PROTOCOL_VERSION,
    implementation: "bigdata",
    implementation_version: KERNEL_VERSION,
    language_info: {
      name: "typescript",
      version: (createRequire(import.meta.url)("tslab/package.json") as { version: string }).version,
      mimetype: "text/typescript",
      file_extension: ".ts",
      codemirror_mode: { name: "javascript", typescript: true },
      pygments_lexer: "typescript",
    },
    banner: `TypeScript (Big Data Workbench) ${KERNEL_VERSION} - Node ${process.version}. \`spark\`, \`sc\` and \`display\` are ready to use.`,
    help_links: [],
  };
}

export interface KernelOptions {
  connectionFile: string;
  /** tslab's converters in their own thread (started here when not given). */
  compiler?: CompileThread;
  /** Where the kernel's own diagnostics go (default: the process's real stderr). */
  log?: (text: string) => void;
}

type ExecuteContent = {
  code: string;
  silent?: boolean;
  store_history?: boolean;
  user_expressions?: Record<string, string>;
  allow_stdin?: boolean;
  stop_on_error?: boolean;
};

export class Kernel {
  private readonly channels: KernelChannels;
  private executor?: CellExecutor;
  private readonly compiler: CompileThread;
  private readonly history = new History(1);
  private executionCount = 0;
  private readonly queue: JupyterMessage[] = [];
  private pumping = false;
  private ready = false;
  private shuttingDown = false;
  /** The execute request whose cell owns outputs (also after it ended, as IPython does). */
  private outputParent?: JupyterMessage;
  private readonly streams: Record<"stdout" | "stderr", string> = { stdout: "", stderr: "" };
  /** Stream characters the current cell has sent; past MAX_CELL_STREAM the rest is dropped. */
  private cellStreamChars = 0;
  private cellStreamTruncated = false;
  private streamTimer?: NodeJS.Timeout;
  private readonly realStderrWrite = process.stderr.write.bind(process.stderr);
  private readonly notebook: NotebookSession;
  private renderers: ProgressRenderers = plainRenderers;
  private progressEnabled = true;
  private panel?: ProgressPanel;
  /** The front end's comms: the live job panel and the Cluster sidebar (kernel/comms.ts). */
  private readonly comms = new CommManager({
    publish: (type, content, parent) => this.channels.publish(type, content, parent as JupyterMessage | undefined),
    session: () => { try { return this.notebook.started ? this.notebook.spark : undefined; } catch { return undefined; } },
    log: (line) => this.log(line),
  });
  private readonly log: (text: string) => void;

  constructor(options: KernelOptions) {
    this.log = options.log ?? ((t) => { this.realStderrWrite(`[bigdata kernel] ${t}\n`); });
    const conn = JSON.parse(readFileSync(options.connectionFile, "utf8")) as ConnectionInfo;
    this.channels = new KernelChannels(conn, kernelInfoContent(), (ch, msg) => this.onMessage(ch, msg), (t) => this.log(t));
    // The compiler thread, started by kernel/main.ts before the kernel's modules loaded.
    this.compiler = options.compiler ?? new CompileThread(process.cwd());
    this.notebook = new NotebookSession((s) => this.onSessionStarted(s), (what) => this.trace(what));
  }

  /** With BIGDATA_KERNEL_TRACE=1: start-up phases, in ms since the process started, on stderr. */
  private trace(what: string): void {
    if (process.env.BIGDATA_KERNEL_TRACE === "1") this.log(`${performance.now().toFixed(0).padStart(6)} ms  ${what}`);
  }

  async start(): Promise<void> {
    this.trace("kernel modules loaded");
    // First of all: an interrupt must never kill the kernel (SIGINT's default action).
    process.on("SIGINT", () => { this.interrupt(); this.channels.ackInterrupt(); });
    this.compiler.onLog = (t) => this.log(t);
    void this.compiler.ready.then(({ error, loadMs, ms, codeCache }) => {
      if (error) this.log(`TypeScript compiler not created: ${error}`);
      this.trace(`tslab compiler ready (thread start and TypeScript load ${loadMs.toFixed(0)} ms${codeCache ? " from its code cache" : ""}, converter created in ${ms.toFixed(0)} ms)`);
    });
    await this.channels.start();
    this.trace("sockets bound");
    // Load the engine and start the notebook's session speculatively: the worker processes boot
    // while the compiler thread creates tslab's converter (the slowest part of a start), so the
    // first `spark` cell finds its session ready. configure() before first use still applies (a
    // session with other settings is discarded and restarted). The kernel answers requests from
    // here on; a cell's compile waits for the converter if it is not created yet.
    if (process.env.BIGDATA_KERNEL_PRESTART !== "0") {
      try {
        await this.notebook.loadEngine();
        this.trace("engine loaded");
        this.notebook.prestart();
      } catch (e) {
        this.log(`engine not loaded: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    const compiler = this.compiler;
    this.executor = new CellExecutor(process.cwd(), (browser) => compiler.converter(browser));
    this.executor.jobCallSite = (jobId) => this.jobCallSite(jobId);
    this.installGlobals();
    this.installStreams();
    process.on("SIGTERM", () => { void this.shutdown(false, undefined); });
    process.on("unhandledRejection", (reason) => this.reportBackgroundError("Unhandled promise rejection", reason));
    process.on("uncaughtException", (err) => this.reportBackgroundError("Uncaught exception", err));
    // Load the engine in the background so the first `spark` cell waits less.
    void this.notebook.loadEngine().then(() => this.loadRenderers(), (e: unknown) => this.log(`engine not loaded: ${String(e)}`));
    this.ready = true;
    void this.pump();
  }

  // ---- notebook globals -------------------------------------------------------------------

  private installGlobals(): void {
    const g = globalThis as Record<string, unknown>;
    const notebook = this.notebook;
    const sink: DisplaySink = {
      display: (content, displayId, update) => this.sendDisplay(content, displayId, update),
      clear: (wait) => { this.flushStreams(); this.channels.publish("clear_output", { wait }, this.outputParent); },
    };
    const define = (name: string, desc: PropertyDescriptor) => Object.defineProperty(g, name, { configurable: true, enumerable: false, ...desc });
    define("spark", { get: () => notebook.spark });
    define("sc", { get: () => notebook.sc });
    define("display", { value: createDisplay(() => sink, (op, where, work) => this.actionScope(op, where, work)), writable: true });
    define("configure", { value: (opts: Parameters<NotebookSession["configure"]>[0]) => notebook.configure(opts ?? {}), writable: true });
    installCellPositionHook(() => this.executor);
    installGradingGlobals(g);
    // tslab.display (import * as tslab from "tslab") goes to the running cell too.
    jupyterModule.lastWriteDisplayData = (data: { data: Record<string, unknown>; metadata?: Record<string, unknown>; transient?: { display_id?: string } }, update: boolean) =>
      this.sendDisplay({ data: data.data, metadata: data.metadata ?? {} }, data.transient?.display_id, update);
    // `import ... from "bigdata-workbench"` in a cell gets the kernel's own engine instance, so
    // classes and the active session are shared with `spark`.
    const tslabGlobal = g.__tslab__ as { require: NodeJS.Require } | undefined;
    if (tslabGlobal) {
      const req = tslabGlobal.require;
      tslabGlobal.require = new Proxy(req, {
        apply: (target, thisArg, args: unknown[]) => {
          if (args[0] === ENGINE_PACKAGE) {
            const engine = notebook.loadedEngine();
            if (engine) return engine;
          }
          return Reflect.apply(target, thisArg, args);
        },
      });
    }
  }

  private async loadRenderers(): Promise<void> {
    const engine = this.notebook.loadedEngine() as { viz?: Partial<ProgressRenderers> } | undefined;
    const fromIndex = engine?.viz;
    if (typeof fromIndex?.renderProgress === "function" && typeof fromIndex.renderJobSummary === "function") {
      this.renderers = fromIndex as ProgressRenderers;
      return;
    }
    try {
      const viz = (await import(new URL("../engine/viz/index.ts", import.meta.url).href)) as Partial<ProgressRenderers>;
      if (typeof viz.renderProgress === "function" && typeof viz.renderJobSummary === "function") this.renderers = viz as ProgressRenderers;
    } catch (e) {
      this.log(`engine/viz renderers not available, using plain progress text: ${String(e)}`);
    }
  }

  /** The cell and user line a job was called from, read from its description ("collect at <cell 3>:4"). */
  private jobCallSite(jobId: number): { file: string; line: number } | undefined {
    try {
      const info = this.notebook.started && !isRemoteSession(this.notebook.spark) ? this.notebook.sc.statusTracker().getJobInfo(jobId) : undefined;
      const m = /(?:<cell )?(\d+)>:(\d+)\s*$/.exec(info?.description ?? "");
      return m ? { file: CellExecutor.fileName(Number(m[1])), line: Number(m[2]) } : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * The jobs a display runs (a DataFrame's rich output runs a collect and a count; a sort adds a
   * sampling job) belong to the user's action: their call sites name the user's cell line, not
   * the kernel's code, and they share one progress panel labelled `op at <cell N>:L`.
   */
  private async actionScope<T>(op: string, where: string | undefined, work: () => Promise<T>): Promise<T> {
    const g = globalThis as Record<symbol, unknown>;
    const prev = g[CALL_SITE_OVERRIDE];
    if (where) g[CALL_SITE_OVERRIDE] = where;
    const close = this.panel?.openGroup(where ? `${op} at ${where}` : undefined);
    try {
      return await work();
    } finally {
      close?.();
      g[CALL_SITE_OVERRIDE] = prev;
    }
  }

  private onSessionStarted(s: EngineSession): void {
    this.comms.sessionStarted();
    // A Spark Connect session posts its actions' progress itself (from the server's progress messages).
    const panel = this.panel = new ProgressPanel(
      { show: (content, id, update) => this.sendDisplay(content, id, update) },
      { renderProgress: (...a) => this.renderers.renderProgress(...a), renderJobSummary: (...a) => this.renderers.renderJobSummary(...a) },
      () => this.progressEnabled,
    );
    if (isRemoteSession(s)) s.addSparkListener(panel);
    else s.sparkContext.addSparkListener(panel);
  }

  // ---- output plumbing -----------------------------------------------------------------------

  private installStreams(): void {
    const make = (name: "stdout" | "stderr") => ((chunk: string | Uint8Array, encoding?: unknown, cb?: unknown) => {
      const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      // A cell printing without end (a loop around console.log) must neither grow the buffer
      // until the kernel runs out of memory (a synchronous loop never lets the flush timer run)
      // nor flood the front end: flush in chunks, and drop what goes past the cell's limit.
      if (this.cellStreamChars >= MAX_CELL_STREAM) {
        if (!this.cellStreamTruncated) {
          this.cellStreamTruncated = true;
          this.streams.stderr += `\n[output truncated: this cell printed more than ${MAX_CELL_STREAM / 1_000_000} MB; the rest is not shown]\n`;
          this.flushStreams();
        }
      } else {
        const room = MAX_CELL_STREAM - this.cellStreamChars;
        this.streams[name] += text.length > room ? text.slice(0, room) : text;
        this.cellStreamChars += Math.min(text.length, room);
        if (this.streams[name].length >= STREAM_CHUNK) this.flushStreams();
        else this.streamTimer ??= setTimeout(() => this.flushStreams(), 20);
      }
      const done = typeof encoding === "function" ? encoding : cb;
      if (typeof done === "function") process.nextTick(done as () => void);
      return true;
    }) as typeof process.stdout.write;
    process.stdout.write = make("stdout");
    process.stderr.write = make("stderr");
  }

  private flushStreams(): void {
    clearTimeout(this.streamTimer);
    this.streamTimer = undefined;
    for (const name of ["stdout", "stderr"] as const) {
      const text = this.streams[name];
      if (!text) continue;
      this.streams[name] = "";
      this.channels.publish("stream", { name, text }, this.outputParent);
    }
  }

  private sendDisplay(content: DisplayContent, displayId: string | undefined, update: boolean): void {
    this.flushStreams();
    const msg: Record<string, unknown> = { data: content.data, metadata: content.metadata, transient: displayId ? { display_id: displayId } : {} };
    this.channels.publish(update ? "update_display_data" : "display_data", msg, this.outputParent);
  }

  private reportBackgroundError(what: string, e: unknown): void {
    const err = formatRuntimeError(e, (f) => this.executor?.cell(f));
    this.flushStreams();
    this.streams.stderr += `${what}:\n${err.traceback.join("\n")}\n`;
    this.flushStreams();
  }

  // ---- request dispatch ----------------------------------------------------------------------

  private onMessage(channel: "shell" | "control" | "stdin", msg: JupyterMessage): void {
    if (channel === "stdin") return;
    if (channel === "control") {
      void this.handleControl(msg);
      return;
    }
    const type = msg.header.msg_type;
    if (type === "comm_open" || type === "comm_msg" || type === "comm_close") {
      // At once, not behind a running cell: the job panel's cancel must reach the job that cell waits for.
      try { this.comms.handle(type, msg.content as Record<string, unknown>, msg); } catch (e) { this.log(`comm ${type} failed: ${String(e)}`); }
      return;
    }
    this.queue.push(msg);
    void this.pump();
  }

  private async handleControl(msg: JupyterMessage): Promise<void> {
    const type = msg.header.msg_type;
    this.channels.status("busy", msg);
    try {
      if (type === "shutdown_request") {
        await this.shutdown(Boolean((msg.content as { restart?: boolean }).restart), msg, "control");
        return;
      }
      if (type === "interrupt_request") {
        this.interrupt();
        this.channels.send("control", "interrupt_reply", { status: "ok" }, msg);
      } else {
        this.log(`unsupported control request: ${type}`);
      }
    } finally {
      this.channels.status("idle", msg);
    }
  }

  private async pump(): Promise<void> {
    if (this.pumping || !this.ready) return;
    this.pumping = true;
    try {
      for (let msg = this.queue.shift(); msg; msg = this.queue.shift()) {
        this.channels.status("busy", msg);
        try {
          await this.handleShell(msg);
        } catch (e) {
          this.log(`error handling ${msg.header.msg_type}: ${e instanceof Error ? e.stack : String(e)}`);
        } finally {
          this.flushStreams();
          this.channels.status("idle", msg);
        }
        if (this.shuttingDown) return;
      }
    } finally {
      this.pumping = false;
    }
  }

  private reply(msg: JupyterMessage, type: string, content: Record<string, unknown>): void {
    this.channels.send("shell", type, content, msg);
  }

  private async handleShell(msg: JupyterMessage): Promise<void> {
    const c = msg.content as Record<string, unknown>;
    const ex = this.executor!;
    switch (msg.header.msg_type) {
      case "kernel_info_request":
        return this.reply(msg, "kernel_info_reply", kernelInfoContent());
      case "execute_request":
        return this.execute(msg);
      case "complete_request": {
        const code = String(c.code ?? ""), pos = Number(c.cursor_pos ?? code.length);
        let r = { start: pos, end: pos, matches: [] as string[] };
        try { r = ex.complete(code, pos); } catch (e) { this.log(`completion failed: ${String(e)}`); }
        return this.reply(msg, "complete_reply", { status: "ok", matches: r.matches, cursor_start: r.start, cursor_end: r.end, metadata: {} });
      }
      case "inspect_request": {
        const code = String(c.code ?? ""), pos = Number(c.cursor_pos ?? code.length);
        let text: string | undefined;
        try { text = ex.inspect(code, pos); } catch (e) { this.log(`inspection failed: ${String(e)}`); }
        return this.reply(msg, "inspect_reply", { status: "ok", found: text !== undefined, data: text !== undefined ? { "text/plain": text } : {}, metadata: {} });
      }
      case "is_complete_request":
        return this.reply(msg, "is_complete_reply", CellExecutor.isComplete(String(c.code ?? "")));
      case "history_request":
        return this.reply(msg, "history_reply", { status: "ok", history: this.history.query(c as unknown as HistoryRequest) });
      case "comm_info_request":
        return this.reply(msg, "comm_info_reply", { status: "ok", comms: this.comms.info(c.target_name === undefined ? undefined : String(c.target_name)) });
      case "shutdown_request":
        return this.shutdown(Boolean(c.restart), msg, "shell");
      default:
        this.log(`unsupported shell request: ${msg.header.msg_type}`);
    }
  }

  // ---- execution -----------------------------------------------------------------------------

  private async execute(msg: JupyterMessage): Promise<void> {
    const c = msg.content as ExecuteContent;
    const code = String(c.code ?? "");
    const silent = Boolean(c.silent);
    const storeHistory = silent ? false : c.store_history !== false;
    const stopOnError = c.stop_on_error !== false;
    if (storeHistory) {
      this.executionCount += 1;
      this.history.add(this.executionCount, code);
    }
    const count = this.executionCount;
    this.outputParent = msg;
    this.cellStreamChars = 0;
    this.cellStreamTruncated = false;
    if (!silent) this.channels.publish("execute_input", { code, execution_count: count }, msg);

    const outcome = await this.runCell(code, storeHistory ? count : 0);
    // Node reports a promise rejection nobody handled once the microtasks have run: let that
    // happen now, so the report goes to this cell while it is still running.
    await new Promise((r) => setImmediate(r));
    this.channels.ackInterrupt();
    this.flushStreams();

    if (outcome.status === "ok") {
      if (outcome.hasValue && !silent && !isDisplayHandle(outcome.value)) {
        const line = lastStatementLine(code);
        const where = line !== undefined && storeHistory ? `<cell ${count}>:${line}` : undefined;
        const v = outcome.value as { show?: unknown };
        const op = typeof v === "object" && v !== null && typeof v.show === "function" ? "show" : "display";
        const content = await this.actionScope(op, where, () => this.safeDisplayContent(outcome.value));
        this.flushStreams();
        const live = liveDisplayOf(outcome.value);
        if (live) {
          // A live value (a streaming query) is shown with a display id and updated in place.
          const id = randomUUID();
          this.sendDisplay(content, id, false);
          live((bundle) => this.sendDisplay(liveContent(bundle), id, true));
        } else this.channels.publish("execute_result", { execution_count: count, ...content }, msg);
        if (storeHistory) this.history.setOutput(count, String(content.data["text/plain"] ?? ""));
      }
      const userExpressions = await this.userExpressions(c.user_expressions ?? {});
      this.reply(msg, "execute_reply", { status: "ok", execution_count: count, payload: [], user_expressions: userExpressions });
      return;
    }
    const err = outcome.error;
    if (!silent) this.channels.publish("error", { ename: err.ename, evalue: err.evalue, traceback: err.traceback }, msg);
    this.reply(msg, "execute_reply", { status: "error", execution_count: count, ename: err.ename, evalue: err.evalue, traceback: err.traceback });
    if (stopOnError) await this.abortQueuedExecutes();
  }

  /** Runs a cell, first starting the session if the cell uses it or importing the engine. */
  private async runCell(code: string, count: number): Promise<ExecOutcome> {
    const ex = this.executor!;
    try {
      if (cellUsesSession(code)) await ex.interruptible(this.notebook.ensure());
      else if (code.includes(ENGINE_PACKAGE)) {
        // A cell building its own session must not get the speculative one (getOrCreate would
        // return it, ignoring the builder's master).
        if (/\bbuilder\s*\(/.test(code)) await ex.interruptible(this.notebook.discardSpeculative());
        await ex.interruptible(this.notebook.loadEngine());
      }
    } catch (e) {
      const interrupted = e instanceof Error && e.name === "KeyboardInterrupt";
      return { status: "error", error: formatRuntimeError(e, (f) => ex.cell(f), interrupted), interrupted, thrown: e };
    }
    return ex.execute(code, count);
  }

  private async safeDisplayContent(value: unknown): Promise<DisplayContent> {
    try {
      return await toDisplayContent(value, false);
    } catch (e) {
      // A broken _repr_mimebundle_ must not lose the result: fall back to text.
      this.log(`rich display failed: ${String(e)}`);
      let text: string;
      try { text = String(value); } catch { text = Object.prototype.toString.call(value); }
      return { data: { "text/plain": text }, metadata: {} };
    }
  }

  private async userExpressions(exprs: Record<string, string>): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const [name, expr] of Object.entries(exprs)) {
      const r = await this.executor!.execute(expr, 0);
      if (r.status === "ok") {
        out[name] = { status: "ok", ...(await this.safeDisplayContent(r.hasValue ? r.value : undefined)) };
      } else {
        out[name] = { status: "error", ename: r.error.ename, evalue: r.error.evalue, traceback: r.error.traceback };
      }
    }
    return out;
  }

  /** After a failed cell with stop_on_error, every execute request already received is aborted. */
  private async abortQueuedExecutes(): Promise<void> {
    // Let requests that reached the socket thread while the cell ran arrive first.
    await new Promise((r) => setTimeout(r, 10));
    const keep: JupyterMessage[] = [];
    for (const m of this.queue.splice(0)) {
      if (m.header.msg_type !== "execute_request") { keep.push(m); continue; }
      this.channels.status("busy", m);
      // As ipykernel's _send_abort_reply: no execution count, so front ends show the cell as not
      // run ("In [ ]") rather than with the failed cell's number.
      this.reply(m, "execute_reply", { status: "aborted" });
      this.channels.status("idle", m);
    }
    this.queue.unshift(...keep);
  }

  /** Interrupt: break the running cell's await (a sync loop is broken by SIGINT) and cancel jobs. */
  interrupt(): void {
    this.executor?.interrupt();
    this.notebook.cancelAllJobs();
  }

  async shutdown(restart: boolean, msg: JupyterMessage | undefined, channel: "shell" | "control" = "control"): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.progressEnabled = false;
    this.interrupt();
    await this.notebook.stop();
    this.flushStreams();
    if (msg) this.channels.send(channel, "shutdown_reply", { status: "ok", restart }, msg);
    if (msg) this.channels.status("idle", msg);
    await this.channels.close();
    try { this.executor?.close(); } catch { /* closing the compiler is best effort */ }
    this.compiler.close();
    // A SIGINT already on its way (jupyter_client interrupts a busy kernel before it asks it to shut
    // down; the socket thread repeats an interrupt every 250 ms until acknowledged) must reach our
    // handler, not land while the process tears down its handlers and kill it (exit -2).
    await new Promise((r) => setTimeout(r, 300));
    process.exit(0);
  }
}
