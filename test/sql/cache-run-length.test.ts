// Run-length encoding in the in-memory columnar cache (Spark's RunLengthEncoding for cached
// columns): a null-free number column whose batch has few runs of equal values is stored as runs
// (values + run ends), others are not; every reader gives the exact values back (-0 apart from 0,
// NaN), and queries over such a cache, at every storage level, give the uncached answers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { F, StorageLevel, type SparkSession } from "../../engine/index";
import { cacheBatches, cachedRows } from "../../engine/sql/execution/columnar/cached-batches";
import { gather, sliceBatch, unpacked, valueAt, type ColumnBatch } from "../../engine/sql/column-batch";
import { startSession } from "../engine/helpers";

let spark: SparkSession;
beforeAll(async () => ({ spark } = await startSession("local[2]")));
afterAll(async () => spark?.stop());

const key = (r: unknown): string => JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? `${v}n` : typeof v === "number" && (Object.is(v, -0) || Number.isNaN(v)) ? `num:${Object.is(v, -0) ? "-0" : "NaN"}` : v));

/** Sorted-looking data: k in runs of 500, day in runs of 2000, z in runs of -0, 0 and NaN; noisy columns beside. */
function rows(n: number): unknown[][] {
  return Array.from({ length: n }, (_, i) => [
    Math.floor(i / 500), // int, runs
    1_700_000_000_000 + Math.floor(i / 2000) * 86_400_000, // long, runs
    [-0, 0, NaN, 2.5][Math.floor(i / 300) % 4]!, // double, runs of -0, 0, NaN
    (i * 7919) % 1009, // int, no runs
    i % 50 === 0 ? null : Math.floor(i / 500), // runs, but nulls: not encoded
    `s${Math.floor(i / 1000)}`,
  ]);
}
const SCHEMA = "k INT, day BIGINT, z DOUBLE, noise INT, nk INT, s STRING";
const TYPES = ["integer", "long", "double", "integer", "integer", "string"];
const NUMERIC = [true, true, true, true, true, false];

describe("run-length encoded cache columns", () => {
  const data = rows(25_000);
  const batches: ColumnBatch[] = [...cacheBatches(NUMERIC, data, TYPES)];

  it("encodes the null-free number columns with few runs, and only those", () => {
    expect(batches.length).toBe(3);
    expect(batches[0]!.columns.map((c) => c.kind)).toEqual(["rle", "rle", "rle", "f64", "f64", "dict"]);
    const k = batches[0]!.columns[0]!;
    expect(k.kind === "rle" && k.values instanceof Int32Array && k.values.length === 20 && k.ends[19] === 10_000).toBe(true);
  });

  it("every reader gives the exact values back: valueAt, unpacked, gather, slices, cached rows", () => {
    const back = [...cachedRows(batches)];
    expect(back.map(key)).toEqual(data.map(key));
    let at = 0;
    for (const b of batches) {
      for (let c = 0; c < 3; c++) {
        const v = b.columns[c]!, u = unpacked(v, b.length);
        expect(u.kind).toBe("f64");
        for (let i = 0; i < b.length; i += 97) {
          expect(key(valueAt(v, i))).toBe(key(data[at + i]![c]));
          expect(key(valueAt(u, i))).toBe(key(data[at + i]![c]));
        }
        const idx = Int32Array.from([b.length - 1, 0, 499, 500, 7]);
        const g = gather(v, idx, idx.length);
        expect([...idx].map((_, j) => key(valueAt(g, j)))).toEqual([...idx].map((i) => key(data[at + i]![c])));
      }
      const tail = sliceBatch(b, 4321);
      expect([...cachedRows([tail])].map(key)).toEqual(data.slice(at + 4321, at + b.length).map(key));
      at += b.length;
    }
  });

  it("queries over such a cache give the uncached answers at every storage level", async () => {
    const plain = spark.createDataFrame(data, SCHEMA);
    const queries = [
      (df: typeof plain) => df,
      (df: typeof plain) => df.filter("k % 3 = 1 AND z IS NOT NULL").select("k", "z", "day"),
      (df: typeof plain) => df.groupBy("day").agg(F.sum("k").alias("sk"), F.min("z").alias("mz"), F.max("z").alias("xz"), F.count("*").alias("n")),
      (df: typeof plain) => df.orderBy(F.col("k").desc(), "noise").limit(7),
      (df: typeof plain) => df.join(F.broadcast(spark.createDataFrame([[0, "a"], [7, "b"], [49, "c"]], "k INT, tag STRING")), "k").select("k", "tag", "z"),
    ];
    const expected = await Promise.all(queries.map(async (q) => (await q(plain).collect()).map(key).sort()));
    for (const level of [StorageLevel.MEMORY_AND_DISK_DESER, StorageLevel.MEMORY_ONLY, StorageLevel.DISK_ONLY]) {
      const cached = spark.createDataFrame(data, SCHEMA).persist(level);
      for (let j = 0; j < queries.length; j++) expect((await queries[j]!(cached).collect()).map(key).sort(), `query ${j} at ${level}`).toEqual(expected[j]);
      cached.unpersist();
    }
  }, 120_000);
});
