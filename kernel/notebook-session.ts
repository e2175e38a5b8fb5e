// The notebook's lazily started SparkSession behind the `spark` and `sc` globals. The engine is
// loaded on demand (a kernel without a working engine still runs plain TypeScript), and the
// session is ready before the first cell that names spark or sc, with configure()'s settings.
// To make that first cell fast, the kernel may start a session speculatively (prestart) with the
// default settings while it starts up; a configure() that changes the settings before first use
// discards it (its workers are stopped) and the first use starts one as configured.

import type * as Engine from "../engine/index";
import { importModule, runningBundle } from "./bundled";
import { fileURLToPath } from "node:url";

/** The engine's public API (engine/index.ts), loaded on demand. */
export type EngineModule = typeof Engine;
/** The notebook's session: embedded, or on a Spark Connect server. */
export type EngineSession = Engine.SparkSession | Engine.RemoteSparkSession;
export type EngineContext = Engine.SparkContext;

/** Spark's cancelJob reason text for jobs stopped by the kernel's interrupt. */
export const INTERRUPT_REASON = "because the cell was interrupted";
/** How long the next cell waits for a Spark Connect server to answer an interrupt. */
const CANCEL_WAIT_MS = 5000;

export interface NotebookConfig {
  master?: string;
  appName?: string;
  conf?: Record<string, string | number | boolean>;
  /** A Spark Connect server (sc://host:port/;token=...): the notebook's spark runs there. Default: SPARK_REMOTE. */
  remote?: string;
}

/** A misuse of the notebook globals (e.g. configure() after the session started). */
export class NotebookUsageError extends Error {
  override readonly name = "NotebookUsageError";
}

export const ENGINE_ENTRY = fileURLToPath(new URL("../engine/index.ts", import.meta.url));

/** `spark` or `sc`, but not the scheme of a Spark Connect URL ("sc://host"). */
const USES_SESSION = /\b(spark|sc)\b(?!:\/\/)/;

/** Whether a cell names spark or sc outside comments (strings count: cheap and harmless, except `sc://`). */
export function cellUsesSession(code: string): boolean {
  const noComments = code.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
  return USES_SESSION.test(noComments);
}

type Settings = Required<Omit<NotebookConfig, "remote">> & { remote?: string };

function sameConfig(a: Settings, b: Settings): boolean {
  const ka = Object.keys(a.conf), kb = Object.keys(b.conf);
  return a.master === b.master && a.appName === b.appName && a.remote === b.remote && ka.length === kb.length && ka.every((k) => b.conf[k] === a.conf[k]);
}

/** Whether a session runs on a Spark Connect server (its sparkContext getter throws). */
export function isRemoteSession(s: EngineSession | undefined): s is Engine.RemoteSparkSession {
  return typeof (s as { remote?: unknown } | undefined)?.remote === "string";
}

export class NotebookSession {
  private config: Settings = { master: "local[2]", appName: "bigdata-notebook", conf: {}, remote: process.env.SPARK_REMOTE || undefined };
  private engine?: EngineModule;
  private enginePromise?: Promise<EngineModule>;
  private session?: EngineSession;
  private starting?: Promise<EngineSession>;
  /** Bumped when a speculative session is discarded: its start must not install it. */
  private generation = 0;
  /** The session (or its start) came from prestart() and no cell has used it yet. */
  private speculative = false;
  /** A cell has used the session: configure() is no longer allowed. */
  private used = false;
  /** Stopping a discarded speculative session (a new one waits for it). */
  private discarding?: Promise<void>;
  /** A Spark Connect interrupt's requests still on their way (the next cell waits for them). */
  private cancelling?: Promise<void>;

  constructor(private readonly onStarted: (s: EngineSession) => void = () => {}, private readonly trace: (what: string) => void = () => {}) {}

  loadEngine(): Promise<EngineModule> {
    this.enginePromise ??= importModule<EngineModule>(runningBundle()?.engine ?? ENGINE_ENTRY).then((m) => (this.engine = m));
    return this.enginePromise;
  }

  /** The engine module if it has been loaded (for `require("bigdata-workbench")` in cells). */
  loadedEngine(): EngineModule | undefined {
    return this.engine;
  }

  configure(opts: NotebookConfig): void {
    if (this.used) {
      throw new NotebookUsageError("configure() must run before the first use of spark or sc; restart the kernel to change the session's settings");
    }
    const next: Settings = { ...this.config, conf: { ...this.config.conf } };
    if (opts.master !== undefined) next.master = String(opts.master);
    if (opts.remote !== undefined) next.remote = opts.remote ? String(opts.remote) : undefined;
    if (opts.appName !== undefined) next.appName = String(opts.appName);
    if (opts.conf) next.conf = { ...next.conf, ...opts.conf };
    if (this.speculative && !sameConfig(next, this.config)) void this.discardSpeculative();
    this.config = next;
  }

  get settings(): Readonly<Settings> {
    return this.config;
  }

  /** Whether a speculative session is starting or ready (for tests and the benchmark). */
  get prestarted(): boolean {
    return this.speculative;
  }

  private alive(): EngineSession | undefined {
    const s = this.session;
    if (!s) return undefined;
    if (isRemoteSession(s)) return s; // not the engine's active (embedded) session
    const active = this.engine?.SparkSession.getActiveSession();
    // After spark.stop() the engine has no active session: start a fresh one on next use.
    if (this.engine && active !== s) return active ?? undefined;
    return s;
  }

  /**
   * Starts a session with the current settings in the background, before any cell asks for it.
   * Failures are silent here: the first real use starts again and reports its own error.
   */
  prestart(): void {
    if (this.used || this.session || this.starting) return;
    this.speculative = true;
    this.start().catch(() => { this.speculative = false; });
  }

  /** Stops an unused speculative session: a cell is about to make its own (different) one. */
  discardSpeculative(): Promise<void> {
    if (!this.speculative) return this.discarding ?? Promise.resolve();
    this.speculative = false;
    this.generation++;
    const pending = this.starting, s = this.session;
    this.session = undefined;
    this.starting = undefined;
    const prev = this.discarding;
    this.discarding = (async () => {
      await prev;
      const sess = s ?? (await pending?.catch(() => undefined));
      if (sess) await stopWithin(sess, 4000);
    })();
    return this.discarding;
  }

  private start(): Promise<EngineSession> {
    const gen = this.generation;
    const starting = (async () => {
      await this.discarding;
      const engine = await this.loadEngine();
      let s: EngineSession;
      if (this.config.remote) {
        const rb = engine.SparkSession.builder().remote(this.config.remote);
        for (const [k, v] of Object.entries(this.config.conf)) rb.config(k, String(v));
        s = await rb.getOrCreate();
      } else {
        let b = engine.SparkSession.builder().master(this.config.master).appName(this.config.appName);
        for (const [k, v] of Object.entries(this.config.conf)) b = b.config(k, v);
        s = await b.getOrCreate();
      }
      this.trace(`session ready (${this.config.remote ?? this.config.master})`);
      if (gen === this.generation) {
        this.session = s;
        this.onStarted(s);
      }
      return s;
    })().finally(() => { if (this.starting === starting) this.starting = undefined; });
    this.starting = starting;
    return starting;
  }

  /** Starts the session if needed (idempotent, shared by concurrent callers); marks it used. */
  async ensure(): Promise<EngineSession> {
    this.used = true;
    this.speculative = false;
    if (this.cancelling) {
      // An interrupt's cancel requests to a Spark Connect server finish first (bounded).
      const pending = this.cancelling;
      this.cancelling = undefined;
      await raceTimeout(pending, CANCEL_WAIT_MS);
    }
    const live = this.alive();
    if (live) return (this.session = live);
    return this.starting ?? this.start();
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
      // Stop streaming queries first, so the batch whose jobs are cancelled ends them cleanly.
      if (isRemoteSession(this.session)) {
        // As for the embedded engine: streaming queries stop, running operations are interrupted.
        // Only the operations running now are named, and the next cell waits for the server's
        // answer (ensure), so an interrupt never lands on the next cell's action.
        const stops = this.session.streams.active.map((q) => q.stop().catch(() => undefined));
        this.cancelling = Promise.all([...stops, this.session.interruptRunning().catch(() => undefined)]).then(() => undefined);
        return;
      }
      for (const q of this.session?.streams?.active ?? []) void q.stop();
      const sc = this.session?.sparkContext;
      // Each running job learns why it stops (its panel then says CANCELLED (interrupted)); any
      // job submitted meanwhile goes with cancelAllJobs.
      for (const id of sc?.statusTracker().getActiveJobsIds() ?? []) sc?.cancelJob(id, INTERRUPT_REASON);
      sc?.cancelAllJobs();
    } catch {
      // Cancelling is best effort during an interrupt.
    }
  }

  /** Stops the session and its workers (also one still starting); resolves within `timeoutMs` even if stop hangs. */
  async stop(timeoutMs = 4000): Promise<void> {
    const s = this.session, pending = this.starting;
    this.session = undefined;
    this.starting = undefined;
    this.generation++;
    const deadline = Date.now() + timeoutMs;
    const within = <T>(p: Promise<T>) => raceTimeout(p, Math.max(0, deadline - Date.now()));
    const sess = s ?? (pending ? await within(pending.catch(() => undefined)) : undefined);
    await Promise.all([
      sess ? stopWithin(sess, Math.max(0, deadline - Date.now())) : undefined,
      this.discarding ? within(this.discarding) : undefined,
    ]);
  }
}

function raceTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<undefined>((r) => { timer = setTimeout(() => r(undefined), ms); })]).finally(() => clearTimeout(timer));
}

async function stopWithin(s: EngineSession, ms: number): Promise<void> {
  await raceTimeout(Promise.resolve().then(() => s.stop()).catch(() => {}), ms);
}
