// A bounded soak of recovery: 100 trials, each runs a shuffle job while a worker is SIGKILLed at
// a random moment (during the map stage, during the reduce stage, or after); every result
// must be exact. The count of trials and of kills that landed mid-job is printed for the notes.
import { describe, expect, it } from "vitest";
import { startSession, sorted } from "./helpers";

const TRIALS = Number(process.env.BIGDATA_SOAK_TRIALS ?? 100);
const N = 3000;
const model = sorted([...Array.from({ length: N }, (_, i) => i).reduce((m, i) => m.set(i % 13, (m.get(i % 13) ?? 0) + i), new Map<number, number>())]);

describe("worker-kill soak", () => {
  it(`${TRIALS} trials with a worker killed at a random moment give exact results every time`, async () => {
    const { spark, sc } = await startSession("local[3]", { "spark.app.name": "soak", "spark.task.maxFailures": 8 });
    let seed = 20261203;
    const rand = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    let exact = 0, midJob = 0;
    const job = () => sc.parallelize(Array.from({ length: N }, (_, i) => i), 6)
      .map((x) => [x % 13, x] as [number, number])
      .reduceByKey((a, b) => a + b, 4)
      .collect();
    try {
      // The kill moments are drawn over one and a half times a warm job's duration, so that most
      // land while the job runs whatever this machine's speed (a fixed 0-250 ms range left under a
      // quarter of them mid-job on a fast run).
      await job();
      const t0 = performance.now();
      await job();
      const span = Math.max(20, Math.round((performance.now() - t0) * 1.5));
      for (let t = 0; t < TRIALS; t++) {
        let running = true;
        let killedMidJob = false;
        const delay = rand(span);
        const killer = (async () => {
          await new Promise((r) => setTimeout(r, delay));
          const ws = spark.cluster.workers();
          if (ws.length === 0) return;
          const victim = ws[rand(ws.length)]!;
          killedMidJob = running;
          await spark.cluster.kill(victim.id).catch(() => {});
        })();
        const out = await job();
        running = false;
        await killer;
        if (killedMidJob) midJob++;
        expect(sorted(out), `trial ${t} (kill after ${delay} ms)`).toEqual(model);
        exact++;
        // Wait for the replacement so every trial starts with three workers.
        for (let i = 0; i < 600 && spark.cluster.workers().length < 3; i++) await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await spark.stop();
    }
    console.log(`kill soak: ${exact}/${TRIALS} exact results; ${midJob} kills landed while the job ran`);
    expect(exact).toBe(TRIALS);
    expect(midJob).toBeGreaterThan(TRIALS / 4);
  }, 30 * 60_000);
});
