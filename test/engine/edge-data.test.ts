// Data on the DAG's edges (spark.lastJob().dag({ data: true })): the map tasks' sampled records
// with the reducer each went to and the partitioner's arithmetic, checked against the
// partitioner itself, what each reducer received, and the bounds that keep sampling cheap.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SparkContext, SparkSession } from "../../engine/index";
import { HashPartitioner } from "../../engine/rdd/partitioner";
import { startSession } from "./helpers";

let spark: SparkSession;
let sc: SparkContext;
beforeAll(async () => ({ spark, sc } = await startSession("local[2]")), 60_000);
afterAll(async () => spark?.stop());

const LINES = ["spark keeps data in memory", "hadoop writes data to disk", "spark and hadoop split data into partitions"];

describe("data on the edges", () => {
  it("shows what the map tasks emitted, which reducer each record went to and why, and what each reducer received", async () => {
    const pairs = sc.parallelize(LINES, 2).flatMap((l) => l.split(" ")).map((w): [string, number] => [w, 1]);
    await pairs.reduceByKey((a, b) => a + b, 3).collect();
    const dag = spark.lastJob()!.dag({ data: true });
    expect(dag.edges).toHaveLength(1);
    const e = dag.edges[0]!;
    expect(e.partitioner).toBe("HashPartitioner(3)");
    const hash = new HashPartitioner(3);
    expect(e.samples!.length).toBeGreaterThan(3);
    for (const s of e.samples!) {
      const [word, one] = JSON.parse(s.record) as [string, number];
      expect(one).toBe(1);                                           // emitted before the reduce side combines
      expect(LINES.join(" ").split(" ")).toContain(word);
      expect(s.reduceId).toBe(hash.getPartition(word));               // the arithmetic is the partitioner's
      const m = /^hash = (\d+), (\d+) mod 3 = (\d)$/.exec(s.how)!;
      expect(m[1]).toBe(m[2]);
      expect(Number(m[1]) % 3).toBe(s.reduceId);
      expect([0, 1]).toContain(s.mapId);
    }
    // Received: the reducers' records add up to the edge, one record per distinct word of each map task.
    expect(e.reducerRecords!.reduce((a, b) => a + b, 0)).toBe(e.records);
    const perMap = [LINES[0]!, LINES.slice(1).join(" ")].map((t) => new Set(t.split(" ")).size);
    expect(e.records).toBe(perMap[0]! + perMap[1]!);
    expect(e.reducerBytes!.reduce((a, b) => a + b, 0)).toBe(e.bytes);

    const b = dag._repr_mimebundle_() as Record<string, string>;
    expect(b["text/plain"]).toMatch(/Stage \d+ -> Stage \d+: shuffle \d+, HashPartitioner\(3\)/);
    expect(b["text/plain"]).toMatch(/map [01]: \["\w+",1\] -> reducer [0-2] {2}\(hash = \d+/);
    expect(b["text/plain"]).toContain("received by each reducer:");
    expect(b["text/html"]).toContain("Emitted by the map tasks (sample):");
    expect(b["text/html"]).toContain("<svg");
  }, 60_000);

  it("explains a custom partitioner's arithmetic", async () => {
    await sc.parallelize([[1, "a"], [2, "b"], [7, "c"]] as Array<[number, string]>, 1).partitionBy(4, (k) => k * 10).collect();
    const e = spark.lastJob()!.dag().edges[0]!;
    expect(e.samples!.map((s) => s.how)).toContain("partitionFunc(key) = 70, 70 mod 4 = 2");
  }, 60_000);

  it("stays bounded: at most 16 samples per map task, 2 per reducer, 64 per edge, 100 characters each", async () => {
    const long = "x".repeat(500);
    await sc.parallelize(Array.from({ length: 40_000 }, (_, i) => i), 8).map((i): [number, string] => [i % 97, long]).groupByKey(40).count();
    const e = spark.lastJob()!.dag().edges[0]!;
    expect(e.samples!.length).toBe(64);                              // 8 map tasks x 16, cut to 64 round-robin
    const byMap = new Map<number, number>();
    for (const s of e.samples!) byMap.set(s.mapId, (byMap.get(s.mapId) ?? 0) + 1);
    expect([...byMap.values()].every((n) => n === 8)).toBe(true);    // every map task shows what it emitted
    const perReducer = new Map<string, number>();
    for (const s of e.samples!) perReducer.set(`${s.mapId}/${s.reduceId}`, (perReducer.get(`${s.mapId}/${s.reduceId}`) ?? 0) + 1);
    expect(Math.max(...perReducer.values())).toBeLessThanOrEqual(2);
    expect(Math.max(...e.samples!.map((s) => s.record.length))).toBe(100);
    expect(e.samples![0]!.record.endsWith("…")).toBe(true);
  }, 60_000);
});
