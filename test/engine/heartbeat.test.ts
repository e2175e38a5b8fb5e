// Heartbeats: a hung worker is detected and replaced; the job's result stays exact.
import { describe, expect, it } from "vitest";
import { startSession, sorted, isAlive, waitFor } from "./helpers";

function busy(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) { /* simulate work */ }
}
const N = 400;
const model = () => {
  const m = new Map<number, number>();
  for (let i = 0; i < N; i++) m.set(i % 7, (m.get(i % 7) ?? 0) + i);
  return sorted([...m.entries()]);
};

describe("heartbeats", () => {
  it("a hung worker (SIGSTOP) is detected by missing heartbeats; its tasks rerun elsewhere and the result is exact", async () => {
    const { spark: s, sc: c } = await startSession("local[2]", { "spark.network.timeout": "1500ms", "spark.app.name": "hb" });
    try {
      let frozen: number | undefined;
      const off = c.addSparkListener({
        onTaskStart: (e) => {
          if (frozen === undefined) {
            frozen = s.cluster.pidOf(e.task.workerId);
            if (frozen) process.kill(frozen, "SIGSTOP");
          }
        },
      });
      const out = await c.parallelize(Array.from({ length: N }, (_, i) => i), 4)
        .map((x) => { busy(1); return [x % 7, x] as [number, number]; })
        .reduceByKey((a, b) => a + b).collect();
      off();
      expect(frozen).toBeDefined();
      expect(sorted(out)).toEqual(model());
      await waitFor(() => !isAlive(frozen!), 10_000); // the driver killed the hung process
    } finally {
      await s.stop();
    }
  });

  it("a driver busy for longer than spark.network.timeout keeps its healthy workers and their cached blocks", async () => {
    const { spark: s, sc: c } = await startSession("local[2]", { "spark.network.timeout": "1500ms", "spark.app.name": "hb-busy" });
    try {
      const lost: string[] = [];
      const off = c.addSparkListener({ onWorkerRemoved: (e) => { lost.push(`${e.workerId}: ${e.reason}`); } });
      const cached = c.parallelize(Array.from({ length: N }, (_, i) => i), 4).map((x) => [x % 7, x] as [number, number]).cache();
      expect(await cached.count()).toBe(N);
      const before = s.cluster.workers().map((w) => `${w.id}:${w.pid}`).sort();
      const blocks = s.cluster.workers().reduce((n, w) => n + w.cachedBlocks, 0);
      expect(blocks).toBe(4);
      busy(4000);   // a notebook cell computing on the driver's thread, 2.7x the timeout
      const afterBusy = Date.now();
      await new Promise((r) => setTimeout(r, 1500));   // the monitor has judged several times since
      off();
      expect(s.cluster.workers().map((w) => `${w.id}:${w.pid}`).sort()).toEqual(before);
      expect(s.cluster.workers().reduce((n, w) => n + w.cachedBlocks, 0)).toBe(4);
      expect(lost).toEqual([]);
      // The cache is still used: the next action reads it instead of recomputing.
      expect(sorted(await cached.reduceByKey((a, b) => a + b).collect())).toEqual(model());
      // Heartbeat ages come from the endpoint: recent, not the registration time.
      for (const w of s.cluster.workers()) expect(w.lastHeartbeat).toBeGreaterThanOrEqual(afterBusy);
    } finally {
      await s.stop();
    }
  });
});
