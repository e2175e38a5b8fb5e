// Pregel survives a killed worker: the vertex partitions are checkpointed every K supersteps; a
// partition lost with its worker is found behind the run and every partition restarts from the last
// checkpoint; the ranks equal the local result.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pageRank, pregelPageRank, type EdgeTuple } from "../../engine/graph";
import type { SparkSession } from "../../engine/index";
import { startSession } from "../engine/helpers";

let spark: SparkSession;
const dir = mkdtempSync(join(tmpdir(), "pregel-ckpt-"));
beforeAll(async () => { ({ spark } = await startSession("local[2]", { "spark.network.timeout": "5s" })); }, 60_000);
afterAll(async () => { await spark?.stop(); rmSync(dir, { recursive: true, force: true }); });

describe("Pregel recovery", () => {
  it("a worker killed mid-run: the computation resumes and gives the same ranks", async () => {
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
    const res = await pregelPageRank(sc.parallelize(edges, 2), { beta: 0.85, maxIter: 10, numPartitions: 2, checkpointInterval: 3 });
    off();
    expect(killed).not.toBe("");
    expect(res.restarts).toBeGreaterThanOrEqual(1);
    expect(res.metrics.filter((m) => m.checkpointed).map((m) => m.superstep)).toEqual([2, 5, 8]);
    const local = pageRank(edges, { beta: 0.85, maxIter: 10, tol: 0 });
    for (const [id, r] of local.ranks) expect(Math.abs(res.values.get(id)! - r), String(id)).toBeLessThan(1e-9);
  }, 300_000);
});
