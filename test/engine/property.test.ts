// Property test: for random data, partition counts and operator chains, the engine on real
// workers gives what a plain-array model gives.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import type { RDD, SparkSession, SparkContext } from "../../engine/index";
import { startSession, sorted } from "./helpers";

let spark: SparkSession;
let sc: SparkContext;
beforeAll(async () => ({ spark, sc } = await startSession("local[2]")));
afterAll(async () => spark?.stop());

type Op =
  | { op: "map"; k: number; c: number }
  | { op: "filter"; m: number; r: number }
  | { op: "flatMap"; n: number }
  | { op: "distinct" }
  | { op: "union"; extra: number[] }
  | { op: "repartition"; n: number }
  | { op: "coalesce"; n: number }
  | { op: "sortBy"; asc: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant("map" as const), k: fc.integer({ min: -3, max: 3 }), c: fc.integer({ min: -5, max: 5 }) }),
  fc.record({ op: fc.constant("filter" as const), m: fc.integer({ min: 2, max: 4 }), r: fc.integer({ min: 0, max: 1 }) }),
  fc.record({ op: fc.constant("flatMap" as const), n: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ op: fc.constant("distinct" as const) }),
  fc.record({ op: fc.constant("union" as const), extra: fc.array(fc.integer({ min: -20, max: 20 }), { maxLength: 10 }) }),
  fc.record({ op: fc.constant("repartition" as const), n: fc.integer({ min: 1, max: 5 }) }),
  fc.record({ op: fc.constant("coalesce" as const), n: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ op: fc.constant("sortBy" as const), asc: fc.boolean() }),
);

function applyModel(data: number[], ops: Op[]): number[] {
  let xs = data;
  for (const o of ops) {
    switch (o.op) {
      case "map": xs = xs.map((x) => x * o.k + o.c); break;
      case "filter": xs = xs.filter((x) => ((x % o.m) + o.m) % o.m === o.r); break;
      case "flatMap": xs = xs.flatMap((x) => Array.from({ length: o.n }, (_, i) => x + i)); break;
      case "distinct": xs = [...new Set(xs)]; break;
      case "union": xs = [...xs, ...o.extra]; break;
      case "sortBy": xs = [...xs].sort((a, b) => (o.asc ? a - b : b - a)); break;
      default: break;
    }
  }
  return xs;
}

function applyRdd(rdd: RDD<number>, ops: Op[]): RDD<number> {
  for (const o of ops) {
    switch (o.op) {
      case "map": { const { k, c } = o; rdd = rdd.map((x) => x * k + c); break; }
      case "filter": { const { m, r } = o; rdd = rdd.filter((x) => ((x % m) + m) % m === r); break; }
      case "flatMap": { const { n } = o; rdd = rdd.flatMap((x) => Array.from({ length: n }, (_, i) => x + i)); break; }
      case "distinct": rdd = rdd.distinct(); break;
      case "union": rdd = rdd.union(sc.parallelize(o.extra, 2)); break;
      case "repartition": rdd = rdd.repartition(o.n); break;
      case "coalesce": rdd = rdd.coalesce(o.n); break;
      case "sortBy": { const asc = o.asc; rdd = rdd.sortBy((x) => x, asc, 3); break; }
    }
  }
  return rdd;
}

describe("engine vs plain-array model", () => {
  it("random operator chains give the model's multiset (and its order after a final sort)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(opArb, { maxLength: 4 }),
        async (data, parts, ops) => {
          const got = await applyRdd(sc.parallelize(data, parts), ops).collect();
          const want = applyModel(data, ops);
          if (ops.length && ops[ops.length - 1]!.op === "sortBy") expect(got).toEqual(want);
          else expect(sorted(got)).toEqual(sorted(want));
        },
      ),
      { numRuns: 40 },
    );
  });

  it("random keyed aggregations and joins give the model's result", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: -9, max: 9 })), { maxLength: 50 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.string({ maxLength: 2 })), { maxLength: 20 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        async (left, right, p1, p2) => {
          const l = sc.parallelize(left, p1), r = sc.parallelize(right, p2);
          const sums = new Map<number, number>();
          for (const [k, v] of left) sums.set(k, (sums.get(k) ?? 0) + v);
          expect(sorted(await l.reduceByKey((a, b) => a + b, p2).collect())).toEqual(sorted([...sums]));
          const joined: unknown[] = [];
          for (const [k, v] of left) for (const [k2, w] of right) if (k === k2) joined.push([k, [v, w]]);
          expect(sorted(await l.join(r).collect())).toEqual(sorted(joined));
          const counts = new Map<number, number>();
          for (const [k] of left) counts.set(k, (counts.get(k) ?? 0) + 1);
          expect(sorted([...(await l.countByKey()).entries()])).toEqual(sorted([...counts]));
        },
      ),
      { numRuns: 25 },
    );
  });
});
