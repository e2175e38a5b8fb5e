// The build side of the columnar broadcast hash join (Spark's HashedRelation): the broadcast
// column batch (the driver turns the collected build rows into one, so executors decode typed
// arrays instead of a hundred thousand small row arrays) plus an index from key to row positions.
// Built once per executor thread and broadcast (the broadcast value is one object per executor,
// so a WeakMap finds it again), not once per task: every task of the join probes the same
// relation, read-only.
//
// Single-key joins: build rows whose key is a small non-negative integer are chained per key in
// `head`/`next` (build order), so the probe indexes arrays instead of hashing; other keys (and
// -0, which lands on 0's slot just as the Map's SameValueZero groups it with 0) keep the Map.
// Null keys never match unless the key is null-safe (<=>).

import { normalizeKey, type NormalKey } from "../../../common/keys";
import type { Expr } from "../../expressions/expression";
import type { EvalContext } from "../../expressions/registry";
import { gather, valueAt, type ColumnBatch, type ColumnVector, type Numbers } from "../../column-batch";
import { compileVector } from "./vector-expr";

export interface HashedRelation {
  /** Keys not in the dense table: normalized key (or key tuple) -> build positions in order. */
  readonly table: Map<NormalKey, number[]>;
  /** Dense single keys: first build position per key (-1: none), and the next one per position. */
  readonly head?: Int32Array;
  readonly next?: Int32Array;
  /** Every dense key occurs once (a dimension table's key): no chain to walk. */
  readonly unique: boolean;
  /** The keys are exactly 0..head.length-1, the rows put in key order: head[k] = k. */
  readonly complete: boolean;
  /** The build rows as column vectors (in key order when complete). */
  readonly build: ColumnBatch;
}

export interface RelationSpec {
  rightKeys: Expr[];
  nullSafe: boolean[];
  rightTypes: { type: string }[];
}

const relations = new WeakMap<object, Map<string, HashedRelation>>();

/** The relation of the broadcast batch `built` for these keys: from this executor's memo, or built now. */
export function hashedRelation(built: ColumnBatch, spec: RelationSpec, ctx: EvalContext): HashedRelation {
  // Key expressions may hold bigint literals, which JSON cannot write as they are.
  const key = JSON.stringify([spec.rightKeys, spec.nullSafe, spec.rightTypes], (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
  let byKey = relations.get(built);
  if (!byKey) relations.set(built, (byKey = new Map()));
  let rel = byKey.get(key);
  if (!rel) byKey.set(key, (rel = buildRelation(built, spec, ctx)));
  return rel;
}

/** The build rows' key values at row j (the row path's values: valueAt). */
function keyAt(kv: ColumnVector[], j: number): unknown[] {
  return kv.map((v) => valueAt(v, j));
}

function buildRelation(built: ColumnBatch, spec: RelationSpec, ctx: EvalContext): HashedRelation {
  const n = built.length;
  const kv = spec.rightKeys.map((e) => compileVector(e, ctx)(built));
  const single = kv.length === 1;
  // One number key without nulls (a dimension table's id): read straight from its typed array.
  const numbers = single && kv[0]!.kind === "f64" && kv[0]!.nulls === null ? kv[0]!.values : undefined;
  let maxDense = -1;
  if (numbers) maxDense = maxDenseKey(numbers, n);
  else if (single) {
    for (let j = 0; j < n; j++) {
      const k = valueAt(kv[0]!, j);
      if (typeof k === "number" && (k >>> 0) === k && k > maxDense) maxDense = k;
    }
  }
  const table = new Map<NormalKey, number[]>();
  const dense = single && maxDense >= 0 && maxDense < Math.max(1024, 4 * n) && maxDense < 1 << 26;
  const head = dense ? new Int32Array(maxDense + 1).fill(-1) : undefined;
  const next = dense ? new Int32Array(n).fill(-1) : undefined;
  const tail = dense ? new Int32Array(maxDense + 1).fill(-1) : undefined;
  let unique = true;
  // The common case in loops of typed arrays only: they run optimized from the first relation on.
  if (numbers && head) {
    const flags = chainDense(numbers, n, head, next!, tail!);
    unique = (flags & REPEATED) === 0;
    if (flags & NOT_DENSE) {
      for (let j = 0; j < n; j++) {
        const k = numbers[j]!;
        if ((k >>> 0) === k) continue;
        const bucket = table.get(normalizeKey(k));
        if (bucket) bucket.push(j); else table.set(normalizeKey(k), [j]);
      }
    }
  }
  for (let j = numbers && head ? n : 0; j < n; j++) {
    const k0 = numbers ? numbers[j]! : single ? valueAt(kv[0]!, j) : undefined;
    if (head && typeof k0 === "number" && (k0 >>> 0) === k0) {
      const slot = k0 >>> 0;
      if (tail![slot]! < 0) head[slot] = j; else { next![tail![slot]!] = j; unique = false; }
      tail![slot] = j;
      continue;
    }
    const key = single ? [k0] : keyAt(kv, j);
    if (key.some((k, i) => (k === null || k === undefined) && !spec.nullSafe[i])) continue;
    const nk = normalizeKey(single ? k0 : key);
    const bucket = table.get(nk);
    if (bucket) bucket.push(j); else table.set(nk, [j]);
  }
  // Keys exactly 0..m, each once (a dimension table keyed 0..m): the rows are put in key order,
  // so a key is its own build position and the probe reads no table at all.
  const complete = !!head && unique && table.size === 0 && head.indexOf(-1) < 0;
  let build = built;
  if (complete && !isIdentity(head!)) {
    const order = head!.slice();
    build = { length: order.length, columns: built.columns.map((c) => gather(c, order, order.length)) };
    for (let s = 0; s < head!.length; s++) head![s] = s;
  }
  return { table, head, next, unique, complete, build };
}

/** The largest key that is a non-negative 32-bit integer (-1: none; -0 counts as 0's slot). */
function maxDenseKey(keys: Numbers, n: number): number {
  let m = -1;
  for (let j = 0; j < n; j++) {
    const k = keys[j]!;
    if ((k >>> 0) === k && k > m) m = k;
  }
  return m;
}

/** head[s] === s for every slot (build rows already in key order: nothing to reorder). */
function isIdentity(head: Int32Array): boolean {
  for (let s = 0; s < head.length; s++) if (head[s] !== s) return false;
  return true;
}

const REPEATED = 1, NOT_DENSE = 2;

/**
 * Chains build rows per dense key in build order (head: first row per slot, next: the following
 * one, tail: the last so far); returns REPEATED when some key occurs twice and NOT_DENSE when some
 * key is not a non-negative 32-bit integer (those rows are left for the Map).
 */
function chainDense(keys: Numbers, n: number, head: Int32Array, next: Int32Array, tail: Int32Array): number {
  let flags = 0;
  for (let j = 0; j < n; j++) {
    const k = keys[j]!, slot = k >>> 0;
    if (slot !== k) { flags |= NOT_DENSE; continue; }
    const t = tail[slot]!;
    if (t < 0) head[slot] = j; else { next[t] = j; flags |= REPEATED; }
    tail[slot] = j;
  }
  return flags;
}
