// The notebook's lazily started SparkSession behind the `spark` and `sc` globals. The engine is
// loaded on demand (a kernel without a working engine still runs plain TypeScript), and the
// session starts before the first cell that names spark or sc, with configure()'s settings.

import { fileURLToPath } from "node:url";

/** The slice of the engine's public API (engine/index.ts) the kernel relies on. */
export interface EngineModule {
  SparkSession: {
    builder(): SessionBuilder;
    getActiveSession?(): EngineSession | undefined;
  };
  [name: string]: unknown;
}
interface SessionBuilder {
  master(m: string): SessionBuilder;
  appName(n: string): SessionBuilder;
  config(k: string, v: string | number | boolean): SessionBuilder;
  getOrCreate(): Promise<EngineSession> | EngineSession;
}
export interface EngineSession {
  sparkContext: EngineContext;
  stop(): Promise<void> | void;
}
export interface EngineContext {
  cancelAllJobs?(): void;
  addSparkListener?(l: object): () => void;
  statusTracker?(): {
    getJobInfo(id: number): unknown;
    getStageInfo(id: number): unknown;
  };
}

export interface NotebookConfig {
  master?: string;
  appName?: string;
  conf?: Record<string, string | number | boolean>;
}

/** A misuse of the notebook globals (e.g. configure() after the session started). */
export class NotebookUsageError extends Error {
  override readonly name = "NotebookUsageError";
}

export const ENGINE_ENTRY = fileURLToPath(new URL("../engine/index.ts", import.meta.url));

const USES_SESSION = /\b(spark|sc)\b/;

/** Whether a cell names spark or sc outside comments (strings count: cheap and harmless). */
export function cellUsesSession(code: string): boolean {
  const noComments = code.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
  return USES_SESSION.test(noComments);
}

export class NotebookSession {
  private config: Required<NotebookConfig> = { master: "local[2]", appName: "bigdata-notebook", conf: {} };
  private engine?: EngineModule;
  private enginePromise?: Promise<EngineModule>;
  private session?: EngineSession;
  private starting?: Promise<EngineSession>;
  private everStarted = false;

  constructor(private readonly onStarted: (s: EngineSession) => void = () => {}) {}

  loadEngine(): Promise<EngineModule> {
    this.enginePromise ??= import(ENGINE_ENTRY).then((m: EngineModule) => (this.engine = m));
    return this.enginePromise;
  }

  /** The engine module if it has been loaded (for `require("bigdata-workbench")` in cells). */
  loadedEngine(): EngineModule | undefined {
    return this.engine;
  }

  configure(opts: NotebookConfig): void {
    if (this.everStarted || this.starting) {
      throw new NotebookUsageError("configure() must run before the first use of spark or sc; restart the kernel to change the session's settings");
    }
    if (opts.master !== undefined) this.config.master = String(opts.master);
    if (opts.appName !== undefined) this.config.appName = String(opts.appName);
    if (opts.conf) this.config.conf = { ...this.config.conf, ...opts.conf };
  }

  get settings(): Readonly<Required<NotebookConfig>> {
    return this.config;
  }

  private alive(): EngineSession | undefined {
    const s = this.session;
    if (!s) return undefined;
    const active = this.engine?.SparkSession.getActiveSession?.();
    // After spark.stop() the engine has no active session: start a fresh one on next use.
    if (this.engine?.SparkSession.getActiveSession && active !== s) return active ?? undefined;
    return s;
  }

  /** Starts the session if needed (idempotent, shared by concurrent callers). */
  async ensure(): Promise<EngineSession> {
    const live = this.alive();
    if (live) return (this.session = live);
    this.starting ??= (async () => {
      const engine = await this.loadEngine();
      let b = engine.SparkSession.builder().master(this.config.master).appName(this.config.appName);
      for (const [k, v] of Object.entries(this.config.conf)) b = b.config(k, v);
      const s = await b.getOrCreate();
      this.session = s;
      this.everStarted = true;
      this.onStarted(s);
      return s;
    })().finally(() => { this.starting = undefined; });
    return this.starting;
  }

  get spark(): EngineSession {
    const s = this.alive();
    if (!s) throw new NotebookUsageError("the notebook's session has not started: it starts before a cell that names `spark` or `sc` runs");
    return s;
  }

  get sc(): EngineContext {
    return this.spark.sparkContext;
  }

  get started(): boolean {
    return this.session !== undefined;
  }

  cancelAllJobs(): void {
    try {
      this.session?.sparkContext.cancelAllJobs?.();
    } catch {
      // Cancelling is best effort during an interrupt.
    }
  }

  /** Stops the session and its workers; resolves within `timeoutMs` even if stop hangs. */
  async stop(timeoutMs = 4000): Promise<void> {
    const s = this.session;
    this.session = undefined;
    if (!s) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.resolve().then(() => s.stop()),
      new Promise<void>((r) => { timer = setTimeout(r, timeoutMs); }),
    ]).catch(() => {});
    clearTimeout(timer);
  }
}
