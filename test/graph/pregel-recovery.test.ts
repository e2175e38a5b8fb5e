// Pregel survives a killed worker, with one job per superstep and in barrier mode: the vertex
// partitions are checkpointed every K supersteps; a partition lost with its worker is found behind
// the run (or the barrier segment aborts) and every partition restarts from the last checkpoint; the
// ranks equal the local result.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pageRank, pregelPageRank, type EdgeTuple } from "../../engine/graph";
import type { SparkSession } from "../../engine/index";
import { startSession, waitFor } from "../engine/helpers";

let spark: SparkSession;
const dir = mkdtempSync(join(tmpdir(), "pregel-ckpt-"));
beforeAll(async () => { ({ spark } = await startSession("local[2]", { "spark.network.timeout": "5s" })); }, 60_000);
afterAll(async () => { await spark?.stop(); rmSync(dir, { recursive: true, force: true }); });

describe("Pregel recovery", () => {
  it("a worker killed mid-run (one job per superstep): the computation resumes and gives the same ranks", async () => {
    const sc = spark.sparkContext;
    sc.setCheckpointDir(dir);
    const edges: EdgeTuple[] = [];
    for (let u = 0; u < 30; u++) edges.push([u, (u * 7 + 3) % 30], [u, (u * 11 + 5) % 30]);
    edges.push([30, 31]);
    let starts = 0, killed = "";
    const off = sc.addSparkListener({
      onTaskStart: (e) => {
        starts++;
        // Build: 4 tasks, superstep 0: 2, then 4 per superstep: the 20th starts in superstep 3 or 4,
        // after the checkpoint of superstep 2.
        if (!killed && starts === 20) { killed = e.task.workerId; void spark.cluster.kill(killed); }
      },
    });
    const res = await pregelPageRank(sc.parallelize(edges, 2), { beta: 0.85, maxIter: 10, numPartitions: 2, checkpointInterval: 3, barrier: false });
    off();
    expect(killed).not.toBe("");
    expect(res.restarts).toBeGreaterThanOrEqual(1);
    expect(res.metrics.filter((m) => m.checkpointed).map((m) => m.superstep)).toEqual([2, 5, 8]);
    const local = pageRank(edges, { beta: 0.85, maxIter: 10, tol: 0 });
    for (const [id, r] of local.ranks) expect(Math.abs(res.values.get(id)! - r), String(id)).toBeLessThan(1e-9);
  }, 300_000);

  it("barrier mode: a worker killed between supersteps 3 and 4: every partition resumes from the checkpoint of superstep 2", async () => {
    const sc = spark.sparkContext;
    await waitFor(() => spark.cluster.workers().length === 2, 60_000); // the worker killed before is back
    sc.setCheckpointDir(dir);
    const edges: EdgeTuple[] = [];
    for (let u = 0; u < 30; u++) edges.push([u, (u * 7 + 3) % 30], [u, (u * 11 + 5) % 30]);
    edges.push([30, 31]);
    let killed = "";
    const seen: number[] = [];
    const res = await pregelPageRank(sc.parallelize(edges, 2), {
      beta: 0.85, maxIter: 10, numPartitions: 2, checkpointInterval: 3, barrier: true,
      onSuperstep: async (m) => {
        seen.push(m.superstep);
        if (m.superstep === 3 && !killed) { killed = spark.cluster.workers()[0]!.id; await spark.cluster.kill(killed); }
      },
    });
    expect(killed).not.toBe("");
    expect(res.restarts).toBeGreaterThanOrEqual(1);
    // Supersteps 0-3, then from the checkpoint after 2: 3 again and on to 10 (never from the start;
    // a partition the scheduler then places away from its copy restarts from the checkpoint again).
    expect(seen.slice(0, 5)).toEqual([0, 1, 2, 3, 3]);
    expect(Math.min(...seen.slice(4))).toBe(3);
    expect(seen.at(-1)).toBe(10);
    expect(seen).toEqual([0, 1, 2, 3, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(res.metrics.map((m) => m.superstep)).toEqual([...Array(11).keys()]);
    expect(res.metrics.filter((m) => m.checkpointed).map((m) => m.superstep)).toEqual([2, 5, 8]);
    const local = pageRank(edges, { beta: 0.85, maxIter: 10, tol: 0 });
    for (const [id, r] of local.ranks) expect(Math.abs(res.values.get(id)! - r), String(id)).toBeLessThan(1e-9);
  }, 300_000);
});
