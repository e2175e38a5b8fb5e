// The columnar partial aggregate's hot loops (columnar-agg.ts), as functions of typed arrays only.
// Kept apart from the kernels on purpose: every task compiles new expression closures, and a
// kernel method that calls one is deoptimized when the closure changes; a loop that only sees
// typed arrays stays optimized across tasks (measured: the kernels' loops ran at about half speed
// in the worker threads while they shared a function with the closure call).
// Each loop adds rows [from, n) of its batch (rows before `from` were added by the generated
// loop of agg-codegen.ts). Every loop reproduces the row runtime's buffers: values in row order, the first value of a group
// taken as-is, compareValues' NaN and -0 rules for min/max.

import type { Numbers } from "../../column-batch";

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Out-of-range test of a long sum (the row runtime switches to bigint there). */
function unsafe(s: number): boolean {
  return s > MAX_SAFE || s < -MAX_SAFE || s !== s;
}

/**
 * sum per group. Returns -1, or the row at which an exact (long) sum leaves the safe integer range;
 * that row and the ones after it are not added.
 */
export function sumLoop(gids: Int32Array, vals: Numbers, nulls: Uint8Array | null, acc: Float64Array, seen: Uint8Array, from: number, n: number, exactLong: boolean): number {
  for (let i = from; i < n; i++) {
    if (nulls !== null && nulls[i] === 1) continue;
    const g = gids[i]!, x = vals[i]!;
    if (seen[g] === 0) { acc[g] = x; seen[g] = 1; continue; }
    const s = acc[g]! + x;
    if (exactLong && unsafe(s)) return i;
    acc[g] = s;
  }
  return -1;
}

/** sum of one group (every gid 0) with the running value in a register; as sumLoop. */
export function sumOneLoop(vals: Numbers, nulls: Uint8Array | null, acc: Float64Array, seen: Uint8Array, from: number, n: number, exactLong: boolean): number {
  let i = from, s = acc[0]!;
  if (seen[0] === 0) {
    while (i < n && nulls !== null && nulls[i] === 1) i++;
    if (i === n) return -1;
    s = vals[i++]!;
    seen[0] = 1;
  }
  for (; i < n; i++) {
    if (nulls !== null && nulls[i] === 1) continue;
    const t = s + vals[i]!;
    if (exactLong && unsafe(t)) { acc[0] = s; return i; }
    s = t;
  }
  acc[0] = s;
  return -1;
}

/** compareValues(x, y) for numbers: equal (incl. -0 vs 0) is 0, NaN is the largest. */
function compareNumbers(x: number, y: number): number {
  if (x === y) return 0;
  if (x !== x) return y !== y ? 0 : 1;
  if (y !== y) return -1;
  return x < y ? -1 : 1;
}

/** max (sign 1) or min (sign -1) per group; an equal value keeps the first. */
export function minMaxLoop(gids: Int32Array, vals: Numbers, nulls: Uint8Array | null, acc: Float64Array, seen: Uint8Array, from: number, n: number, sign: number): void {
  for (let i = from; i < n; i++) {
    if (nulls !== null && nulls[i] === 1) continue;
    const g = gids[i]!, x = vals[i]!;
    if (seen[g] === 0) { acc[g] = x; seen[g] = 1; continue; }
    if (compareNumbers(x, acc[g]!) * sign > 0) acc[g] = x;
  }
}

/** min/max of one group in a register; as minMaxLoop. */
export function minMaxOneLoop(vals: Numbers, nulls: Uint8Array | null, acc: Float64Array, seen: Uint8Array, from: number, n: number, sign: number): void {
  let i = from, m = acc[0]!;
  if (seen[0] === 0) {
    while (i < n && nulls !== null && nulls[i] === 1) i++;
    if (i === n) return;
    m = vals[i++]!;
    seen[0] = 1;
  }
  for (; i < n; i++) {
    if (nulls !== null && nulls[i] === 1) continue;
    const x = vals[i]!;
    if (compareNumbers(x, m) * sign > 0) m = x;
  }
  acc[0] = m;
}

/** avg's [sum, count] per group (the sum starts at 0, as the row runtime's buffer). */
export function avgLoop(gids: Int32Array, vals: Numbers, nulls: Uint8Array | null, sum: Float64Array, cnt: Float64Array, from: number, n: number): void {
  for (let i = from; i < n; i++) {
    if (nulls !== null && nulls[i] === 1) continue;
    const g = gids[i]!;
    sum[g] += vals[i]!;
    cnt[g]++;
  }
}

/** avg of one group in registers; as avgLoop. */
export function avgOneLoop(vals: Numbers, nulls: Uint8Array | null, sum: Float64Array, cnt: Float64Array, from: number, n: number): void {
  let s = sum[0]!, c = cnt[0]!;
  for (let i = from; i < n; i++) {
    if (nulls !== null && nulls[i] === 1) continue;
    s += vals[i]!;
    c++;
  }
  sum[0] = s;
  cnt[0] = c;
}

/** count(*) per group. */
export function countLoop(gids: Int32Array, cnt: Float64Array, from: number, n: number): void {
  for (let i = from; i < n; i++) cnt[gids[i]!]++;
}

/** count(x) per group over a typed vector's null flags (null: no nulls). */
export function countValuesLoop(gids: Int32Array, nulls: Uint8Array | null, cnt: Float64Array, from: number, n: number): void {
  for (let i = from; i < n; i++) if (nulls === null || nulls[i] === 0) cnt[gids[i]!]++;
}
