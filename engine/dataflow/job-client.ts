// The driver side of a running dataflow job (Flink's JobManager for one job, plus its JobClient):
// a hub that workers' slots connect to (with the job's secret) and that tells them where their
// peers listen (records and credits flow worker to worker, rpc/peer-links.ts), the checkpoint
// coordinator (barrier or stop-the-world snapshots, on a timer or on request; savepoints), the
// feed of controlled sources, the transactional sinks (outputs are committed when the checkpoint that covers
// them completes, or at the end of the job), metrics, and failover: when a slot is lost (its worker
// died) every task is cancelled and the job restarts from the last completed checkpoint.

import { randomBytes } from "node:crypto";
import { mkdirSync, appendFileSync } from "node:fs";
import { join } from "node:path";
import { WebSocketServer, type WebSocket } from "ws";
import { serializeFunction, type SerializedFunction } from "../common/closure";
import { ExecutionError, WorkbenchError } from "../common/errors";
import type { RddContext } from "../rdd";
import { sameSecret } from "../rpc/auth";
import { renderJobHtml, renderJobText } from "./job-view";
import { graphShape, writeMetadata } from "./savepoints";
import { DataflowSlotRDD } from "./slot-rdd";
import type { SlotReport } from "./slot-runtime";
import type { CheckpointKind, CheckpointStats, JobGraph, JobStatus, RuntimeConfig, SinkHolder } from "./types";
import type { ControlledSource } from "./source-api";

export type { CheckpointStats, JobStatus, SinkHolder };

export interface SubtaskMetrics {
  v: number; sub: number; recordsIn: number; recordsOut: number; inputWatermark: number; outputWatermark: number;
  busyMs: number; backpressuredMs: number; idleMs: number; queued: number; outHeld: number; stateEntries: number; backpressured: boolean;
  /** Each operator of the task's chain: records in and out. */
  operators?: Array<{ name: string; recordsIn: number; recordsOut: number }>;
}

export interface JobExecutionResult { jobName: string; netRuntime: number; restarts: number; checkpoints: CheckpointStats[] }

export interface CheckpointSettings { intervalMs: number; kind: CheckpointKind }

interface Pending { id: number; kind: CheckpointKind; start: number; acks: number; drained: number; bytes: number; alignMs: number; buffered: number; out: Array<[string, unknown[]]>; dir?: string }

export class JobClient {
  private status: JobStatus = "CREATED";
  private wss?: WebSocketServer;
  private url = "";
  private attempt = 0;
  private conns = new Map<number, WebSocket>();
  private dataUrls = new Map<number, string>();
  private readonly secret = randomBytes(24).toString("hex");
  /** Connections refused for a missing or wrong secret. */
  refusedConnections = 0;
  private connAttempt = new WeakMap<WebSocket, number>();
  private pending: Pending | undefined;
  private carry: Array<[string, unknown[]]> = [];
  private finished = 0;
  private anyFinished = false;
  private lastCompleted: number | null = null;
  /** The directory every subtask restores from on the next (re)start: the last completed checkpoint or savepoint. */
  private restorePath: string | null;
  private nextCheckpoint = 1;
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> = Promise.resolve();
  private resolveResult!: (r: JobExecutionResult) => void;
  private rejectResult!: (e: Error) => void;
  private readonly result: Promise<JobExecutionResult>;
  private readonly shipped: SerializedFunction;
  private readonly totalSubtasks: number;
  private readonly startTime = Date.now();
  private latest = new Map<string, SubtaskMetrics>();
  private latencySamples: number[] = [];
  private completionWaiters = new Map<number, { resolve: (s: CheckpointStats) => void; reject: (e: Error) => void }>();
  private onUpdate: Array<() => void> = [];
  readonly checkpointHistory: CheckpointStats[] = [];
  restarts = 0;

  constructor(
    private readonly sc: RddContext,
    readonly graph: JobGraph,
    private readonly config: RuntimeConfig,
    readonly sinks: Map<string, SinkHolder>,
    private readonly checkpointing: CheckpointSettings | undefined,
    private readonly maxRestarts: number,
    restoreFrom: string | null = null,
    private readonly controlled = new Map<string, ControlledSource<any>>(),
  ) {
    this.restorePath = restoreFrom;
    this.result = new Promise((res, rej) => { this.resolveResult = res; this.rejectResult = rej; });
    this.result.catch(() => {});
    this.shipped = serializeFunction(() => graph, "a dataflow job");
    this.totalSubtasks = graph.vertices.reduce((n, v) => n + v.parallelism, 0);
    mkdirSync(config.checkpointDir, { recursive: true });
  }

  get jobName(): string { return this.graph.name; }
  get jobId(): string { return this.graph.jobId; }
  getJobStatus(): JobStatus { return this.status; }
  getJobExecutionResult(): Promise<JobExecutionResult> { return this.result; }
  /** The id of the last completed checkpoint (null before the first). */
  latestCompletedCheckpoint(): number | null { return this.lastCompleted; }
  /** Where this job's checkpoints go (chk-N per checkpoint); a new job can resume from it (execution.savepoint.path). */
  get checkpointDirectory(): string { return this.config.checkpointDir; }
  /** The checkpoint or savepoint directory the job restored from (at its start or its last failover). */
  get restoredFrom(): string | null { return this.restorePath; }
  /** Called whenever metrics or checkpoints change (the live view uses it). */
  onChange(f: () => void): () => void { this.onUpdate.push(f); return () => { this.onUpdate = this.onUpdate.filter((x) => x !== f); }; }

  async start(): Promise<this> {
    this.wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise<void>((r) => this.wss!.once("listening", () => r()));
    const addr = this.wss.address() as { port: number };
    this.url = `ws://127.0.0.1:${addr.port}`;
    this.wss.on("connection", (ws) => this.accept(ws));
    this.status = "RUNNING";
    this.launch();
    if (this.checkpointing && this.checkpointing.intervalMs > 0) {
      this.timer = setInterval(() => { if (this.canCheckpoint()) void this.triggerCheckpoint().catch(() => {}); }, this.checkpointing.intervalMs);
    }
    return this;
  }

  private launch(): void {
    const attempt = this.attempt;
    const rdd = new DataflowSlotRDD(this.sc, {
      graph: this.shipped, slots: this.graph.parallelism,
      task: { hubUrl: this.url, secret: this.secret, attempt, restoreFrom: this.restorePath, config: this.config },
    });
    this.running = this.sc.runJob(rdd, (it: Iterator<SlotReport>) => it.next().value, { callSite: `dataflow ${this.graph.name}` })
      .catch((e: Error) => { if (attempt === this.attempt && this.status === "RUNNING") this.failover(`slot task failed: ${e.message}`); });
  }

  private accept(ws: WebSocket): void {
    let trusted = false;
    ws.on("message", (data) => {
      const text = String(data);
      let m: any;
      try { m = JSON.parse(text); } catch { m = undefined; }
      if (!trusted) {
        const ok = m?.t === "hello" && sameSecret(m.secret, this.secret);
        if (!ok) { this.refusedConnections++; ws.close(4003, "unauthorized"); return; }
        trusted = true;
        if (m.attempt !== this.attempt || this.status !== "RUNNING") { ws.send(JSON.stringify({ t: "cancel" })); return; }
        this.connAttempt.set(ws, m.attempt);
        this.conns.set(m.slot, ws);
        this.dataUrls.set(m.slot, String(m.dataUrl));
        this.feedControlled(m.slot, ws);
        // every slot of this attempt is up: tell them where their peers listen
        if (this.conns.size === this.graph.parallelism) this.broadcast({ t: "peers", urls: Object.fromEntries(this.dataUrls) });
        return;
      }
      if (this.connAttempt.get(ws) !== this.attempt) return; // a cancelled attempt's late messages
      this.onMessage(m);
    });
    ws.on("close", () => {
      if (this.connAttempt.get(ws) !== this.attempt || this.status !== "RUNNING") return;
      const slot = [...this.conns.entries()].find(([, w]) => w === ws)?.[0];
      if (slot !== undefined && !(ws as unknown as { done?: boolean }).done) this.failover(`task slot ${slot} was lost (its worker stopped)`);
    });
    ws.on("error", () => {});
  }

  /** A controlled source runs in slot 0 (parallelism 1): it gets the whole log when its slot connects, then every new entry. */
  private feedControlled(slot: number, ws: WebSocket): void {
    if (slot !== 0) return;
    for (const v of this.graph.vertices) {
      const src = v.source?.kind === "controlled" ? this.controlled.get(v.source.controlledId!) : undefined;
      if (!src) continue;
      ws.send(JSON.stringify({ t: "feed", v: v.id, from: 0, items: src.log }));
      if (!this.unsubscribe.has(src.id)) {
        this.unsubscribe.set(src.id, src.subscribe((from, items) => {
          const w = this.conns.get(0);
          if (w && this.status === "RUNNING") w.send(JSON.stringify({ t: "feed", v: v.id, from, items }));
        }));
      }
    }
  }
  private unsubscribe = new Map<string, () => void>();
  private net = new Map<number, { buffersIn: number; bytesIn: number; refused: number }>();

  /** Per slot: network buffers and bytes it received straight from other slots' workers, and peer connections it refused. */
  networkStats(): Array<{ slot: number; buffersIn: number; bytesIn: number; refused: number }> {
    return [...this.net.entries()].sort((a, b) => a[0] - b[0]).map(([slot, n]) => ({ slot, ...n }));
  }
  /** Where the job's hub and each slot's data port listen (diagnostics; all refuse peers without the job's secret). */
  get endpoints(): { hub: string; slots: Record<number, string> } {
    return { hub: this.url, slots: Object.fromEntries(this.dataUrls) };
  }

  private broadcast(m: Record<string, unknown>): void {
    const text = JSON.stringify(m);
    for (const ws of this.conns.values()) ws.send(text);
  }

  private onMessage(m: any): void {
    switch (m.t) {
      case "ack": return this.onAck(m);
      case "drained": {
        const p = this.pending;
        if (p && p.id === m.id && ++p.drained === this.totalSubtasks) this.broadcast({ t: "snapshot", id: p.id });
        return;
      }
      case "decline": return this.abortPending(`a source had finished`);
      case "finished": {
        this.anyFinished = true;
        if (m.sinkId && m.out.length) this.carry.push([m.sinkId, m.out]);
        if (++this.finished === this.totalSubtasks) void this.finish();
        return;
      }
      case "slotDone": { const ws = this.conns.get(m.slot); if (ws) (ws as unknown as { done?: boolean }).done = true; return; }
      case "metrics":
        if (m.net) this.net.set(m.slot, m.net);
        for (const s of m.subtasks) {
          this.latest.set(`${s.v}.${s.sub}`, s);
          for (const l of s.latencies ?? []) this.latencySamples.push(l);
        }
        if (this.latencySamples.length > 20000) this.latencySamples.splice(0, this.latencySamples.length - 20000);
        this.changed();
        return;
      case "error": return this.fail(new ExecutionError("DATAFLOW_TASK_FAILED", `a task of job '${this.graph.name}' failed: ${m.message}`));
    }
  }

  private canCheckpoint(): boolean {
    return this.status === "RUNNING" && !this.pending && !this.anyFinished && this.conns.size === this.graph.parallelism;
  }

  /** Take a checkpoint now (kind defaults to the configured one); resolves with its stats when completed. */
  triggerCheckpoint(kind: CheckpointKind = this.checkpointing?.kind ?? "barrier"): Promise<CheckpointStats> {
    return this.snapshotNow(kind);
  }

  /**
   * Flink's savepoint: an aligned barrier snapshot of the whole job written to its own directory
   * under `dir` (default `<checkpointDir>/savepoints`); resolves with that directory, which a new job
   * restores from with `execution.savepoint.path`. Outputs up to it are committed.
   */
  async triggerSavepoint(dir?: string): Promise<string> {
    const deadline = Date.now() + 10_000;
    while (this.pending && this.status === "RUNNING" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const id = this.nextCheckpoint;
    const path = join(dir ?? join(this.config.checkpointDir, "savepoints"), `savepoint-${this.graph.jobId}-${id}`);
    await this.snapshotNow("barrier", path);
    return path;
  }

  /** Take a savepoint, then stop the job (FINISHED); output after the savepoint is not committed, so resuming from it is exactly-once. */
  async stopWithSavepoint(dir?: string): Promise<string> {
    const path = await this.triggerSavepoint(dir);
    if (this.status === "RUNNING") {
      this.status = "FINISHED";
      this.stopAll();
      this.resolveResult({ jobName: this.graph.name, netRuntime: Date.now() - this.startTime, restarts: this.restarts, checkpoints: this.checkpointHistory });
      await this.running.catch(() => {});
      this.changed();
    }
    return path;
  }

  private snapshotNow(kind: CheckpointKind, dir?: string): Promise<CheckpointStats> {
    if (!this.canCheckpoint()) return Promise.reject(new WorkbenchError("CHECKPOINT_DECLINED", `cannot checkpoint job '${this.graph.name}' now (status ${this.status}${this.pending ? ", a checkpoint is in progress" : ""}${this.anyFinished ? ", tasks have finished" : ""})`));
    const id = this.nextCheckpoint++;
    this.pending = { id, kind, start: Date.now(), acks: 0, drained: 0, bytes: 0, alignMs: 0, buffered: 0, out: [], dir };
    const p = new Promise<CheckpointStats>((resolve, reject) => this.completionWaiters.set(id, { resolve, reject }));
    if (dir) mkdirSync(dir, { recursive: true });
    this.broadcast({ t: "trigger", id, kind, dir });
    return p;
  }

  private onAck(m: any): void {
    const p = this.pending;
    if (!p || p.id !== m.id) {
      // A late ack of a checkpoint already aborted (a source finished, the job ended): the sink has
      // handed over its outputs before that barrier, and a later checkpoint or the job's end must
      // commit them (dropping them lost one interval of output under load).
      if (m.sinkId && m.out?.length) this.carry.push([m.sinkId, m.out]);
      return;
    }
    p.acks++;
    p.bytes += m.bytes;
    p.alignMs = Math.max(p.alignMs, m.alignMs ?? 0);
    p.buffered += m.alignBuffered ?? 0;
    if (m.sinkId && m.out.length) p.out.push([m.sinkId, m.out]);
    if (p.acks < this.totalSubtasks) return;
    // complete: commit the outputs covered by this checkpoint, record it, resume a stopped world
    this.pending = undefined;
    this.commit([...this.carry, ...p.out]);
    this.carry = [];
    this.lastCompleted = p.id;
    const dir = p.dir ?? join(this.config.checkpointDir, `chk-${p.id}`);
    this.restorePath = dir;
    const now = Date.now();
    const stats: CheckpointStats = {
      id: p.id, kind: p.kind, status: "COMPLETED", triggerTime: p.start, durationMs: now - p.start, stateBytes: p.bytes,
      alignmentMs: p.alignMs, bufferedDuringAlignment: p.buffered, pauseMs: p.kind === "stop-the-world" ? now - p.start : 0,
    };
    writeMetadata(dir, {
      ...stats, savepoint: !!p.dir, jobId: this.graph.jobId, jobName: this.graph.name, maxParallelism: this.graph.maxParallelism,
      tasks: graphShape(this.graph), committed: Object.fromEntries([...this.sinks].map(([k, s]) => [k, s.values.length])),
    });
    this.checkpointHistory.push(stats);
    if (p.kind === "stop-the-world") this.broadcast({ t: "resume" });
    this.completionWaiters.get(p.id)?.resolve(stats);
    this.completionWaiters.delete(p.id);
    this.changed();
  }

  private abortPending(why: string): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    this.carry.push(...p.out); // outputs before this barrier are still to be committed by a later checkpoint
    this.checkpointHistory.push({ id: p.id, kind: p.kind, status: "ABORTED", triggerTime: p.start, durationMs: Date.now() - p.start, stateBytes: p.bytes, alignmentMs: p.alignMs, bufferedDuringAlignment: p.buffered, pauseMs: 0 });
    if (p.kind === "stop-the-world") this.broadcast({ t: "resume" });
    this.completionWaiters.get(p.id)?.reject(new WorkbenchError("CHECKPOINT_DECLINED", `checkpoint ${p.id} was aborted: ${why}`));
    this.completionWaiters.delete(p.id);
  }

  private commit(outs: Array<[string, unknown[]]>): void {
    for (const [id, values] of outs) {
      const s = this.sinks.get(id);
      if (!s) continue;
      s.values.push(...values);
      if (s.kind === "print") for (const v of values) console.log(typeof v === "string" ? v : JSON.stringify(v));
      if (s.kind === "file" && s.path) appendFileSync(s.path, values.map((v) => (typeof v === "string" ? v : JSON.stringify(v)) + "\n").join(""));
    }
  }

  private failover(reason: string): void {
    if (this.status !== "RUNNING") return;
    if (++this.restarts > this.maxRestarts) return this.fail(new ExecutionError("DATAFLOW_JOB_FAILED", `job '${this.graph.name}' failed after ${this.maxRestarts} restarts: ${reason}`));
    this.abortPending(`failover: ${reason}`);
    this.carry = [];
    this.attempt++;
    this.finished = 0;
    this.anyFinished = false;
    const cancel = JSON.stringify({ t: "cancel" });
    for (const ws of this.conns.values()) { try { ws.send(cancel); } catch { /* closed */ } }
    this.conns.clear();
    this.dataUrls.clear();
    this.failovers.push({ time: Date.now(), reason, restoredFrom: this.lastCompleted });
    this.launch();
    this.changed();
  }
  readonly failovers: Array<{ time: number; reason: string; restoredFrom: number | null }> = [];

  private fail(e: Error): void {
    if (this.status !== "RUNNING") return;
    this.status = "FAILED";
    this.stopAll();
    this.rejectResult(e);
    this.changed();
  }

  private async finish(): Promise<void> {
    if (this.pending) this.abortPending("job finished");
    this.commit(this.carry);
    this.carry = [];
    this.status = "FINISHED";
    await this.running;
    this.stopAll();
    this.resolveResult({ jobName: this.graph.name, netRuntime: Date.now() - this.startTime, restarts: this.restarts, checkpoints: this.checkpointHistory });
    this.changed();
  }

  /** Cancel the job: tasks stop, uncommitted output is dropped. */
  async cancel(): Promise<void> {
    if (this.status !== "RUNNING") return;
    this.status = "CANCELED";
    this.broadcast({ t: "cancel" });
    this.stopAll();
    this.rejectResult(new WorkbenchError("JOB_CANCELED", `job '${this.graph.name}' was cancelled`));
    this.changed();
    await this.running.catch(() => {});
  }

  private stopAll(): void {
    if (this.timer) clearInterval(this.timer);
    for (const u of this.unsubscribe.values()) u();
    this.unsubscribe.clear();
    for (const w of this.completionWaiters.values()) w.reject(new WorkbenchError("CHECKPOINT_DECLINED", "the job ended"));
    this.completionWaiters.clear();
    const cancel = JSON.stringify({ t: "cancel" });
    for (const ws of this.conns.values()) { try { ws.send(cancel); } catch { /* closed */ } }
    setTimeout(() => this.wss?.close(), 200).unref();
  }

  private changed(): void {
    for (const f of this.onUpdate) f();
  }

  /** Latest metrics of every subtask. */
  subtaskMetrics(): SubtaskMetrics[] {
    return [...this.latest.values()].sort((a, b) => a.v - b.v || a.sub - b.sub);
  }

  /** Per task (vertex): records in/out, watermarks (min over subtasks), busy/backpressured/idle shares. */
  getMetrics(): { tasks: Array<Record<string, unknown>>; latency: { p50: number; p99: number; count: number }; checkpoints: CheckpointStats[] } {
    const tasks = this.graph.vertices.map((v) => {
      const subs = this.subtaskMetrics().filter((s) => s.v === v.id);
      const sum = (f: (s: SubtaskMetrics) => number) => subs.reduce((n, s) => n + f(s), 0);
      const total = sum((s) => s.busyMs + s.backpressuredMs + s.idleMs) || 1;
      return {
        id: v.id, name: v.name, parallelism: v.parallelism,
        recordsIn: sum((s) => s.recordsIn), recordsOut: sum((s) => s.recordsOut),
        inputWatermark: subs.length ? Math.min(...subs.map((s) => s.inputWatermark)) : null,
        outputWatermark: subs.length ? Math.min(...subs.map((s) => s.outputWatermark)) : null,
        busy: sum((s) => s.busyMs) / total, backpressured: sum((s) => s.backpressuredMs) / total, idle: sum((s) => s.idleMs) / total,
        queued: sum((s) => s.queued), outHeld: sum((s) => s.outHeld), stateEntries: sum((s) => s.stateEntries),
        operators: v.ops.map((o, i) => ({ name: o.name, recordsIn: sum((s) => s.operators?.[i]?.recordsIn ?? 0), recordsOut: sum((s) => s.operators?.[i]?.recordsOut ?? 0) })),
      };
    });
    return { tasks, latency: this.latency(), checkpoints: [...this.checkpointHistory] };
  }

  /** End-to-end latency from latency markers (ms, source to sink). */
  latency(): { p50: number; p99: number; count: number } {
    const s = [...this.latencySamples].sort((a, b) => a - b);
    const q = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN);
    return { p50: q(0.5), p99: q(0.99), count: s.length };
  }

  /**
   * The kernel's live-display hook (the same Symbol.for key StreamingQuery uses): a job shown as a
   * cell's value re-renders in place at most four times a second while it runs, and once at its end.
   */
  [Symbol.for("bigdata-workbench.liveDisplay")](update: (bundle: Record<string, unknown>) => void): () => void {
    let timer: NodeJS.Timeout | undefined;
    let last = 0;
    const render = () => { timer = undefined; last = Date.now(); update(this._repr_mimebundle_()); };
    const off = this.onChange(() => {
      if (this.status !== "RUNNING") { clearTimeout(timer); render(); off(); return; }
      if (!timer) timer = setTimeout(render, Math.max(0, 250 - (Date.now() - last)));
    });
    return () => { clearTimeout(timer); off(); };
  }

  _repr_mimebundle_(): Record<string, unknown> {
    return { "text/plain": renderJobText(this), "text/html": renderJobHtml(this) };
  }
}
