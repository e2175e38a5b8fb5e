// The operators a task runs, worker side: stateless ones (map, flatMap, filter, process), keyed ones
// (rolling reduce, KeyedProcessFunction with event-time and processing-time timers, windows in
// window-operator.ts), two-input ones of connected streams (CoMap, CoFlatMap, CoProcessFunction),
// the timestamp/watermark assigner (with idleness) and sinks. A task chains them: each one's
// Emitter is the next one.

import { ExecutionError } from "../common/errors";
import { userFn, type Emitter, type OpEnv, type Operator } from "./operator-api";
import type { OperatorSpec } from "./types";
import { windowOperator } from "./window-operator";
import { MAX_WATERMARK, MIN_WATERMARK, type WatermarkStrategySpec } from "./windows";

const passWatermark = (t: number, out: Emitter) => out.watermark(t);
const noState = { snapshot: () => null, restore: () => {} };

export function createOperator(spec: OperatorSpec, env: OpEnv): Operator {
  const a = (spec.args ?? {}) as Record<string, any>;
  switch (spec.kind) {
    case "map": {
      const f = userFn(spec.fn, "map", env);
      return { ...noState, processElement: (v, ts, out) => out.collect(f(v), ts), processWatermark: passWatermark };
    }
    case "filter": {
      const f = userFn(spec.fn, "filter", env);
      return { ...noState, processElement: (v, ts, out) => { if (f(v)) out.collect(v, ts); }, processWatermark: passWatermark };
    }
    case "flatMap": {
      const f = userFn(spec.fn, "flatMap", env);
      return {
        ...noState, processWatermark: passWatermark,
        processElement: (v, ts, out) => {
          const r = f(v, { collect: (x: unknown) => out.collect(x, ts) });
          if (r && typeof (r as any)[Symbol.iterator] === "function") for (const x of r as Iterable<unknown>) out.collect(x, ts);
        },
      };
    }
    case "process":
    case "keyedProcess":
      return keyedProcess(spec, env, ["processElement"]);
    case "coProcess":
      return keyedProcess(spec, env, ["processElement1", "processElement2"]);
    case "coMap": {
      const f1 = userFn(spec.fn, "map1", env), f2 = userFn(spec.fn, "map2", env);
      return { ...noState, processWatermark: passWatermark, processElement: (v, ts, out) => out.collect(f1(v), ts), processElement2: (v, ts, out) => out.collect(f2(v), ts) };
    }
    case "coFlatMap": {
      const f1 = userFn(spec.fn, "flatMap1", env), f2 = userFn(spec.fn, "flatMap2", env);
      const call = (f: (...a: any[]) => any) => (v: unknown, ts: number | undefined, out: Emitter) => {
        const r = f(v, { collect: (x: unknown) => out.collect(x, ts) });
        if (r && typeof (r as any)[Symbol.iterator] === "function") for (const x of r as Iterable<unknown>) out.collect(x, ts);
      };
      return { ...noState, processWatermark: passWatermark, processElement: call(f1), processElement2: call(f2) };
    }
    case "reduce": {
      const f = userFn(spec.fn, "reduce", env);
      const st = env.keyed.getState<unknown>(`__reduce_${spec.id}`);
      return {
        ...noState, processWatermark: passWatermark,
        processElement: (v, ts, out) => { const cur = st.value(); const n = cur === null ? v : f(cur, v); st.update(n); out.collect(n, ts); },
      };
    }
    case "timestamps":
      return timestampsOperator(a.strategy as WatermarkStrategySpec, env);
    case "window":
      return windowOperator(spec, env);
    case "sink": {
      let pending: unknown[] = [];
      return {
        processElement: (v) => { pending.push(v); },
        processWatermark: () => {},
        snapshot: () => null, restore: () => {},
        takePending: () => { const p = pending; pending = []; return p; },
      };
    }
  }
}

function timestampsOperator(s: WatermarkStrategySpec, env: OpEnv): Operator {
  let maxTs = MIN_WATERMARK;
  let emitted = MIN_WATERMARK;
  let lastEmit = 0;
  let lastRecord = Date.now();
  let idle = false;
  const current = () => (s.type === "none" || maxTs === MIN_WATERMARK ? MIN_WATERMARK : maxTs - s.outOfOrdernessMs - 1);
  const maybeEmit = (out: Emitter, force: boolean) => {
    const w = current();
    const now = Date.now();
    if (w > emitted && (force || now - lastEmit >= env.watermarkInterval)) { emitted = w; lastEmit = now; out.watermark(w); }
  };
  return {
    processElement: (v, ts, out) => {
      const t = s.timestampAssigner ? Number(s.timestampAssigner(v, ts)) : ts;
      if (t === undefined || !Number.isFinite(t)) throw new ExecutionError("INVALID_TIMESTAMP", `the timestamp assigner returned ${t} for ${JSON.stringify(v)}; it must return epoch milliseconds`);
      if (t > maxTs) maxTs = t;
      lastRecord = Date.now();
      if (idle) { idle = false; out.status(false); }
      out.collect(v, t);
      maybeEmit(out, false);
    },
    // Upstream watermarks are replaced by this assigner's, except the final one (end of input).
    processWatermark: (t, out) => { if (t >= MAX_WATERMARK) { emitted = t; out.watermark(t); } },
    onProcessingTime: (now, out) => {
      maybeEmit(out, true);
      // withIdleness: no record for idleMs marks this input idle, so it stops holding back time downstream
      if (s.idleMs > 0 && !idle && emitted < MAX_WATERMARK && now - lastRecord >= s.idleMs) { idle = true; out.status(true); }
    },
    snapshot: () => ({ maxTs, emitted }),
    restore: (x: any) => { if (x) { maxTs = x.maxTs; emitted = x.emitted; } },
  };
}

interface Timers { ev: Map<string, [number, unknown]>; pt: Map<string, [number, unknown]> }

function keyedProcess(spec: OperatorSpec, env: OpEnv, methods: string[]): Operator {
  const fnObj = spec.fn as any;
  const [processElement, processElement2] = methods.map((m) => userFn(fnObj, m, env));
  const onTimer = typeof fnObj?.onTimer === "function" ? fnObj.onTimer.bind(fnObj) : undefined;
  const timers: Timers = { ev: new Map(), pt: new Map() };
  let wm = MIN_WATERMARK;
  let curTs: number | undefined;
  let curOut: Emitter | undefined;
  const tk = (t: number) => `${t}|${env.keyed.currentKeyText}`;
  const ctx = {
    timestamp: () => curTs,
    getCurrentKey: () => env.keyed.currentKey,
    output: (tag: unknown, v: unknown) => curOut!.side(tagName(tag), v, curTs),
    timerService: () => ({
      currentWatermark: () => wm,
      currentProcessingTime: () => Date.now(),
      registerEventTimeTimer: (t: number) => { timers.ev.set(tk(t), [t, env.keyed.currentKey]); },
      deleteEventTimeTimer: (t: number) => { timers.ev.delete(tk(t)); },
      registerProcessingTimeTimer: (t: number) => { timers.pt.set(tk(t), [t, env.keyed.currentKey]); },
      deleteProcessingTimeTimer: (t: number) => { timers.pt.delete(tk(t)); },
    }),
  };
  const collector = (ts: number | undefined) => ({ collect: (v: unknown) => curOut!.collect(v, ts) });
  const fire = (m: Map<string, [number, unknown]>, upTo: number, out: Emitter, domain: string) => {
    const due = [...m.entries()].filter(([, [t]]) => t <= upTo).sort((x, y) => x[1][0] - y[1][0]);
    for (const [id, [t, key]] of due) {
      m.delete(id);
      if (!onTimer) continue;
      env.keyed.setCurrentKey(key);
      curTs = t; curOut = out;
      onTimer(t, { ...ctx, timeDomain: () => domain }, collector(domain === "EVENT_TIME" ? t : undefined));
    }
  };
  return {
    processElement: (v, ts, out) => { curTs = ts; curOut = out; processElement(v, ctx, collector(ts)); },
    ...(processElement2 ? { processElement2: (v: unknown, ts: number | undefined, out: Emitter) => { curTs = ts; curOut = out; processElement2(v, ctx, collector(ts)); } } : {}),
    processWatermark: (t, out) => { wm = t; fire(timers.ev, t, out, "EVENT_TIME"); out.watermark(t); },
    onProcessingTime: (now, out) => fire(timers.pt, now, out, "PROCESSING_TIME"),
    snapshot: () => ({ wm, ev: [...timers.ev.entries()], pt: [...timers.pt.entries()] }),
    restore: (s: any) => { if (s) { wm = s.wm; timers.ev = new Map(s.ev); timers.pt = new Map(s.pt); } },
  };
}

export function tagName(tag: unknown): string {
  if (typeof tag === "string") return tag;
  if (tag && typeof (tag as { id?: unknown }).id === "string") return (tag as { id: string }).id;
  throw new ExecutionError("INVALID_PARAMETER_VALUE", "an output tag must be an OutputTag or a string");
}

/**
 * Rescaling from a savepoint: one operator's snapshots from the old subtasks merged into the one a
 * new subtask restores — its keys' windows and timers; the lowest watermark (nothing fires early).
 */
export function rescaleOperatorState(kind: OperatorSpec["kind"], snaps: any[], owns: (keyText: string) => boolean): unknown {
  const live = snaps.filter((x) => x);
  if (!live.length) return null;
  const keyText = (k: unknown) => JSON.stringify(k) ?? "null";
  const minWm = Math.min(...live.map((x) => x.wm ?? MIN_WATERMARK));
  switch (kind) {
    case "window":
      return { wm: minWm, wins: live.flatMap((x) => x.wins).filter(([, e]: [string, { key: unknown }]) => owns(keyText(e.key))) };
    case "process": case "keyedProcess": case "coProcess": {
      const mine = (m: Array<[string, [number, unknown]]>) => m.filter(([, [, k]]) => owns(keyText(k)));
      return { wm: minWm, ev: live.flatMap((x) => mine(x.ev)), pt: live.flatMap((x) => mine(x.pt)) };
    }
    case "timestamps":
      return { maxTs: Math.max(...live.map((x) => x.maxTs)), emitted: Math.min(...live.map((x) => x.emitted)) };
    default:
      return live[0];
  }
}
