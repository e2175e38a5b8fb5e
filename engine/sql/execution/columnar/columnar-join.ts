// Broadcast hash join probed a batch at a time: the build side (the broadcast batch of the build
// rows, built on the right: broadcastBatch) becomes a HashedRelation (./hashed-relation.ts) once per executor; each streamed
// batch yields (stream position, build position) pairs in the row path's order (per stream row,
// its bucket in build order) and the output batch gathers both sides' columns. Keys are compared
// as the row path does (normalizeKey of the key value or key tuple; null keys never match unless
// null-safe). Inner joins may carry a residual condition (applied to the joined batch, as the
// row path filters joined rows); left outer, left semi and left anti joins only without one.

import { normalizeKey } from "../../../common/keys";
import type { Expr } from "../../expressions/expression";
import type { EvalContext } from "../../expressions/registry";
import { constantVector, gather, gatherNumbers, isNumberType, rowsToBatch, unpacked, valueAt, type ColumnBatch, type ColumnVector, type Numbers, type NumVector } from "../../column-batch";
import { hashedRelation, type HashedRelation } from "./hashed-relation";
import { compileVector, type VecFn } from "./vector-expr";
import { filterBatch } from "./columnar-ops";
import type { FusedProbe } from "./columnar-agg";

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

/** The broadcast value of a columnar join: the collected build rows as one column batch (on the driver). */
export function broadcastBatch(rows: unknown[][], spec: Pick<ColumnarJoinSpec, "rightTypes">): ColumnBatch {
  return rowsToBatch(rows, spec.rightTypes.map(isNumberType));
}

/** Stands for a join output column nothing reads (never gathered). */
const unread = (n: number): ColumnVector => ({ kind: "any", values: new Array<unknown>(0), length: n } as unknown as ColumnVector);

export class ColumnarHashJoin {
  private readonly rel: HashedRelation;
  private readonly keyFns: VecFn[];
  private readonly cond?: VecFn;
  private li = new Int32Array(1024);
  private ri = new Int32Array(1024);
  /** Rows joined inside generated loops (fusedProbe's callers add to it). */
  readonly matched = new Float64Array(1);
  /** Output buffers reused batch after batch (`reuse`), per build column. */
  private readonly scratch: (Float64Array | undefined)[] = [];

  /**
   * `reuse`: the stage consumes each output batch before it probes the next one (it ends in an
   * aggregate), so the gathered build columns may live in buffers reused from batch to batch.
   */
  constructor(private readonly spec: ColumnarJoinSpec, built: ColumnBatch, ctx: EvalContext, private readonly reuse = false) {
    this.rel = hashedRelation(built, spec, ctx);
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
    const jt = this.spec.joinType, nullSafe = this.spec.nullSafe, rel = this.rel, table = rel.table;
    let n = 0;
    const single = kv.length === 1;
    const k0 = kv[0];
    const dense = this.uniqueDenseKey(kv);
    if (dense) {
      // Unique small integer build keys only (a dimension table): at most one match per row.
      if (this.li.length < b.length) { this.li = new Int32Array(b.length); this.ri = new Int32Array(b.length); }
      n = probeUniqueDense(dense, b.length, rel.head!, rel.complete, this.li, this.ri);
      return this.emit(b, n, n === b.length);
    }
    if (single && rel.head && k0!.kind === "f64" && k0.nulls === null && jt === "inner") {
      // The common case (an inner equi-join on a non-null integer key): one tight loop on local
      // arrays, noting whether every stream row matched exactly once (the stream columns then stay).
      const head = rel.head, next = rel.next!, len = head.length, vals = k0.values, unique = rel.unique, complete = rel.complete;
      let li = this.li, ri = this.ri, once = true;
      for (let i = 0; i < b.length; i++) {
        const x = vals[i]!;
        const slot = x >>> 0;
        if (slot === x) {
          let j = slot < len ? (complete ? slot : head[slot]!) : -1;
          if (j < 0) { once = false; continue; }
          if (n === li.length) { this.push(n, i, j); li = this.li; ri = this.ri; } else { li[n] = i; ri[n] = j; }
          n++;
          if (unique) continue;
          for (j = next[j]!; j >= 0; j = next[j]!) {
            once = false;
            if (n === li.length) { this.push(n, i, j); li = this.li; ri = this.ri; } else { li[n] = i; ri[n] = j; }
            n++;
          }
          continue;
        }
        const bucket = table.get(normalizeKey(x));
        if (!bucket || bucket.length !== 1) once = false;
        if (bucket) for (const j of bucket) { this.push(n++, i, j); li = this.li; ri = this.ri; }
      }
      return this.emit(b, n, once && n === b.length);
    }
    if (single && rel.head && k0!.kind === "f64" && (jt === "inner" || jt === "left")) {
      const head = rel.head, next = rel.next!, len = head.length, vals = k0.values, nulls = k0.nulls;
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

  /**
   * The probe of batch b for a generated loop that joins and aggregates in one pass (agg-codegen.ts),
   * or null when this join or batch has another shape: an inner join without a residual
   * condition, a non-null number key, build keys that are unique small integers (at most one
   * build row per stream row, no key outside the dense table).
   */
  fusedProbe(b: ColumnBatch): FusedProbe | null {
    const rel = this.rel;
    const keys = this.cond || this.keyFns.length !== 1 ? null : this.uniqueDenseKey([this.keyFns[0]!(b)]);
    return keys && { keys, head: rel.head!, complete: rel.complete, build: rel.build.columns, matched: this.matched };
  }

  /**
   * The stream key values when the probe is probeUniqueDense's case: an inner join on one non-null
   * number key whose build keys are unique small integers (all in the dense table, none in the
   * Map), so each stream row has at most one build row. Null otherwise.
   */
  private uniqueDenseKey(kv: ColumnVector[]): Numbers | null {
    const rel = this.rel, k = kv[0];
    const ok = kv.length === 1 && this.spec.joinType === "inner" && rel.head && rel.unique && rel.table.size === 0 && k!.kind === "f64" && k.nulls === null;
    return ok ? (k as NumVector).values : null;
  }

  /** Build positions matching a single key value (dense chain or Map bucket). */
  private lookup(x: unknown): number[] | undefined {
    const { head, next, table } = this.rel;
    if (head && typeof x === "number" && (x >>> 0) === x) {
      const out: number[] = [];
      for (let j = x < head.length ? head[x]! : -1; j >= 0; j = next![j]!) out.push(j);
      return out.length ? out : undefined;
    }
    return table.get(normalizeKey(x));
  }

  /** The joined batch of the probe's n pairs; `identity`: known that stream row i is pair i. */
  private emit(b: ColumnBatch, n: number, identity?: boolean): ColumnBatch {
    const jt = this.spec.joinType;
    // Every stream row matched once, in order (a foreign-key join): the stream columns stay as they are.
    if (identity === undefined) {
      identity = n === b.length;
      for (let i = 0; identity && i < n; i++) identity = this.li[i] === i;
    }
    const need = this.spec.needed, w = b.columns.length;
    const left = identity ? b.columns : b.columns.map((c, i) => (need && !need[i] ? unread(n) : gather(c, this.li, n)));
    if (jt === "left_semi" || jt === "left_anti") return { length: n, columns: left };
    const right = this.rel.build.columns.map((c, i) => (need && !need[w + i] ? unread(n) : this.gatherBuild(c, i, n, jt === "inner")));
    const out: ColumnBatch = { length: n, columns: [...left, ...right] };
    return this.cond ? filterBatch(out, this.cond(out)) : out;
  }

  /** Build column `c` at the probe's right positions (-1: a null, outer joins only); into a reused buffer when allowed. */
  private gatherBuild(v: ColumnVector, c: number, n: number, noPadding: boolean): ColumnVector {
    if (!noPadding) return gatherNullable(v, this.ri, n);
    if (!this.reuse || v.kind !== "f64" || v.nulls !== null || !(v.values instanceof Float64Array)) return gather(v, this.ri, n);
    let buf = this.scratch[c];
    if (!buf || buf.length < n) buf = this.scratch[c] = new Float64Array(Math.max(n, 1024));
    gatherNumbers(v.values, this.ri, n, buf);
    return { kind: "f64", values: buf.length === n ? buf : buf.subarray(0, n), nulls: null };
  }
}

/**
 * The inner-join probe of non-null number keys against unique small integer build keys (every
 * build key in `head`, none in the Map): the matching (stream, build) positions into li/ri (each at
 * least n long), their count returned. A function of typed arrays only, so it stays optimized
 * from task to task (the probe method calls per-task closures).
 */
function probeUniqueDense(vals: Numbers, n: number, head: Int32Array, complete: boolean, li: Int32Array, ri: Int32Array): number {
  const len = head.length;
  let m = 0;
  for (let i = 0; i < n; i++) {
    const x = vals[i]!;
    const slot = x >>> 0;
    if (slot !== x || slot >= len) continue;
    const j = complete ? slot : head[slot]!;
    if (j < 0) continue;
    li[m] = i; ri[m] = j; m++;
  }
  return m;
}

/** gather where position -1 means a null (outer join padding). */
function gatherNullable(v: ColumnVector, idx: Int32Array, n: number): ColumnVector {
  let pad = false;
  for (let i = 0; i < n; i++) if (idx[i]! < 0) { pad = true; break; }
  if (!pad) return gather(v, idx, n);
  if (v.kind === "dict") return gatherNullable(unpacked(v, v.codes.length), idx, n);
  if (v.kind === "rle") return gatherNullable(unpacked(v, v.ends[v.ends.length - 1] ?? 0), idx, n);
  if (v.kind === "any") {
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = idx[i]! < 0 ? null : v.values[idx[i]!];
    return { kind: "any", values: out };
  }
  const safe = new Int32Array(n);
  for (let i = 0; i < n; i++) safe[i] = Math.max(0, idx[i]!);
  const g = n > 0 && v.values.length > 0 ? gather(v, safe, n) : constantVector(null, n);
  if (g.kind === "any" || g.kind === "dict" || g.kind === "rle") return g; // (gather keeps a non-dict vector's kind, expands runs)
  const nulls = g.nulls ?? new Uint8Array(n);
  for (let i = 0; i < n; i++) if (idx[i]! < 0) nulls[i] = 1;
  return { ...g, nulls } as ColumnVector;
}
