// Window assigners (Flink's names) and the watermark strategies of event time. They are plain data
// once given to a stream, so they ship to workers as values; the assigning logic is assignWindows.

import { registerShippable } from "../common/closure";
import { AnalysisError } from "../common/errors";

export const MAX_WATERMARK = Number.MAX_SAFE_INTEGER;
export const MIN_WATERMARK = Number.MIN_SAFE_INTEGER;

export interface TimeWindow { start: number; end: number }
export interface WindowAssignerSpec { type: "tumbling" | "sliding" | "session" | "global"; size: number; slide: number; offset: number; gap: number; time?: "event" | "processing" }

function positive(ms: number, what: string): number {
  if (!Number.isFinite(ms) || ms <= 0) throw new AnalysisError("INVALID_PARAMETER_VALUE", `${what} must be a positive number of milliseconds, got ${ms}`);
  return ms;
}

export class TumblingEventTimeWindows {
  static of(size: number, offset = 0): WindowAssignerSpec {
    return { type: "tumbling", size: positive(size, "window size"), slide: size, offset, gap: 0 };
  }
}
export class SlidingEventTimeWindows {
  static of(size: number, slide: number, offset = 0): WindowAssignerSpec {
    return { type: "sliding", size: positive(size, "window size"), slide: positive(slide, "window slide"), offset, gap: 0 };
  }
}
export class EventTimeSessionWindows {
  static withGap(gap: number): WindowAssignerSpec {
    return { type: "session", size: 0, slide: 0, offset: 0, gap: positive(gap, "session gap") };
  }
}
/** One window per key for all time (Flink's GlobalWindows): it only fires by a custom trigger (e.g. countWindow). */
export class GlobalWindows {
  static create(): WindowAssignerSpec { return { type: "global", size: 0, slide: 0, offset: 0, gap: 0 }; }
}

/** Windows by the wall clock of the subtask that processes the record (no watermarks needed). */
export class TumblingProcessingTimeWindows {
  static of(size: number, offset = 0): WindowAssignerSpec { return { ...TumblingEventTimeWindows.of(size, offset), time: "processing" }; }
}
export class SlidingProcessingTimeWindows {
  static of(size: number, slide: number, offset = 0): WindowAssignerSpec { return { ...SlidingEventTimeWindows.of(size, slide, offset), time: "processing" }; }
}
export class ProcessingTimeSessionWindows {
  static withGap(gap: number): WindowAssignerSpec { return { ...EventTimeSessionWindows.withGap(gap), time: "processing" }; }
}

/**
 * When a window emits its result (Flink's Trigger). `event`: when the watermark passes the window's
 * end, and again for each late record within the allowed lateness (EventTimeTrigger, the default of
 * event-time windows); `processing`: when the wall clock passes the end (ProcessingTimeTrigger);
 * `count`: every n records, never at the end (CountTrigger); `continuousEvent` / `continuousProcessing`:
 * early firings every `interval` ms of event / processing time and at the end; `purge`: the contents
 * are dropped after each firing (PurgingTrigger).
 */
export interface TriggerSpec { kind: "event" | "processing" | "count" | "continuousEvent" | "continuousProcessing"; count?: number; interval?: number; purge?: boolean }

export class EventTimeTrigger { static create(): TriggerSpec { return { kind: "event" }; } }
export class ProcessingTimeTrigger { static create(): TriggerSpec { return { kind: "processing" }; } }
export class CountTrigger {
  static of(n: number): TriggerSpec {
    if (!Number.isInteger(n) || n < 1) throw new AnalysisError("INVALID_PARAMETER_VALUE", `CountTrigger.of needs a positive integer, got ${n}`);
    return { kind: "count", count: n };
  }
}
export class ContinuousEventTimeTrigger { static of(interval: number): TriggerSpec { return { kind: "continuousEvent", interval: positive(interval, "trigger interval") }; } }
export class ContinuousProcessingTimeTrigger { static of(interval: number): TriggerSpec { return { kind: "continuousProcessing", interval: positive(interval, "trigger interval") }; } }
export class PurgingTrigger {
  static of(t: TriggerSpec): TriggerSpec {
    if (!t || typeof t.kind !== "string") throw new AnalysisError("INVALID_PARAMETER_VALUE", "PurgingTrigger.of needs a trigger, e.g. PurgingTrigger.of(CountTrigger.of(10))");
    return { ...t, purge: true };
  }
}

registerShippable("dataflow.TumblingEventTimeWindows", TumblingEventTimeWindows);
registerShippable("dataflow.SlidingEventTimeWindows", SlidingEventTimeWindows);
registerShippable("dataflow.EventTimeSessionWindows", EventTimeSessionWindows);

/** Flink's TimeWindow.getWindowStartWithOffset. */
export function windowStart(ts: number, offset: number, size: number): number {
  return ts - ((((ts - offset) % size) + size) % size);
}

export function assignWindows(a: WindowAssignerSpec, ts: number): TimeWindow[] {
  if (a.type === "global") return [{ start: MIN_WATERMARK, end: MAX_WATERMARK }];
  if (a.type === "session") return [{ start: ts, end: ts + a.gap }];
  if (a.type === "tumbling") { const s = windowStart(ts, a.offset, a.size); return [{ start: s, end: s + a.size }]; }
  const out: TimeWindow[] = [];
  const last = windowStart(ts, a.offset, a.slide);
  for (let s = last; s > ts - a.size; s -= a.slide) out.push({ start: s, end: s + a.size });
  return out;
}

export interface WatermarkStrategySpec {
  type: "bounded" | "monotonous" | "none";
  outOfOrdernessMs: number;
  idleMs: number;
  timestampAssigner?: (v: any, recordTimestamp: number | undefined) => number;
}

/** Flink's WatermarkStrategy: how timestamps are read and how far watermarks trail them. */
export class WatermarkStrategy {
  private constructor(readonly spec: WatermarkStrategySpec) {}
  static forBoundedOutOfOrderness(ms: number): WatermarkStrategy {
    if (!(ms >= 0)) throw new AnalysisError("INVALID_PARAMETER_VALUE", `out-of-orderness must be >= 0 ms, got ${ms}`);
    return new WatermarkStrategy({ type: "bounded", outOfOrdernessMs: ms, idleMs: 0 });
  }
  static forMonotonousTimestamps(): WatermarkStrategy {
    return new WatermarkStrategy({ type: "monotonous", outOfOrdernessMs: 0, idleMs: 0 });
  }
  static noWatermarks(): WatermarkStrategy {
    return new WatermarkStrategy({ type: "none", outOfOrdernessMs: 0, idleMs: 0 });
  }
  withTimestampAssigner(fn: (v: any, recordTimestamp: number | undefined) => number): WatermarkStrategy {
    return new WatermarkStrategy({ ...this.spec, timestampAssigner: fn });
  }
  withIdleness(ms: number): WatermarkStrategy {
    return new WatermarkStrategy({ ...this.spec, idleMs: ms });
  }
}
registerShippable("dataflow.WatermarkStrategy", WatermarkStrategy);

