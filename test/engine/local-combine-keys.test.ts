// After partitionBy, reduceByKey/groupByKey combine inside each partition without a shuffle
// (combineLocally). Key identity there must be the shuffle's (common/keys): bigint keys work and
// distinct Map keys stay distinct, exactly as they do through a shuffle.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SparkContext, SparkSession } from "../../engine/index";
import { startSession, sorted } from "./helpers";

let spark: SparkSession, sc: SparkContext;
beforeAll(async () => { ({ spark, sc } = await startSession("local[2]")); });
afterAll(async () => { await spark?.stop(); });

const show = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === "bigint" ? `${v}n` : v instanceof Map ? [...v] : v));

describe("combining locally after partitionBy", () => {
  it("keys containing a bigint reduce (they used to fail with 'Do not know how to serialize a BigInt')", async () => {
    const tuples: Array<[[bigint, string], number]> = [[[1n, "x"], 1], [[1n, "x"], 2], [[1n, "y"], 4]];
    const got = await sc.parallelize(tuples, 2).partitionBy(2).reduceByKey((a, b) => a + b).collect();
    expect(show(sorted(got.map(([k, v]) => [`${k[0]}:${k[1]}`, v])))).toBe(show([["1:x", 3], ["1:y", 4]]));
    const pairs: Array<[bigint, number]> = [[1n, 1], [2n, 5], [1n, 2], [9007199254740993n, 7], [9007199254740993n, 1]];
    const local = await sc.parallelize(pairs, 2).partitionBy(2).reduceByKey((a, b) => a + b).collect();
    const shuffled = await sc.parallelize(pairs, 2).reduceByKey((a, b) => a + b).collect();
    expect(show(sorted(local.map(([k, v]) => [String(k), v])))).toBe(show(sorted([["1", 3], ["2", 5], ["9007199254740993", 8]])));
    expect(show(sorted(local.map(([k, v]) => [String(k), v])))).toBe(show(sorted(shuffled.map(([k, v]) => [String(k), v]))));
  });

  it("distinct Map keys stay distinct, as through a shuffle (JSON.stringify made both '{}')", async () => {
    const pairs: Array<[Map<string, number>, number]> = [[new Map([["a", 1]]), 1], [new Map([["a", 2]]), 10], [new Map([["a", 1]]), 100]];
    const local = await sc.parallelize(pairs, 1).partitionBy(1).reduceByKey((a, b) => a + b).collect();
    const shuffled = await sc.parallelize(pairs, 1).reduceByKey((a, b) => a + b, 1).collect();
    const norm = (rs: Array<[Map<string, number>, number]>) => sorted(rs.map(([k, v]) => [[...k], v]));
    expect(norm(local)).toEqual([[[["a", 1]], 101], [[["a", 2]], 10]]);
    expect(norm(local)).toEqual(norm(shuffled));
    // groupByKey after partitionBy also keeps them apart.
    const groups = await sc.parallelize(pairs, 1).partitionBy(1).groupByKey().mapValues((vs) => [...vs].sort((a, b) => a - b)).collect();
    expect(sorted(groups.map(([k, v]) => [[...k], v]))).toEqual([[[["a", 1]], [1, 100]], [[["a", 2]], [10]]]);
  });
});
