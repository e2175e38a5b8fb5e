// Source of notebooks/L09-graphs.ipynb (lecture 9, graphs): the flow equations and M, power
// iteration, dead ends and spider traps, teleport, topic-specific PageRank and TrustRank, HITS,
// PageRank with RDD joins, Pregel (PageRank, a compute() written by hand with its values per
// superstep, fault tolerance by checkpoints), GraphFrame, edge cut vs vertex cut drawn by partition.
// Run `npx tsx notebooks/src/L09.ts` to regenerate; `--check` verifies it.

import { fileURLToPath } from "node:url";
import { buildNotebook, code, emit, md } from "./notebook-builder";

export const L09 = buildNotebook("l09", [
  md`
    # Lecture 9 — Graphs: PageRank, Pregel, GraphFrames

    \`spark\`, \`sc\` and \`display\` are predefined. Cells marked **Your turn** have a \`TODO\` and a check.
  `,
  code`
    import { pageRank, stochasticMatrix, buildGraph, personalizedPageRank, trustRank, hits, pageRankRDD, pregelPageRank, pregelConnectedComponents, runPregel, GraphFrame, partitionGraph, expectedRandomVertexCutReplication, viz, type EdgeTuple, type VertexId } from "bigdata-workbench";
    import { tmpdir } from "node:os";
    import { join } from "node:path";
    const chart = async (spec: object, text: string) => display.bundle({ "image/svg+xml": await viz.vegaLiteToSvg({ $schema: "https://vega.github.io/schema/vega-lite/v5.json", width: 320, height: 180, ...spec } as any), "text/plain": text });
    function check(what: string, answer: unknown, expected: unknown): void {
      if (answer === undefined) console.log(\`… \${what}: not answered yet (replace the TODO)\`);
      else if (JSON.stringify(answer) === JSON.stringify(expected)) console.log(\`✔ \${what}: correct\`);
      else console.log(\`✘ \${what}: \${JSON.stringify(answer)} is not right yet, try again\`);
    }
  `,
  md`
    ## The flow equations and M

    The lecture's web: y links to itself and a, a links to y and m, m links to a. Column i of M holds 1/dᵢ for each out-link of i.
  `,
  code`
    const yam: EdgeTuple[] = [["y", "y"], ["y", "a"], ["a", "y"], ["a", "m"], ["m", "a"]];
    console.log("M =", JSON.stringify(stochasticMatrix(buildGraph(yam))));
    const flow = pageRank(yam, { beta: 1, tol: 1e-12 });
    console.log("r =", [...flow.ranks].map(([k, v]) => \`\${k}: \${v.toFixed(4)}\`).join(", "), \`after \${flow.iterations} iterations\`);
    console.log("L1 change per iteration:", flow.deltas.slice(0, 8).map((d) => d.toExponential(2)).join(" "));
    await chart({ data: { values: flow.deltas.map((d, i) => ({ iteration: i + 1, delta: d })) }, mark: { type: "line", point: true },
      encoding: { x: { field: "iteration", type: "quantitative" }, y: { field: "delta", type: "quantitative", scale: { type: "log" }, title: "L1 change (log)" } } },
      "power iteration: L1 change per iteration (log scale)");
    await display.bundle(viz.renderGraph([...flow.ranks].map(([id, r]) => ({ id, value: r })), yam.map(([src, dst]) => ({ src, dst })), { title: "the y/a/m web, node size = PageRank", valueName: "rank" }));
  `,
  md`
    ## Dead ends and spider traps

    Without teleport (β = 1) a dead end leaks importance and a spider trap absorbs it. With β = 0.8 the random surfer escapes.
  `,
  code`
    const dead: EdgeTuple[] = [["y", "y"], ["y", "a"], ["a", "y"], ["a", "m"]];
    const leak = pageRank(dead, { beta: 1, deadEnds: "leak", maxIter: 200 });
    console.log("dead end, no teleport: total rank =", [...leak.ranks.values()].reduce((a, b) => a + b, 0).toExponential(2));
    const trapEdges: EdgeTuple[] = [["y", "y"], ["y", "a"], ["a", "y"], ["a", "m"], ["m", "m"]];
    console.log("spider trap, no teleport: m =", pageRank(trapEdges, { beta: 1, maxIter: 200 }).ranks.get("m")!.toFixed(4));
    const tele = pageRank(trapEdges, { beta: 0.8, tol: 1e-14 });
    console.log("with teleport β=0.8: y, a, m =", [...tele.ranks.values()].map((v) => (v * 33).toFixed(6) + "/33").join(", "));
  `,
  md`
    ### Your turn 1

    Topic-specific PageRank: teleport only to page **y** in the spider-trap web (β = 0.8). Which page has the highest rank?
  `,
  code`
    // TODO: compute personalizedPageRank(trapEdges, ["y"], { beta: 0.8 }) and put the id of the top page here
    const topPage: string | undefined = undefined;
    check("top page with S = {y}", topPage, "y");
  `,
  md`
    ## TrustRank and HITS
  `,
  code`
    const web: EdgeTuple[] = [[0, 1], [1, 2], [2, 0], [3, 0], [0, 3], [2, 10], [10, 11], [11, 10], [10, 12], [12, 10]];
    const tr = trustRank(web, [0, 1]);
    console.log("spam mass:", [...tr.spamMass].map(([k, v]) => \`\${k}: \${v.toFixed(2)}\`).join(", "));
    const h = hits(web);
    console.log("authorities:", [...h.authorities].map(([k, v]) => \`\${k}: \${v.toFixed(3)}\`).join(", "));
  `,
  md`
    ## PageRank with RDD joins, and on Pregel

    \`links\` is partitioned and cached once; each iteration joins it with \`ranks\` without reshuffling it (a skipped stage in the DAG).
    The Pregel run's \`messageFlow()\` shows the data on its edges: how many messages each partition received in each
    superstep (after the combiner adds up the rank shares bound for one vertex) and a few messages with the partition they
    went to and why (the vertex id's hash, mod the number of partitions).
  `,
  code`
    const edgesRDD = sc.parallelize(trapEdges, 2);
    const dist = await pageRankRDD(edgesRDD, { beta: 0.8, maxIter: 5, tol: 0 });
    const loc = pageRank(trapEdges, { beta: 0.8, maxIter: 5, tol: 0 });
    console.log("RDD version matches local:", [...loc.ranks].every(([k, v]) => Math.abs(dist.ranks.get(k)! - v) < 1e-9));
    const preg = await pregelPageRank(edgesRDD, { beta: 0.8, maxIter: 5, numPartitions: 3 });
    console.log("Pregel version matches local:", [...loc.ranks].every(([k, v]) => Math.abs(preg.values.get(k)! - v) < 1e-9));
    console.table(preg.metrics.map((m) => ({ superstep: m.superstep, active: m.activeVertices, sent: m.messagesSent, remote: m.messagesRemote, combined: m.messagesAfterCombine })));
    await chart({ data: { values: preg.metrics.flatMap((m) => [{ superstep: m.superstep, kind: "local", messages: m.messagesLocal }, { superstep: m.superstep, kind: "remote", messages: m.messagesRemote }]) },
      mark: "bar", encoding: { x: { field: "superstep", type: "ordinal" }, y: { field: "messages", type: "quantitative", stack: true }, color: { field: "kind", type: "nominal" } } },
      "Pregel: messages per superstep, local vs remote");
    display(preg.messageFlow())   // the messages on the edges: per partition, and a sample with the hash arithmetic
    display(sc.getJob(dist.jobIds[4]!)!.dag())
  `,
  md`
    ## Think like a vertex: compute() by hand

    Pregel runs in **supersteps**. In each, every active vertex runs \`compute(vertex, messages, ctx)\`: it reads the messages
    sent to it in the previous superstep, may change its value and its out-edges, sends messages (\`ctx.sendMessageTo\`,
    \`ctx.sendToAllNeighbors\`) and may \`ctx.voteToHalt()\`. A halted vertex sleeps until a message wakes it; the run ends
    when every vertex is halted and no message is in flight. A **combiner** merges messages for the same vertex before they
    leave the worker. The vertices stay in the workers' memory between supersteps (an edge cut: each vertex lives in one
    partition, chosen by hashing its id). One long-running task per partition runs superstep after superstep and sends its
    messages straight to the other partitions' tasks; the driver is the **barrier**: a superstep starts when every partition
    has finished the one before (Spark's barrier execution mode; \`barrier: false\` runs one job per superstep instead).

    Single-source shortest paths from A, written as one compute(): a vertex that learns a shorter distance tells its neighbours.
    \`recordValues\` keeps every vertex's value after each superstep (small graphs only).
  `,
  code`
    const roads: Array<[VertexId, VertexId, number]> = [["A", "B", 4], ["A", "C", 1], ["C", "B", 2], ["B", "D", 1], ["C", "D", 5], ["D", "E", 3]];
    const sssp = await runPregel<number, number, number>(null, sc.parallelize(roads, 2), (v, msgs, ctx) => {
      const best = Math.min(ctx.superstep === 0 && v.id === "A" ? 0 : Infinity, ...msgs);
      if (best < v.value) { v.value = best; for (const e of v.edges) ctx.sendMessageTo(e.target, best + e.value); }
      ctx.voteToHalt();
    }, { defaultValue: Infinity, combiner: (a, b) => Math.min(a, b), recordValues: true });
    console.log("distance from A after each superstep (∞ = not reached yet):");
    console.table(sssp.history!.map((vals, step) => Object.fromEntries([["superstep", step], ...[...vals].sort((a, b) => String(a[0]).localeCompare(String(b[0]))).map(([id, d]) => [id, d === Infinity ? "∞" : d])])));
    console.table(sssp.metrics.map((m) => ({ superstep: m.superstep, active: m.activeVertices, sent: m.messagesSent, "after combiner": m.messagesAfterCombine })));
    await display.bundle(viz.renderGraph([...sssp.values].map(([id, d]) => ({ id, label: \`\${id}=\${d}\` })), roads.map(([src, dst, w]) => ({ src, dst, weight: w })), { title: "shortest distances from A (edge width = length)" }));
  `,
  md`
    ### Your turn 2

    The Pregel paper's first example: every vertex learns the **largest value** in the graph. Write a compute() that keeps the
    maximum of its value and its messages, tells its neighbours when that maximum changed (and in superstep 0), and votes to halt.
  `,
  code`
    const maxEdges: Array<[VertexId, VertexId, number]> = [[1, 2, 0], [2, 1, 0], [2, 3, 0], [3, 2, 0], [3, 4, 0], [4, 3, 0]];
    const startValues: Array<[VertexId, number]> = [[1, 3], [2, 6], [3, 2], [4, 1]];
    // TODO: runPregel(sc.parallelize(startValues, 2), sc.parallelize(maxEdges, 2), yourCompute, { combiner: (a, b) => Math.max(a, b) }),
    //       then put the final values of vertices 1, 2, 3, 4 (in that order) here
    const maxFound: number[] | undefined = undefined;
    check("every vertex knows the maximum", maxFound, [6, 6, 6, 6]);
  `,
  md`
    ## Fault tolerance: checkpoints and a lost worker

    Every \`checkpointInterval\` supersteps each partition writes its vertices and the messages in flight to the checkpoint
    directory. When a worker dies, its partitions are gone; the partitions on the other workers are already further along, so
    **every** partition goes back to the last checkpoint and the lost supersteps run again, as in Pregel. Below a worker is
    killed in the middle of the run: \`onSuperstep\` is called on the driver after every superstep, and the next superstep
    waits for it.
  `,
  code`
    sc.setCheckpointDir(join(tmpdir(), "l09-checkpoints"));
    const ring: EdgeTuple[] = Array.from({ length: 200 }, (_, u) => [[u, (u * 7 + 3) % 200], [u, (u * 11 + 5) % 200]] as EdgeTuple[]).flat();
    let victim = "";
    const survived = await pregelPageRank(sc.parallelize(ring, 2), {
      beta: 0.85, maxIter: 10, numPartitions: 2, checkpointInterval: 3,
      // after superstep 4 (the checkpoint after superstep 2 is written): kill a worker
      onSuperstep: async (m) => { if (m.superstep === 4 && !victim) { victim = spark.cluster.workers()[0]!.id; await spark.cluster.kill(victim); } },
    });
    console.log(\`killed \${victim} during the run; restarts from the last checkpoint: \${survived.restarts}; checkpointed after supersteps \${survived.metrics.filter((m) => m.checkpointed).map((m) => m.superstep).join(", ")}\`);
    const undisturbed = pageRank(ring, { beta: 0.85, maxIter: 10, tol: 0 });
    console.log("same ranks as without the failure:", [...undisturbed.ranks].every(([k, r]) => Math.abs(survived.values.get(k)! - r) < 1e-9));
  `,
  md`
    ### Your turn 3

    How many connected components does this graph have? Use \`pregelConnectedComponents\` (values map each vertex to its component id).
  `,
  code`
    const ccEdges: EdgeTuple[] = [[1, 2], [2, 3], [4, 5], [6, 6], [7, 8], [8, 4]];
    // TODO: const cc = await pregelConnectedComponents(sc.parallelize(ccEdges, 2)); then count distinct values
    const numComponents: number | undefined = undefined;
    check("number of components", numComponents, 3);
  `,
  md`
    ## GraphFrame
  `,
  code`
    const g = new GraphFrame(spark.createDataFrame(["a", "b", "c", "d"].map((id) => ({ id }))),
      spark.createDataFrame([["a", "b"], ["b", "c"], ["c", "a"], ["d", "a"]].map(([src, dst]) => ({ src, dst }))));
    await g.inDegrees.show();
    const pr = await g.pageRank({ resetProbability: 0.15, maxIter: 10 });
    await pr.vertices.orderBy("id").show();
    await display.bundle(viz.renderGraph((await pr.vertices.collect()).map((r) => ({ id: String(r.id), value: Number(r.pagerank) })),
      (await pr.edges.collect()).map((e) => ({ src: String(e.src), dst: String(e.dst), weight: Number(e.weight) })), { title: "GraphFrame PageRank", valueName: "pagerank" }));
    // Motifs: a path a → b → c whose end does not link back to a.
    await g.find("(x)-[]->(y); (y)-[]->(z); !(z)-[]->(x)").selectExpr("x.id AS x", "y.id AS y", "z.id AS z").show();
    await (await g.stronglyConnectedComponents()).orderBy("id").show();
  `,
  md`
    ## Edge cut vs vertex cut

    An **edge cut** (Pregel) stores each vertex once, hashed by id; an edge between two partitions costs a message every
    iteration. A **vertex cut** (GraphX, PowerGraph) assigns *edges* to partitions and copies a vertex into every partition
    holding one of its edges (one master, mirrors); per iteration each mirror sends its partial sum to the master and gets the
    new value back. Below, the same small graph in 3 partitions: edge colour = the partition storing the edge; vertex colour =
    its partition (edge cut) or how many copies it has (vertex cut).
  `,
  code`
    const small: EdgeTuple[] = [[0, 1], [1, 2], [2, 0], [2, 3], [3, 4], [4, 5], [5, 3], [1, 4], [0, 5], [3, 1]];
    for (const s of ["EdgeCut", "RandomVertexCut"] as const) {
      const r = partitionGraph(small, 3, s);
      await display.bundle(viz.renderGraph([...r.replicas].map(([id, ps]) => ({ id, group: s === "EdgeCut" ? \`partition \${ps[0]}\` : \`\${ps.length} copies\` })),
        small.map(([src, dst], i) => ({ src, dst, group: r.edgePartition[i] })),
        { title: \`\${s}: replication \${r.replicationFactor.toFixed(2)}, \${r.communicationPerIteration} messages/iteration\` }));
    }
    const big: EdgeTuple[] = Array.from({ length: 3000 }, (_, i) => [i % 500, (i * 37) % 499] as EdgeTuple);
    for (const s of ["EdgeCut", "RandomVertexCut", "EdgePartition2D"] as const) {
      const r = partitionGraph(big, 4, s);
      console.log(\`\${s}: replication factor \${r.replicationFactor.toFixed(2)}, messages per iteration \${r.communicationPerIteration}\`);
    }
  `,
], { embeddedOnly: "PageRank and Pregel run on the RDD API and the embedded cluster's workers." });

export const L09_SOLUTIONS: Array<{ find: string; replace: string }> = [
  {
    find: "const topPage: string | undefined = undefined;",
    replace: "const topPage: string | undefined = [...personalizedPageRank(trapEdges, [\"y\"], { beta: 0.8 }).ranks].sort((a, b) => b[1] - a[1])[0]![0] as string;",
  },
  {
    find: "const maxFound: number[] | undefined = undefined;",
    replace: "const maxFound: number[] | undefined = [...(await runPregel<number, number, number>(sc.parallelize(startValues, 2), sc.parallelize(maxEdges, 2), (v, msgs, ctx) => { const m = Math.max(v.value, ...msgs); if (ctx.superstep === 0 || m > v.value) { v.value = m; ctx.sendToAllNeighbors(m); } ctx.voteToHalt(); }, { combiner: (a, b) => Math.max(a, b) })).values].sort((a, b) => Number(a[0]) - Number(b[0])).map(([, x]) => x);",
  },
  {
    find: "const numComponents: number | undefined = undefined;",
    replace: "const numComponents: number | undefined = new Set((await pregelConnectedComponents(sc.parallelize(ccEdges, 2))).values.values()).size;",
  },
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await emit(fileURLToPath(new URL("../L09-graphs.ipynb", import.meta.url)), L09);
}
