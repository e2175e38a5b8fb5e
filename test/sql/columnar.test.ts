// The columnar path against the row path, operator by operator, on random data with nulls, NaN,
// negative zero, integers beyond 2^53 (bigint longs and sums that overflow the safe range),
// strings and empty batches: the partial aggregate's buffer rows, filters/projects, broadcast
// join probes and ColumnarToRow must equal the row operators' output exactly (same values, same
// order, -0 kept apart from 0).
import { describe, it, expect } from "vitest";
import "../../engine/sql/expressions";
import type { Expr } from "../../engine/sql/expressions/expression";
import type { DataType } from "../../engine/sql/types";
import { defaultEvalContext } from "../../engine/sql/expressions/eval";
import { partialAggregate, runPipeline, type AggSpec, type ExecConf, type PipeOp } from "../../engine/sql/execution/operators";
import { hashJoinRows, type JoinSpec } from "../../engine/sql/execution/join-operators";
import { ColumnarStage, type StageOp } from "../../engine/sql/execution/columnar/columnar-stage";
import { compiledLoopCount, fusedLoopSource, shareSums } from "../../engine/sql/execution/columnar/agg-codegen";
import { broadcastBatch } from "../../engine/sql/execution/columnar/columnar-join";
import { batchRows, gather, isNullAt, isNumberType, packedOr, rowsToBatch, unpacked, valueAt, type ColumnBatch } from "../../engine/sql/column-batch";
import { estimateSize } from "../../engine/storage/size-estimator";

type Row = unknown[];

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 2 ** 32; };
}

/** Exact text of a value: -0, NaN, bigint and number kept apart. */
function exact(v: unknown): string {
  if (typeof v === "number") return Object.is(v, -0) ? "-0" : Number.isNaN(v) ? "NaN" : `n${v}`;
  if (typeof v === "bigint") return `b${v}`;
  if (Array.isArray(v)) return `[${v.map(exact).join(",")}]`;
  if (v === null || v === undefined) return "null";
  if (typeof v === "object") return JSON.stringify(v);
  return `${typeof v}:${String(v)}`;
}
const exactRows = (rows: Iterable<Row>) => [...rows].map(exact);

const INT: DataType = { type: "integer" };
const LONG: DataType = { type: "long" };
const DOUBLE: DataType = { type: "double" };
const STRING: DataType = { type: "string" };
const BOOL: DataType = { type: "boolean" };

// Columns: 0 k int key (nulls), 1 v double (nulls, NaN, -0, huge), 2 s string (nulls), 3 l long
// (some beyond 2^53 as bigint), 4 i int (nulls), 5 b boolean (nulls).
const TYPES = [INT, DOUBLE, STRING, LONG, INT, BOOL];

function randomRows(seed: number, n: number): Row[] {
  const r = rng(seed);
  const maybe = <T>(v: T, p = 0.1): T | null => (r() < p ? null : v);
  const doubles = () => {
    const x = r();
    if (x < 0.05) return NaN;
    if (x < 0.1) return -0;
    if (x < 0.13) return 0;
    if (x < 0.16) return 2 ** 53 + Math.floor(r() * 4) * 2; // integer-valued doubles beyond the safe range
    return Math.round((r() - 0.5) * 2000) / 8;
  };
  const longs = () => (r() < 0.05 ? 2n ** 60n + BigInt(Math.floor(r() * 1000)) : Math.floor((r() - 0.5) * 2 ** 40));
  return Array.from({ length: n }, () => [
    maybe(Math.floor(r() * 7) - 3), maybe(doubles()), maybe(["a", "b", "", "é", "zz"][Math.floor(r() * 5)]!),
    maybe(longs()), maybe(Math.floor((r() - 0.5) * 2 ** 31)), maybe(r() < 0.5),
  ]);
}

/**
 * A batch as the in-memory cache holds it and its scan reads it (runCachedColumnarStage): integer
 * columns in Int32Arrays, strings dictionary-encoded then unpacked.
 */
function cachedBatch(rows: Row[], types: DataType[]): ColumnBatch {
  const b = rowsToBatch(rows, types.map(isNumberType), types.map((t) => t.type));
  return { length: b.length, columns: b.columns.map((c) => unpacked(c, b.length)) };
}

/** Batches of varied sizes, including empty ones; about half in the cache's form (Int32Array integer columns). */
function toBatches(rows: Row[], seed: number): ColumnBatch[] {
  const r = rng(seed);
  const out: ColumnBatch[] = [rowsToBatch([], TYPES.map(isNumberType))];
  for (let i = 0; i < rows.length;) {
    const n = Math.floor(r() * 50);
    out.push(r() < 0.5 ? cachedBatch(rows.slice(i, i + n), TYPES) : rowsToBatch(rows.slice(i, i + n), TYPES.map(isNumberType)));
    i += n;
  }
  out.push(rowsToBatch([], TYPES.map(isNumberType)));
  return out;
}

const ref = (index: number, dataType: DataType = TYPES[index]!): Expr => ({ kind: "ref", index, name: `c${index}`, dataType, nullable: true });
/** A column of the right (build) side of a join, in the joined row. */
const joinedRef = (index: number): Expr => ref(TYPES.length + index, TYPES[index]!);
const lit = (value: unknown, dataType: DataType): Expr => ({ kind: "lit", value, dataType });
const fn = (name: string, args: Expr[], dataType: DataType, extra: Partial<Expr & { kind: "fn" }> = {}): Expr & { kind: "fn" } =>
  ({ kind: "fn", name, args, dataType, ...extra }) as Expr & { kind: "fn" };
const conf: ExecConf = { ansi: false, nowMillis: 0, seed: 42 };

const broadcastValues = new WeakMap<Row[], ColumnBatch>();
function columnar(ops: StageOp[], batches: ColumnBatch[], agg?: { groupBy: Expr[]; aggs: (Expr & { kind: "fn" })[] }, built?: Row[]): Row[] {
  const join = ops.find((o) => o.op === "join");
  // One broadcast value per build rows (as an executor holds one): the relation memo sees it again.
  const bc = built && join?.op === "join" ? broadcastValues.get(built) ?? broadcastValues.set(built, broadcastBatch(built, join.spec)).get(built) : undefined;
  const stage = new ColumnarStage({ ops, agg }, defaultEvalContext(0, conf), bc);
  for (const b of batches) stage.add(b);
  return [...stage.rows()];
}

const AGGS: (Expr & { kind: "fn" })[] = [
  fn("sum", [ref(1)], DOUBLE), fn("avg", [ref(1)], DOUBLE), fn("min", [ref(1)], DOUBLE), fn("max", [ref(1)], DOUBLE),
  fn("count", [], LONG), fn("count", [ref(2)], LONG), fn("sum", [ref(3)], LONG), fn("sum", [ref(4)], LONG),
  fn("min", [ref(2)], STRING), fn("max", [ref(3)], LONG), fn("avg", [ref(4)], DOUBLE),
  fn("count", [ref(4)], LONG, { distinct: true }), fn("collect_list", [ref(2)], { type: "array", elementType: STRING, containsNull: false } as DataType),
];

describe("columnar partial aggregate = row partialAggregate", () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`grouped by int, by string, by two keys and global (seed ${seed})`, () => {
      const rows = randomRows(seed, 600);
      const batches = toBatches(rows, seed + 100);
      for (const groupBy of [[ref(0)], [ref(2)], [ref(0), ref(5)], [], [ref(1)]]) {
        const spec: AggSpec = { groupBy, aggs: AGGS, result: [], conf };
        const want = exactRows(partialAggregate(spec, 0, rows));
        expect(exactRows(columnar([], batches, { groupBy, aggs: AGGS }))).toEqual(want);
      }
    });
  }

  it("a sum leaving the safe integer range switches to the row runtime at that row (bigint result)", () => {
    const rows: Row[] = [[1, 2 ** 52], [1, 2 ** 52], [1, 2 ** 52], [2, 1], [1, 1]];
    const types = [INT, LONG];
    const spec: AggSpec = { groupBy: [ref(0)], aggs: [fn("sum", [ref(1, LONG)], LONG)], result: [], conf };
    const want = exactRows(partialAggregate(spec, 0, rows));
    const got = columnar([], [rowsToBatch(rows.slice(0, 2), types.map(isNumberType)), rowsToBatch(rows.slice(2), types.map(isNumberType))], spec);
    expect(exactRows(got)).toEqual(want);
    expect(typeof got[0]![1]).toBe("bigint");
  });

  it("one group (a global aggregate): sums leaving the safe range, NaN and -0 in min/max, nulls first, as the row runtime", () => {
    const types = [INT, LONG, DOUBLE];
    const rows: Row[] = [[1, null, null], [1, 2 ** 52, -0], [1, 2 ** 52, 0], [1, 5, NaN], [1, -3, 2], [1, 2 ** 52, -1], [1, 1, null]];
    const aggs = [fn("sum", [ref(1, LONG)], LONG), fn("min", [ref(2, DOUBLE)], DOUBLE), fn("max", [ref(2, DOUBLE)], DOUBLE),
      fn("avg", [ref(2, DOUBLE)], DOUBLE), fn("count", [], LONG), fn("count", [ref(2, DOUBLE)], LONG), fn("sum", [ref(2, DOUBLE)], DOUBLE)];
    for (const groupBy of [[], [ref(0)]]) {
      const spec: AggSpec = { groupBy, aggs, result: [], conf };
      const want = exactRows(partialAggregate(spec, 0, rows));
      for (const cut of [1, 2, 3, 5]) {
        const batches = [rowsToBatch(rows.slice(0, cut), types.map(isNumberType)), rowsToBatch(rows.slice(cut), types.map(isNumberType))];
        expect(exactRows(columnar([], batches, { groupBy, aggs }))).toEqual(want);
      }
    }
  });

  it("an empty input gives no groups, even without grouping keys", () => {
    expect(columnar([], [rowsToBatch([], TYPES.map(isNumberType))], { groupBy: [], aggs: AGGS })).toEqual([]);
  });
});

describe("the generated aggregation loop (one number key; sum / avg / count / min / max) = row partialAggregate", () => {
  // Keys: mostly small non-negative integers (the dense table), with -0, negative, fractional and
  // large keys in some batches; values with nulls, NaN, -0 and longs near 2^53 so sums leave the
  // safe range in the middle of a batch.
  function rowsFor(seed: number, n: number, keyKind: "dense" | "mixed", nullValues: boolean): Row[] {
    const r = rng(seed);
    const key = () => {
      if (keyKind === "mixed" && r() < 0.05) return [-3, 0.5, 70_000, 2 ** 40][Math.floor(r() * 4)]!;
      return r() < 0.02 ? -0 : Math.floor(r() * 40);
    };
    const dbl = () => { const x = r(); return x < 0.03 ? NaN : x < 0.06 ? -0 : Math.round((r() - 0.5) * 1000) / 4; };
    const lng = () => (r() < 0.01 ? 2 ** 52 : Math.floor((r() - 0.5) * 1e6));
    const maybe = <T>(v: T): T | null => (nullValues && r() < 0.1 ? null : v);
    return Array.from({ length: n }, () => [key(), maybe(dbl()), maybe(lng()), maybe(Math.floor(r() * 100))]);
  }
  const types = [INT, DOUBLE, LONG, INT];
  const aggs = [fn("sum", [ref(2, LONG)], LONG), fn("avg", [ref(2, LONG)], DOUBLE), fn("sum", [ref(1, DOUBLE)], DOUBLE), fn("min", [ref(1, DOUBLE)], DOUBLE),
    fn("max", [ref(1, DOUBLE)], DOUBLE), fn("count", [], LONG), fn("count", [ref(3, INT)], LONG), fn("avg", [ref(3, INT)], DOUBLE), fn("sum", [ref(3, INT)], LONG)];

  for (const [seed, keyKind, nullValues] of [[1, "dense", false], [2, "dense", true], [3, "mixed", false], [4, "mixed", true]] as const) {
    it(`${keyKind} keys, ${nullValues ? "with" : "without"} null values (seed ${seed})`, () => {
      const rows = rowsFor(seed, 3000, keyKind, nullValues);
      // Batches of doubles, then batches as the cache holds them (integer columns in Int32Arrays).
      const batches: ColumnBatch[] = [];
      for (let i = 0; i < rows.length; i += 700) batches.push(i < 1400 ? rowsToBatch(rows.slice(i, i + 700), types.map(isNumberType)) : cachedBatch(rows.slice(i, i + 700), types));
      expect(batches.at(-1)!.columns[3]).toMatchObject({ values: expect.any(Int32Array) });
      const spec: AggSpec = { groupBy: [ref(0)], aggs, result: [], conf };
      const before = compiledLoopCount();
      const got = columnar([], batches, { groupBy: [ref(0)], aggs });
      expect(exactRows(got)).toEqual(exactRows(partialAggregate(spec, 0, rows)));
      if (seed === 1) expect(compiledLoopCount()).toBeGreaterThan(before); // (each shape is compiled once per thread)
      // Some long sum left the safe range: the row runtime took over with a bigint.
      expect(got.some((row) => typeof row[1] === "bigint")).toBe(true);
    });
  }

  it("an argument that is not a number vector in some batch (bigint longs) takes the per-aggregate path there", () => {
    const rows: Row[] = [[1, 5], [2, 7], [1, 2n ** 60n], [2, 1], [1, 3]];
    const spec: AggSpec = { groupBy: [ref(0)], aggs: [fn("sum", [ref(1, LONG)], LONG), fn("count", [ref(1, LONG)], LONG), fn("max", [ref(1, LONG)], LONG)], result: [], conf };
    const batches = [rowsToBatch(rows.slice(0, 2), [true, true]), rowsToBatch(rows.slice(2, 4), [true, true]), rowsToBatch(rows.slice(4), [true, true])];
    expect(exactRows(columnar([], batches, spec))).toEqual(exactRows(partialAggregate(spec, 0, rows)));
  });

  it("a group whose values are all -0 sums to -0; one whose values are all null sums to null", () => {
    const rows: Row[] = [[1, 2.5], [3, null], [5, -0], [1, 1], [5, -0], [3, null], [5, -0]];
    const spec: AggSpec = { groupBy: [ref(0)], aggs: [fn("sum", [ref(1, DOUBLE)], DOUBLE), fn("min", [ref(1, DOUBLE)], DOUBLE), fn("avg", [ref(1, DOUBLE)], DOUBLE)], result: [], conf };
    const want = exactRows(partialAggregate(spec, 0, rows));
    expect(want).toContain(exact([5, -0, -0, [0, 3]]));
    for (const cut of [1, 3, 5]) {
      const batches = [rowsToBatch(rows.slice(0, cut), [true, true]), rowsToBatch(rows.slice(cut), [true, true])];
      expect(exactRows(columnar([], batches, spec))).toEqual(want);
    }
  });

  it("an exact sum and an avg of the same argument share the avg's buffers: groups with one value, only nulls, and a pairing ended mid-run", () => {
    // Key 3: only nulls (sum null, avg [0, 0]); key 4: one value; key 1 reaches 2^53 - 1 exactly
    // (still safe); a null key in one batch sends that batch to the per-aggregate loops.
    const withNullKey: Row[] = [[1, 2 ** 52], [2, 5], [3, null], [4, 9], [1, 2 ** 52 - 1], [2, -5], [3, null], [2, 7], [null, 4], [2, 1], [5, null], [5, 3]];
    const spec: AggSpec = { groupBy: [ref(0)], aggs: [fn("avg", [ref(1, LONG)], DOUBLE), fn("sum", [ref(1, LONG)], LONG), fn("count", [], LONG)], result: [], conf };
    for (const rows of [withNullKey.filter((r) => r[0] !== null), withNullKey]) {
      const want = exactRows(partialAggregate(spec, 0, rows));
      expect(want).toContain(exact([3, [0, 0], null, 2]));
      expect(want).toContain(exact([1, [2 ** 53 - 1, 2], 2 ** 53 - 1, 2]));
      for (const cuts of [[1], [5, 8], [8, 9], [9], [3, 4, 7]]) {
        const batches: ColumnBatch[] = [];
        let from = 0;
        for (const c of [...cuts, rows.length]) { batches.push(rowsToBatch(rows.slice(from, c), [true, true])); from = c; }
        expect(exactRows(columnar([], batches, spec))).toEqual(want);
      }
    }
    // The loop shown (and run) updates the avg's buffers only, checking their sum's range.
    const src = fusedLoopSource({ aggs: shareSums([{ op: "avg", arg: 0 }, { op: "sumExact", arg: 0 }]), nullable: [true] }, 65536);
    expect(src).not.toMatch(/b1|c1/);
    expect(src).toContain("const t0 = b0[g] + v0;");
    expect(src.indexOf("break; // leaves the safe range")).toBeLessThan(src.indexOf("b0[g] = t0"));
  });

  it("the generated source reads each argument once per row and checks exact sums before writing", () => {
    const src = fusedLoopSource({ aggs: [{ op: "sumExact", arg: 0 }, { op: "avg", arg: 0 }, { op: "count", arg: -1 }], nullable: [true] }, 65536);
    expect(src.match(/a0\[i\]/g)).toHaveLength(1);
    expect(src.indexOf("break; // leaves the safe range")).toBeLessThan(src.indexOf("b0[g] = t0"));
    expect(src).toContain("if (!n0)");
  });
});

describe("columnar filter / project = row pipeline", () => {
  const cmp = (op: string, a: Expr, b: Expr) => fn(op, [a, b], BOOL);
  const conditions: Expr[] = [
    cmp(">=", ref(1), lit(0, DOUBLE)),
    cmp("=", ref(1), lit(0, DOUBLE)), // -0 = 0
    cmp("<", ref(1), lit(NaN, DOUBLE)), // NaN is the largest
    cmp("=", ref(1), lit(NaN, DOUBLE)),
    cmp("!=", ref(0), lit(1, INT)),
    fn("and", [cmp(">", ref(0), lit(-2, INT)), fn("isnotnull", [ref(2)], BOOL)], BOOL),
    fn("or", [cmp("<=", ref(0), lit(0, INT)), fn("isnull", [ref(1)], BOOL)], BOOL),
    fn("not", [cmp(">", ref(4), lit(0, INT))], BOOL),
    ref(5),
    cmp(">", ref(3), lit(0, LONG)), // bigint longs: row fallback
    { kind: "cast", child: ref(0), to: DOUBLE } as Expr, // not boolean-valued: keeps nothing? (only true passes)
    cmp(">", { kind: "cast", child: ref(0), to: DOUBLE } as Expr, ref(1)),
    cmp("=", fn("upper", [ref(2)], STRING), lit("A", STRING)),
  ];
  const projections: Expr[][] = [
    [ref(2), ref(1), ref(0)],
    [fn("+", [ref(1), lit(1.5, DOUBLE)], DOUBLE), fn("upper", [ref(2)], STRING), cmp("<", ref(1), ref(1))],
    [fn("+", [ref(4), ref(4)], INT), lit(null, INT), lit("x", STRING), { kind: "cast", child: ref(4), to: LONG } as Expr],
    // long arithmetic: bigint operands, results beyond 2^53, 0 * negative; int products overflowing
    [fn("*", [ref(3), ref(3)], LONG), fn("-", [ref(3), lit(5, LONG)], LONG), fn("*", [ref(0, LONG), ref(4, LONG)], LONG), fn("*", [ref(0), ref(4)], INT)],
    [fn("*", [ref(1), ref(1)], DOUBLE), fn("-", [ref(1), ref(1)], DOUBLE), fn("+", [ref(0, LONG), lit(7, LONG)], LONG), fn("*", [ref(0), lit(-1, INT)], INT)],
  ];
  for (const seed of [5, 6, 7]) {
    it(`every condition then every projection (seed ${seed})`, () => {
      const rows = randomRows(seed, 500);
      const batches = toBatches(rows, seed);
      for (const condition of conditions) {
        for (const exprs of projections) {
          const ops: PipeOp[] = [{ op: "filter", condition }, { op: "project", exprs }];
          const want = exactRows(runPipeline(ops, conf, undefined, undefined, 0, rows));
          expect(exactRows(columnar(ops as StageOp[], batches))).toEqual(want);
        }
      }
    });
  }

  it("ANSI overflow raises the row path's error", () => {
    const rows: Row[] = [[2 ** 30, 0], [2 ** 30, 0]];
    const types = [INT, INT];
    const plus = fn("+", [ref(0, INT), ref(0, INT)], INT);
    const ansi: ExecConf = { ...conf, ansi: true };
    let rowErr = "";
    try { [...runPipeline([{ op: "project", exprs: [plus] }], ansi, undefined, undefined, 0, rows)]; } catch (e) { rowErr = (e as Error).message; }
    expect(rowErr).not.toBe("");
    const stage = new ColumnarStage({ ops: [{ op: "project", exprs: [plus] }] }, defaultEvalContext(0, ansi));
    expect(() => stage.add(rowsToBatch(rows, types.map(isNumberType)))).toThrow(rowErr);
  });
});

describe("a broadcast join fused into the generated aggregation loop = row hash join then partialAggregate", () => {
  // Build sides with unique integer keys (a dimension table): exactly 0..m-1 in shuffled order
  // ("complete"), or every other key (gaps in the dense table). Columns: key, w double (nulls,
  // NaN, -0), l long (values near 2^52: sums leave the safe range mid-batch), g int group (nulls
  // when asked). Stream: d join key (hits, misses, -1, 2.5, -0, 1e10), v long, x double (nulls).
  const buildTypes = [INT, DOUBLE, LONG, INT], streamTypes = [INT, LONG, DOUBLE];
  function sides(seed: number, complete: boolean, nullGroups: boolean): { right: Row[]; left: Row[] } {
    const r = rng(seed);
    const m = 60;
    const keys = Array.from({ length: m }, (_, i) => (complete ? i : 2 * i)).sort(() => r() - 0.5);
    const dbl = () => { const x = r(); return x < 0.05 ? NaN : x < 0.1 ? -0 : x < 0.15 ? null : Math.round((r() - 0.5) * 800) / 4; };
    const right: Row[] = keys.map((k) => [k, dbl(), r() < 0.02 ? 2 ** 52 : Math.floor((r() - 0.5) * 1e6), nullGroups && r() < 0.1 ? null : Math.floor(r() * 12)]);
    const streamKeys = () => { const x = r(); return x < 0.03 ? [-1, 2.5, -0, 1e10, 2 * m + 7][Math.floor(r() * 5)]! : Math.floor(r() * 2 * m); };
    const left: Row[] = Array.from({ length: 2500 }, () => [streamKeys(), r() < 0.01 ? 2 ** 52 : Math.floor((r() - 0.5) * 1e6), dbl()]);
    return { right, left };
  }
  const w = streamTypes.length, b = (i: number) => ref(w + i, buildTypes[i]!);
  const aggs = [fn("count", [], LONG), fn("sum", [b(2)], LONG), fn("sum", [ref(1, LONG)], LONG), fn("avg", [b(1)], DOUBLE), fn("min", [ref(2, DOUBLE)], DOUBLE),
    fn("max", [b(1)], DOUBLE), fn("count", [ref(2, DOUBLE)], LONG), fn("sum", [b(3)], LONG)];

  for (const [seed, complete, nullGroups] of [[1, true, false], [2, false, false], [3, true, true]] as const) {
    it(`${complete ? "keys 0..m-1" : "keys with gaps"}${nullGroups ? ", null build groups" : ""}: global, by the stream key, by a build column (seed ${seed})`, () => {
      const { right, left } = sides(seed, complete, nullGroups);
      const spec: JoinSpec = { joinType: "inner", leftKeys: [ref(0)], rightKeys: [ref(0)], nullSafe: [false], leftWidth: w, rightWidth: buildTypes.length, conf };
      const joined = [...hashJoinRows(spec, 0, left, right)];
      const op: StageOp = { op: "join", spec: { joinType: "inner", leftKeys: [ref(0)], rightKeys: [ref(0)], nullSafe: [false], rightTypes: buildTypes } };
      const batches = [[0, 900], [900, 1000], [1000, 2500]].map(([a, z]) => rowsToBatch(left.slice(a, z), streamTypes.map(isNumberType)));
      for (const groupBy of [[], [ref(0)], [b(3)], [ref(2, DOUBLE)]]) {
        const want = exactRows(partialAggregate({ groupBy, aggs, result: [], conf }, 0, joined));
        const bc = broadcastBatch(right, { rightTypes: buildTypes });
        const stage = new ColumnarStage({ ops: [op], agg: { groupBy, aggs } }, defaultEvalContext(0, conf), bc);
        for (const batch of batches) stage.add(batch);
        expect(exactRows(stage.rows())).toEqual(want);
        // The join's row count (its metric) counts the joined rows, fused or not.
        expect(stage.counts[0]).toBe(joined.length);
      }
      // Some long sum left the safe range: the row runtime took over with a bigint.
      expect(exactRows(partialAggregate({ groupBy: [], aggs, result: [], conf }, 0, joined))[0]).toMatch(/b\d/);
      // A task whose rows all miss the build side has no group, even a global one (as the row path).
      const misses = rowsToBatch(left.filter((row) => !right.some((b) => b[0] === row[0])), streamTypes.map(isNumberType));
      for (const groupBy of [[], [b(3)]]) {
        const stage = new ColumnarStage({ ops: [op], agg: { groupBy, aggs } }, defaultEvalContext(0, conf), broadcastBatch(right, { rightTypes: buildTypes }));
        stage.add(misses);
        expect([misses.length > 0, [...stage.rows()]]).toEqual([true, exactRows(partialAggregate({ groupBy, aggs, result: [], conf }, 0, []))]);
      }
    });
  }

  it("through projections of columns after the join (as the planner puts them): the rows and row counts of the unfused stage", () => {
    const { right, left } = sides(4, true, false);
    const spec: JoinSpec = { joinType: "inner", leftKeys: [ref(0)], rightKeys: [ref(0)], nullSafe: [false], leftWidth: w, rightWidth: buildTypes.length, conf };
    const pick = [w + 2, 1, w + 3, w + 1]; // l, v, g, w
    const projected = [...hashJoinRows(spec, 0, left, right)].map((row) => pick.map((c) => row[c]));
    const alias = (e: Expr, name: string): Expr => ({ kind: "alias", child: e, name } as Expr);
    const ops: StageOp[] = [
      { op: "join", spec: { joinType: "inner", leftKeys: [ref(0)], rightKeys: [ref(0)], nullSafe: [false], rightTypes: buildTypes } },
      { op: "project", exprs: pick.map((c, k) => alias(ref(c, [...streamTypes, ...buildTypes][c]!), `p${k}`)) },
      { op: "project", exprs: [ref(0, LONG), ref(1, LONG), ref(2, INT), ref(3, DOUBLE)] },
    ];
    const paggs = [fn("count", [lit(1, INT)], LONG), fn("sum", [ref(0, LONG)], LONG), fn("sum", [ref(1, LONG)], LONG), fn("max", [ref(3, DOUBLE)], DOUBLE)];
    for (const groupBy of [[], [ref(2, INT)]]) {
      const want = exactRows(partialAggregate({ groupBy, aggs: paggs, result: [], conf }, 0, projected));
      const stage = new ColumnarStage({ ops, agg: { groupBy, aggs: paggs } }, defaultEvalContext(0, conf), broadcastBatch(right, { rightTypes: buildTypes }));
      for (const [a, z] of [[0, 1200], [1200, 2500]]) stage.add(rowsToBatch(left.slice(a, z), streamTypes.map(isNumberType)));
      expect(exactRows(stage.rows())).toEqual(want);
      expect(stage.counts).toEqual([projected.length, projected.length, projected.length]);
    }
  });

  it("the generated source probes first and reads build columns at the build row", () => {
    const src = fusedLoopSource({ aggs: [{ op: "count", arg: -1 }, { op: "sumExact", arg: 0 }, { op: "sum", arg: 1 }], nullable: [false, true], global: true,
      join: { build: [true, false], keyFromBuild: false, complete: false } }, 65536);
    expect(src).toContain("const r = head[s];");
    expect(src).toContain("const v0 = a0[r];");
    expect(src).toContain("const v1 = a1[i];");
    expect(src).toContain("matched[0] += m;");
    expect(src.indexOf("const y = probe[i]")).toBeLessThan(src.indexOf("const v0"));
  });
});

describe("columnar broadcast hash join probe = row hash join", () => {
  for (const joinType of ["inner", "left", "left_semi", "left_anti"] as const) {
    for (const keyCol of [0, 1, 2]) {
      it(`${joinType} join on ${TYPES[keyCol]!.type} keys (nulls, NaN, -0, duplicates)`, () => {
        const left = randomRows(11 + keyCol, 400);
        const right = randomRows(21 + keyCol, 60);
        const leftWidth = TYPES.length, rightWidth = TYPES.length;
        const rk: Expr = ref(keyCol);
        const spec: JoinSpec = { joinType, leftKeys: [ref(keyCol)], rightKeys: [rk], nullSafe: [false], leftWidth, rightWidth, conf };
        const want = exactRows(hashJoinRows(spec, 0, left, right));
        const op: StageOp = { op: "join", spec: { joinType, leftKeys: [ref(keyCol)], rightKeys: [rk], nullSafe: [false], rightTypes: TYPES } };
        expect(exactRows(columnar([op], toBatches(left, 3), undefined, right))).toEqual(want);
      });
    }
  }

  it("inner join on non-null number keys: dense, negative, fractional and -0 keys, many matches per batch", () => {
    const r = rng(77);
    const types = [INT, DOUBLE];
    // Build keys 0..39 (each twice), -5, 2.5 and -0; stream keys hit all of them and miss some.
    const right: Row[] = [...Array.from({ length: 80 }, (_, j) => [j % 40, j * 1.5]), [-5, 1], [2.5, 2], [-0, 3]];
    const keys = [0, 1, 7, 39, 40, 1000, -5, 2.5, -0, 0.5];
    const left: Row[] = Array.from({ length: 3000 }, (_, i) => [keys[Math.floor(r() * keys.length)]!, i]);
    const spec: JoinSpec = { joinType: "inner", leftKeys: [ref(0)], rightKeys: [ref(0)], nullSafe: [false], leftWidth: 2, rightWidth: 2, conf };
    const want = exactRows(hashJoinRows(spec, 0, left, right));
    const op: StageOp = { op: "join", spec: { joinType: "inner", leftKeys: [ref(0)], rightKeys: [ref(0)], nullSafe: [false], rightTypes: types } };
    // One batch of 3000 rows (more than 1024 matches: the position buffers grow mid-batch) and small ones.
    for (const batches of [[rowsToBatch(left, types.map(isNumberType))], [[0, 700], [700, 1400], [1400, 3000]].map(([from, to]) => rowsToBatch(left.slice(from, to), types.map(isNumberType)))]) {
      expect(exactRows(columnar([op], batches, undefined, right))).toEqual(want);
    }
  });

  it("inner, left, semi and anti joins against a dimension keyed exactly 0..m (rows in any order): the row path's rows", () => {
    const r = rng(78);
    const types = [INT, DOUBLE];
    const perm = Array.from({ length: 50 }, (_, i) => i).sort(() => r() - 0.5);
    const right: Row[] = perm.map((k) => [k, k * 2.5]);
    const keys = [0, 3, 49, 50, -1, 2.5, -0, 1e10];
    const left: Row[] = Array.from({ length: 2000 }, (_, i) => [keys[Math.floor(r() * keys.length)]!, i]);
    for (const joinType of ["inner", "left", "left_semi", "left_anti"] as const) {
      const spec: JoinSpec = { joinType, leftKeys: [ref(0)], rightKeys: [ref(0)], nullSafe: [false], leftWidth: 2, rightWidth: 2, conf };
      const want = exactRows(hashJoinRows(spec, 0, left, right));
      const op: StageOp = { op: "join", spec: { joinType, leftKeys: [ref(0)], rightKeys: [ref(0)], nullSafe: [false], rightTypes: types } };
      expect(exactRows(columnar([op], [rowsToBatch(left, types.map(isNumberType))], undefined, right))).toEqual(want);
      // Ending in an aggregate (the gathered build column in a reused buffer), over several batches.
      const aggs = [fn("count", [], LONG), fn("sum", [ref(3, DOUBLE)], DOUBLE)]; // ref 3: the build row's value
      if (joinType === "inner" || joinType === "left") {
        const wantAgg = exactRows(partialAggregate({ groupBy: [ref(0)], aggs, result: [], conf }, 0, hashJoinRows(spec, 0, left, right)));
        const batches = [[0, 600], [600, 1300], [1300, 2000]].map(([a, b]) => rowsToBatch(left.slice(a, b), types.map(isNumberType)));
        expect(exactRows(columnar([op], batches, { groupBy: [ref(0)], aggs }, right))).toEqual(wantAgg);
      }
    }
  });

  it("the build side is indexed once per broadcast value and key: a second stage over the same rows, and another key, give the row path's answers", () => {
    const left = randomRows(41, 300), right = randomRows(42, 50);
    for (const keyCol of [0, 0, 4, 0]) {
      const spec: JoinSpec = { joinType: "inner", leftKeys: [ref(keyCol)], rightKeys: [ref(keyCol)], nullSafe: [false], leftWidth: TYPES.length, rightWidth: TYPES.length, conf };
      const want = exactRows(hashJoinRows(spec, 0, left, right));
      const op: StageOp = { op: "join", spec: { joinType: "inner", leftKeys: [ref(keyCol)], rightKeys: [ref(keyCol)], nullSafe: [false], rightTypes: TYPES } };
      expect(exactRows(columnar([op], toBatches(left, 5), undefined, right))).toEqual(want);
    }
  });

  it("a build key expression with a bigint literal (a long beyond 2^53) is indexed too", () => {
    const right: Row[] = [[1, 10], [2, 20]], left: Row[] = [[1, 0], [2, 1], [3, 2]];
    const big: Expr = fn("+", [ref(0, LONG), lit(2n ** 60n, LONG)], LONG);
    const spec: JoinSpec = { joinType: "inner", leftKeys: [big], rightKeys: [big], nullSafe: [false], leftWidth: 2, rightWidth: 2, conf };
    const want = exactRows(hashJoinRows(spec, 0, left, right));
    const op: StageOp = { op: "join", spec: { joinType: "inner", leftKeys: [big], rightKeys: [big], nullSafe: [false], rightTypes: [LONG, INT] } };
    expect(exactRows(columnar([op], [rowsToBatch(left, [true, true])], undefined, right))).toEqual(want);
    expect(want.length).toBe(2);
  });

  it("inner join with a residual condition, a null-safe key, then a partial aggregate", () => {
    const left = randomRows(31, 300), right = randomRows(32, 40);
    const w = TYPES.length;
    const cond = fn(">", [ref(1), joinedRef(1)], BOOL);
    const spec: JoinSpec = { joinType: "inner", leftKeys: [ref(0), ref(5)], rightKeys: [ref(0), ref(5)], nullSafe: [false, true], condition: cond, leftWidth: w, rightWidth: w, conf };
    const joined = [...hashJoinRows(spec, 0, left, right)];
    const aggs = [fn("count", [], LONG), fn("sum", [joinedRef(1)], DOUBLE), fn("avg", [ref(4)], DOUBLE)];
    const want = exactRows(partialAggregate({ groupBy: [joinedRef(2)], aggs, result: [], conf }, 0, joined));
    const op: StageOp = { op: "join", spec: { joinType: "inner", leftKeys: spec.leftKeys, rightKeys: spec.rightKeys, nullSafe: spec.nullSafe, condition: cond, rightTypes: TYPES } };
    expect(exactRows(columnar([op], toBatches(left, 9), { groupBy: [joinedRef(2)], aggs }, right))).toEqual(want);
  });
});

describe("ColumnarToRow", () => {
  it("gives back the rows a batch was made of", () => {
    const rows = randomRows(41, 200);
    expect(exactRows(toBatches(rows, 1).flatMap((b) => [...batchRows(b)]))).toEqual(exactRows(rows));
  });
});

describe("integer columns of the cache", () => {
  it("a byte/short/int column is an Int32Array (nulls in a null map); one holding -0 stays in a Float64Array, -0 kept", () => {
    const ints = packedOr([3, null, -2147483648, 2147483647, 0], true, "integer");
    expect(ints).toMatchObject({ kind: "f64", values: Int32Array.from([3, 0, -2147483648, 2147483647, 0]), nulls: Uint8Array.from([0, 1, 0, 0, 0]) });
    expect([0, 1, 2, 3, 4].map((i) => valueAt(ints, i))).toEqual([3, null, -2147483648, 2147483647, 0]);
    expect(packedOr([1, 2], true, "short")).toMatchObject({ values: expect.any(Int32Array) });
    const negZero = packedOr([1, -0, null], true, "integer");
    expect(negZero).toMatchObject({ kind: "f64", values: expect.any(Float64Array) });
    expect(Object.is(valueAt(negZero, 1), -0)).toBe(true);
    // Longs and doubles stay doubles (a long past 2^31 is no Int32).
    expect(packedOr([1, 2], true, "long")).toMatchObject({ values: expect.any(Float64Array) });
  });
});

describe("dictionary-encoded string columns of the cache", () => {
  it("few distinct strings (and nulls) become codes into a dictionary; every reader sees the same values", () => {
    const values = Array.from({ length: 10_000 }, (_, i) => (i % 17 === 0 ? null : `category-${i % 40}`));
    const v = packedOr(values, false, "string");
    expect(v.kind).toBe("dict");
    expect(Array.from({ length: values.length }, (_, i) => valueAt(v, i))).toEqual(values);
    expect(Array.from({ length: values.length }, (_, i) => isNullAt(v, i))).toEqual(values.map((x) => x === null));
    expect((unpacked(v, values.length) as { values: unknown[] }).values).toEqual(values);
    const idx = Int32Array.from([5, 0, 17, 9999]);
    const g = gather(v, idx, 4);
    expect([0, 1, 2, 3].map((i) => valueAt(g, i))).toEqual([5, 0, 17, 9999].map((i) => values[i]));
    // Smaller than the plain array of the same strings (each its own string object, as parsed rows hold them).
    const plain = packedOr(values.map((x) => (x === null ? null : `${x}`.slice(0))), false, undefined);
    expect(plain.kind).toBe("any");
    expect(estimateSize(v)).toBeLessThan(estimateSize(plain) / 4);
  });

  it("many distinct strings, non-strings, or a column without the cache's type stay plain arrays", () => {
    expect(packedOr(Array.from({ length: 1000 }, (_, i) => `s${i}`), false, "string").kind).toBe("any");
    expect(packedOr(Array.from({ length: 1000 }, (_, i) => (i % 2 ? "a" : 7n)), false, "string").kind).toBe("any");
    expect(packedOr(Array.from({ length: 1000 }, (_, i) => (i % 2 ? "a" : "b")), false, undefined).kind).toBe("any");
    // More than 256 distinct values: 16-bit codes.
    const wide = packedOr(Array.from({ length: 2000 }, (_, i) => `w${i % 300}`), false, "string");
    expect(wide.kind === "dict" && wide.codes instanceof Uint16Array).toBe(true);
    expect(valueAt(wide, 1999)).toBe("w199");
  });
});
