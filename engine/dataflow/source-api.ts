// The sources a dataflow program names (Flink's classes): the rate-limited generator, number
// sequences, files (optionally monitored), and the controlled source a notebook feeds by hand. They
// are descriptions; the workers read them through sources.ts.

import { AnalysisError, WorkbenchError } from "../common/errors";
import type { ControlledEntry } from "./sources";

/** Flink's RateLimiterStrategy for DataGeneratorSource. */
export class RateLimiterStrategy {
  private constructor(readonly perSecond: number | undefined) {}
  static perSecond(n: number): RateLimiterStrategy {
    if (!(n > 0)) throw new AnalysisError("INVALID_PARAMETER_VALUE", `RateLimiterStrategy.perSecond needs a positive rate, got ${n}`);
    return new RateLimiterStrategy(n);
  }
  static noOp(): RateLimiterStrategy { return new RateLimiterStrategy(undefined); }
}

/** Flink's DataGeneratorSource: count records made by fn(index), optionally rate limited (records/s): the rate source. */
export class DataGeneratorSource<T> {
  readonly ratePerSecond: number | undefined;
  constructor(readonly generatorFunction: (index: number) => T, readonly count: number, rate?: number | RateLimiterStrategy) {
    this.ratePerSecond = rate instanceof RateLimiterStrategy ? rate.perSecond : rate;
  }
}

/** Flink's TextLineInputFormat: a file's records are its lines. */
export class TextLineInputFormat {}

/** Flink's FileSource: the lines of a file, or of every file in a directory (split by file over the subtasks); monitorContinuously keeps reading new files. */
export class FileSource {
  private constructor(readonly path: string, readonly monitorMs: number) {}
  static forRecordStreamFormat(_format: TextLineInputFormat, path: string): { monitorContinuously(ms: number): { build(): FileSource }; build(): FileSource } {
    const make = (ms: number) => new FileSource(path, ms);
    return { monitorContinuously: (ms: number) => ({ build: () => make(ms) }), build: () => make(0) };
  }
}

/**
 * A source the notebook drives (a replayable test source): add(value, timestamp) appends records,
 * emitWatermark(t) moves event time on, finish() ends the stream. Everything fed is kept, so a
 * job restored from a checkpoint replays from its recorded position.
 */
export class ControlledSource<T = unknown> {
  private static seq = 0;
  readonly id = `controlled-${++ControlledSource.seq}`;
  readonly log: ControlledEntry[] = [];
  private listeners: Array<(from: number, items: ControlledEntry[]) => void> = [];
  private append(e: ControlledEntry): this {
    if (this.finished) throw new WorkbenchError("SOURCE_FINISHED", "this ControlledSource has finished; create a new one");
    this.log.push(e);
    for (const l of this.listeners) l(this.log.length - 1, [e]);
    return this;
  }
  get finished(): boolean { const e = this.log.at(-1); return !!e && "end" in e; }
  add(value: T, timestamp?: number): this { return this.append(timestamp === undefined ? { v: value } : { v: value, ts: timestamp }); }
  addAll(values: Iterable<T>, timestampOf?: (v: T) => number): this { for (const v of values) this.add(v, timestampOf?.(v)); return this; }
  emitWatermark(t: number): this { return this.append({ wm: t }); }
  finish(): this { return this.append({ end: true }); }
  /** @internal */
  subscribe(f: (from: number, items: ControlledEntry[]) => void): () => void {
    this.listeners.push(f);
    return () => { this.listeners = this.listeners.filter((x) => x !== f); };
  }
}
/** Flink's NumberSequenceSource: the numbers from..to (inclusive). */
export class NumberSequenceSource {
  constructor(readonly from: number, readonly to: number) {}
}
