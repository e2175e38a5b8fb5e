// The examples of PySpark's RDD docstrings (pyspark/rdd.py, Spark 3.5), run on a real local[2]
// cluster: the same inputs must give PySpark's documented outputs (tuples as 2-element arrays,
// None as null, dicts as Maps).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SparkSession, SparkContext } from "../../engine/index";
import { startSession, sorted } from "./helpers";

let spark: SparkSession;
let sc: SparkContext;
beforeAll(async () => ({ spark, sc } = await startSession()));
afterAll(async () => spark?.stop());

const add = (a: number, b: number) => a + b;
const byKey = <T extends [unknown, unknown]>(xs: T[]) => [...xs].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : String(a[0]) > String(b[0]) ? 1 : 0));

describe("PySpark RDD docstring examples", () => {
  it("creation: parallelize slicing, range, emptyRDD, sc.union", async () => {
    expect(await sc.parallelize([0, 2, 3, 4, 6], 5).glom().collect()).toEqual([[0], [2], [3], [4], [6]]);
    expect(await sc.parallelize([0, 2, 4], 5).glom().collect()).toEqual([[], [0], [], [2], [4]]);
    expect(await sc.parallelize([1, 2, 3, 4, 5], 3).glom().collect()).toEqual([[1], [2, 3], [4, 5]]);
    expect(await sc.range(5).collect()).toEqual([0, 1, 2, 3, 4]);
    expect(await sc.range(2, 4).collect()).toEqual([2, 3]);
    expect(await sc.range(1, 7, 2).collect()).toEqual([1, 3, 5]);
    expect(await sc.emptyRDD().count()).toBe(0);
    const rdd = sc.parallelize([1, 1, 2, 3]);
    expect(await rdd.union(rdd).collect()).toEqual([1, 1, 2, 3, 1, 1, 2, 3]);
    expect(await sc.union([sc.parallelize([1]), sc.parallelize([2, 3])]).collect()).toEqual([1, 2, 3]);
    expect(sc.parallelize([1, 2, 3, 4], 2).getNumPartitions()).toBe(2);
  });

  it("mapPartitions, mapPartitionsWithIndex, glom, coalesce, repartition", async () => {
    const rdd = sc.parallelize([1, 2, 3, 4], 2);
    expect(await rdd.mapPartitions(function* (it) { let s = 0; for (const x of it) s += x; yield s; }).collect()).toEqual([3, 7]);
    expect(await sc.parallelize([1, 2, 3, 4], 4).mapPartitionsWithIndex(function* (i) { yield i; }).sum()).toBe(6);
    expect(await rdd.glom().collect()).toEqual([[1, 2], [3, 4]]);
    expect(await sc.parallelize([1, 2, 3, 4, 5], 3).coalesce(1).glom().collect()).toEqual([[1, 2, 3, 4, 5]]);
    const seven = sc.parallelize([1, 2, 3, 4, 5, 6, 7], 4);
    expect(sorted(await seven.glom().collect())).toEqual(sorted([[1], [2, 3], [4, 5], [6, 7]]));
    expect((await seven.repartition(2).glom().collect()).length).toBe(2);
    expect(sorted(await seven.repartition(10).collect())).toEqual(sorted([1, 2, 3, 4, 5, 6, 7]));
  });

  it("pair transformations: flatMapValues, keyBy, keys, values, groupBy, combineByKey, foldByKey", async () => {
    const x = sc.parallelize([["a", ["x", "y", "z"]], ["b", ["p", "r"]]] as [string, string[]][]);
    expect(await x.flatMapValues((v) => v).collect()).toEqual([["a", "x"], ["a", "y"], ["a", "z"], ["b", "p"], ["b", "r"]]);
    expect(await sc.parallelize([0, 1, 2]).keyBy((v) => v * v).collect()).toEqual([[0, 0], [1, 1], [4, 2]]);
    const m = sc.parallelize([[1, 2], [3, 4]] as [number, number][]);
    expect(await m.keys().collect()).toEqual([1, 3]);
    expect(await m.values().collect()).toEqual([2, 4]);
    const g = await sc.parallelize([1, 1, 2, 3, 5, 8]).groupBy((v) => v % 2).collect();
    expect(byKey(g.map(([k, vs]) => [k, [...vs].sort((a, b) => a - b)] as [number, number[]]))).toEqual([[0, [2, 8]], [1, [1, 1, 3, 5]]]);
    const p = sc.parallelize([["a", 1], ["b", 1], ["a", 2]] as [string, number][]);
    const combined = await p.combineByKey((v) => [v], (c: number[], v) => [...c, v], (a: number[], b: number[]) => [...a, ...b]).collect();
    expect(byKey(combined.map(([k, c]) => [k, [...c].sort()] as [string, number[]]))).toEqual([["a", [1, 2]], ["b", [1]]]);
    expect(byKey(await sc.parallelize([["a", 1], ["b", 1], ["a", 1]] as [string, number][]).foldByKey(0, add).collect())).toEqual([["a", 2], ["b", 1]]);
    const grouped = await sc.parallelize([["a", 1], ["b", 1], ["a", 1]] as [string, number][]).groupByKey().mapValues((vs) => [...vs].length).collect();
    expect(byKey(grouped)).toEqual([["a", 2], ["b", 1]]);
    const agg = await p.aggregateByKey(0, (acc, v) => acc + v, add).collect();
    expect(byKey(agg)).toEqual([["a", 3], ["b", 1]]);
  });

  it("joins: join, leftOuterJoin, rightOuterJoin, fullOuterJoin, cogroup, subtract, intersection, cartesian", async () => {
    const x = sc.parallelize([["a", 1], ["b", 4]] as [string, number][]);
    expect(sorted(await x.join(sc.parallelize([["a", 2], ["a", 3]] as [string, number][])).collect())).toEqual([["a", [1, 2]], ["a", [1, 3]]]);
    const y = sc.parallelize([["a", 2]] as [string, number][]);
    expect(byKey(await x.leftOuterJoin(y).collect())).toEqual([["a", [1, 2]], ["b", [4, null]]]);
    expect(byKey(await y.rightOuterJoin(x).collect())).toEqual([["a", [2, 1]], ["b", [null, 4]]]);
    const y2 = sc.parallelize([["a", 2], ["c", 8]] as [string, number][]);
    expect(byKey(await x.fullOuterJoin(y2).collect())).toEqual([["a", [1, 2]], ["b", [4, null]], ["c", [null, 8]]]);
    const cg = await x.cogroup(y).collect();
    expect(byKey(cg.map(([k, [l, r]]) => [k, [[...l], [...r]]] as [string, number[][]]))).toEqual([["a", [[1], [2]]], ["b", [[4], []]]]);
    const s = sc.parallelize([["a", 1], ["b", 4], ["b", 5], ["a", 3]] as [string, number | null][]);
    expect(sorted(await s.subtract(sc.parallelize([["a", 3], ["c", null]] as [string, number | null][])).collect())).toEqual([["a", 1], ["b", 4], ["b", 5]]);
    const i = await sc.parallelize([1, 10, 2, 3, 4, 5]).intersection(sc.parallelize([1, 6, 2, 3, 7, 8])).collect();
    expect(i.sort((a, b) => a - b)).toEqual([1, 2, 3]);
    const r = sc.parallelize([1, 2]);
    expect(sorted(await r.cartesian(r).collect())).toEqual([[1, 1], [1, 2], [2, 1], [2, 2]]);
  });

  it("sorting: sortByKey (with keyfunc and partitions), sortBy, takeOrdered, top", async () => {
    const tmp: [string, number][] = [["a", 1], ["b", 2], ["1", 3], ["d", 4], ["2", 5]];
    expect(await sc.parallelize(tmp).sortByKey().first()).toEqual(["1", 3]);
    const want = [["1", 3], ["2", 5], ["a", 1], ["b", 2], ["d", 4]];
    expect(await sc.parallelize(tmp).sortByKey(true, 1).collect()).toEqual(want);
    expect(await sc.parallelize(tmp).sortByKey(true, 2).collect()).toEqual(want);
    const tmp2: [string, number][] = [["Mary", 1], ["had", 2], ["a", 3], ["little", 4], ["lamb", 5], ["whose", 6], ["fleece", 7], ["was", 8], ["white", 9]];
    expect(await sc.parallelize(tmp2).sortByKey(true, 3, (k) => k.toLowerCase()).collect()).toEqual(
      [["a", 3], ["fleece", 7], ["had", 2], ["lamb", 5], ["little", 4], ["Mary", 1], ["was", 8], ["white", 9], ["whose", 6]]);
    expect(await sc.parallelize(tmp).sortBy((t) => t[0]).collect()).toEqual(want);
    expect(await sc.parallelize(tmp).sortBy((t) => t[1]).collect()).toEqual(tmp);
    const nums = sc.parallelize([10, 1, 2, 9, 3, 4, 5, 6, 7], 2);
    expect(await nums.takeOrdered(6)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await nums.takeOrdered(6, (v) => -v)).toEqual([10, 9, 7, 6, 5, 4]);
    expect(await sc.parallelize([10, 4, 2, 12, 3]).top(1)).toEqual([12]);
    expect(await sc.parallelize([2, 3, 4, 5, 6], 2).top(2)).toEqual([6, 5]);
    expect(await sc.parallelize([10, 4, 2, 12, 3]).top(3, (v) => String(v))).toEqual([4, 3, 2]);
  });

  it("actions: reduce, fold, aggregate, take, first, countByValue, countByKey, collectAsMap, stats", async () => {
    expect(await sc.parallelize([1, 2, 3, 4, 5]).reduce(add)).toBe(15);
    await expect(sc.parallelize([] as number[]).reduce(add)).rejects.toThrow(/empty/i);
    expect(await sc.parallelize([1, 2, 3, 4, 5]).fold(0, add)).toBe(15);
    const seqOp = (acc: [number, number], v: number): [number, number] => [acc[0] + v, acc[1] + 1];
    const combOp = (a: [number, number], b: [number, number]): [number, number] => [a[0] + b[0], a[1] + b[1]];
    expect(await sc.parallelize([1, 2, 3, 4]).aggregate([0, 0], seqOp, combOp)).toEqual([10, 4]);
    expect(await sc.parallelize([] as number[]).aggregate([0, 0], seqOp, combOp)).toEqual([0, 0]);
    expect(await sc.parallelize([2, 3, 4, 5, 6]).cache().take(2)).toEqual([2, 3]);
    expect(await sc.parallelize(Array.from({ length: 100 }, (_, i) => i), 100).filter((v) => v > 90).take(3)).toEqual([91, 92, 93]);
    expect(await sc.parallelize([2, 3, 4]).first()).toBe(2);
    await expect(sc.parallelize([] as number[]).first()).rejects.toThrow(/empty/i);
    expect([...(await sc.parallelize([1, 2, 1, 2, 2], 2).countByValue())].sort()).toEqual([[1, 2], [2, 3]]);
    expect([...(await sc.parallelize([["a", 1], ["b", 1], ["a", 1]] as [string, number][]).countByKey())].sort()).toEqual([["a", 2], ["b", 1]]);
    const cm = await sc.parallelize([[1, 2], [3, 4]] as [number, number][]).collectAsMap();
    expect(cm.get(1)).toBe(2);
    expect(cm.get(3)).toBe(4);
    const st = await sc.parallelize([1, 2, 3]).stats();
    expect([st.count(), st.mean(), st.max(), st.min(), st.sum()]).toEqual([3, 2, 3, 1, 6]);
    expect(st.stdev()).toBeCloseTo(0.816496580927726, 12);
    expect(st.sampleStdev()).toBeCloseTo(1, 12);
    expect(await sc.parallelize([1.0, 2.0, 3.0]).sum()).toBe(6);
    expect(await sc.parallelize([1, 2, 3]).mean()).toBe(2);
    expect(await sc.parallelize(["a", "b", "c", "d"], 3).zipWithIndex().collect()).toEqual([["a", 0], ["b", 1], ["c", 2], ["d", 3]]);
    expect((await sc.parallelize([1, 1, 2, 3]).distinct().collect()).sort()).toEqual([1, 2, 3]);
  });

  it("partitionBy puts equal keys in one partition; sample stays near its fraction", async () => {
    const sets = await sc.parallelize([1, 2, 3, 4, 2, 4, 1]).map((v) => [v, v] as [number, number]).partitionBy(2).glom().collect();
    const k0 = new Set(sets[0]!.map((p) => p[0]));
    expect(sets[1]!.filter((p) => k0.has(p[0]))).toEqual([]);
    const n = await sc.parallelize(Array.from({ length: 100 }, (_, i) => i), 4).sample(false, 0.1, 81).count();
    expect(n).toBeGreaterThanOrEqual(3);
    expect(n).toBeLessThanOrEqual(20);
  });

  it("foreach and foreachPartition run on the workers and report through an accumulator", async () => {
    const acc = sc.accumulator(0);
    await sc.parallelize([1, 2, 3, 4], 2).foreach((v) => acc.add(v));
    expect(acc.value).toBe(10);
    const parts = sc.accumulator(0);
    await sc.parallelize([1, 2, 3, 4], 2).foreachPartition((it) => { for (const _ of it) { /* drain */ } parts.add(1); });
    expect(parts.value).toBe(2);
  });

  it("saveAsTextFile writes part-0000N files with one line per element", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "pyspark-ex-")), "out");
    await sc.parallelize(Array.from({ length: 10 }, (_, i) => i)).saveAsTextFile(dir);
    const parts = readdirSync(dir).filter((f) => f.startsWith("part-0000")).sort();
    expect(parts.length).toBeGreaterThan(0);
    const text = parts.map((f) => readFileSync(join(dir, f), "utf8")).join("");
    expect(text).toBe("0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n");
    expect(await sc.textFile(dir).map(Number).collect()).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });
});
