// Source of notebooks/L09-graphs.ipynb (lecture 9, graphs): the flow equations and M, power
// iteration, dead ends and spider traps, teleport, topic-specific PageRank and TrustRank, HITS,
// PageRank with RDD joins, Pregel, GraphFrame, edge cut vs vertex cut.
// Run `npx tsx notebooks/src/L09.ts` to regenerate; `--check` verifies it.

import { fileURLToPath } from "node:url";
import { buildNotebook, code, emit, md } from "./notebook-builder";

export const L09 = buildNotebook("l09", [
  md`
    # Lecture 9 — Graphs: PageRank, Pregel, GraphFrames

    \`spark\`, \`sc\` and \`display\` are predefined. Cells marked **Your turn** have a \`TODO\` and a check.
  `,
  code`
    import { pageRank, stochasticMatrix, buildGraph, personalizedPageRank, trustRank, hits, pageRankRDD, pregelPageRank, pregelConnectedComponents, GraphFrame, partitionGraph, expectedRandomVertexCutReplication, viz, type EdgeTuple } from "bigdata-workbench";
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
  `,
  code`
    const edgesRDD = sc.parallelize(trapEdges, 2);
    const dist = await pageRankRDD(edgesRDD, { beta: 0.8, maxIter: 5, tol: 0 });
    const loc = pageRank(trapEdges, { beta: 0.8, maxIter: 5, tol: 0 });
    console.log("RDD version matches local:", [...loc.ranks].every(([k, v]) => Math.abs(dist.ranks.get(k)! - v) < 1e-9));
    const preg = await pregelPageRank(edgesRDD, { beta: 0.8, maxIter: 5 });
    console.log("Pregel version matches local:", [...loc.ranks].every(([k, v]) => Math.abs(preg.values.get(k)! - v) < 1e-9));
    console.table(preg.metrics.map((m) => ({ superstep: m.superstep, active: m.activeVertices, sent: m.messagesSent, remote: m.messagesRemote, combined: m.messagesAfterCombine })));
    await chart({ data: { values: preg.metrics.flatMap((m) => [{ superstep: m.superstep, kind: "local", messages: m.messagesLocal }, { superstep: m.superstep, kind: "remote", messages: m.messagesRemote }]) },
      mark: "bar", encoding: { x: { field: "superstep", type: "ordinal" }, y: { field: "messages", type: "quantitative", stack: true }, color: { field: "kind", type: "nominal" } } },
      "Pregel: messages per superstep, local vs remote");
    display(sc.getJob(dist.jobIds[4]!)!.dag())
  `,
  md`
    ### Your turn 2

    How many connected components does this graph have? Use \`pregelConnectedComponents\` (values map each vertex to its component id).
  `,
  code`
    const ccEdges: EdgeTuple[] = [[1, 2], [2, 3], [4, 5], [6, 6], [7, 8], [8, 4]];
    // TODO: const cc = await pregelConnectedComponents(sc.parallelize(ccEdges, 2)); then count distinct values
    const numComponents: number | undefined = undefined;
    check("number of components", numComponents, 3);
  `,
  md`
    ## GraphFrame and vertex cut
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
    const big: EdgeTuple[] = Array.from({ length: 3000 }, (_, i) => [i % 500, (i * 37) % 499] as EdgeTuple);
    for (const s of ["EdgeCut", "RandomVertexCut", "EdgePartition2D"] as const) {
      const r = partitionGraph(big, 4, s);
      console.log(\`\${s}: replication factor \${r.replicationFactor.toFixed(2)}, messages per iteration \${r.communicationPerIteration}\`);
    }
  `,
]);

export const L09_SOLUTIONS: Array<{ find: string; replace: string }> = [
  {
    find: "const topPage: string | undefined = undefined;",
    replace: "const topPage: string | undefined = [...personalizedPageRank(trapEdges, [\"y\"], { beta: 0.8 }).ranks].sort((a, b) => b[1] - a[1])[0]![0] as string;",
  },
  {
    find: "const numComponents: number | undefined = undefined;",
    replace: "const numComponents: number | undefined = new Set((await pregelConnectedComponents(sc.parallelize(ccEdges, 2))).values.values()).size;",
  },
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await emit(fileURLToPath(new URL("../L09-graphs.ipynb", import.meta.url)), L09);
}
