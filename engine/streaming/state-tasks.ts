// The stateful tasks of a micro-batch, run on the workers (Spark's StateStoreRDD): the batch's
// rows, shuffled by state key into the operator's fixed number of state partitions, meet
// partition i's state in task i. The task opens version V of its StatePartition (from this
// thread's cache when it holds exactly that version, else from the checkpoint's snapshot and
// delta files), merges the rows, decides what to emit for the output mode, evicts what the
// watermark has passed, commits version V+1 to the checkpoint and returns the emitted rows with
// the partition's metrics. A retried task, a restarted query or another worker simply reloads
// version V from the files. Imported by engine/worker-preload.ts.

import { registerShippable } from "../common/closure";
import { canonical } from "../common/keys";
import { StatePartition, sumMetrics, type StateMetrics } from "./state-store";

/** Event-time statistics of a batch's rows: min and max (ms), count, and the sum of the times in seconds. */
export interface EventTimeStats { min: number; max: number; n: number; sumSeconds: number }

/** What a state task returns to the driver. */
export interface StateTaskResult extends StateMetrics { rows: unknown[][]; numRowsDroppedByWatermark: number; eventTime?: EventTimeStats }

// Open partitions of this thread, by query run, operator and partition (Spark's loaded providers;
// a new run of the query - a restart - never sees another run's cache).
const open = new Map<string, StatePartition>();
const MAX_OPEN = 256;

/** Version `version` of a partition: the cached one when it is exactly that, else loaded from the files. */
export function openStatePartition(runId: string, operatorDir: string, partition: number, version: number): StatePartition {
  const id = `${runId}\0${operatorDir}\0${partition}`;
  let s = open.get(id);
  if (!s || !s.clean || s.version !== version) {
    s = new StatePartition(operatorDir, partition);
    s.load(version);
  }
  open.delete(id);
  open.set(id, s); // most recently used last
  while (open.size > MAX_OPEN) open.delete(open.keys().next().value!);
  s.resetMetrics();
  return s;
}

/** The end of every state task: the partitions' metrics after the batch, then commit version+1 of each. */
export function commitTask(stores: StatePartition[], rows: unknown[][], numRowsDroppedByWatermark: number, eventTime?: EventTimeStats): StateTaskResult[] {
  const metrics = sumMetrics(stores.map((s) => s.metrics()));
  for (const s of stores) s.commit();
  return [{ rows, numRowsDroppedByWatermark, ...metrics, ...(eventTime ? { eventTime } : {}) }];
}

/** Where a task finds its state: the operator's directory, the run, and the version to read (the batch id). */
export interface StateLocation { runId: string; operatorDir: string; version: number }

/** An event-time value (Date, epoch milliseconds or ISO text; a window's `end` with field) in milliseconds. */
export function eventTimeMs(v: unknown, field?: "end"): number | undefined {
  const x = field ? (v as Record<string, unknown> | null)?.[field] : v;
  if (x instanceof Date) return x.getTime();
  if (typeof x === "number") return x;
  if (typeof x === "string") return Date.parse(x);
  return undefined;
}

// ---- streaming aggregation ------------------------------------------------------------------------

export type AggFn = "count" | "sum" | "min" | "max" | "avg";
/** An output column of the aggregation: a grouping key, or an aggregate over partial slots. */
export type AggItem = { kind: "key"; index: number } | { kind: "agg"; fn: AggFn; partial: number[] };

export interface AggStateSpec extends StateLocation {
  numKeys: number;
  /** The partial aggregate function of each partial slot (count, sum, min, max). */
  partialFns: string[];
  items: AggItem[];
  mode: "append" | "update" | "complete";
  /** Which key holds the event time the watermark applies to (a window: its end). */
  watermarkKey?: { index: number; field?: "end" };
  watermarkMs: number;
  /** Grouped by session_window: which grouping key is the session, and the gap (the rows are [other keys..., ts, partials...]). */
  session?: { index: number; gapMs: number };
  /** The rows end with [min, max, count, sum of seconds] of the event time, per group (summed into the task's EventTimeStats). */
  eventTimeStats?: boolean;
}

/** Adds a group's trailing [min, max, count, sum of seconds] event-time columns to `acc`. */
function addEventTime(acc: EventTimeStats | undefined, cols: unknown[]): EventTimeStats | undefined {
  const [mn, mx, n, sum] = cols;
  if (!(mx instanceof Date) || !(mn instanceof Date)) return acc;
  const a = acc ?? { min: Infinity, max: -Infinity, n: 0, sumSeconds: 0 };
  a.min = Math.min(a.min, mn.getTime()); a.max = Math.max(a.max, mx.getTime());
  a.n += Number(n); a.sumSeconds += Number(sum);
  return a;
}

function cmp(a: unknown, b: unknown): number {
  const x = a instanceof Date ? a.getTime() : a, y = b instanceof Date ? b.getTime() : b;
  return (x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : 0;
}

function add(a: unknown, b: unknown): unknown {
  if (a === null || a === undefined) return b ?? null;
  if (b === null || b === undefined) return a;
  if (typeof a === "bigint" || typeof b === "bigint") return BigInt(a as bigint) + BigInt(b as bigint);
  return (a as number) + (b as number);
}

function mergePartials(fns: string[], a: unknown[], b: unknown[]): unknown[] {
  const r = a.slice();
  for (let i = 0; i < fns.length; i++) {
    const fn = fns[i], x = a[i], y = b[i];
    if (fn === "count" || fn === "sum") r[i] = add(x, y);
    else if (x === null || x === undefined) r[i] = y;
    else if (y === null || y === undefined) r[i] = x;
    else r[i] = fn === "min" ? (cmp(y, x) < 0 ? y : x) : (cmp(y, x) > 0 ? y : x);
  }
  return r;
}

function finish(items: AggItem[], key: unknown[], acc: unknown[]): unknown[] {
  return items.map((it) => {
    if (it.kind === "key") return key[it.index];
    const p = it.partial.map((i) => acc[i]);
    if (it.fn === "avg") {
      const [s, c] = p as [unknown, unknown];
      return s === null || s === undefined || !Number(c) ? null : Number(s) / Number(c);
    }
    return p[0] ?? (it.fn === "count" ? 0 : null);
  });
}

/** [state key text, row] pairs: the shuffle key of a partial-aggregate row is its grouping key. */
export const keyByState = registerShippable("streaming.keyByState", function* keyByState(keyIdx: number[], it: Iterable<unknown[]>): Generator<[string, unknown[]]> {
  for (const row of it) yield [canonical(keyIdx.map((i) => row[i])), row];
});

/** One state partition of a streaming aggregation: rows are [key..., partials...] of this batch. */
export const aggregateState = registerShippable("streaming.aggregateState", function aggregateState(spec: AggStateSpec, partition: number, it: Iterable<[string, unknown[]]>): StateTaskResult[] {
  const store = openStatePartition(spec.runId, spec.operatorDir, partition, spec.version);
  const nk = spec.numKeys, wk = spec.watermarkKey;
  const late = (key: unknown[]): boolean => {
    if (!wk || spec.mode === "complete") return false;
    const t = eventTimeMs(key[wk.index], wk.field);
    return t !== undefined && t <= spec.watermarkMs;
  };
  let dropped = 0;
  const updated = new Map<string, unknown[]>();
  const np = spec.partialFns.length;
  let eventTime: EventTimeStats | undefined;
  for (const [text, row] of it) {
    if (spec.eventTimeStats) eventTime = addEventTime(eventTime, row.slice(nk + np));
    const key = row.slice(0, nk);
    if (late(key)) { dropped++; continue; }
    const part = spec.eventTimeStats ? row.slice(nk, nk + np) : row.slice(nk);
    const old = store.get(key);
    store.put(key, old ? mergePartials(spec.partialFns, old, part) : part);
    updated.set(text, key);
  }
  const out: unknown[][] = [];
  if (spec.mode === "complete") {
    for (const e of store.entries()) out.push(finish(spec.items, e.key, e.value));
  } else if (spec.mode === "update") {
    for (const key of updated.values()) out.push(finish(spec.items, key, store.get(key)!));
    for (const e of [...store.entries()]) if (late(e.key)) store.remove(e.key);
  } else {
    for (const e of [...store.entries()]) {
      if (late(e.key)) { out.push(finish(spec.items, e.key, e.value)); store.remove(e.key); }
    }
  }
  return commitTask([store], out, dropped, eventTime);
});

// ---- streaming deduplication ----------------------------------------------------------------------

export interface DedupStateSpec extends StateLocation {
  /** The column holding the event time the watermark applies to, if any. */
  timeIdx?: number;
  watermarkMs: number;
}

/** One state partition of dropDuplicates: rows are [key text, row] of this batch, in arrival order. */
export const deduplicateState = registerShippable("streaming.deduplicateState", function deduplicateState(spec: DedupStateSpec, keyIdx: number[], partition: number, it: Iterable<[string, unknown[]]>): StateTaskResult[] {
  const store = openStatePartition(spec.runId, spec.operatorDir, partition, spec.version);
  let dropped = 0;
  const out: unknown[][] = [];
  for (const [, row] of it) {
    const t = spec.timeIdx !== undefined ? eventTimeMs(row[spec.timeIdx]) : undefined;
    if (t !== undefined && t <= spec.watermarkMs) { dropped++; continue; }
    const key = keyIdx.map((i) => row[i]);
    if (store.get(key)) continue;
    store.put(key, [t ?? null]);
    out.push(row);
  }
  if (spec.timeIdx !== undefined) {
    for (const e of [...store.entries()]) {
      const t = e.value[0] as number | null;
      if (t !== null && t <= spec.watermarkMs) store.remove(e.key);
    }
  }
  return commitTask([store], out, dropped);
});

// ---- session windows --------------------------------------------------------------------------------

/** A session of one key in state: [start ms, end ms, partials]. */
type Session = [start: number, end: number, partials: unknown[]];

/**
 * One state partition of an aggregation grouped by session_window(ts, gap) (Spark's
 * MergingSessionsExec + SessionWindowStateStoreSaveExec): the state of a key is its open
 * sessions; each of the batch's points [ts, ts + gap) that the watermark has not passed joins
 * them, and sessions that overlap or touch merge (their partial aggregates merged). Update mode
 * emits the sessions a batch created or changed, append mode a session once its end is at or
 * before the watermark; either way those sessions then leave the state.
 */
export const aggregateSessionState = registerShippable("streaming.aggregateSessionState", function aggregateSessionState(spec: AggStateSpec, partition: number, it: Iterable<[string, unknown[]]>): StateTaskResult[] {
  const store = openStatePartition(spec.runId, spec.operatorDir, partition, spec.version);
  const { index, gapMs } = spec.session!;
  const nk = spec.numKeys - 1, wm = spec.watermarkMs, evicting = spec.mode !== "complete";
  let dropped = 0;
  const points = new Map<string, { key: unknown[]; sessions: Session[] }>();
  for (const [text, row] of it) {
    const t = eventTimeMs(row[nk]);
    if (t === undefined) continue;
    if (evicting && t + gapMs <= wm) { dropped++; continue; }
    let g = points.get(text);
    if (!g) points.set(text, (g = { key: row.slice(0, nk), sessions: [] }));
    g.sessions.push([t, t + gapMs, row.slice(nk + 1)]);
  }
  const fullKey = (key: unknown[], s: Session) => [...key.slice(0, index), { start: new Date(s[0]), end: new Date(s[1]) }, ...key.slice(index)];
  const out: unknown[][] = [];
  const emit = (key: unknown[], s: Session) => out.push(finish(spec.items, fullKey(key, s), s[2]));
  const changed = new Set<Session>();
  for (const { key, sessions } of points.values()) {
    const old = (store.get(key)?.[0] as Session[] | undefined) ?? [];
    const all = [...old.map((s) => ({ s, fresh: false })), ...sessions.map((s) => ({ s, fresh: true }))].sort((a, b) => a.s[0] - b.s[0]);
    const merged: Array<{ s: Session; fresh: boolean }> = [];
    for (const x of all) {
      const cur = merged[merged.length - 1];
      if (cur && x.s[0] <= cur.s[1]) {
        cur.s = [cur.s[0], Math.max(cur.s[1], x.s[1]), mergePartials(spec.partialFns, cur.s[2], x.s[2])];
        cur.fresh = true;
      } else merged.push({ s: x.s, fresh: x.fresh });
    }
    for (const m of merged) if (m.fresh) changed.add(m.s);
    store.put(key, [merged.map((m) => m.s)]);
  }
  for (const e of [...store.entries()]) {
    const sessions = e.value[0] as Session[];
    if (spec.mode === "complete") { for (const s of sessions) emit(e.key, s); continue; }
    if (spec.mode === "update") for (const s of sessions) if (changed.has(s)) emit(e.key, s);
    const open = sessions.filter((s) => s[1] > wm);
    if (spec.mode === "append") for (const s of sessions) if (s[1] <= wm) emit(e.key, s);
    if (open.length === sessions.length) continue;
    if (open.length) store.put(e.key, [open]); else store.remove(e.key);
  }
  return commitTask([store], out, dropped);
});

