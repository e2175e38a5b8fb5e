// The live job panel against a real local[2] cluster: the task counters it draws come from the
// scheduler's task events, so a stage never shows more running tasks than the cluster has slots
// (two one-slot workers), and every task ends counted as done.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SparkSession } from "../../engine/index";
import { ProgressPanel } from "../../kernel/progress-panel";
import type { DisplayContent } from "../../kernel/display";

let spark: SparkSession;
beforeAll(async () => {
  spark = await SparkSession.builder().master("local[2]").appName("panel-live").getOrCreate();
}, 60_000);
afterAll(async () => { await spark?.stop(); });

describe("live progress panel on a real cluster", () => {
  it("never shows more running tasks than slots, and ends with all tasks done", async () => {
    const shown: string[] = [];
    const panel = new ProgressPanel({ show: (c: DisplayContent) => { shown.push(String(c.data["text/plain"])); } });
    const off = spark.sparkContext.addSparkListener(panel);
    try {
      const slow = (x: number) => { const end = Date.now() + 60; while (Date.now() < end) { /* busy */ } return x; };
      const sum = await spark.sparkContext.parallelize(Array.from({ length: 16 }, (_, i) => i), 8).map(slow).reduce((a: number, b: number) => a + b);
      expect(sum).toBe(120);
    } finally { off(); }
    const running = shown.flatMap((t) => [...t.matchAll(/(\d+) running/g)].map((m) => Number(m[1])));
    expect(running.length).toBeGreaterThan(0);
    expect(Math.max(...running)).toBeLessThanOrEqual(2);
    expect(shown.at(-1)).toMatch(/SUCCEEDED in \d+ ms, 1 stage\(s\), 8 task\(s\)/);
  });
});
