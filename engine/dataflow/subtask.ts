// One subtask of a task (a chain of operators) running in a slot: a source loop or an input loop
// over its input gate, the chain, the output channels (partitioned forward / by key group /
// round robin), watermark tracking (min over input channels), checkpoint barriers (aligned for
// exactly-once, unaligned counting for at-least-once; stop-the-world markers drain and wait) and
// its metrics.

import { mkdirSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ExecutionError } from "../common/errors";
import { InputGate, OutputChannel, type ChannelTransport, type InputChannel } from "./channels";
import { keyGroupOf, ownsKeyText, subtaskOfKeyGroup } from "./key-groups";
import type { Emitter, Operator } from "./operator-api";
import { createOperator, rescaleOperatorState } from "./operators";
import type { TaskShape } from "./savepoints";
import { createSourceReader, type SourceReader } from "./sources";
import { KeyedStateBackend, OperatorStateStore } from "./state";
import type { CheckpointKind, JobGraph, OperatorMetrics, RuntimeConfig, StreamElement, VertexSpec } from "./types";
import { MAX_WATERMARK, MIN_WATERMARK } from "./windows";

export interface SubtaskHost {
  transport: ChannelTransport;
  toHub(msg: Record<string, unknown>): void;
  config: RuntimeConfig;
  graph: JobGraph;
  checkpointPath(id: number): string;
  isCancelled(): boolean;
}

interface OutGroup { to: VertexSpec; partitioning: string; keySelector?: (v: unknown) => unknown; tag?: string; channels: OutputChannel[]; rr: number }

/** A channel's name: producer vertex.subtask > consumer vertex.subtask # the consumer's input edge. */
const chName = (fv: number, fs: number, tv: number, ts: number, edge: number) => `${fv}.${fs}>${tv}.${ts}#${edge}`;
const tick = () => new Promise<void>((r) => setImmediate(r));

export class Subtask {
  readonly ops: Operator[];
  readonly keyed = new KeyedStateBackend();
  readonly opState = new OperatorStateStore();
  readonly gate: InputGate;
  readonly groups: OutGroup[] = [];
  readonly outChannels = new Map<string, OutputChannel>();
  private emitters: Emitter[] = [];
  /** Records each operator of the chain emitted. */
  private opOut: number[] = [];
  /** What a source subtask reads from (its position is part of every snapshot). */
  readonly reader: SourceReader | undefined;
  inputWatermark = MIN_WATERMARK;
  outputWatermark = MIN_WATERMARK;
  done = false;
  paused = false;
  pendingTrigger: { id: number; kind: CheckpointKind } | undefined;
  private resumeWaiter: (() => void) | undefined;
  private alignStart = 0;
  private alignId = -1;
  readonly m: OperatorMetrics = { recordsIn: 0, recordsOut: 0, inputWatermark: MIN_WATERMARK, outputWatermark: MIN_WATERMARK, busyMs: 0, backpressuredMs: 0, idleMs: 0, queued: 0 };
  latencies: number[] = [];
  private lastMarker = 0;

  constructor(readonly v: VertexSpec, readonly sub: number, private readonly host: SubtaskHost) {
    this.gate = new InputGate(host.transport, MIN_WATERMARK);
    this.reader = v.source ? createSourceReader(v.source, sub, v.parallelism) : undefined;
    v.inputs.forEach((e, ei) => {
      const up = host.graph.vertices.find((x) => x.id === e.from)!;
      for (let s = 0; s < up.parallelism; s++) {
        if (e.partitioning === "forward" && up.parallelism === v.parallelism && s !== sub) continue;
        this.gate.addChannel(chName(up.id, s, v.id, sub, ei), s, e.side ?? 1);
      }
    });
    for (const outId of v.outputs) {
      const to = host.graph.vertices.find((x) => x.id === outId)!;
      for (const [ei, e] of to.inputs.entries()) {
        if (e.from !== v.id) continue;
        const g: OutGroup = { to, partitioning: e.partitioning, keySelector: e.keySelector, tag: (e as { tag?: string }).tag, channels: [], rr: sub };
        for (let s = 0; s < to.parallelism; s++) {
          if (e.partitioning === "forward" && to.parallelism === v.parallelism && s !== sub) continue;
          const ch = chName(v.id, sub, to.id, s, ei);
          const oc = this.outChannels.get(ch) ?? new OutputChannel(ch, s, host.transport, host.config);
          this.outChannels.set(ch, oc);
          g.channels.push(oc);
        }
        this.groups.push(g);
      }
    }
    const env = { keyed: this.keyed, opState: this.opState, subtask: sub, parallelism: v.parallelism, name: v.name, watermarkInterval: host.config.watermarkInterval };
    this.ops = v.ops.map((o) => createOperator(o, { ...env, name: o.name }));
    const last: Emitter = {
      collect: (x, ts) => this.emitRecord(x, ts, undefined),
      side: (tag, x, ts) => this.emitRecord(x, ts, tag),
      watermark: (t) => { if (t > this.outputWatermark) { this.outputWatermark = t; this.broadcast({ k: "w", t }, t >= MAX_WATERMARK); } },
      status: (idle) => this.setOutputIdle(idle),
    };
    // emitters[i] is what operator i writes to: the next operator of the chain, or the task's outputs;
    // it counts operator i's records out (per-operator metrics of a chain)
    const n = this.ops.length;
    this.opOut = new Array(n).fill(0);
    this.emitters = new Array(n + 1);
    this.emitters[n] = last;
    for (let i = n - 1; i >= 0; i--) {
      const next = this.emitters[i + 1];
      this.emitters[i] = i === n - 1
        ? { ...last, collect: (x, ts) => { this.opOut[i]++; last.collect(x, ts); } }
        : {
          collect: (x, ts) => { this.opOut[i]++; this.ops[i + 1].processElement(x, ts, this.emitters[i + 1]); },
          side: next.side,
          watermark: (t) => this.ops[i + 1].processWatermark(t, this.emitters[i + 1]),
          status: next.status,
        };
    }
  }

  /** The emitter that feeds the chain's first operator (or the outputs when the chain is empty). */
  private get head(): Emitter {
    if (!this.ops.length) return this.emitters[0];
    return { collect: (x, ts) => this.ops[0].processElement(x, ts, this.emitters[0]), side: this.emitters[0].side, watermark: (t) => this.ops[0].processWatermark(t, this.emitters[0]), status: this.emitters[0].status };
  }

  private emitRecord(v: unknown, ts: number | undefined, tag: string | undefined): void {
    this.m.recordsOut++;
    for (const g of this.groups) {
      if (g.tag !== tag) continue;
      if (g.partitioning === "hash") {
        const key = g.keySelector!(v);
        const s = subtaskOfKeyGroup(keyGroupOf(key, this.host.graph.maxParallelism), this.host.graph.maxParallelism, g.to.parallelism);
        g.channels[s].push({ k: "r", v, ts, key });
      } else if (g.channels.length === 1) g.channels[0].push({ k: "r", v, ts });
      else { g.rr = (g.rr + 1) % g.channels.length; g.channels[g.rr].push({ k: "r", v, ts }); }
    }
  }

  private outputIdle = false;
  private setOutputIdle(idle: boolean): void {
    if (idle === this.outputIdle) return;
    this.outputIdle = idle;
    this.broadcast({ k: "s", idle }, true);
  }

  private broadcast(el: StreamElement, urgent: boolean): void {
    for (const g of this.groups) for (const c of g.channels) c.push(el, urgent);
  }

  get backpressured(): boolean {
    for (const c of this.outChannels.values()) if (c.backpressured) return true;
    return false;
  }
  private async whenWritable(): Promise<void> {
    for (const c of this.outChannels.values()) if (c.backpressured) await c.whenWritable();
  }

  /** Restore from a completed checkpoint or savepoint directory; a keyed task whose parallelism changed takes its key groups from every old subtask. */
  restore(dir: string, old: TaskShape | undefined): void {
    const read = (sub: number) => JSON.parse(readFileSync(join(dir, `${this.v.id}-${sub}.json`), "utf8"));
    if (!old || old.parallelism === this.v.parallelism) {
      const s = read(this.sub);
      this.reader?.restore(s.src);
      this.keyed.restore(s.keyed);
      this.opState.restore(s.opState);
      s.ops.forEach((x: unknown, i: number) => this.ops[i].restore(x));
      return;
    }
    const maxP = this.host.graph.maxParallelism;
    const owns = (keyText: string) => ownsKeyText(keyText, this.sub, maxP, this.v.parallelism);
    const snaps = Array.from({ length: old.parallelism }, (_, s) => read(s));
    this.keyed.restoreMany(snaps.map((s) => s.keyed), owns);
    this.opState.restoreMany(snaps.map((s) => s.opState), this.sub, this.v.parallelism);
    this.ops.forEach((o, i) => o.restore(rescaleOperatorState(this.v.ops[i].kind, snaps.map((s) => s.ops[i]), owns)));
  }

  /** Synchronous copy of the state (the snapshot's synchronous part); the write happens asynchronously. */
  async snapshot(id: number, extra: Record<string, unknown> = {}): Promise<void> {
    const text = JSON.stringify({ src: this.reader?.snapshot() ?? null, keyed: this.keyed.snapshot(), opState: this.opState.snapshot(), ops: this.ops.map((o) => o.snapshot()) });
    const out: unknown[] = [];
    for (const o of this.ops) if (o.takePending) out.push(...o.takePending());
    const sinkId = this.sinkId();
    const dir = this.host.checkpointPath(id);
    mkdirSync(dir, { recursive: true });
    await writeFile(join(dir, `${this.v.id}-${this.sub}.json`), text);
    this.host.toHub({ t: "ack", id, v: this.v.id, sub: this.sub, bytes: text.length, sinkId, out, ...extra });
  }

  private sinkId(): string | undefined {
    const s = this.v.ops.find((o) => o.kind === "sink");
    return s ? String((s.args as { sinkId: string }).sinkId) : undefined;
  }

  // ---------------------------------------------------------------- source loop
  async runSource(): Promise<void> {
    const reader = this.reader!;
    const src = this.v.source!;
    const ratePerSub = src.rate ? src.rate / this.v.parallelism : 0;
    let t0 = Date.now();
    let emitted = 0; // records since t0 (the rate limit's clock)
    const head = this.head;
    const cfg = this.host.config;
    let last = Date.now();
    while (!reader.done) {
      if (this.host.isCancelled()) return;
      if (this.pendingTrigger) await this.sourceBarrier();
      if (this.paused) {
        const w0 = Date.now();
        await new Promise<void>((r) => { this.resumeWaiter = r; });
        this.m.idleMs += Date.now() - w0;
        t0 = Date.now(); emitted = 0; last = Date.now();
        continue;
      }
      if (this.backpressured) {
        const b0 = Date.now();
        await this.whenWritable();
        this.m.backpressuredMs += Date.now() - b0;
        last = Date.now();
        continue;
      }
      if (ratePerSub) {
        const due = t0 + (emitted * 1000) / ratePerSub;
        const now = Date.now();
        if (due > now + 1) {
          this.m.busyMs += now - last;
          await new Promise((r) => setTimeout(r, Math.min(50, due - now)));
          this.m.idleMs += Date.now() - now; last = Date.now();
          continue;
        }
      }
      let k = 0;
      while (k < 64 && !this.backpressured) {
        if (ratePerSub && t0 + (emitted * 1000) / ratePerSub > Date.now() + 1) break;
        const el = reader.poll();
        if (!el) break;
        k++;
        if ("wm" in el) { head.watermark(el.wm); continue; }
        emitted++;
        this.m.recordsIn++;
        head.collect(el.v, el.ts);
      }
      if (cfg.latencyTrackingInterval > 0 && Date.now() - this.lastMarker >= cfg.latencyTrackingInterval) {
        this.lastMarker = Date.now();
        this.forwardMarker({ k: "l", t0: this.lastMarker, src: `${this.v.id}.${this.sub}` });
      }
      const now = Date.now();
      this.m.busyMs += now - last;
      if (k === 0 && !reader.done) {
        // nothing to read now (an unbounded source): wait for data, but still serve barriers and cancellation
        await Promise.race([reader.whenAvailable(), new Promise((r) => setTimeout(r, 20))]);
        this.m.idleMs += Date.now() - now;
      } else await tick();
      last = Date.now();
    }
    if (this.host.isCancelled()) return;
    if (this.pendingTrigger) await this.sourceBarrier();
    head.watermark(MAX_WATERMARK);
    await this.finishChain();
  }

  private async sourceBarrier(): Promise<void> {
    const trig = this.pendingTrigger!;
    this.pendingTrigger = undefined;
    if (trig.kind === "stop-the-world") {
      this.paused = true;
      this.broadcast({ k: "b", id: trig.id, mode: trig.kind }, true);
      this.host.toHub({ t: "drained", id: trig.id, v: this.v.id, sub: this.sub });
      return;
    }
    const snap = this.snapshot(trig.id, { alignMs: 0, alignBuffered: 0 });
    this.broadcast({ k: "b", id: trig.id, mode: trig.kind }, true);
    await snap;
  }

  resume(): void {
    this.paused = false;
    const r = this.resumeWaiter;
    this.resumeWaiter = undefined;
    r?.();
  }

  private forwardMarker(el: StreamElement): void {
    const chans = [...this.outChannels.values()];
    if (chans.length) chans[Math.floor(Math.random() * chans.length)].push(el);
  }

  private async finishChain(): Promise<void> {
    this.ops.forEach((o, i) => o.finish?.(this.emitters[i]));
    this.broadcast({ k: "e" }, true);
    this.done = true;
    // end of partition is only delivered once the consumers grant credit for the last buffers
    while (this.backpressured && !this.host.isCancelled()) await Promise.race([this.whenWritable(), new Promise((r) => setTimeout(r, 50))]);
    const out: unknown[] = [];
    for (const o of this.ops) if (o.takePending) out.push(...o.takePending());
    this.host.toHub({ t: "finished", v: this.v.id, sub: this.sub, sinkId: this.sinkId(), out });
  }

  // ---------------------------------------------------------------- input loop
  async runInput(): Promise<void> {
    const head = this.head;
    let last = Date.now();
    let n = 0;
    while (!this.done) {
      if (this.host.isCancelled()) return;
      if (this.backpressured) {
        this.m.busyMs += Date.now() - last;
        const b0 = Date.now();
        await this.whenWritable();
        this.m.backpressuredMs += Date.now() - b0;
        last = Date.now();
        continue;
      }
      const x = this.gate.next();
      if (!x) {
        this.m.busyMs += Date.now() - last;
        const i0 = Date.now();
        await this.gate.whenAvailable();
        this.m.idleMs += Date.now() - i0;
        last = Date.now();
        continue;
      }
      await this.handle(x.c, x.el, head);
      if (++n % 256 === 0) {
        this.m.busyMs += Date.now() - last;
        await tick();
        last = Date.now();
      }
    }
  }

  private async handle(c: InputChannel, el: StreamElement, head: Emitter): Promise<void> {
    switch (el.k) {
      case "r":
        this.m.recordsIn++;
        if (this.v.keyed) this.keyed.setCurrentKey(el.key);
        if (c.side === 2) this.ops[0].processElement2!(el.v, el.ts, this.emitters[0]);
        else head.collect(el.v, el.ts);
        return;
      case "w": {
        c.watermark = el.t;
        this.advanceWatermark(head);
        return;
      }
      case "s":
        c.idle = el.idle;
        this.advanceWatermark(head);
        // every input idle: this subtask is idle for its consumers too
        this.setOutputIdle(this.gate.channels.every((x) => x.idle || x.ended));
        return;
      case "l":
        if (!this.groups.length) this.latencies.push(Date.now() - el.t0);
        else this.forwardMarker(el);
        return;
      case "e":
        c.ended = true;
        c.watermark = MAX_WATERMARK;
        this.advanceWatermark(head);
        if (this.alignId >= 0) await this.checkAligned();
        if (this.gate.channels.every((x) => x.ended)) await this.finishChain();
        return;
      case "b":
        await this.onBarrier(c, el.id, el.mode);
        return;
    }
  }

  private advanceWatermark(head: Emitter): void {
    let min = MAX_WATERMARK;
    let active = 0;
    for (const x of this.gate.channels) if (!x.idle) { active++; if (x.watermark < min) min = x.watermark; }
    if (active && min > this.inputWatermark) {
      this.inputWatermark = min;
      head.watermark(min);
    }
  }

  private async onBarrier(c: InputChannel, id: number, mode: CheckpointKind): Promise<void> {
    if (id !== this.alignId) {
      if (id < this.alignId) return; // stale barrier of an aborted checkpoint
      this.alignId = id;
      this.alignStart = Date.now();
      this.alignMode = mode;
      for (const x of this.gate.channels) { x.barrier = -1; x.blocked = false; }
    }
    c.barrier = id;
    // exactly-once: hold this channel's later records until every channel delivered barrier `id`
    if (this.host.config.mode === "exactly_once") c.blocked = true;
    await this.checkAligned();
  }
  private alignMode: CheckpointKind = "barrier";

  private async checkAligned(): Promise<void> {
    if (this.alignId < 0) return;
    if (!this.gate.channels.every((x) => x.ended || x.barrier === this.alignId)) return;
    const id = this.alignId;
    const alignMs = Date.now() - this.alignStart;
    const alignBuffered = this.gate.queuedOnBlocked();
    this.alignId = -1;
    if (this.alignMode === "stop-the-world") {
      this.broadcast({ k: "b", id, mode: this.alignMode }, true);
      this.host.toHub({ t: "drained", id, v: this.v.id, sub: this.sub });
    } else {
      const snap = this.snapshot(id, { alignMs, alignBuffered });
      this.broadcast({ k: "b", id, mode: this.alignMode }, true);
      await snap;
    }
    for (const x of this.gate.channels) { x.blocked = false; x.barrier = -1; }
    this.alignId = -1;
    this.lastCompletedBarrier = id;
    this.gate.wake();
  }
  lastCompletedBarrier = -1;

  metrics(): Record<string, unknown> {
    this.m.inputWatermark = this.inputWatermark;
    this.m.outputWatermark = this.outputWatermark;
    this.m.queued = this.gate.queuedRecords();
    let held = 0;
    for (const c of this.outChannels.values()) held += c.held;
    const lat = this.latencies;
    this.latencies = [];
    const operators = this.v.ops.map((o, i) => ({ name: o.name, recordsIn: i === 0 ? this.m.recordsIn : this.opOut[i - 1], recordsOut: this.opOut[i] }));
    return { v: this.v.id, sub: this.sub, ...this.m, outHeld: held, stateEntries: this.keyed.size(), backpressured: this.backpressured, latencies: lat, operators };
  }

  close(): void {
    this.reader?.close();
    // rich functions' close(), as Flink calls it when the task ends
    for (const o of this.v.ops) {
      const f = o.fn as { close?: () => void } | undefined;
      if (f && typeof f === "object" && typeof f.close === "function") { try { f.close(); } catch { /* a failing close() does not fail the task's end */ } }
    }
    for (const c of this.outChannels.values()) c.close();
  }

  static fail(msg: string): never {
    throw new ExecutionError("DATAFLOW_TASK_FAILED", msg);
  }
}
