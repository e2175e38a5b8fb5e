// Keyed state as Flink defines it: descriptors registered in open(), handles (ValueState, ListState,
// MapState, ReducingState) whose value depends on the key of the record being processed, and the
// keyed state backend of one operator subtask (a table per state name, keyed by the record key).
// Snapshots are plain JSON (state values must be JSON-like). Operator (non-keyed) list state is here too.

import { registerShippable } from "../common/closure";
import { AnalysisError } from "../common/errors";

export class ValueStateDescriptor<T = unknown> {
  readonly type = "value";
  constructor(readonly name: string, readonly defaultValue?: T) {}
}
export class ListStateDescriptor<T = unknown> {
  readonly type = "list";
  constructor(readonly name: string, readonly _elem?: T) {}
}
export class MapStateDescriptor<K = unknown, V = unknown> {
  readonly type = "map";
  constructor(readonly name: string, readonly _k?: K, readonly _v?: V) {}
}
export class ReducingStateDescriptor<T = unknown> {
  readonly type = "reducing";
  constructor(readonly name: string, readonly reduceFunction: (a: T, b: T) => T) {}
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

type Desc = { name: string; type?: string; defaultValue?: unknown; reduceFunction?: (a: any, b: any) => any };

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

  getState<T>(d: ValueStateDescriptor<T> | string): ValueState<T> {
    const desc = descOf(d, "value");
    const t = this.table(desc.name, "value");
    return {
      value: () => { const k = this.needKey(); return (t.has(k) ? t.get(k) : structuredClone(desc.defaultValue ?? null)) as T; },
      update: (v) => { t.set(this.needKey(), v); },
      clear: () => { t.delete(this.needKey()); },
    };
  }

  getListState<T>(d: ListStateDescriptor<T> | string): ListState<T> {
    const t = this.table(descOf(d, "list").name, "list");
    const list = (): T[] => { const k = this.needKey(); let l = t.get(k) as T[] | undefined; if (!l) t.set(k, (l = [])); return l; };
    return {
      get: () => [...((t.get(this.needKey()) as T[] | undefined) ?? [])],
      add: (v) => { list().push(v); },
      addAll: (vs) => { list().push(...vs); },
      update: (vs) => { t.set(this.needKey(), [...vs]); },
      clear: () => { t.delete(this.needKey()); },
    };
  }

  getMapState<K, V>(d: MapStateDescriptor<K, V> | string): MapState<K, V> {
    const t = this.table(descOf(d, "map").name, "map");
    const m = (): Map<string, [K, V]> => { const k = this.needKey(); let x = t.get(k) as Map<string, [K, V]> | undefined; if (!x) t.set(k, (x = new Map())); return x; };
    const kt = (k: K) => JSON.stringify(k) ?? "null";
    return {
      get: (k) => m().get(kt(k))?.[1],
      put: (k, v) => { m().set(kt(k), [k, v]); },
      putAll: (o) => { for (const [k, v] of Object.entries(o)) m().set(kt(k as K), [k as K, v]); },
      contains: (k) => m().has(kt(k)),
      remove: (k) => { m().delete(kt(k)); },
      keys: () => [...m().values()].map((e) => e[0]),
      values: () => [...m().values()].map((e) => e[1]),
      entries: () => [...m().values()].map((e) => [e[0], e[1]] as [K, V]),
      isEmpty: () => m().size === 0,
      clear: () => { t.delete(this.needKey()); },
    };
  }

  getReducingState<T>(d: ReducingStateDescriptor<T>): ReducingState<T> {
    const desc = descOf(d, "reducing");
    const t = this.table(desc.name, "reducing");
    return {
      get: () => t.get(this.needKey()) as T | undefined,
      add: (v) => { const k = this.needKey(); t.set(k, t.has(k) ? desc.reduceFunction!(t.get(k), v) : v); },
      clear: () => { t.delete(this.needKey()); },
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
    const out: Record<string, { kind: string; entries: Array<[string, unknown]> }> = {};
    for (const [name, t] of this.tables) {
      const kind = this.kinds.get(name)!;
      out[name] = { kind, entries: [...t.entries()].map(([k, v]) => [k, kind === "map" ? [...(v as Map<string, unknown>).entries()] : v]) };
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
    for (const [name, { kind, entries }] of Object.entries((s ?? {}) as Record<string, { kind: string; entries: Array<[string, unknown]> }>)) {
      this.kinds.set(name, kind);
      let t = this.tables.get(name);
      if (!t) this.tables.set(name, (t = new Map()));
      for (const [k, v] of entries) t.set(k, kind === "map" ? new Map(v as Array<[string, unknown]>) : v);
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
