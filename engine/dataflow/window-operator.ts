// Flink's WindowOperator on a keyed stream: a record is assigned to its windows (by its event time,
// or by the wall clock for processing-time windows), folded into each window's contents (reduce,
// AggregateFunction or the list a ProcessWindowFunction gets), and the trigger decides when a window
// emits: at the watermark (EventTimeTrigger, with a late firing for each late record within the
// allowed lateness), at the wall clock (ProcessingTimeTrigger), every n records (CountTrigger), or
// early every interval (Continuous*Trigger); PurgingTrigger drops the contents after each firing.
// Records later than the lateness go to the late-data side output. A window's state is cleared at
// its end plus the allowed lateness whatever the trigger, as Flink's cleanup timer does.

import { ExecutionError } from "../common/errors";
import { userFn, type Emitter, type OpEnv, type Operator } from "./operator-api";
import type { OperatorSpec } from "./types";
import { assignWindows, MIN_WATERMARK, type TimeWindow, type TriggerSpec, type WindowAssignerSpec } from "./windows";

interface WinEntry {
  key: unknown;
  w: TimeWindow;
  acc: unknown;
  /** No contents (never added to, or purged). */
  empty: boolean;
  /** Fired at its end (event time) — later records within the lateness fire it again. */
  endFired: boolean;
  /** Records since the count trigger last fired. */
  count: number;
  /** Next early firing of a continuous trigger (event or processing time). */
  next?: number;
}

interface WindowArgs { assigner: WindowAssignerSpec; fnKind: "reduce" | "aggregate" | "process"; allowedLateness: number; lateTag?: string; trigger?: TriggerSpec }

export function windowOperator(spec: OperatorSpec, env: OpEnv): Operator {
  const a = spec.args as unknown as WindowArgs;
  const fnObj = spec.fn as any;
  const processingTime = a.assigner.time === "processing";
  const trig: TriggerSpec = a.trigger ?? { kind: processingTime ? "processing" : "event" };
  const lateness = processingTime ? 0 : (a.allowedLateness ?? 0);
  const firesAtWatermark = !processingTime && (trig.kind === "event" || trig.kind === "continuousEvent");
  const firesAtClock = processingTime && (trig.kind === "processing" || trig.kind === "continuousProcessing" || trig.kind === "event");
  let wins = new Map<string, WinEntry>(); // `${keyText}|${start}|${end}`
  let wm = MIN_WATERMARK;
  const reduce = a.fnKind === "reduce" ? userFn(fnObj, "reduce", env) : undefined;
  const agg = a.fnKind === "aggregate" ? fnObj : undefined;
  const proc = a.fnKind === "process" ? userFn(fnObj, "process", env) : undefined;
  if (agg) userFn(agg, "add", env);
  const add = (acc: unknown, v: unknown, first: boolean): unknown => {
    if (reduce) return first ? v : reduce(acc, v);
    if (agg) return agg.add(v, first ? agg.createAccumulator() : acc);
    return [...((first ? [] : acc) as unknown[]), v];
  };
  const merge = (x: unknown, y: unknown): unknown => (reduce ? reduce(x, y) : agg ? agg.merge(x, y) : [...(x as unknown[]), ...(y as unknown[])]);
  const fire = (e: WinEntry, out: Emitter) => {
    if (e.empty) return;
    env.keyed.setCurrentKey(e.key);
    const ts = e.w.end - 1;
    if (reduce) out.collect(e.acc, ts);
    else if (agg) out.collect(agg.getResult(e.acc), ts);
    else proc!(e.key, { window: { ...e.w }, currentWatermark: () => wm, currentProcessingTime: () => Date.now() }, e.acc, { collect: (v: unknown) => out.collect(v, ts) });
    if (trig.purge) { e.acc = undefined; e.empty = true; }
  };
  const firstFire = (t: number) => (trig.interval ? t - (t % trig.interval) + trig.interval : undefined);
  const id = (kt: string, w: TimeWindow) => `${kt}|${w.start}|${w.end}`;
  const byEnd = (pred: (e: WinEntry) => boolean) => [...wins.entries()].filter(([, e]) => pred(e)).sort((x, y) => x[1].w.end - y[1].w.end);

  return {
    processElement: (v, ts, out) => {
      if (!processingTime && ts === undefined && a.assigner.type !== "global") throw new ExecutionError("MISSING_TIMESTAMP", `event-time window ${spec.name} got a record without a timestamp; call assignTimestampsAndWatermarks(...) first, or use a processing-time window`);
      const now = Date.now();
      const t = processingTime ? now : (ts ?? 0);
      const kt = env.keyed.currentKeyText;
      let lateAll = true;
      for (let w of assignWindows(a.assigner, t)) {
        if (!processingTime && w.end - 1 + lateness <= wm) continue; // too late for this window
        lateAll = false;
        const session = a.assigner.type === "session";
        const e = session ? undefined : wins.get(id(kt, w));
        let acc: unknown = undefined;
        let first = !e || e.empty;
        let count = e?.count ?? 0;
        if (session) {
          // merge with every window of this key that overlaps
          for (const [k, o] of [...wins.entries()]) {
            if (k.startsWith(kt + "|") && o.w.start <= w.end && w.start <= o.w.end) {
              wins.delete(k);
              w = { start: Math.min(w.start, o.w.start), end: Math.max(w.end, o.w.end) };
              if (!o.empty) { acc = first ? o.acc : merge(acc, o.acc); first = false; }
              count += o.count;
            }
          }
        }
        const entry: WinEntry = e ?? { key: env.keyed.currentKey, w, acc, empty: true, endFired: false, count, next: firstFire(trig.kind === "continuousProcessing" ? now : t) };
        entry.acc = add(e && !e.empty ? e.acc : acc, v, first);
        entry.empty = false;
        entry.count = count + 1;
        wins.set(id(kt, entry.w), entry);
        if (trig.kind === "count") {
          if (entry.count >= trig.count!) { entry.count = 0; fire(entry, out); }
        } else if (firesAtWatermark && entry.w.end - 1 <= wm) fire(entry, out); // late firing within allowed lateness
      }
      if (lateAll && a.lateTag) out.side(a.lateTag, v, ts);
    },
    processWatermark: (t, out) => {
      wm = t;
      if (!processingTime) {
        for (const [k, e] of byEnd(() => true)) {
          if (trig.kind === "continuousEvent") {
            while (e.next !== undefined && e.next <= t && e.next < e.w.end - 1) { fire(e, out); e.next += trig.interval!; }
          }
          if (e.w.end - 1 > t) continue;
          if (firesAtWatermark && !e.endFired) { fire(e, out); e.endFired = true; }
          if (e.w.end - 1 + lateness <= t) wins.delete(k);
        }
      }
      out.watermark(t);
    },
    onProcessingTime: (now, out) => {
      if (trig.kind === "continuousProcessing") {
        for (const [, e] of byEnd((e) => e.next !== undefined && e.next <= now)) {
          fire(e, out);
          while (e.next! <= now) e.next! += trig.interval!;
        }
      }
      if (!processingTime) return;
      for (const [k, e] of byEnd((e) => e.w.end - 1 <= now)) {
        if (firesAtClock) fire(e, out);
        wins.delete(k);
      }
    },
    // End of input: processing-time windows still open fire now (their end would never come).
    finish: (out) => {
      if (!processingTime) return;
      for (const [k, e] of byEnd(() => true)) { if (firesAtClock) fire(e, out); wins.delete(k); }
    },
    snapshot: () => ({ wm, wins: [...wins.entries()] }),
    restore: (s: any) => { if (s) { wm = s.wm; wins = new Map(s.wins); } },
  };
}
