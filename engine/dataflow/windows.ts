// Window assigners (Flink's names) and the watermark strategies of event time. They are plain data
// once given to a stream, so they ship to workers as values; the assigning logic is assignWindows.

import { registerShippable } from "../common/closure";
import { AnalysisError } from "../common/errors";

export interface TimeWindow { start: number; end: number }
export interface WindowAssignerSpec { type: "tumbling" | "sliding" | "session"; size: number; slide: number; offset: number; gap: number }

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
registerShippable("dataflow.TumblingEventTimeWindows", TumblingEventTimeWindows);
registerShippable("dataflow.SlidingEventTimeWindows", SlidingEventTimeWindows);
registerShippable("dataflow.EventTimeSessionWindows", EventTimeSessionWindows);

/** Flink's TimeWindow.getWindowStartWithOffset. */
export function windowStart(ts: number, offset: number, size: number): number {
  return ts - ((((ts - offset) % size) + size) % size);
}

export function assignWindows(a: WindowAssignerSpec, ts: number): TimeWindow[] {
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

export const MAX_WATERMARK = Number.MAX_SAFE_INTEGER;
export const MIN_WATERMARK = Number.MIN_SAFE_INTEGER;
