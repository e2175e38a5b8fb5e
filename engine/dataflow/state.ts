// Keyed state as Flink defines it: descriptors registered in open(), handles (ValueState, ListState,
// MapState, ReducingState) whose value depends on the key of the record being processed, and the
// keyed state backend of one operator subtask (a table per state name, keyed by the record key).
// Snapshots are plain JSON (state values must be JSON-like). A state may have a time-to-live
// (StateTtlConfig). Operator (non-keyed) list state is here too.

import { registerShippable } from "../common/closure";
import { AnalysisError } from "../common/errors";

/** What every state descriptor can do: a time-to-live. */
class StateDescriptor {
  ttlConfig?: StateTtlConfig;
  enableTimeToLive(config: StateTtlConfig): this { this.ttlConfig = config; return this; }
}

export class ValueStateDescriptor<T = unknown> extends StateDescriptor {
  readonly type = "value";
  constructor(readonly name: string, readonly defaultValue?: T) { super(); }
}
export class ListStateDescriptor<T = unknown> extends StateDescriptor {
  readonly type = "list";
  constructor(readonly name: string, readonly _elem?: T) { super(); }
}
export class MapStateDescriptor<K = unknown, V = unknown> extends StateDescriptor {
  readonly type = "map";
  constructor(readonly name: string, readonly _k?: K, readonly _v?: V) { super(); }
}
export class ReducingStateDescriptor<T = unknown> extends StateDescriptor {
  readonly type = "reducing";
  constructor(readonly name: string, readonly reduceFunction: (a: T, b: T) => T) { super(); }
}
registerShippable("dataflow.ValueStateDescriptor", ValueStateDescriptor);
registerShippable("dataflow.ListStateDescriptor", ListStateDescriptor);
registerShippable("dataflow.MapStateDescriptor", MapStateDescriptor);
registerShippable("dataflow.ReducingStateDescriptor", ReducingStateDescriptor);

export interface ValueState<T> { value(): T; update(v: T): void; clear(): void }
export interface ListState<T> { get(): T[]; add(v: T): void; addAll(vs: T[]): void; update(vs: T[]): void; clear(): void }
export interface MapState<K, V> {
  get(k: K): V | undefined; put(k: K, v: V): void; putAll(m: Record<string, V>): void; contains(k: K): boolean; remove(k: K): void;
  keys(): K[]; values(): V[]; entries(): Array<[K, V]>; isEmpty(): boolean; clear(): void;
}
export interface ReducingState<T> { get(): T | undefined; add(v: T): void; clear(): void }

type Desc = { name: string; type?: string; defaultValue?: unknown; reduceFunction?: (a: any, b: any) => any; ttlConfig?: StateTtlConfig };

/**
 * Flink's StateTtlConfig: `StateTtlConfig.newBuilder(ttlMs).setUpdateType("OnReadAndWrite").build()`,
 * given to a descriptor with `enableTimeToLive(config)`. Processing time; expired entries are never
 * returned (NeverReturnExpired) and are left out of snapshots. The entry is a key's whole state
 * (value, list or map), refreshed by every write (OnCreateAndWrite, the default) or also by reads.
 */
export class StateTtlConfig {
  private constructor(readonly ttlMs: number, readonly updateType: "OnCreateAndWrite" | "OnReadAndWrite") {}
  static newBuilder(ttlMs: number) {
    if (!(ttlMs > 0)) throw new AnalysisError("INVALID_PARAMETER_VALUE", `a state time-to-live must be a positive number of milliseconds, got ${ttlMs}`);
    let update: "OnCreateAndWrite" | "OnReadAndWrite" = "OnCreateAndWrite";
    const b = {
      setUpdateType(u: "OnCreateAndWrite" | "OnReadAndWrite") {
        if (u !== "OnCreateAndWrite" && u !== "OnReadAndWrite") throw new AnalysisError("INVALID_PARAMETER_VALUE", `update type must be "OnCreateAndWrite" or "OnReadAndWrite", got ${JSON.stringify(u)}`);
        update = u; return b;
      },
      updateTtlOnReadAndWrite() { update = "OnReadAndWrite"; return b; },
      updateTtlOnCreateAndWrite() { update = "OnCreateAndWrite"; return b; },
      setStateVisibility(v: "NeverReturnExpired") {
        if (v !== "NeverReturnExpired") throw new AnalysisError("UNSUPPORTED_OPERATION", `only the NeverReturnExpired state visibility is supported, got ${JSON.stringify(v)}`);
        return b;
      },
      build: () => new StateTtlConfig(ttlMs, update),
    };
    return b;
  }
}
registerShippable("dataflow.StateTtlConfig", StateTtlConfig);

function descOf(d: unknown, type: string): Desc {
  if (typeof d === "string") return { name: d, type };
  if (!d || typeof (d as Desc).name !== "string") throw new AnalysisError("INVALID_PARAMETER_VALUE", `a state descriptor needs a name, e.g. new ValueStateDescriptor("count", 0)`);
  return d as Desc;
}

/** The keyed state of one operator subtask: state name -> key (JSON text) -> value. */
export class KeyedStateBackend {
  private tables = new Map<string, Map<string, unknown>>();
  private kinds = new Map<string, string>();
  currentKey: unknown = undefined;
  currentKeyText = "";

  setCurrentKey(key: unknown): void {
    this.currentKey = key;
    this.currentKeyText = JSON.stringify(key) ?? "null";
  }

  private table(name: string, kind: string): Map<string, unknown> {
    const k = this.kinds.get(name);
    if (k && k !== kind) throw new AnalysisError("INVALID_PARAMETER_VALUE", `state '${name}' was registered as ${k} state, not ${kind} state`);
    this.kinds.set(name, kind);
    let t = this.tables.get(name);
    if (!t) this.tables.set(name, (t = new Map()));
    return t;
  }

  private needKey(): string {
    if (this.currentKey === undefined) throw new AnalysisError("UNSUPPORTED_OPERATION", "keyed state is only available on a keyed stream (after keyBy), while processing a record or timer");
    return this.currentKeyText;
  }

  /** A state with a time-to-live: an entry not written (or read, OnReadAndWrite) for ttl ms is gone. */
  private readonly ttls = new Map<string, { ms: number; updateOnRead: boolean }>();
  private readonly touched = new Map<string, Map<string, number>>();
  private ttlOf(name: string, d: Desc): void {
    const c = d.ttlConfig;
    if (!c || this.ttls.has(name)) return;
    this.ttls.set(name, { ms: c.ttlMs, updateOnRead: c.updateType === "OnReadAndWrite" });
    if (!this.touched.has(name)) this.touched.set(name, new Map());
  }
  /** The current key's entry of a TTL state: dropped when expired; a read refreshes it under OnReadAndWrite. */
  private live(name: string, t: Map<string, unknown>, read: boolean): string {
    const k = this.needKey();
    const ttl = this.ttls.get(name);
    if (!ttl) return k;
    const ts = this.touched.get(name)!;
    const at = ts.get(k);
    if (at !== undefined && Date.now() - at >= ttl.ms) { t.delete(k); ts.delete(k); }
    else if (read && ttl.updateOnRead && at !== undefined) ts.set(k, Date.now());
    return k;
  }
  private wrote(name: string, k: string, gone = false): void {
    const ts = this.touched.get(name);
    if (ts) { if (gone) ts.delete(k); else ts.set(k, Date.now()); }
  }

  getState<T>(d: ValueStateDescriptor<T> | string): ValueState<T> {
    const desc = descOf(d, "value");
    const name = desc.name;
    const t = this.table(name, "value");
    this.ttlOf(name, desc);
    return {
      value: () => { const k = this.live(name, t, true); return (t.has(k) ? t.get(k) : structuredClone(desc.defaultValue ?? null)) as T; },
      update: (v) => { const k = this.live(name, t, false); t.set(k, v); this.wrote(name, k); },
      clear: () => { const k = this.needKey(); t.delete(k); this.wrote(name, k, true); },
    };
  }

  getListState<T>(d: ListStateDescriptor<T> | string): ListState<T> {
    const desc = descOf(d, "list");
    const name = desc.name;
    const t = this.table(name, "list");
    this.ttlOf(name, desc);
    const list = (): T[] => { const k = this.live(name, t, false); let l = t.get(k) as T[] | undefined; if (!l) t.set(k, (l = [])); this.wrote(name, k); return l; };
    return {
      get: () => [...((t.get(this.live(name, t, true)) as T[] | undefined) ?? [])],
      add: (v) => { list().push(v); },
      addAll: (vs) => { list().push(...vs); },
      update: (vs) => { const k = this.live(name, t, false); t.set(k, [...vs]); this.wrote(name, k); },
      clear: () => { const k = this.needKey(); t.delete(k); this.wrote(name, k, true); },
    };
  }

  getMapState<K, V>(d: MapStateDescriptor<K, V> | string): MapState<K, V> {
    const desc = descOf(d, "map");
    const name = desc.name;
    const t = this.table(name, "map");
    this.ttlOf(name, desc);
    const read = (): Map<string, [K, V]> => (t.get(this.live(name, t, true)) as Map<string, [K, V]> | undefined) ?? new Map();
    const write = (): Map<string, [K, V]> => { const k = this.live(name, t, false); let x = t.get(k) as Map<string, [K, V]> | undefined; if (!x) t.set(k, (x = new Map())); this.wrote(name, k); return x; };
    const kt = (k: K) => JSON.stringify(k) ?? "null";
    return {
      get: (k) => read().get(kt(k))?.[1],
      put: (k, v) => { write().set(kt(k), [k, v]); },
      putAll: (o) => { const m = write(); for (const [k, v] of Object.entries(o)) m.set(kt(k as K), [k as K, v]); },
      contains: (k) => read().has(kt(k)),
      remove: (k) => { write().delete(kt(k)); },
      keys: () => [...read().values()].map((e) => e[0]),
      values: () => [...read().values()].map((e) => e[1]),
      entries: () => [...read().values()].map((e) => [e[0], e[1]] as [K, V]),
      isEmpty: () => read().size === 0,
      clear: () => { const k = this.needKey(); t.delete(k); this.wrote(name, k, true); },
    };
  }

  getReducingState<T>(d: ReducingStateDescriptor<T>): ReducingState<T> {
    const desc = descOf(d, "reducing");
    const name = desc.name;
    const t = this.table(name, "reducing");
    this.ttlOf(name, desc);
    return {
      get: () => t.get(this.live(name, t, true)) as T | undefined,
      add: (v) => { const k = this.live(name, t, false); t.set(k, t.has(k) ? desc.reduceFunction!(t.get(k), v) : v); this.wrote(name, k); },
      clear: () => { const k = this.needKey(); t.delete(k); this.wrote(name, k, true); },
    };
  }

  /** Number of (state, key) entries, for metrics. */
  size(): number {
    let n = 0;
    for (const t of this.tables.values()) n += t.size;
    return n;
  }

  /** All entries of one state, for inspection ([key, value] pairs). */
  entriesOf(name: string): Array<[unknown, unknown]> {
    return [...(this.tables.get(name) ?? new Map()).entries()].map(([k, v]) => [JSON.parse(k), v instanceof Map ? Object.fromEntries([...v.values()].map(([a, b]) => [String(a), b])) : v]);
  }

  snapshot(): unknown {
    const out: Record<string, { kind: string; entries: Array<[string, unknown] | [string, unknown, number]> }> = {};
    for (const [name, t] of this.tables) {
      const kind = this.kinds.get(name)!;
      const ttl = this.ttls.get(name), ts = this.touched.get(name), now = Date.now();
      const entries: Array<[string, unknown] | [string, unknown, number]> = [];
      for (const [k, v] of t) {
        const value = kind === "map" ? [...(v as Map<string, unknown>).entries()] : v;
        const at = ts?.get(k);
        if (ttl && at !== undefined) { if (now - at < ttl.ms) entries.push([k, value, at]); } // expired entries are not snapshotted
        else entries.push([k, value]);
      }
      out[name] = { kind, entries };
    }
    return out;
  }

  /** Rescaling: the entries of several old subtasks' snapshots whose keys this subtask now owns. */
  restoreMany(snaps: unknown[], owns: (keyText: string) => boolean): void {
    const merged: Record<string, { kind: string; entries: Array<[string, unknown]> }> = {};
    for (const snap of snaps) {
      for (const [name, { kind, entries }] of Object.entries((snap ?? {}) as Record<string, { kind: string; entries: Array<[string, unknown]> }>)) {
        const m = (merged[name] ??= { kind, entries: [] });
        for (const e of entries) if (owns(e[0])) m.entries.push(e);
      }
    }
    this.restore(merged);
  }

  restore(s: unknown): void {
    // refill the tables in place: state handles taken in open() keep pointing at them
    for (const t of this.tables.values()) t.clear();
    for (const t of this.touched.values()) t.clear();
    for (const [name, { kind, entries }] of Object.entries((s ?? {}) as Record<string, { kind: string; entries: Array<[string, unknown]> }>)) {
      this.kinds.set(name, kind);
      let t = this.tables.get(name);
      if (!t) this.tables.set(name, (t = new Map()));
      for (const [k, v, at] of entries as Array<[string, unknown, number?]>) {
        t.set(k, kind === "map" ? new Map(v as Array<[string, unknown]>) : v);
        if (at !== undefined) { let ts = this.touched.get(name); if (!ts) this.touched.set(name, (ts = new Map())); ts.set(k, at); }
      }
    }
  }
}

/** Operator (non-keyed) list state: one list per name per subtask, as Flink's OperatorStateStore. */
export class OperatorStateStore {
  private lists = new Map<string, unknown[]>();
  getListState<T>(d: ListStateDescriptor<T> | string): ListState<T> {
    const name = descOf(d, "list").name;
    const l = (): T[] => { let x = this.lists.get(name); if (!x) this.lists.set(name, (x = [])); return x as T[]; };
    return {
      get: () => [...l()], add: (v) => { l().push(v); }, addAll: (vs) => { l().push(...vs); },
      update: (vs) => { this.lists.set(name, [...vs]); }, clear: () => { this.lists.set(name, []); },
    };
  }
  snapshot(): unknown { return Object.fromEntries(this.lists); }
  restore(s: unknown): void { this.lists = new Map(Object.entries((s ?? {}) as Record<string, unknown[]>)); }
  /** Rescaling: Flink's even-split redistribution — the old subtasks' lists concatenated, element i to subtask i mod n. */
  restoreMany(snaps: unknown[], sub: number, parallelism: number): void {
    const all = new Map<string, unknown[]>();
    for (const snap of snaps) for (const [name, l] of Object.entries((snap ?? {}) as Record<string, unknown[]>)) all.set(name, [...(all.get(name) ?? []), ...l]);
    this.lists = new Map([...all].map(([name, l]) => [name, l.filter((_, i) => i % parallelism === sub)]));
  }
}
