// Broadcast hash join probed a batch at a time: the build side (the broadcast rows, built on the
// right) becomes a hash table of row positions plus column vectors once per task; each streamed
// batch yields (stream position, build position) pairs in the row path's order (per stream row,
// its bucket in build order) and the output batch gathers both sides' columns. Keys are compared
// as the row path does (normalizeKey of the key value or key tuple; null keys never match unless
// null-safe). Inner joins may carry a residual condition (applied to the joined batch, as the
// row path filters joined rows); left outer, left semi and left anti joins only without one.

import { normalizeKey, type NormalKey } from "../../../common/keys";
import type { Expr } from "../../expressions/expression";
import { compileExpr } from "../../expressions/eval";
import type { EvalContext } from "../../expressions/registry";
import { constantVector, gather, isNumberType, rowsToBatch, valueAt, type ColumnBatch, type ColumnVector } from "../../column-batch";
import { compileVector, type VecFn } from "./vector-expr";
import { filterBatch } from "./columnar-ops";

export interface ColumnarJoinSpec {
  joinType: string;
  /** Keys bound to the streamed (left) batch and to the build (right) rows. */
  leftKeys: Expr[];
  rightKeys: Expr[];
  nullSafe: boolean[];
  /** Residual condition bound to [...left, ...right] (inner joins only). */
  condition?: Expr;
  /** Types of the build rows' columns (number columns become Float64Array vectors). */
  rightTypes: { type: string }[];
  /** Width of the streamed (left) rows. */
  leftWidth?: number;
  /** Output columns ([...left, ...right]) read after the join; the others are not gathered. */
  needed?: boolean[];
}

/** Stands for a join output column nothing reads (never gathered). */
const unread = (n: number): ColumnVector => ({ kind: "any", values: new Array<unknown>(0), length: n } as unknown as ColumnVector);

export class ColumnarHashJoin {
  private readonly table = new Map<NormalKey, number[]>();
  private readonly build: ColumnBatch;
  private readonly keyFns: VecFn[];
  private readonly cond?: VecFn;
  private li = new Int32Array(1024);
  private ri = new Int32Array(1024);

  /**
   * Single-key joins: build rows whose key is a small non-negative integer are chained per key in
   * `head`/`next` (build order), so the probe indexes arrays instead of hashing; other keys (and
   * -0, which lands on 0's slot just as the Map's SameValueZero groups it with 0) keep the Map.
   */
  private head: Int32Array | undefined;
  private next: Int32Array | undefined;

  constructor(private readonly spec: ColumnarJoinSpec, built: unknown[][], ctx: EvalContext) {
    const rk = spec.rightKeys.map((e) => compileExpr(e, ctx));
    const single = rk.length === 1;
    let maxDense = -1;
    const keys = built.map((row) => {
      const key = rk.map((f) => f(row));
      if (single && typeof key[0] === "number" && (key[0] >>> 0) === key[0]) maxDense = Math.max(maxDense, key[0]);
      return key;
    });
    const dense = single && maxDense >= 0 && maxDense < Math.max(1024, 4 * built.length) && maxDense < 1 << 26;
    if (dense) { this.head = new Int32Array(maxDense + 1).fill(-1); this.next = new Int32Array(built.length).fill(-1); }
    const tail = dense ? new Int32Array(maxDense + 1).fill(-1) : undefined;
    keys.forEach((key, j) => {
      if (key.some((k, i) => (k === null || k === undefined) && !spec.nullSafe[i])) return;
      const k0 = key[0];
      if (dense && typeof k0 === "number" && (k0 >>> 0) === k0) {
        const slot = k0 >>> 0;
        if (tail![slot]! < 0) this.head![slot] = j; else this.next![tail![slot]!] = j;
        tail![slot] = j;
        return;
      }
      const nk = normalizeKey(key.length === 1 ? k0 : key);
      const bucket = this.table.get(nk);
      if (bucket) bucket.push(j); else this.table.set(nk, [j]);
    });
    this.build = rowsToBatch(built, spec.rightTypes.map(isNumberType));
    this.keyFns = spec.leftKeys.map((e) => compileVector(e, ctx));
    if (spec.condition) this.cond = compileVector(spec.condition, ctx);
  }

  private push(n: number, l: number, r: number): void {
    if (n >= this.li.length) {
      const li = new Int32Array(this.li.length * 2), ri = new Int32Array(this.ri.length * 2);
      li.set(this.li); ri.set(this.ri);
      this.li = li; this.ri = ri;
    }
    this.li[n] = l; this.ri[n] = r;
  }

  probe(b: ColumnBatch): ColumnBatch {
    const kv = this.keyFns.map((f) => f(b));
    const jt = this.spec.joinType, nullSafe = this.spec.nullSafe, table = this.table;
    let n = 0;
    const single = kv.length === 1;
    const k0 = kv[0];
    if (single && this.head && k0!.kind === "f64" && k0.nulls === null && jt === "inner") {
      // The common case (an inner equi-join on a non-null integer key): one tight loop on local arrays.
      const head = this.head, next = this.next!, len = head.length, vals = k0.values;
      let li = this.li, ri = this.ri;
      for (let i = 0; i < b.length; i++) {
        const x = vals[i]!;
        const slot = x >>> 0;
        if (slot === x) {
          for (let j = slot < len ? head[slot]! : -1; j >= 0; j = next[j]!) {
            if (n === li.length) { this.push(n, i, j); li = this.li; ri = this.ri; n++; continue; }
            li[n] = i; ri[n] = j; n++;
          }
          continue;
        }
        const bucket = table.get(normalizeKey(x));
        if (bucket) for (const j of bucket) { this.push(n++, i, j); li = this.li; ri = this.ri; }
      }
      return this.emit(b, n);
    }
    if (single && this.head && k0!.kind === "f64" && (jt === "inner" || jt === "left")) {
      const head = this.head, next = this.next!, len = head.length, vals = k0.values, nulls = k0.nulls;
      for (let i = 0; i < b.length; i++) {
        const x = vals[i]!;
        if (nulls !== null && nulls[i] === 1 && !nullSafe[0]) { if (jt === "left") this.push(n++, i, -1); continue; }
        const slot = x >>> 0;
        if (slot === x && (nulls === null || nulls[i] === 0)) {
          let j = slot < len ? head[slot]! : -1;
          if (j < 0 && jt === "left") this.push(n++, i, -1);
          while (j >= 0) { this.push(n++, i, j); j = next[j]!; }
          continue;
        }
        const bucket = table.get(normalizeKey(valueAt(k0, i)));
        if (bucket) for (const j of bucket) this.push(n++, i, j);
        else if (jt === "left") this.push(n++, i, -1);
      }
      return this.emit(b, n);
    }
    for (let i = 0; i < b.length; i++) {
      let bucket: number[] | undefined;
      if (single) {
        const x = valueAt(kv[0]!, i);
        if (!((x === null) && !nullSafe[0])) bucket = this.lookup(x);
      } else {
        const key = kv.map((v) => valueAt(v, i));
        if (!key.some((k, j) => k === null && !nullSafe[j])) bucket = table.get(normalizeKey(key));
      }
      if (jt === "left_semi") { if (bucket) this.push(n++, i, -1); continue; }
      if (jt === "left_anti") { if (!bucket) this.push(n++, i, -1); continue; }
      if (bucket) for (const j of bucket) this.push(n++, i, j);
      else if (jt === "left") this.push(n++, i, -1);
    }
    return this.emit(b, n);
  }

  /** Build positions matching a single key value (dense chain or Map bucket). */
  private lookup(x: unknown): number[] | undefined {
    if (this.head && typeof x === "number" && (x >>> 0) === x) {
      const out: number[] = [];
      for (let j = x < this.head.length ? this.head[x]! : -1; j >= 0; j = this.next![j]!) out.push(j);
      return out.length ? out : undefined;
    }
    return this.table.get(normalizeKey(x));
  }

  private emit(b: ColumnBatch, n: number): ColumnBatch {
    const jt = this.spec.joinType;
    // Every stream row matched once, in order (a foreign-key join): the stream columns stay as they are.
    let identity = n === b.length;
    for (let i = 0; identity && i < n; i++) identity = this.li[i] === i;
    const need = this.spec.needed, w = b.columns.length;
    const left = identity ? b.columns : b.columns.map((c, i) => (need && !need[i] ? unread(n) : gather(c, this.li, n)));
    if (jt === "left_semi" || jt === "left_anti") return { length: n, columns: left };
    const right = this.build.columns.map((c, i) => (need && !need[w + i] ? unread(n) : gatherNullable(c, this.ri, n)));
    const out: ColumnBatch = { length: n, columns: [...left, ...right] };
    return this.cond ? filterBatch(out, this.cond(out)) : out;
  }
}

/** gather where position -1 means a null (outer join padding). */
function gatherNullable(v: ColumnVector, idx: Int32Array, n: number): ColumnVector {
  let pad = false;
  for (let i = 0; i < n; i++) if (idx[i]! < 0) { pad = true; break; }
  if (!pad) return gather(v, idx, n);
  if (v.kind === "any") {
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = idx[i]! < 0 ? null : v.values[idx[i]!];
    return { kind: "any", values: out };
  }
  const safe = new Int32Array(n);
  for (let i = 0; i < n; i++) safe[i] = Math.max(0, idx[i]!);
  const g = n > 0 && v.values.length > 0 ? gather(v, safe, n) : constantVector(null, n);
  if (g.kind === "any") return g;
  const nulls = g.nulls ?? new Uint8Array(n);
  for (let i = 0; i < n; i++) if (idx[i]! < 0) nulls[i] = 1;
  return { ...g, nulls } as ColumnVector;
}
