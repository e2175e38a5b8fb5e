// The build side of the columnar broadcast hash join (Spark's HashedRelation): the broadcast rows
// as column vectors plus an index from key to row positions. Built once per executor thread and
// broadcast (the broadcast value is one object per executor, so a WeakMap finds it again), not
// once per task: every task of the join probes the same relation, read-only.
//
// Single-key joins: build rows whose key is a small non-negative integer are chained per key in
// `head`/`next` (build order), so the probe indexes arrays instead of hashing; other keys (and
// -0, which lands on 0's slot just as the Map's SameValueZero groups it with 0) keep the Map.
// Null keys never match unless the key is null-safe (<=>).

import { normalizeKey, type NormalKey } from "../../../common/keys";
import type { Expr } from "../../expressions/expression";
import { compileExpr } from "../../expressions/eval";
import type { EvalContext } from "../../expressions/registry";
import { isNumberType, rowsToBatch, type ColumnBatch } from "../../column-batch";

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

/** The relation of `built` for these keys: from this executor's memo, or built now. */
export function hashedRelation(built: unknown[][], spec: RelationSpec, ctx: EvalContext): HashedRelation {
  // Key expressions may hold bigint literals, which JSON cannot write as they are.
  const key = JSON.stringify([spec.rightKeys, spec.nullSafe, spec.rightTypes], (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
  let byKey = relations.get(built);
  if (!byKey) relations.set(built, (byKey = new Map()));
  let rel = byKey.get(key);
  if (!rel) byKey.set(key, (rel = buildRelation(built, spec, ctx)));
  return rel;
}

function buildRelation(built: unknown[][], spec: RelationSpec, ctx: EvalContext): HashedRelation {
  const rk = spec.rightKeys.map((e) => compileExpr(e, ctx));
  const single = rk.length === 1;
  let maxDense = -1;
  const keys = built.map((row) => {
    const key = rk.map((f) => f(row));
    if (single && typeof key[0] === "number" && (key[0] >>> 0) === key[0]) maxDense = Math.max(maxDense, key[0]);
    return key;
  });
  const table = new Map<NormalKey, number[]>();
  const dense = single && maxDense >= 0 && maxDense < Math.max(1024, 4 * built.length) && maxDense < 1 << 26;
  const head = dense ? new Int32Array(maxDense + 1).fill(-1) : undefined;
  const next = dense ? new Int32Array(built.length).fill(-1) : undefined;
  const tail = dense ? new Int32Array(maxDense + 1).fill(-1) : undefined;
  let unique = true;
  keys.forEach((key, j) => {
    if (key.some((k, i) => (k === null || k === undefined) && !spec.nullSafe[i])) return;
    const k0 = key[0];
    if (head && typeof k0 === "number" && (k0 >>> 0) === k0) {
      const slot = k0 >>> 0;
      if (tail![slot]! < 0) head[slot] = j; else { next![tail![slot]!] = j; unique = false; }
      tail![slot] = j;
      return;
    }
    const nk = normalizeKey(key.length === 1 ? k0 : key);
    const bucket = table.get(nk);
    if (bucket) bucket.push(j); else table.set(nk, [j]);
  });
  // Keys exactly 0..m, each once (a dimension table keyed 0..m): the rows are put in key order,
  // so a key is its own build position and the probe reads no table at all.
  const complete = !!head && unique && table.size === 0 && head.every((j) => j >= 0);
  let rows = built;
  if (complete) {
    rows = Array.from(head!, (j) => built[j]!);
    for (let s = 0; s < head!.length; s++) head![s] = s;
  }
  return { table, head, next, unique, complete, build: rowsToBatch(rows, spec.rightTypes.map(isNumberType)) };
}
