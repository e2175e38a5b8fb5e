// A running streaming query: Spark's MicroBatchExecution. Each trigger asks the sources for their
// latest offsets; if there is new data (or the watermark moved and a stateful operator has state
// to emit or evict) it writes `offsets/N`, plans batch N over the new offsets only (the streaming
// leaves replaced by the batch's rows) and runs it as jobs on the workers - a stateful operator's
// tasks commit the next version of its state partitions - hands the result to the sink, then
// writes `commits/N` and a progress record. A query restarted on the same checkpoint resumes
// after the last committed batch and first re-runs an uncommitted one with its logged offsets.

import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExecutionError, WorkbenchError } from "../common/errors";
import { withActionCallSite } from "../rdd/call-site";
import { canonical } from "../common/keys";
import { DataFrame, F, type LogicalPlan, type SqlSession, type StructType } from "../sql";
import { parseDuration } from "../sql/expressions/functions-datetime";
import { outputOf } from "../sql/plan/logical-plan";
import { CheckpointDir, type OffsetSeqMetadata } from "./checkpoint-log";
import type { Offset, StreamSource } from "./sources";
import type { StateMetrics } from "./state-store";
import { StreamingAggregation, StreamingDeduplication, type StatefulOperator } from "./stateful-operators";
import { StreamingJoin } from "./stream-join";
import { childrenOf } from "../sql/plan/logical-plan";
import { aggregateWatermarkKey, analyzeStreamingPlan, eventTimeCarrier, nodes, substitute, withOutputOf, type OutputMode, type StreamingPlanInfo } from "./streaming-plan";
import type { StreamSink } from "./sinks";

export type Trigger = { processingTime: string | number } | { once: true } | { availableNow: true } | { continuous: string };

/** Spark's StreamingQueryProgress (the fields this engine reports). */
export interface StreamingQueryProgress {
  id: string;
  runId: string;
  name: string | null;
  timestamp: string;
  batchId: number;
  batchDuration: number;
  numInputRows: number;
  inputRowsPerSecond: number;
  processedRowsPerSecond: number;
  durationMs: Record<string, number>;
  eventTime: Record<string, string>;
  stateOperators: Array<{ operatorName: string; numRowsTotal: number; numRowsUpdated: number; numRowsRemoved: number; numRowsDroppedByWatermark: number; memoryUsedBytes: number; numShufflePartitions: number }>;
  sources: Array<{ description: string; startOffset: unknown; endOffset: unknown; latestOffset: unknown; numInputRows: number; inputRowsPerSecond: number; processedRowsPerSecond: number }>;
  sink: { description: string; numOutputRows: number };
}

export interface StreamingQueryStatus { message: string; isDataAvailable: boolean; isTriggerActive: boolean }

export interface StreamingQueryListener {
  onQueryStarted?(event: { id: string; runId: string; name: string | null; timestamp: string }): void;
  onQueryProgress?(event: { progress: StreamingQueryProgress }): void;
  onQueryIdle?(event: { id: string; runId: string; timestamp: string }): void;
  onQueryTerminated?(event: { id: string; runId: string; exception: string | null }): void;
}

/** A query that stopped because a batch failed (Spark's StreamingQueryException). */
/** What a restarted query found in its checkpoint: the failure replay of a stream. */
export interface QueryRecovery {
  checkpoint: string;
  /** The last batch whose commit was logged (its output is in the sink); undefined when none was. */
  lastCommittedBatch?: number;
  /** Per source (description), the offsets up to which data was committed. */
  sources: string[];
  committedOffsets: string[];
  /** The event-time watermark restored for the next batch (ms). */
  watermarkMs: number;
  /** A batch whose offsets were logged but not committed: it runs again with the same offsets. */
  replayed?: { batchId: number; from: string[]; to: string[] };
}

/** A recovery in words, one line each (the query panel shows them). */
export function recoveryLines(r: QueryRecovery): string[] {
  const lines = [`Restarted from checkpoint ${r.checkpoint}: ${r.lastCommittedBatch === undefined ? "no batch had been committed" : `batch ${r.lastCommittedBatch} was the last committed; its state and offsets were restored`}, watermark ${r.watermarkMs ? new Date(r.watermarkMs).toISOString() : "none yet"}.`];
  if (r.replayed) {
    lines.push(`Batch ${r.replayed.batchId} was planned (offsets logged) but not committed: it runs again with the same offsets, so the sink sees it exactly once.`);
    r.sources.forEach((s, i) => lines.push(`  ${s}: replaying offsets ${r.replayed!.from[i]} -> ${r.replayed!.to[i]}`));
  } else {
    r.sources.forEach((s, i) => lines.push(`  ${s}: continues after offset ${r.committedOffsets[i]}`));
  }
  return lines;
}

export class StreamingQueryException extends ExecutionError {
  constructor(readonly queryId: string, readonly runId: string, readonly batchId: number, cause: unknown) {
    const msg = cause instanceof Error ? cause.message : String(cause);
    super("STREAM_FAILED", `Query [id = ${queryId}, runId = ${runId}] terminated with exception: batch ${batchId} failed: ${msg}`, { cause, parameters: { batchId } });
  }
}

/** What the query needs from its manager (spark.streams). */
export interface QueryHost {
  listeners(): StreamingQueryListener[];
  started(q: StreamingQuery): void;
  terminated(q: StreamingQuery): void;
}

export interface QueryOptions {
  session: SqlSession;
  df: DataFrame;
  sink: StreamSink;
  outputMode: OutputMode;
  trigger?: Trigger;
  queryName?: string;
  checkpointLocation?: string;
  host: QueryHost;
}

/** Test hook: BIGDATA_STREAMING_CRASH_AT="point:batchId" kills the driver process there (crash-recovery tests). */
function crashPoint(point: string, batchId: number): void {
  const at = process.env.BIGDATA_STREAMING_CRASH_AT;
  if (at && at === `${point}:${batchId}`) process.kill(process.pid, "SIGKILL");
}

const POLL_MS = 10;
/** Job group of a streaming query's batch jobs (the notebook's job progress panel skips them). */
export const STREAMING_JOB_GROUP_PREFIX = "streaming:";

export class StreamingQuery {
  readonly id: string;
  readonly runId = randomUUID();
  readonly name: string | null;
  readonly recentProgress: StreamingQueryProgress[] = [];
  readonly sink: StreamSink;
  readonly outputMode: OutputMode;
  private readonly session: SqlSession;
  private readonly plan: LogicalPlan;
  private readonly info: StreamingPlanInfo;
  private readonly sources: StreamSource[];
  /** How this run started from its checkpoint; undefined on a fresh checkpoint (failure replay for streams). */
  recovery?: QueryRecovery;
  private readonly cp: CheckpointDir;
  /** A checkpoint the query made for itself (no checkpointLocation): deleted when it stops cleanly, as Spark does. */
  private readonly tempCheckpoint: boolean;
  private readonly trigger: Trigger;
  private readonly op?: StatefulOperator;
  private readonly host: QueryHost;
  private readonly conf: Record<string, string>;
  private committed: (Offset | undefined)[];
  private nextBatchId = 0;
  private replay?: { batchId: number; ends: (Offset | undefined)[]; meta: OffsetSeqMetadata };
  /** Watermark used by the batch being planned (Spark's batchWatermarkMs). */
  private watermarkMs = 0;
  /** Watermark the last batch ran with: a move beyond it may call for a no-data batch. */
  private lastBatchWatermarkMs = 0;
  private readonly maxEventTime: (number | undefined)[];
  private active = true;
  private stopRequested = false;
  private exc?: StreamingQueryException;
  private statusValue: StreamingQueryStatus = { message: "Initializing sources", isDataAvailable: false, isTriggerActive: false };
  private waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  private inFlight: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  private wakeUp?: () => void;
  private readonly done: Promise<void>;
  private resolveDone!: () => void;
  private lastTriggerStart?: number;
  private lastPlan?: LogicalPlan;
  private readonly log: (s: string) => void = (s) => console.warn(s);

  constructor(o: QueryOptions) {
    this.session = o.session;
    this.plan = o.df.plan;
    this.sink = o.sink;
    this.outputMode = o.outputMode;
    this.trigger = o.trigger ?? { processingTime: 0 };
    if ("continuous" in this.trigger) throw new WorkbenchError("UNSUPPORTED_FEATURE", "Continuous processing is not supported; the continuous-dataflow engine (lecture 8, part 2) covers it.");
    this.host = o.host;
    this.name = o.queryName ?? null;
    this.info = analyzeStreamingPlan(this.plan, this.outputMode);
    this.sources = this.info.leaves.map((l) => l.source);
    this.maxEventTime = this.info.watermarks.map(() => undefined);
    this.tempCheckpoint = o.checkpointLocation === undefined;
    this.cp = new CheckpointDir(o.checkpointLocation ?? mkdtempSync(join(tmpdir(), "temporary-")));
    this.id = this.cp.queryId(() => randomUUID());
    // The configuration fixed for the life of the checkpoint (the number of state partitions).
    const first = this.cp.readOffsets(0);
    const shuffle = first?.meta.conf["spark.sql.shuffle.partitions"] ?? String(this.session.settings().shufflePartitions);
    this.conf = { "spark.sql.shuffle.partitions": shuffle };
    this.committed = this.sources.map(() => undefined);
    if (this.info.stateful) {
      const st = this.info.stateful, numPartitions = Number(shuffle);
      // Operator 0's state partitions live on the workers: state/0 (the join's: state/0-left, state/0-right).
      const home = { operatorDir: join(this.cp.stateDir, "0"), runId: this.runId, numPartitions };
      const wmIds = new Set(this.info.watermarks.map((w) => w.spec.attr.id));
      this.op = st.kind === "Aggregate" ? new StreamingAggregation(st, home, this.outputMode, aggregateWatermarkKey(st, this.info), eventTimeCarrier(st, this.info))
        : st.kind === "Deduplicate" ? new StreamingDeduplication(st, home, wmIds)
        : new StreamingJoin(st, home, wmIds);
    }
    this.recover();
    this.done = new Promise((r) => (this.resolveDone = r));
  }

  private recover(): void {
    const lastOffsets = this.cp.offsets.latest();
    if (!lastOffsets) return;
    const n = lastOffsets.batchId;
    const commit = this.cp.readCommit(n);
    const logged = this.cp.readOffsets(n)!;
    const text = (o: Offset | undefined) => (o === undefined ? "(start)" : JSON.stringify(o) ?? String(o));
    const names = this.sources.map((s) => s.description);
    if (commit) {
      this.recovery = {
        checkpoint: this.cp.root, lastCommittedBatch: n, sources: names,
        committedOffsets: logged.offsets.map(text), watermarkMs: commit.nextBatchWatermarkMs,
      };
    } else {
      const prev = n > 0 ? this.cp.readOffsets(n - 1) : undefined;
      this.recovery = {
        checkpoint: this.cp.root, ...(n > 0 ? { lastCommittedBatch: n - 1 } : {}), sources: names,
        committedOffsets: (prev ? prev.offsets : this.sources.map(() => undefined)).map(text), watermarkMs: logged.meta.batchWatermarkMs,
        replayed: { batchId: n, from: (prev ? prev.offsets : this.sources.map(() => undefined)).map(text), to: logged.offsets.map(text) },
      };
    }
    if (commit) {
      this.committed = logged.offsets;
      this.nextBatchId = n + 1;
      this.watermarkMs = commit.nextBatchWatermarkMs;
      this.lastBatchWatermarkMs = logged.meta.batchWatermarkMs;
    } else {
      const prev = n > 0 ? this.cp.readOffsets(n - 1) : undefined;
      this.committed = prev ? prev.offsets : this.sources.map(() => undefined);
      this.nextBatchId = n;
      this.watermarkMs = logged.meta.batchWatermarkMs;
      this.lastBatchWatermarkMs = prev?.meta.batchWatermarkMs ?? 0;
      this.replay = { batchId: n, ends: logged.offsets, meta: logged.meta };
    }
  }

  /** @internal started by DataStreamWriter.start() */
  _start(): void {
    this.sources.forEach((s, i) => s.open?.({ log: this.cp.sourceLog(i) }));
    for (const s of this.sources) s.onData = () => this.wakeUp?.();
    const ts = new Date().toISOString();
    this.host.started(this);
    for (const l of this.host.listeners()) l.onQueryStarted?.({ id: this.id, runId: this.runId, name: this.name, timestamp: ts });
    void this.loop();
  }

  get isActive(): boolean { return this.active; }
  get status(): StreamingQueryStatus { return { ...this.statusValue }; }
  get lastProgress(): StreamingQueryProgress | null { return this.recentProgress[this.recentProgress.length - 1] ?? null; }
  get checkpointLocation(): string { return this.cp.root; }
  exception(): StreamingQueryException | null { return this.exc ?? null; }

  /** The plan of the last batch (or of the query before any batch ran). */
  explain(extended = false): void { console.log(this.explainString(extended)); }
  explainString(extended = false): string {
    return new DataFrame(this.session, this.lastPlan ?? this.plan).explainString(extended ? "extended" : "simple");
  }

  /** Resolves when everything the sources had when it was called has been processed. */
  processAllAvailable(): Promise<void> {
    if (this.exc) return Promise.reject(this.exc);
    if (!this.active) return Promise.resolve();
    return new Promise((resolve, reject) => { this.waiters.push({ resolve, reject }); this.wakeUp?.(); });
  }

  /** Wait for the query to stop (true) or for timeoutMs (false); rejects with the query's exception. */
  async awaitTermination(timeoutMs?: number): Promise<boolean> {
    if (timeoutMs === undefined) { await this.done; if (this.exc) throw this.exc; return true; }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([this.done.then(() => false), new Promise<boolean>((r) => { timer = setTimeout(() => r(true), timeoutMs); })]);
    clearTimeout(timer);
    if (this.exc) throw this.exc;
    return !timedOut;
  }

  /** Stop after the running batch (if any) finishes; resolves when the query has terminated. */
  async stop(): Promise<void> {
    this.stopRequested = true;
    this.wakeUp?.();
    await this.done;
  }

  toString(): string {
    return `<StreamingQuery ${this.name ?? ""} id=${this.id} runId=${this.runId} active=${this.active}>`;
  }

  // ---- the trigger loop --------------------------------------------------------------------------

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.wakeUp = undefined; resolve(); }, ms);
      this.wakeUp = () => { clearTimeout(t); this.wakeUp = undefined; resolve(); };
    });
  }

  private intervalMs(): number {
    const t = this.trigger;
    if ("processingTime" in t) {
      const ms = typeof t.processingTime === "number" ? t.processingTime : parseDuration(t.processingTime);
      if (ms === null || ms < 0) throw new WorkbenchError("INVALID_PARAMETER_VALUE", `Invalid trigger interval '${t.processingTime}'`);
      return ms;
    }
    return 0;
  }

  private async loop(): Promise<void> {
    let current = this.nextBatchId;
    try {
      const interval = this.intervalMs();
      const once = "once" in this.trigger, availableNow = "availableNow" in this.trigger;
      while (!this.stopRequested) {
        const waiting = this.waiters.splice(0);
        this.inFlight = waiting;
        const start = Date.now();
        this.statusValue = { message: "Processing new data", isDataAvailable: true, isTriggerActive: true };
        current = this.nextBatchId;
        const ran = await this.trigger1();
        this.inFlight = [];
        if (ran) this.waiters.unshift(...waiting);
        else {
          for (const w of waiting) w.resolve();
          const ts = new Date().toISOString();
          for (const l of this.host.listeners()) l.onQueryIdle?.({ id: this.id, runId: this.runId, timestamp: ts });
        }
        this.statusValue = { message: "Waiting for data to arrive", isDataAvailable: false, isTriggerActive: false };
        if (once || (availableNow && !ran)) break;
        if (this.stopRequested) break;
        const spent = Date.now() - start;
        if (interval > 0) {
          if (ran && spent > interval) this.log(`Current batch is falling behind. The trigger interval is ${interval} milliseconds, but spent ${spent} milliseconds`);
          else await this.sleep(interval - (spent % interval));
        } else if (!ran) await this.sleep(POLL_MS);
      }
    } catch (e) {
      // stop() during a batch (e.g. a notebook interrupt cancels its jobs) ends the query cleanly;
      // the batch stays uncommitted and re-runs on restart.
      if (!this.stopRequested) this.exc = new StreamingQueryException(this.id, this.runId, current, e);
    } finally {
      this.active = false;
      this.statusValue = { message: "Stopped", isDataAvailable: false, isTriggerActive: false };
      for (const s of this.sources) s.stop?.();
      for (const s of this.sources) s.onData = undefined;
      for (const w of [...this.inFlight.splice(0), ...this.waiters.splice(0)]) (this.exc ? w.reject(this.exc) : w.resolve());
      if (this.tempCheckpoint && !this.exc) rmSync(this.cp.root, { recursive: true, force: true });
      this.host.terminated(this);
      for (const l of this.host.listeners()) l.onQueryTerminated?.({ id: this.id, runId: this.runId, exception: this.exc ? this.exc.message : null });
      this.resolveDone();
      this.notify();
    }
  }

  private readonly subscribers = new Set<() => void>();
  /** @internal called after every batch and when the query terminates (the notebook's live panel). */
  _subscribe(fn: () => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }
  private notify(): void {
    for (const f of this.subscribers) {
      try { f(); } catch { /* a display must not break the query */ }
    }
  }
  /** The rows the sink received in the last batch, and their schema (for displays). */
  lastBatch?: { batchId: number; rows: unknown[][]; schema: StructType };

  /** Spark runs a batch without data when the watermark moved and a stateful operator would evict or emit. */
  private noDataBatchNeeded(): boolean {
    if (!this.op || this.outputMode === "complete" || !this.info.watermarks.length) return false;
    if (this.op instanceof StreamingAggregation && !aggregateWatermarkKey(this.op.node, this.info)) return false;
    return this.nextBatchId > 0 && this.watermarkMs > this.lastBatchWatermarkMs;
  }

  /** One trigger: run the pending batch if there is one. Returns whether a batch ran. */
  private async trigger1(): Promise<boolean> {
    const durations: Record<string, number> = {};
    const t0 = Date.now();
    if (this.replay) {
      const r = this.replay;
      this.replay = undefined;
      await this.runBatch(r.batchId, r.ends, r.meta, durations, t0);
      return true;
    }
    const ends = await Promise.all(this.sources.map((s, i) => s.latestOffset(this.committed[i])));
    durations.latestOffset = Date.now() - t0;
    const hasData = ends.some((e, i) => e !== undefined && canonical(e) !== canonical(this.committed[i]));
    if (!hasData && !this.noDataBatchNeeded()) return false;
    const batchId = this.nextBatchId;
    const meta: OffsetSeqMetadata = { batchWatermarkMs: this.watermarkMs, batchTimestampMs: Date.now(), conf: this.conf };
    const tw = Date.now();
    crashPoint("beforeOffsets", batchId);
    this.cp.writeOffsets(batchId, meta, ends);
    crashPoint("afterOffsets", batchId);
    durations.walCommit = Date.now() - tw;
    await this.runBatch(batchId, ends, meta, durations, t0);
    return true;
  }

  /** The batch's jobs run in the job group `streaming:<runId>` (Spark uses the runId), so they can be told apart. */
  private async runBatch(batchId: number, ends: (Offset | undefined)[], meta: OffsetSeqMetadata, durations: Record<string, number>, t0: number): Promise<void> {
    const sc = this.session.sparkContext as { setLocalProperty?(k: string, v: string | null): void; getLocalProperty?(k: string): string | undefined };
    const prev = sc.getLocalProperty?.("spark.jobGroup.id");
    sc.setLocalProperty?.("spark.jobGroup.id", `${STREAMING_JOB_GROUP_PREFIX}${this.runId}`);
    try {
      // The batch's stages read "... at <query> batch N" in the job views.
      await withActionCallSite(`batch at ${this.name ?? `query ${this.id.slice(0, 8)}`} batch ${batchId}`, () => this.runBatchJobs(batchId, ends, meta, durations, t0));
    } finally {
      sc.setLocalProperty?.("spark.jobGroup.id", prev ?? null);
    }
  }

  private async runBatchJobs(batchId: number, ends: (Offset | undefined)[], meta: OffsetSeqMetadata, durations: Record<string, number>, t0: number): Promise<void> {
    const session = this.session;
    this.watermarkMs = meta.batchWatermarkMs;
    const starts = this.committed;
    // getBatch: each streaming leaf becomes this batch's rows (same attribute ids).
    const tg = Date.now();
    const subs = new Map<object, LogicalPlan>();
    const perSource: number[] = [];
    for (let i = 0; i < this.info.leaves.length; i++) {
      const { node, source } = this.info.leaves[i]!;
      const end = ends[i];
      const empty = end === undefined || canonical(end) === canonical(starts[i]);
      const batch = empty ? { kind: "LocalRelation", output: outputOf(node), rows: [] } as LogicalPlan : withOutputOf(source.getBatch(session, starts[i], end).plan, node);
      subs.set(node, batch);
      perSource.push(empty ? 0 : source.rowsBetween?.(starts[i], end!) ?? await new DataFrame(session, batch).count());
    }
    durations.getBatch = Date.now() - tg;
    const numInputRows = perSource.reduce((a, b) => a + b, 0);
    // Event-time statistics per watermark operator (a small job over the batch), unless the
    // aggregation's own job computes them.
    const stats: Array<{ min: number; max: number; sum: number; n: number }> = [];
    const carried = this.op instanceof StreamingAggregation && this.op.eventTimeAttr !== undefined;
    const addStats = (i: number, min: number, max: number, n: number, sumSeconds: number) => {
      this.maxEventTime[i] = Math.max(this.maxEventTime[i] ?? -Infinity, max);
      stats.push({ min, max, sum: sumSeconds * 1000, n });
    };
    for (let i = 0; i < this.info.watermarks.length; i++) {
      const { node, spec } = this.info.watermarks[i]!;
      if (!numInputRows || carried) continue;
      const c = F.col(spec.attr.name);
      const [r] = await new DataFrame(session, substitute(node, subs)).agg(F.min(c), F.max(c), F.count(c), F.avg(c.cast("double"))).collectInternal();
      const [mn, mx, n, avgSeconds] = r as [Date | null, Date | null, number, number | null];
      if (mx) addStats(i, mn!.getTime(), mx.getTime(), Number(n), Number(avgSeconds) * Number(n));
    }
    crashPoint("midBatch", batchId);
    // The stateful operator (if any) runs over its input, then the rest of the plan over its output.
    let rows: unknown[][];
    let dropped = 0;
    let stateMetrics: StateMetrics | undefined;
    const tq = Date.now();
    if (this.op && this.info.stateful) {
      const tp = Date.now();
      // A batch without data whose operator input reads only streaming sources has no input rows.
      const inputs = childrenOf(this.info.stateful).map((c) => (numInputRows === 0 && this.onlyStreamingLeaves(c) ? null : substitute(c, subs)));
      durations.queryPlanning = Date.now() - tp;
      const res = await this.op.run(session, inputs, this.watermarkMs, batchId, this.lastBatchWatermarkMs);
      dropped = res.numRowsDroppedByWatermark;
      stateMetrics = res.metrics;
      if (res.eventTime && res.eventTime.n > 0) addStats(0, res.eventTime.min, res.eventTime.max, res.eventTime.n, res.eventTime.sumSeconds);
      const local: LogicalPlan = { kind: "LocalRelation", output: outputOf(this.info.stateful), rows: res.rows };
      subs.set(this.info.stateful, local);
      const plan = substitute(this.plan, subs);
      this.lastPlan = plan;
      rows = plan === local ? res.rows : await new DataFrame(session, plan).collectInternal();
    } else {
      const tp = Date.now();
      const plan = substitute(this.plan, subs);
      durations.queryPlanning = Date.now() - tp;
      this.lastPlan = plan;
      rows = await new DataFrame(session, plan).collectInternal();
    }
    crashPoint("beforeSink", batchId);
    const schema: StructType = new DataFrame(session, this.plan).schema;
    await this.sink.addBatch({ batchId, rows, schema, mode: this.outputMode, session });
    this.lastBatch = { batchId, rows: rows.slice(0, 1000), schema };
    durations.addBatch = Date.now() - tq;
    crashPoint("beforeCommit", batchId);
    // The next batch's watermark: max event time seen minus the delay (the minimum over operators).
    const candidates = this.info.watermarks.map((w, i) => (this.maxEventTime[i] === undefined ? undefined : this.maxEventTime[i]! - w.spec.delayMs))
      .filter((x): x is number => x !== undefined);
    const batchWatermark = this.watermarkMs;
    if (candidates.length) this.watermarkMs = Math.max(this.watermarkMs, Math.min(...candidates));
    const tc = Date.now();
    this.cp.writeCommit(batchId, this.watermarkMs);
    crashPoint("afterCommit", batchId);
    durations.commitOffsets = Date.now() - tc;
    this.lastBatchWatermarkMs = batchWatermark;
    this.committed = ends;
    this.nextBatchId = batchId + 1;
    durations.triggerExecution = Date.now() - t0;
    this.report(batchId, t0, numInputRows, perSource, starts, ends, durations, stats, batchWatermark, dropped, stateMetrics);
  }

  private onlyStreamingLeaves(p: LogicalPlan): boolean {
    return nodes(p).every((n) => childrenOf(n).length > 0 || this.info.leaves.some((l) => l.node === n));
  }

  private report(batchId: number, t0: number, numInputRows: number, perSource: number[], starts: (Offset | undefined)[], ends: (Offset | undefined)[],
    durations: Record<string, number>, stats: Array<{ min: number; max: number; sum: number; n: number }>, batchWatermark: number, dropped: number,
    state: StateMetrics | undefined): void {
    const sinceLast = this.lastTriggerStart === undefined ? 0 : (t0 - this.lastTriggerStart) / 1000;
    this.lastTriggerStart = t0;
    const exec = Math.max(durations.triggerExecution ?? 0, 1) / 1000;
    const rate = (n: number) => (sinceLast > 0 ? n / sinceLast : 0);
    const eventTime: Record<string, string> = {};
    if (stats.length) {
      const mn = Math.min(...stats.map((s) => s.min)), mx = Math.max(...stats.map((s) => s.max));
      eventTime.min = new Date(mn).toISOString();
      eventTime.max = new Date(mx).toISOString();
      const n = stats.reduce((a, x) => a + x.n, 0);
      eventTime.avg = new Date(Math.round(stats.reduce((a, x) => a + x.sum, 0) / n)).toISOString();
    }
    if (this.info.watermarks.length) eventTime.watermark = new Date(batchWatermark).toISOString();
    const progress: StreamingQueryProgress = {
      id: this.id, runId: this.runId, name: this.name, timestamp: new Date(t0).toISOString(), batchId,
      batchDuration: durations.triggerExecution ?? 0, numInputRows,
      inputRowsPerSecond: rate(numInputRows), processedRowsPerSecond: numInputRows / exec,
      durationMs: durations, eventTime,
      stateOperators: this.op && state ? [{
        operatorName: this.op.operatorName, numRowsTotal: state.numRowsTotal, numRowsUpdated: state.numRowsUpdated, numRowsRemoved: state.numRowsRemoved,
        numRowsDroppedByWatermark: dropped, memoryUsedBytes: state.memoryUsedBytes, numShufflePartitions: this.op.numPartitions,
      }] : [],
      sources: this.sources.map((src, i) => ({
        description: src.description, startOffset: starts[i] ?? null, endOffset: ends[i] ?? null, latestOffset: ends[i] ?? null,
        numInputRows: perSource[i]!, inputRowsPerSecond: rate(perSource[i]!), processedRowsPerSecond: perSource[i]! / exec,
      })),
      sink: { description: this.sink.description, numOutputRows: this.sink.lastOutputRows ?? -1 },
    };
    Object.defineProperties(progress, {
      json: { get: () => JSON.stringify(progress), enumerable: false },
      prettyJson: { get: () => JSON.stringify(progress, null, 2), enumerable: false },
      _repr_mimebundle_: { value: () => ({ "text/plain": JSON.stringify(progress, null, 2), "application/json": JSON.parse(JSON.stringify(progress)) as unknown }), enumerable: false },
    });
    this.recentProgress.push(progress);
    const keep = Number(this.session.conf.get("spark.sql.streaming.numRecentProgressUpdates") ?? 100);
    while (this.recentProgress.length > keep) this.recentProgress.shift();
    for (const l of this.host.listeners()) l.onQueryProgress?.({ progress });
    this.notify();
  }
}
