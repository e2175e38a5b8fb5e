// Predict, then compare: spark.plan(x) gives the job an action would run now without running it
// (the scheduler's own stage split and skip rule), and the prediction is checked against what the
// real cluster then ran; compare(a, b) sets two runs side by side.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compare, F, type SparkContext, type SparkSession } from "../../engine/index";
import { startSession, waitFor } from "./helpers";

let spark: SparkSession;
let sc: SparkContext;
beforeAll(async () => ({ spark, sc } = await startSession("local[2]")), 60_000);
afterAll(async () => spark?.stop());

const wordPairs = () => sc.parallelize(Array.from({ length: 2000 }, (_, i) => `w${i % 17}`), 4).map((w) => [w, 1] as [string, number]);

describe("spark.plan", () => {
  it("predicts the stages, tasks and shuffles of an action before it runs, and runs nothing", async () => {
    const counts = wordPairs().reduceByKey((a, b) => a + b, 3).mapValues((n) => n * 2);
    const before = sc.statusTracker().getJobIdsForGroup().length;
    const planned = await spark.plan(counts);
    expect(sc.statusTracker().getJobIdsForGroup().length).toBe(before);     // no job ran
    expect(planned.counts).toEqual({ stages: 2, toRun: 2, skipped: 0, tasks: 7, shuffles: 1 });
    expect(planned.dag.stages.map((s) => s.kind)).toEqual(["ShuffleMapStage", "ResultStage"]);
    const bundle = planned._repr_mimebundle_();
    expect(bundle["text/plain"]).toMatch(/^Predicted: action on mapValues at .*predict-then-compare\.test\.ts/);
    expect(bundle["text/html"]).toContain("<svg");

    await counts.collect();
    const check = planned.compare();
    expect(check.held).toBe(true);
    expect(check.matches.map((m) => [m.predicted?.tasks, m.actual?.tasks])).toEqual([[4, 4], [3, 3]]);
    expect(check._repr_mimebundle_()["text/plain"]).toContain("The prediction held");
  }, 60_000);

  it("predicts a skipped stage where the shuffle output already exists, and marks a wrong prediction", async () => {
    const counts = wordPairs().reduceByKey((a, b) => a + b, 2);
    const fresh = await spark.plan(counts);              // nothing computed yet: both stages run
    await counts.collect();
    const again = await spark.plan(counts);              // the map output is there now
    expect(again.counts).toMatchObject({ toRun: 1, skipped: 1, tasks: 2 });
    await counts.collect();
    expect(again.compare().held).toBe(true);

    // The first prediction, checked against the second run: its map stage was skipped after all.
    const stale = fresh.compare();
    expect(stale.held).toBe(false);
    expect(stale.matches[0]!.difference).toMatch(/predicted to run, but it was skipped/);
    const text = String(stale._repr_mimebundle_()["text/plain"]);
    expect(text).toMatch(/1 difference from the prediction/);
    expect(String(stale._repr_mimebundle_()["text/html"])).toContain("background:#fdecea");
  }, 60_000);

  it("predicts that a cached input hides the stages above it", async () => {
    const perWord = wordPairs().reduceByKey((a, b) => a + b, 2).cache();
    await perWord.count();
    const bucketed = perWord.map(([w, n]) => [n % 3, w] as [number, string]).groupByKey(2);
    const planned = await spark.plan(bucketed);
    // stage 1: the first shuffle's map side (skipped: output exists); stage 2: reads the cache and
    // writes the second shuffle; stage 3: the result.
    expect(planned.dag.stages.map((s) => s.status)).toEqual(["SKIPPED", "PENDING", "PENDING"]);
    await bucketed.collect();
    expect(planned.compare().held).toBe(true);
    perWord.unpersist();
  }, 60_000);

  it("predicts the map tasks a lost worker's shuffle output needs again", async () => {
    const counts = wordPairs().reduceByKey((a, b) => a + b, 2);
    await counts.collect();
    const victim = spark.cluster.workers()[0]!.id;
    await spark.cluster.kill(victim);
    await waitFor(() => spark.cluster.workers().filter((w) => w.state === "ALIVE").length >= 1 && !spark.cluster.workers().some((w) => w.id === victim && w.state === "ALIVE"), 30_000);
    const planned = await spark.plan(counts);
    const mapTasks = planned.tasksToRun[planned.dag.stages[0]!.stageId]!;
    expect(planned.dag.stages[0]!.status).toBe("PENDING");
    expect(mapTasks).toBeGreaterThan(0);
    expect(mapTasks).toBeLessThan(4);                      // only the lost worker's map outputs
    await counts.collect();
    expect(planned.compare().held).toBe(true);
  }, 90_000);

  it("plans a DataFrame's query: the exchange is the shuffle", async () => {
    const df = spark.range(0, 10_000, 1, 4).groupBy(F.col("id").mod(7).alias("k")).count();
    const planned = await spark.plan(df);
    expect(planned.counts).toMatchObject({ stages: 2, toRun: 2, shuffles: 1 });
    expect(planned.dag.description).toMatch(/^DataFrame action, planned at .*predict-then-compare\.test\.ts/);
    await df.collect();
    expect(planned.compare().held).toBe(true);
  }, 60_000);
});

describe("compare(runA, runB)", () => {
  it("sets two runs side by side by stages, tasks, shuffle bytes, records and time", async () => {
    const pairs = wordPairs();
    await pairs.reduceByKey((a, b) => a + b, 4).collect();
    const shuffled = spark.lastJob()!;
    await pairs.groupByKey(4).mapValues((vs) => [...vs].length).collect();
    const grouped = spark.lastJob()!;
    const c = compare(shuffled, grouped, ["reduceByKey", "groupByKey"]);
    // groupByKey ships every pair; reduceByKey combines on the map side first.
    expect(c.a.totals.shuffleWriteRecords).toBeLessThan(c.b.totals.shuffleWriteRecords);
    expect(c.b.totals.shuffleWriteRecords).toBe(2000);
    const text = String(c._repr_mimebundle_()["text/plain"]);
    expect(text).toMatch(/^reduceByKey vs groupByKey/);
    expect(text).toMatch(/shuffle write records\s+\d+\s+2,000/);
    expect(String(c._repr_mimebundle_()["text/html"]).match(/<svg/g)?.length).toBe(2);
  }, 60_000);
});
