// The driver refuses results it cannot hold instead of being killed by V8:
// spark.driver.maxResultSize (Spark's total-size check) and spark.rpc.message.maxSize (frame cap;
// a worker turns an oversized result into a RESULT_TOO_LARGE task failure, aborted at once).
import { describe, expect, it } from "vitest";
import { startSession } from "./helpers";

describe("driver limits", () => {
  it("spark.driver.maxResultSize fails collect() with Spark's error, and the session goes on", async () => {
    const { spark, sc } = await startSession("local[2]", { "spark.driver.maxResultSize": "200k" });
    try {
      const rows = sc.parallelize(Array.from({ length: 4 }, (_, i) => i), 4).flatMap((i) => Array.from({ length: 2000 }, (_, j) => `${i}-${j}-${"x".repeat(40)}`));
      const err = await rows.collect().then(() => undefined, (e: unknown) => e as Error & { condition: string });
      expect(err?.condition).toBe("MAX_RESULT_SIZE_EXCEEDED");
      expect(err?.message).toMatch(/Total size of serialized results of \d+ tasks \([\d.]+ MiB\) is bigger than spark\.driver\.maxResultSize \(0\.2 MiB\)/);
      // Small results still work, and so do aggregations of the big data.
      expect(await rows.count()).toBe(8000);
      expect((await rows.take(3)).length).toBe(3);
    } finally {
      await spark.stop();
    }
  });

  it("a task result over spark.rpc.message.maxSize fails with RESULT_TOO_LARGE after one attempt, not four", async () => {
    const { spark, sc } = await startSession("local[2]", { "spark.rpc.message.maxSize": 1 });
    try {
      let failures = 0;
      const off = sc.addSparkListener({ onTaskEnd: (e) => { if (e.task.status === "FAILED") failures++; } });
      const big = sc.parallelize([0, 1], 2).map((i) => `${i}`.repeat(1_500_000));
      const err = await big.collect().then(() => undefined, (e: unknown) => e as Error & { condition: string; parameters: Record<string, unknown> });
      off();
      expect(err?.message).toMatch(/RESULT_TOO_LARGE/);
      expect(err?.message).toMatch(/spark\.rpc\.message\.maxSize/);
      expect(failures).toBeLessThanOrEqual(2);   // one per partition at most: no retries
      expect(spark.cluster.workers()).toHaveLength(2);   // nobody was disconnected
      expect(await sc.parallelize([1, 2, 3]).map((x) => x * 2).collect()).toEqual([2, 4, 6]);
    } finally {
      await spark.stop();
    }
  });
});
