// The resident Pregel engine's own behaviour on real workers: vertices from the edges alone
// (Graph.fromEdges), string ids, messages that are not numbers (with and without a combiner,
// and a combiner that stops returning numbers halfway), messages to no vertex, edges changed by
// compute() (replaced or changed in place, and read in place without edge objects), weights
// checked, the user's error reaching the caller, and a run that loses a worker without any
// checkpoint restarting from the start with the same result.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pageRank, pregelConnectedComponents, pregelPageRank, runPregel, type EdgeTuple, type VertexId } from "../../engine/graph";
import type { SparkSession } from "../../engine/index";
import type { RDD } from "../../engine/rdd";
import { startSession, waitFor } from "../engine/helpers";
import { HashPartitioner } from "../../engine/rdd/partitioner";

let spark: SparkSession;
beforeAll(async () => { ({ spark } = await startSession("local[2]", { "spark.network.timeout": "5s" })); }, 60_000);
afterAll(async () => { await spark?.stop(); });

const byId = <V>(m: Map<VertexId, V>): Array<[VertexId, V]> => [...m].sort((a, b) => String(a[0]).localeCompare(String(b[0])));

describe("Pregel engine", () => {
  it("builds the vertices from the edges when none are given, with the default value", async () => {
    const sc = spark.sparkContext;
    const res = await runPregel<string, number, number>(null, sc.parallelize([["a", "b", 1], ["b", "c", 1], ["d", "a", 1]] as Array<[VertexId, VertexId, number]>, 2),
      (v, msgs, ctx) => {
        if (ctx.superstep === 0) { v.value = `${v.value}:${v.edges.length}`; ctx.sendToAllNeighbors(1); }
        else v.value = `${v.value}+${msgs.reduce((a, b) => a + b, 0)}`;
        if (ctx.superstep === 1) ctx.voteToHalt();
      },
      { defaultValue: "init", combiner: (a, b) => a + b, numPartitions: 3 });
    expect(byId(res.values)).toEqual([["a", "init:1+1"], ["b", "init:1+1"], ["c", "init:0+1"], ["d", "init:1+0"]]);
    expect(res.metrics[0]).toMatchObject({ activeVertices: 4, messagesSent: 3, messagesAfterCombine: 3 });
    expect(res.metrics[0]!.messagesLocal + res.metrics[0]!.messagesRemote).toBe(3);
  }, 60_000);

  it("carries messages that are not numbers, with and without a combiner, and drops messages to no vertex", async () => {
    const sc = spark.sparkContext;
    const vertices = sc.parallelize([1, 2, 3, 4].map((id) => [id, ""] as [VertexId, string]), 2);
    const edges = sc.parallelize([[1, 4, 0], [2, 4, 0], [3, 4, 0], [4, 1, 0]] as Array<[VertexId, VertexId, number]>, 2);
    const compute = (v: { id: VertexId; value: string }, msgs: string[], ctx: { superstep: number; sendToAllNeighbors(m: string): void; sendMessageTo(id: VertexId, m: string): void; voteToHalt(): void }): void => {
      if (ctx.superstep === 0) { ctx.sendToAllNeighbors(`m${String(v.id)}`); ctx.sendMessageTo(99, "lost"); }
      else v.value = msgs.join(",").split(",").sort().join(",");
      ctx.voteToHalt();
    };
    const lists = await runPregel<string, number, string>(vertices, edges, compute, { numPartitions: 2 });
    expect(byId(lists.values)).toEqual([[1, "m4"], [2, ""], [3, ""], [4, "m1,m2,m3"]]);
    const joined = await runPregel<string, number, string>(vertices, edges, compute, { combiner: (a, b) => [a, b].sort().join(","), numPartitions: 2 });
    expect(byId(joined.values)).toEqual([[1, "m4"], [2, ""], [3, ""], [4, "m1,m2,m3"]]);
    expect(lists.metrics[0]).toMatchObject({ messagesSent: 8, messagesAfterCombine: 8 });
    expect(joined.metrics[0]!.messagesSent).toBe(8);
    // Combined per destination within each partition: at least one per target (4, 1 and 99), fewer than sent.
    expect(joined.metrics[0]!.messagesAfterCombine).toBeGreaterThanOrEqual(3);
    expect(joined.metrics[0]!.messagesAfterCombine).toBeLessThan(8);
  }, 60_000);

  it("a combiner that stops returning numbers halfway keeps every message", async () => {
    const sc = spark.sparkContext;
    const edges: Array<[VertexId, VertexId, number]> = [];
    for (let u = 0; u < 40; u++) edges.push([u, 0, 1], [u, 1, 1]);
    type M = number | number[];
    const res = await runPregel<number, number, M>(null, sc.parallelize(edges, 2), (v, msgs, ctx) => {
      if (ctx.superstep === 0) ctx.sendToAllNeighbors(Number(v.id));
      else v.value = msgs.flat().reduce((a, b) => a + b, 0);
      ctx.voteToHalt();
    }, { defaultValue: -1, combiner: (a, b) => (Array.isArray(a) || Array.isArray(b) || (a as number) + (b as number) > 300 ? [a, b].flat() : (a as number) + (b as number)), numPartitions: 2 });
    expect(res.values.get(0)).toBe((39 * 40) / 2);
    expect(res.values.get(1)).toBe((39 * 40) / 2);
  }, 60_000);

  it("messagesLocal counts each message whose target is in the sender's partition (the hash partitioner's), also after a combiner stops returning numbers", async () => {
    const sc = spark.sparkContext;
    const edges: Array<[VertexId, VertexId, number]> = [];
    for (let u = 0; u < 60; u++) for (const d of [1, 7, 13]) edges.push([u, (u * d + 5) % 60, 1]);
    const hp = new HashPartitioner(3);
    const local = edges.filter(([s, d]) => hp.getPartition(s) === hp.getPartition(d)).length;
    expect(local).toBeGreaterThan(0);
    expect(local).toBeLessThan(edges.length);
    type M = number | number[];
    const run = (combiner: (a: M, b: M) => M) => runPregel<number, number, M>(null, sc.parallelize(edges, 2), (v, _msgs, ctx) => {
      if (ctx.superstep === 0) ctx.sendToAllNeighbors(Number(v.id));
      ctx.voteToHalt();
    }, { defaultValue: 0, combiner, numPartitions: 3 });
    const sums = await run((a, b) => (a as number) + (b as number));
    // From the second combination on, lists: the rest of each vertex's edges go message by message.
    const lists = await run((a, b) => [a, b].flat());
    for (const r of [sums, lists]) {
      expect(r.metrics[0]).toMatchObject({ messagesSent: edges.length, messagesLocal: local, messagesRemote: edges.length - local });
    }
  }, 60_000);

  it("edges changed by compute() are the ones the next superstep sends along", async () => {
    const sc = spark.sparkContext;
    const res = await runPregel<number, number, number>(null, sc.parallelize([[0, 1, 1], [1, 2, 1], [2, 0, 1]] as Array<[VertexId, VertexId, number]>, 2), (v, msgs, ctx) => {
      if (ctx.superstep === 0) { ctx.sendToAllNeighbors(1); return; }
      v.value += msgs.reduce((a, b) => a + b, 0);
      // Superstep 1: every vertex points at vertex 0 instead; superstep 2 sends along the new edges.
      if (ctx.superstep === 1) { v.edges = [{ target: 0, value: 1 }]; ctx.sendToAllNeighbors(10); return; }
      ctx.voteToHalt();
    }, { defaultValue: 0, combiner: (a, b) => a + b, numPartitions: 2 });
    expect(byId(res.values)).toEqual([[0, 31], [1, 1], [2, 1]]);
  }, 60_000);

  it("numEdges, edgeTarget, edgeValue and edgeValues read the edges in place; edges changed in place are the ones sent along", async () => {
    const sc = spark.sparkContext;
    const edges = [["a", "b", 2], ["a", "c", 3.5], ["b", "c", 1], ["c", "a", 7], ["c", "b", 0]] as Array<[VertexId, VertexId, number]>;
    const res = await runPregel<string, number, string>(null, sc.parallelize(edges, 2), (v, msgs, ctx) => {
      if (ctx.superstep === 0) {
        const read: string[] = [];
        for (let k = 0; k < v.numEdges; k++) read.push(`${String(v.edgeTarget(k))}=${v.edgeValue(k)}`);
        v.value = read.sort().join(" ");
        const values = v.edgeValues();
        if (Array.from(values).join() !== Array.from({ length: v.numEdges }, (_, k) => v.edgeValue(k)).join()) throw new Error(`edgeValues() of ${String(v.id)}: ${Array.from(values).join()}`);
        // Vertex a turns its edge to b towards c, in place; the next sends follow the change.
        if (v.id === "a") for (const e of v.edges) if (e.target === "b") e.target = "c";
        return;
      }
      if (ctx.superstep === 1) { ctx.sendToAllNeighbors(`from ${String(v.id)} (${v.numEdges})`); return; }
      v.value += ` | ${[...msgs].sort().join(", ")}`;
      ctx.voteToHalt();
    }, { defaultValue: "", numPartitions: 2 });
    expect(byId(res.values)).toEqual([
      ["a", "b=2 c=3.5 | from c (2)"],
      ["b", "c=1 | from c (2)"],
      ["c", "a=7 b=0 | from a (2), from a (2), from b (1)"],
    ]);
  }, 60_000);

  it("PageRank on Pregel refuses a weight that is not a non-negative number", async () => {
    const sc = spark.sparkContext;
    await expect(pregelPageRank(sc.parallelize([[1, 2, 1], [2, 1, Number.NaN]] as EdgeTuple[], 2), { numPartitions: 2 })).rejects.toThrow(/GRAPH_INVALID_WEIGHT.*2 -> 1/);
  }, 60_000);

  it("reads a cached edge RDD stored column by column as columns, with the same results and errors as from records", async () => {
    const sc = spark.sparkContext;
    // 9,000 weighted edges (three cache chunks per partition), ids past 2^31 in some, a dead end.
    const edges: EdgeTuple[] = [];
    for (let u = 0; u < 3_000; u++) edges.push([u, (u * 7 + 1) % 3_000, 1 + (u % 4)], [u, (u * 11 + 5) % 3_000, 0.5], [u, u < 10 ? 2 ** 33 + u : (u + 1) % 3_000, 2]);
    const plain = sc.parallelize(edges, 2);
    const cached = sc.parallelize(edges, 2).cache();
    await cached.count();
    for (const undirected of [false, true]) {
      const opts = { numPartitions: 2, maxIter: 8 };
      const a = undirected ? await pregelConnectedComponents(plain, opts) : await pregelPageRank(plain, opts);
      const b = undirected ? await pregelConnectedComponents(cached, opts) : await pregelPageRank(cached, opts);
      expect(b.values.size).toBe(3_010);
      expect(byId(b.values)).toEqual(byId(a.values));
      expect(b.metrics.map((m) => m.messagesSent)).toEqual(a.metrics.map((m) => m.messagesSent));
    }
    // Pairs without a weight column read as weight 1, as records do.
    const pairs = sc.parallelize(edges.map(([s, d]) => [s, d] as EdgeTuple), 2).cache();
    await pairs.count();
    const unweighted = await pregelPageRank(sc.parallelize(edges.map(([s, d]) => [s, d] as EdgeTuple), 2), { numPartitions: 2, maxIter: 5 });
    expect(byId((await pregelPageRank(pairs, { numPartitions: 2, maxIter: 5 })).values)).toEqual(byId(unweighted.values));
    // A bad weight in a cached column fails with the edge's ids, as from records.
    const bad = sc.parallelize(edges.map((e, i) => (i === 4_321 ? [e[0], e[1], -1] : e) as EdgeTuple), 2).cache();
    await bad.count();
    await expect(pregelPageRank(bad, { numPartitions: 2 })).rejects.toThrow(/GRAPH_INVALID_WEIGHT.*1440 -> 845 has weight -1/);
    // The same in the second partition, whose ids are all 32-bit integers (routed in one loop).
    const bad2 = sc.parallelize(edges.map((e, i) => (i === 6_001 ? [e[0], e[1], -2] : e) as EdgeTuple), 2).cache();
    await bad2.count();
    await expect(pregelPageRank(bad2, { numPartitions: 2 })).rejects.toThrow(/GRAPH_INVALID_WEIGHT.*2000 -> 1005 has weight -2/);
    for (const r of [cached, pairs, bad, bad2]) r.unpersist();
  }, 120_000);

  it("an error thrown by compute() reaches the caller with its own message", async () => {
    const sc = spark.sparkContext;
    await expect(runPregel(null, sc.parallelize([[1, 2, 1]] as Array<[VertexId, VertexId, number]>, 1), (v, _m, ctx) => {
      if (ctx.superstep === 1 && v.id === 2) throw new Error("vertex 2 has no rank yet");
      ctx.sendToAllNeighbors(1);
    })).rejects.toThrow(/vertex 2 has no rank yet/);
  }, 60_000);

  it("a worker lost without any checkpoint: the run restarts from the start and gives the same ranks", async () => {
    const sc = spark.sparkContext;
    const edges: EdgeTuple[] = [];
    for (let u = 0; u < 50; u++) edges.push([u, (u * 7 + 3) % 50], [u, (u * 13 + 1) % 50]);
    let starts = 0, killed = "";
    const off = sc.addSparkListener({
      onTaskStart: (e) => { if (!killed && ++starts === 16) { killed = e.task.workerId; void spark.cluster.kill(killed); } },
    });
    // One job per superstep (barrier: false): the 16th task starts in superstep 4 or 5.
    const res = await pregelPageRank(sc.parallelize(edges, 2), { beta: 0.85, maxIter: 8, numPartitions: 2, barrier: false });
    off();
    expect(killed).not.toBe("");
    expect(res.restarts).toBeGreaterThanOrEqual(1);
    expect(res.metrics.map((m) => m.superstep)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const local = pageRank(edges, { beta: 0.85, maxIter: 8, tol: 0 });
    for (const [id, r] of local.ranks) expect(Math.abs(res.values.get(id)! - r), String(id)).toBeLessThan(1e-9);
  }, 300_000);

  it("barrier mode: a worker lost between supersteps aborts the segment, and the run restarts from the start with the same ranks", async () => {
    const sc = spark.sparkContext;
    await waitFor(() => spark.cluster.workers().length === 2, 60_000); // a worker killed before is back
    const edges: EdgeTuple[] = [];
    for (let u = 0; u < 50; u++) edges.push([u, (u * 7 + 3) % 50], [u, (u * 13 + 1) % 50]);
    let killed = "";
    const res = await pregelPageRank(sc.parallelize(edges, 2), {
      beta: 0.85, maxIter: 8, numPartitions: 2, barrier: true,
      // The next superstep waits for this: the worker is gone before superstep 4 starts.
      onSuperstep: async (m) => { if (m.superstep === 3 && !killed) { killed = spark.cluster.workers()[0]!.id; await spark.cluster.kill(killed); } },
    });
    expect(killed).not.toBe("");
    expect(res.restarts).toBe(1);
    expect(res.metrics.map((m) => m.superstep)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const local = pageRank(edges, { beta: 0.85, maxIter: 8, tol: 0 });
    for (const [id, r] of local.ranks) expect(Math.abs(res.values.get(id)! - r), String(id)).toBeLessThan(1e-9);
  }, 300_000);

  it("barrier mode runs every superstep in one stage of one task per partition, with the same results as a job per superstep", async () => {
    const sc = spark.sparkContext;
    await waitFor(() => spark.cluster.workers().length === 2, 60_000);
    const edges: EdgeTuple[] = [];
    for (let u = 0; u < 200; u++) edges.push([u, (u * 7 + 3) % 200, 1 + (u % 3)], [u, (u * 13 + 1) % 200, 2]);
    edges.push([200, 201, 1]); // 201 is a dead end
    let jobCount = 0;
    const off = sc.addSparkListener({ onJobStart: () => { jobCount++; } });
    const seen: number[] = [];
    const barrier = await pregelPageRank(sc.parallelize(edges, 2), { maxIter: 12, numPartitions: 2, barrier: true, onSuperstep: (m) => { seen.push(m.superstep); } });
    const barrierJobs = jobCount;
    const jobs = await pregelPageRank(sc.parallelize(edges, 2), { maxIter: 12, numPartitions: 2, barrier: false });
    off();
    // Barrier mode: the build (with its check), then every superstep in one job whose tasks return
    // the values at the end; one job per superstep: the build, 13 supersteps, a job reading the values.
    expect(barrierJobs).toBe(2);
    expect(jobCount - barrierJobs).toBe(1 + 13 + 1);
    expect(seen).toEqual([...Array(13).keys()]);
    expect(barrier.supersteps).toBe(jobs.supersteps);
    expect(barrier.supersteps).toBe(13);
    const strip = (ms: typeof barrier.metrics) => ms.map(({ timeMs: _t, ...rest }) => rest);
    expect(strip(barrier.metrics)).toEqual(strip(jobs.metrics));
    for (const [id, r] of jobs.values) expect(Math.abs(barrier.values.get(id)! - r), String(id)).toBeLessThan(1e-12);
    expect(barrier.metrics[1]!.messagesRemote).toBeGreaterThan(0);
  }, 120_000);

  it("an onSuperstep callback or an aggregator that throws on the driver fails the run with its error, in both modes", async () => {
    const sc = spark.sparkContext;
    await waitFor(() => spark.cluster.workers().length === 2, 60_000);
    const edges = sc.parallelize([[1, 2], [2, 3], [3, 1]] as EdgeTuple[], 2);
    for (const barrier of [true, false]) {
      await expect(pregelPageRank(edges, { numPartitions: 2, barrier, onSuperstep: (m) => { if (m.superstep === 2) throw new Error(`stop at 2 (${barrier})`); } }))
        .rejects.toThrow(`stop at 2 (${barrier})`);
      await expect(runPregel<number, number, number>(null, edges as unknown as RDD<[VertexId, VertexId, number]>, (v, _m, ctx) => { ctx.aggregate("n", 1); if (ctx.superstep === 1) ctx.voteToHalt(); },
        { defaultValue: 0, numPartitions: 2, barrier, aggregators: { n: () => { throw new Error(`bad reducer (${barrier})`); } } })).rejects.toThrow(`bad reducer (${barrier})`);
    }
  }, 120_000);

  it("cancelling the jobs (an interrupted cell) ends a barrier run without restarting it", async () => {
    const sc = spark.sparkContext;
    await waitFor(() => spark.cluster.workers().length === 2, 60_000);
    const seen: number[] = [];
    const run = runPregel<number, number, number>(null, sc.parallelize([[1, 2, 1], [2, 1, 1]] as Array<[VertexId, VertexId, number]>, 2),
      (v, msgs, ctx) => { v.value += msgs.length; ctx.sendToAllNeighbors(1); },
      { defaultValue: 0, numPartitions: 2, barrier: true, onSuperstep: (m) => { seen.push(m.superstep); if (m.superstep === 5) sc.cancelAllJobs(); } });
    await expect(run).rejects.toThrow(/JOB_CANCELLED/);
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]); // no restart from superstep 0 after the cancel
  }, 60_000);

  it("without barriers, cancelling the jobs between two supersteps' jobs ends the run too", async () => {
    const sc = spark.sparkContext;
    const seen: number[] = [];
    const run = runPregel<number, number, number>(null, sc.parallelize([[1, 2, 1], [2, 1, 1]] as Array<[VertexId, VertexId, number]>, 2),
      (v, msgs, ctx) => { v.value += msgs.length; ctx.sendToAllNeighbors(1); },
      { defaultValue: 0, numPartitions: 2, barrier: false, maxSupersteps: 40, onSuperstep: (m) => { seen.push(m.superstep); if (m.superstep === 3) sc.cancelAllJobs(); } });
    await expect(run).rejects.toThrow(/JOB_CANCELLED/);
    expect(seen).toEqual([0, 1, 2, 3]);
    // A later run is not affected by the earlier cancel.
    const again = await runPregel<number, number, number>(null, sc.parallelize([[1, 2, 1], [2, 1, 1]] as Array<[VertexId, VertexId, number]>, 2),
      (v, msgs, ctx) => { v.value += msgs.length; if (ctx.superstep < 3) ctx.sendToAllNeighbors(1); else ctx.voteToHalt(); }, { defaultValue: 0, numPartitions: 2, barrier: false });
    expect([...again.values.values()]).toEqual([3, 3]);
  }, 60_000);

  it("barrier: true with more vertex partitions than task slots is refused", async () => {
    const sc = spark.sparkContext;
    await expect(pregelPageRank(sc.parallelize([[1, 2], [2, 1]] as EdgeTuple[], 2), { numPartitions: 5, barrier: true })).rejects.toThrow(/PREGEL_BARRIER_SLOTS/);
  }, 60_000);

  it("shows the messages on the edges: per-partition counts and samples routed as the hash partitioner says", async () => {
    const sc = spark.sparkContext;
    const edges: Array<[VertexId, VertexId, number]> = [];
    for (let u = 0; u < 30; u++) edges.push([u, (u * 7 + 3) % 30, 1], [u, (u * 11 + 5) % 30, 1]);
    const parts = 3;
    // superstep 0: every vertex sends its id along its out-edges; superstep 1: every vertex halts
    const res = await runPregel<number, number, number>(null, sc.parallelize(edges, 2), (v, _msgs, ctx) => {
      if (ctx.superstep === 0) ctx.sendToAllNeighbors(v.id as number);
      ctx.voteToHalt();
    }, { numPartitions: parts });
    const hp = new HashPartitioner(parts);
    const first = res.metrics[0]!;
    const expected = new Array<number>(parts).fill(0);
    for (const [, dst] of edges) expected[hp.getPartition(dst)]! += 1;
    expect(first.messagesPerPartition).toEqual(expected);
    expect(first.messagesPerPartition.reduce((a, b) => a + b, 0)).toBe(first.messagesSent);
    expect(first.sample.length).toBeGreaterThan(0);
    expect(first.sample.length).toBeLessThanOrEqual(parts * 3);
    for (const s of first.sample) {
      expect(s.toPartition).toBe(hp.getPartition(s.to));
      expect(s.how).toBe(hp.explain(s.to));
      // the payload lists the senders in that partition with an edge to `to`
      const senders = JSON.parse(s.message.replace(/ \(\d+ messages?\)$/, "")) as number[];
      for (const u of senders) {
        expect(edges.some(([a, b]) => a === u && b === s.to), `${u} -> ${String(s.to)}`).toBe(true);
        expect(hp.getPartition(u)).toBe(s.fromPartition);
      }
    }
    expect(res.metrics[1]!.messagesSent).toBe(0);
    const shown = res.messageFlow()._repr_mimebundle_();
    expect(shown["text/html"]).toContain('class="bdw-superstep" data-superstep="0" open');
    expect(shown["text/plain"]).toContain(`superstep 0: 30 active, ${edges.length} messages sent`);
    expect(shown["text/plain"]).toContain(first.sample[0]!.how);
  }, 120_000);
});
