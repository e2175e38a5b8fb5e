// Generated aggregation loops (Spark's whole-stage code generation, in JavaScript): for a partial
// aggregate grouped by one number key whose aggregates are all sum / avg / count / min / max over
// number vectors, one loop is generated that reads each row's key and argument values once and
// updates every aggregate's buffers in place, instead of a pass over the batch per aggregate
// (agg-loops.ts) plus a pass for the group ids. Measured in one process on 4M rows, sum + avg by
// a key: about 9 ns a row against 14-17 for the separate passes.
//
// The loop handles the rows whose key is already in the dense table (small non-negative integer
// keys, columnar-agg.ts); it stops at a row whose key is new or not dense, and at a row where an
// exact (long) sum would leave the safe integer range (checked before any buffer of that row is
// written), and returns that row's index: the caller adds the new group and resumes, or hands the
// rest of the batch to the per-aggregate loops. Every buffer ends as agg-loops.ts leaves it: a
// sum's buffer starts at -0, so adding the group's first value gives that value as-is.
//
// Two more shapes: a global aggregate (no key: every row is group 0), and a partial aggregate
// right after a broadcast hash join whose build keys are unique small integers (a dimension
// table: columnar-join.ts' probeUniqueDense case), with the join fused into the loop as Spark's
// codegen fuses BroadcastHashJoin into HashAggregate: each stream row's join key finds its build
// row r (or none: the row is skipped), and the group key and the arguments are read at the stream
// row or at r, without building the joined batch.
//
// An exact sum and an avg of the same argument (sum(v), avg(v)) share the avg's buffers: one
// running sum, count and safe-range check a row for both (shareSums). Measured in a task on 5M
// cached rows: the loop 25% faster.
//
// The generated functions are cached by their source, so every task of a thread reuses the same
// function object and V8 keeps its optimized code from task to task.

/** One aggregate of a fused loop: its kind and which argument vector it reads. */
export interface FusedAgg {
  op: "sum" | "sumExact" | "min" | "max" | "avg" | "count" | "countValues";
  /** Index into the loop's argument vectors; -1 for count(*). */
  arg: number;
  /**
   * sumExact: the index of an avg of the same argument whose buffers it shares (sum(v) with
   * avg(v)): the loop updates only the avg's, the sum is read from them (its value: the avg's
   * sum; seen: the avg's count > 0). An exact sum of integers in the safe range is the double sum.
   */
  sharedWith?: number;
  /** avg: an exact sum shares its buffers, so its running sum is checked against the safe range. */
  exact?: boolean;
}

/**
 * The aggregates with each exact sum paired to an avg of the same argument not paired yet (the
 * sum then shares the avg's buffers, above): one running sum, count and check per row for both.
 */
export function shareSums(aggs: FusedAgg[]): FusedAgg[] {
  const out = aggs.map((a) => ({ op: a.op, arg: a.arg }) as FusedAgg);
  out.forEach((a, j) => {
    if (a.op !== "sumExact" || a.arg < 0) return;
    const k = out.findIndex((b) => b.op === "avg" && b.arg === a.arg && !b.exact);
    if (k >= 0) { a.sharedWith = k; out[k]!.exact = true; }
  });
  return out;
}

export interface FusedShape {
  aggs: FusedAgg[];
  /** Per argument vector: whether it has a null map. */
  nullable: boolean[];
  /** No group key: one group, 0 (the key and dense parameters are not read). */
  global?: boolean;
  /** A join probed first: which argument vectors (and whether the key) are build columns, read at the build row. */
  join?: { build: boolean[]; keyFromBuild: boolean; complete: boolean };
  /**
   * The input arrays' types ("keys: Int32Array, a0: Float64Array"), a comment in the source: each
   * combination is compiled as a function of its own, whose element accesses V8 keeps monomorphic.
   */
  arrays?: string;
}

/**
 * A generated loop: `from`/`n` rows of the batch, the key values, the dense key table, with a join
 * its stream key values, build head table and matched-row count (a Float64Array of one, added
 * to), then the argument values and null maps (one per argument vector, null
 * maps only for nullable ones), then the buffers of each aggregate in order (sum/min/max: values
 * and seen flags; avg: sum and count; count: counts; a shared sum: none), each a parameter of its own (measured: a
 * loop over arrays taken from an array argument ran at two thirds of the speed). Returns n when
 * every row was added, else the row it stopped at.
 */
export type FusedLoop = (from: number, n: number, keys: Float64Array | Int32Array, dense: Int32Array, ...arrays: (Float64Array | Int32Array | Uint8Array)[]) => number;

/** How many buffers each aggregate kind passes (a shared sum passes none). */
const BUFFERS: Record<FusedAgg["op"], number> = { sum: 2, sumExact: 2, min: 2, max: 2, avg: 2, count: 1, countValues: 1 };
const bufferCount = (a: FusedAgg): number => (a.sharedWith !== undefined ? 0 : BUFFERS[a.op]);

/** Greater under compareValues for numbers (NaN largest; -0 equal to 0), as agg-loops.ts' compareNumbers. */
const GREATER = (x: string, y: string) => `(${x} !== ${x} ? ${y} === ${y} : ${x} > ${y})`;

/** The source of the loop for `shape`: shown by explain("codegen"), compiled by fusedLoop. */
export function fusedLoopSource(shape: FusedShape, denseSize: number): string {
  return `function fusedAgg(${loopParams(shape).join(", ")}) {\n${shape.arrays ? `  // ${shape.arrays}\n` : ""}${loopBody(shape, denseSize)}\n}`;
}

/** The loop's parameters: from, n, keys, dense, then the arrays in the order FusedLoop lists them. */
function loopParams(shape: FusedShape): string[] {
  const params = ["from", "n", "keys", "dense", ...(shape.join ? ["probe", "head", "matched"] : [])];
  shape.nullable.forEach((nullable, p) => { params.push(`a${p}`); if (nullable) params.push(`z${p}`); });
  shape.aggs.forEach((a, j) => { const k = bufferCount(a); if (k > 0) params.push(`b${j}`); if (k === 2) params.push(`c${j}`); });
  return params;
}

/** An aggregate whose running sum the loop tests against the safe range: an unshared exact sum, or an avg sharing one's buffers. */
const rangeTested = (a: FusedAgg): boolean => (a.op === "sumExact" && a.sharedWith === undefined) || (a.op === "avg" && a.exact === true);

function loopBody(shape: FusedShape, denseSize: number): string {
  const lines: string[] = [];
  const join = shape.join;
  // With a join: `len` hoisted, and the rows joined counted at the body's end (`m`): a counter of
  // misses in the miss branch made the loop about a quarter slower (measured, 5M rows).
  lines.push(`  let i = from${join ? ", m = 0; const len = head.length" : ""};`);
  if (shape.global) shape.aggs.forEach((a, j) => { const k = bufferCount(a); if (k > 0) lines.push(`  let B${j} = b${j}[0]${k === 2 ? `, C${j} = c${j}[0]` : ""};`); });
  lines.push(`  for (; i < n; i++) {`);
  const add = (line: string) => lines.push(`    ${line}`);
  if (join) {
    add(`const y = probe[i], s = y >>> 0;`);
    add(`if (s !== y || s >= len) continue; // no build row`);
    add(join.complete ? `const r = s; // build keys 0..head.length-1 in key order` : `const r = head[s];`);
    if (!join.complete) add(`if (r < 0) continue;`);
  }
  if (!shape.global) {
    add(`const x = keys[${join?.keyFromBuild ? "r" : "i"}], k = x >>> 0;`);
    add(`if (k !== x || k >= ${denseSize}) break; // not a dense key`);
    add(`const g = dense[k];`);
    add(`if (g < 0) break; // a new group`);
  }
  shape.nullable.forEach((nullable, p) => {
    const at = join?.build[p] ? "r" : "i";
    add(`const v${p} = a${p}[${at}];`);
    if (nullable) add(`const n${p} = z${p}[${at}] === 1;`);
  });
  // A global aggregate keeps its buffers in locals (loaded before the loop, stored after it).
  const B = (j: number) => (shape.global ? `B${j}` : `b${j}[g]`), C = (j: number) => (shape.global ? `C${j}` : `c${j}[g]`);
  // Checks first, one test for every exact sum: a row that stops the loop has written nothing. An
  // exact sum adds integers (its argument is of an integral type), so |t| past 2^53 - 1 is the
  // only way out of the safe range (no NaN).
  const exact: string[] = [];
  shape.aggs.forEach((a, j) => {
    if (!rangeTested(a)) return;
    add(`const t${j} = ${B(j)} + v${a.arg};`);
    // A null value adds nothing: tested only when not null (&& binds tighter than the ||s joining the tests).
    exact.push(`${shape.nullable[a.arg] ? `!n${a.arg} && ` : ""}Math.abs(t${j}) > 9007199254740991`);
  });
  if (exact.length > 0) add(`if (${exact.join(" || ")}) break; // leaves the safe range`);
  shape.aggs.forEach((a, j) => {
    const v = `v${a.arg}`, b = B(j), c = C(j);
    const guarded = (body: string) => add(a.arg >= 0 && shape.nullable[a.arg] ? `if (!n${a.arg}) { ${body} }` : body);
    if (a.sharedWith !== undefined) return; // read from its avg's buffers
    switch (a.op) {
      case "sumExact": guarded(`${b} = t${j}; ${c} = 1;`); break;
      case "sum": guarded(`${b} += ${v}; ${c} = 1;`); break;
      case "min": guarded(`if (${c} === 0) { ${b} = ${v}; ${c} = 1; } else if (${GREATER(b, v)}) ${b} = ${v};`); break;
      case "max": guarded(`if (${c} === 0) { ${b} = ${v}; ${c} = 1; } else if (${GREATER(v, b)}) ${b} = ${v};`); break;
      case "avg": guarded(a.exact ? `${b} = t${j}; ${c}++;` : `${b} += ${v}; ${c}++;`); break;
      case "count": add(`${b}++;`); break;
      case "countValues": guarded(`${b}++;`); break;
    }
  });
  if (join) add(`m++;`);
  lines.push(`  }`);
  if (shape.global) shape.aggs.forEach((a, j) => { const k = bufferCount(a); if (k > 0) lines.push(`  b${j}[0] = B${j};${k === 2 ? ` c${j}[0] = C${j};` : ""}`); });
  if (join) lines.push(`  matched[0] += m;`);
  lines.push(`  return i;`);
  return lines.join("\n");
}

const loops = new Map<string, FusedLoop>();

/** How many distinct loops this thread has compiled (tests: the generated path ran). */
export function compiledLoopCount(): number { return loops.size; }

/** The compiled loop for `shape` (one function object per distinct source in this thread). */
export function fusedLoop(shape: FusedShape, denseSize: number): FusedLoop {
  const source = fusedLoopSource(shape, denseSize);
  let f = loops.get(source);
  if (!f) {
    f = new Function(`return ${source};`)() as FusedLoop; // named fusedAgg in profiles
    loops.set(source, f);
  }
  return f;
}
