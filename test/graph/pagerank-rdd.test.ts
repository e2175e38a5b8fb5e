// Distributed PageRank (links.join(ranks) → contributions → reduceByKey) on real workers agrees
// with the local power iteration to 1e-9, and the cached, partitioned links are not reshuffled.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pageRank, pageRankRDD, type EdgeTuple } from "../../engine/graph";
import type { SparkSession } from "../../engine/index";
import { startSession } from "../engine/helpers";

let spark: SparkSession;
beforeAll(async () => { ({ spark } = await startSession("local[2]")); }, 60_000);
afterAll(async () => { await spark?.stop(); });

/** A small deterministic graph with dead ends, a spider trap and a pure source. */
function testGraph(): EdgeTuple[] {
  let s = 12345;
  const rnd = (): number => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
  const edges: EdgeTuple[] = [];
  for (let u = 0; u < 40; u++) {
    if (u % 9 === 4) continue; // dead ends
    const k = 1 + Math.floor(rnd() * 4);
    for (let j = 0; j < k; j++) { const v = Math.floor(rnd() * 40); if (v !== u) edges.push([u, v]); }
  }
  edges.push([40, 41], [41, 40], [3, 40], ["src", 0]);
  return edges;
}

describe("pageRankRDD", () => {
  it("agrees with local power iteration to 1e-9 (uniform and topic-specific teleport)", async () => {
    const edges = testGraph();
    const rdd = spark.sparkContext.parallelize(edges, 3);
    for (const teleport of [undefined, [0, 5, 40] as const]) {
      // a fixed number of iterations: both must produce the same vector after each step
      const local = pageRank(edges, { beta: 0.85, tol: 0, maxIter: 25, teleport });
      const dist = await pageRankRDD(rdd, { beta: 0.85, tol: 0, maxIter: 25, teleport, numPartitions: 3 });
      expect(dist.ranks.size).toBe(local.ranks.size);
      for (const [id, r] of local.ranks) expect(Math.abs(dist.ranks.get(id)! - r), String(id)).toBeLessThan(1e-9);
      dist.deltas.forEach((d, i) => expect(Math.abs(d - local.deltas[i]!)).toBeLessThan(1e-9));
    }
  }, 300_000);

  it("reuses the partitioned, cached links: later iterations skip the links shuffle and the join adds no shuffle", async () => {
    const edges: EdgeTuple[] = [["y", "y"], ["y", "a"], ["a", "y"], ["a", "m"], ["m", "m"]];
    const res = await pageRankRDD(spark.sparkContext.parallelize(edges, 2), { beta: 0.8, maxIter: 3, tol: 0 });
    expect(res.ranks.get("m")).toBeCloseTo(pageRank(edges, { beta: 0.8, maxIter: 3, tol: 0 }).ranks.get("m")!, 12);
    const third = spark.sparkContext.getJob(res.jobIds[4]!)!; // the contribution job of iteration 3
    const dag = third.dag();
    const maps = dag.stages.filter((s) => s.kind === "ShuffleMapStage");
    expect(maps.filter((s) => !s.skipped)).toHaveLength(1); // only the contributions' reduceByKey shuffle runs
    expect(maps.filter((s) => s.skipped).length).toBeGreaterThanOrEqual(1); // links' groupByKey shuffle is skipped
  }, 120_000);

  it("rejects a non-numeric weight with a typed error", async () => {
    const rdd = spark.sparkContext.parallelize([["a", "b", "heavy"]] as unknown as EdgeTuple[], 1);
    await expect(pageRankRDD(rdd)).rejects.toThrow(/GRAPH_INVALID_WEIGHT/);
    await expect(pageRankRDD(spark.sparkContext.parallelize([["a", "b"]] as EdgeTuple[], 1), { beta: -1 })).rejects.toThrow(/GRAPH_INVALID_PARAMETER/);
  }, 60_000);
});
