// The operators a task runs, worker side: stateless ones (map, flatMap, filter, process), keyed ones
// (rolling reduce, KeyedProcessFunction with event-time and processing-time timers, windows), the
// timestamp/watermark assigner and sinks. A task chains them: each one's Emitter is the next one.

import { ExecutionError } from "../common/errors";
import { KeyedStateBackend, OperatorStateStore } from "./state";
import type { OperatorSpec } from "./types";
import { assignWindows, MAX_WATERMARK, MIN_WATERMARK, type TimeWindow, type WatermarkStrategySpec, type WindowAssignerSpec } from "./windows";

export interface Emitter {
  collect(v: unknown, ts: number | undefined): void;
  side(tag: string, v: unknown, ts: number | undefined): void;
  watermark(t: number): void;
}

export interface OpEnv {
  keyed: KeyedStateBackend;
  opState: OperatorStateStore;
  subtask: number;
  parallelism: number;
  name: string;
  watermarkInterval: number;
}

export interface Operator {
  processElement(v: unknown, ts: number | undefined, out: Emitter): void;
  processWatermark(t: number, out: Emitter): void;
  onProcessingTime?(now: number, out: Emitter): void;
  snapshot(): unknown;
  restore(s: unknown): void;
  finish?(out: Emitter): void;
  /** Sinks: outputs since the last checkpoint (handed to the coordinator with the ack). */
  takePending?(): unknown[];
}

/** The object Flink calls RuntimeContext: state handles and subtask info. */
function runtimeContext(env: OpEnv) {
  return {
    getState: (d: any) => env.keyed.getState(d),
    getListState: (d: any) => env.keyed.getListState(d),
    getMapState: (d: any) => env.keyed.getMapState(d),
    getReducingState: (d: any) => env.keyed.getReducingState(d),
    getOperatorStateStore: () => env.opState,
    getIndexOfThisSubtask: () => env.subtask,
    getNumberOfParallelSubtasks: () => env.parallelism,
    getTaskName: () => env.name,
  };
}

/** A user function given as a function or as an object with the named method (and optional open()). */
function userFn(fn: unknown, method: string, env: OpEnv): (...a: any[]) => any {
  if (typeof fn === "function") return fn as (...a: any[]) => any;
  if (fn && typeof fn === "object" && typeof (fn as any)[method] === "function") {
    const o = fn as any;
    const rc = runtimeContext(env);
    if (typeof o.getRuntimeContext !== "function") o.getRuntimeContext = () => rc;
    o.open?.(rc);
    o.initializeState?.({ getOperatorStateStore: () => env.opState, getKeyedStateStore: () => rc });
    return o[method].bind(o);
  }
  throw new ExecutionError("INVALID_PARAMETER_VALUE", `operator ${env.name} needs a function or an object with ${method}()`);
}

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
      return keyedProcess(spec, env);
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
      out.collect(v, t);
      maybeEmit(out, false);
    },
    // Upstream watermarks are replaced by this assigner's, except the final one (end of input).
    processWatermark: (t, out) => { if (t >= MAX_WATERMARK) { emitted = t; out.watermark(t); } },
    onProcessingTime: (_now, out) => maybeEmit(out, true),
    snapshot: () => ({ maxTs, emitted }),
    restore: (x: any) => { if (x) { maxTs = x.maxTs; emitted = x.emitted; } },
  };
}

interface Timers { ev: Map<string, [number, unknown]>; pt: Map<string, [number, unknown]> }

function keyedProcess(spec: OperatorSpec, env: OpEnv): Operator {
  const fnObj = spec.fn as any;
  const processElement = userFn(fnObj, "processElement", env);
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

interface WinEntry { key: unknown; w: TimeWindow; acc: unknown; fired: boolean; count: number }

/** Keyed event-time windows with reduce/aggregate/process, allowed lateness and a late-data side output. */
function windowOperator(spec: OperatorSpec, env: OpEnv): Operator {
  const a = spec.args as { assigner: WindowAssignerSpec; fnKind: "reduce" | "aggregate" | "process"; allowedLateness: number; lateTag?: string; trigger?: { count?: number } };
  const fnObj = spec.fn as any;
  const lateness = a.allowedLateness ?? 0;
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
  const emit = (e: WinEntry, out: Emitter) => {
    const ts = e.w.end - 1;
    if (reduce) out.collect(e.acc, ts);
    else if (agg) out.collect(agg.getResult(e.acc), ts);
    else proc!(e.key, { window: { ...e.w }, currentWatermark: () => wm }, e.acc, { collect: (v: unknown) => out.collect(v, ts) });
  };
  const id = (kt: string, w: TimeWindow) => `${kt}|${w.start}|${w.end}`;
  return {
    processElement: (v, ts, out) => {
      if (ts === undefined) throw new ExecutionError("MISSING_TIMESTAMP", `event-time window ${spec.name} got a record without a timestamp; call assignTimestampsAndWatermarks(...) first`);
      const kt = env.keyed.currentKeyText;
      let lateAll = true;
      for (let w of assignWindows(a.assigner, ts)) {
        if (w.end - 1 + lateness <= wm) continue; // too late for this window
        lateAll = false;
        let e = wins.get(id(kt, w));
        let acc: unknown = undefined;
        let first = !e;
        if (a.assigner.type === "session") {
          // merge with every window of this key that overlaps
          for (const [k, o] of [...wins.entries()]) {
            if (o.key !== undefined && k.startsWith(kt + "|") && o.w.start <= w.end && w.start <= o.w.end) {
              wins.delete(k);
              w = { start: Math.min(w.start, o.w.start), end: Math.max(w.end, o.w.end) };
              acc = acc === undefined ? o.acc : merge(acc, o.acc);
              first = false;
            }
          }
          e = undefined;
        }
        const entry: WinEntry = e ?? { key: env.keyed.currentKey, w, acc, fired: false, count: 0 };
        entry.acc = add(e ? e.acc : acc, v, first);
        entry.count++;
        wins.set(id(kt, entry.w), entry);
        if (entry.w.end - 1 <= wm) emit(entry, out); // late firing within allowed lateness
        else if (a.trigger?.count && entry.count % a.trigger.count === 0) emit(entry, out); // early firing
      }
      if (lateAll && a.lateTag) out.side(a.lateTag, v, ts);
    },
    processWatermark: (t, out) => {
      wm = t;
      const due = [...wins.entries()].filter(([, e]) => e.w.end - 1 <= t).sort((x, y) => x[1].w.end - y[1].w.end);
      for (const [k, e] of due) {
        if (!e.fired) { env.keyed.setCurrentKey(e.key); emit(e, out); e.fired = true; }
        if (e.w.end - 1 + lateness <= t) wins.delete(k);
      }
      out.watermark(t);
    },
    snapshot: () => ({ wm, wins: [...wins.entries()] }),
    restore: (s: any) => { if (s) { wm = s.wm; wins = new Map(s.wins); } },
  };
}
