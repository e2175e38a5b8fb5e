// Graph benchmarks (`npm run bench graph.pagerank`): PageRank, 20 iterations, on a generated
// power-law graph (GRAPH_BENCH_EDGES edges, default 1,000,000; endpoints drawn from a Zipf-like
// distribution) on local[2]: the Pregel engine and the RDD-join version, against a single-thread
// CSR power iteration in plain JS and networkx (its default scipy pagerank, and its pure-Python
// reference) in the same run. Targets (issue 10):
// Pregel <= 2x the CSR loop; >= 20x faster than networkx. Prints, never asserts.

import { pysparkPeer } from "./pyspark-peer";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SparkSession } from "../../engine/session";
import { pageRankRDD, pregelPageRank, type EdgeTuple } from "../../engine/graph";
import type { BenchResult } from "./run";

const M = Number(process.env.GRAPH_BENCH_EDGES ?? 1_000_000);
const ITERS = 20, BETA = 0.85;

function powerLawEdges(m: number): Array<[number, number]> {
  const n = Math.max(10, Math.floor(m / 10));
  let s = 12345;
  const rnd = (): number => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
  // Vertex k drawn with probability ~ 1/(k+1): heavy-tailed in- and out-degrees.
  const zipf = (): number => Math.min(n - 1, Math.floor(Math.exp(rnd() * Math.log(n)) - 1));
  return Array.from({ length: m }, () => [zipf(), Math.floor(rnd() * n)] as [number, number]).map(([a, b]) => (rnd() < 0.5 ? [a, b] : [b, a]) as [number, number]);
}

/** The CSR loop: same formula as the Pregel version (dead-end rank spread uniformly). */
function csrPageRank(edges: Array<[number, number]>): { ms: number; ranks: Float64Array } {
  const t0 = performance.now();
  const ids = new Map<number, number>();
  for (const [a, b] of edges) { if (!ids.has(a)) ids.set(a, ids.size); if (!ids.has(b)) ids.set(b, ids.size); }
  const n = ids.size, outDeg = new Int32Array(n), start = new Int32Array(n + 1);
  for (const [a] of edges) outDeg[ids.get(a)!]!++;
  for (let i = 0; i < n; i++) start[i + 1] = start[i]! + outDeg[i]!;
  const fill = start.slice(0, n), dst = new Int32Array(edges.length);
  for (const [a, b] of edges) dst[fill[ids.get(a)!]!++] = ids.get(b)!;
  let r = new Float64Array(n).fill(1 / n);
  for (let it = 0; it < ITERS; it++) {
    const next = new Float64Array(n);
    let dangling = 0;
    for (let u = 0; u < n; u++) {
      const d = outDeg[u]!;
      if (d === 0) { dangling += r[u]!; continue; }
      const share = r[u]! / d;
      for (let k = start[u]!; k < start[u + 1]!; k++) next[dst[k]!]! += share;
    }
    const base = (1 - BETA * (1 - dangling)) / n;
    for (let v = 0; v < n; v++) next[v] = BETA * next[v]! + base;
    r = next;
  }
  return { ms: performance.now() - t0, ranks: r };
}

/** Spark's own PageRank example on PySpark local[2] over the same edges, or why not measured. */
function pysparkMs(edges: Array<[number, number]>): string {
  const dir = mkdtempSync(join(tmpdir(), "graph-bench-"));
  try {
    const file = join(dir, "edges.txt");
    writeFileSync(file, edges.map(([a, b]) => `${a} ${b}`).join("\n"));
    const r = pysparkPeer<{ version: string; ms: number }>("pyspark_pagerank_peer.py", [file, String(ITERS), String(BETA)], 1_800_000);
    return typeof r === "string" ? r : `PySpark ${r.version} local[2], Spark's RDD PageRank example, ${r.ms.toFixed(0)} ms`;
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

/** networkx's pagerank (scipy, the default since networkx 3.0) and its pure-Python reference (`_pagerank_python`), ms. */
function networkxMs(edges: Array<[number, number]>): { scipy: number; python: number } | undefined {
  const py = join(fileURLToPath(new URL("../..", import.meta.url)), ".venv", "bin", "python");
  if (!existsSync(py)) return undefined;
  const dir = mkdtempSync(join(tmpdir(), "graph-bench-"));
  try {
    const file = join(dir, "edges.txt");
    writeFileSync(file, edges.map(([a, b]) => `${a} ${b}`).join("\n"));
    const script = `
import sys, time, networkx as nx
G = nx.read_edgelist(sys.argv[1], create_using=nx.DiGraph, nodetype=int)
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python
def ms(f):
    t = time.perf_counter()
    try:
        f(G, alpha=${BETA}, max_iter=${ITERS}, tol=1e-300)
    except nx.PowerIterationFailedConvergence:
        pass  # ${ITERS} iterations done, as the others
    return (time.perf_counter() - t) * 1000
print(ms(nx.pagerank), ms(_pagerank_python))
`;
    const [scipy, python] = execFileSync(py, ["-c", script, file], { encoding: "utf8", maxBuffer: 1 << 20 }).trim().split(" ").map(Number);
    return { scipy: scipy!, python: python! };
  } catch {
    return undefined;
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

async function pagerank(): Promise<BenchResult> {
  const edges = powerLawEdges(M);
  const csr = csrPageRank(edges);
  // The engine runs before the peers: a JVM that just exited (PySpark) or a large Python heap
  // leaves the VM slower for a while after (measured: Pregel 0.5-0.6 s before them, 0.6-0.9 s after).
  const spark = await SparkSession.builder().master("local[2]").appName("graph-bench").getOrCreate();
  let pregelMs: number, rddMs: number, pr: Awaited<ReturnType<typeof pregelPageRank>>;
  try {
    const rdd = spark.sparkContext.parallelize(edges as unknown as EdgeTuple[], 4).cache();
    await rdd.count();
    // One vertex partition per task slot (the session's default parallelism), as a user would pick.
    const parts = spark.sparkContext.defaultParallelism;
    let t = performance.now();
    pr = await pregelPageRank(rdd, { beta: BETA, maxIter: ITERS, numPartitions: parts });
    pregelMs = performance.now() - t;
    t = performance.now();
    await pageRankRDD(rdd, { beta: BETA, maxIter: ITERS, tol: 0, numPartitions: parts });
    rddMs = performance.now() - t;
  } finally { await spark.stop(); }
  const nx = networkxMs(edges);
  const peer = pysparkMs(edges);
  // Same ranks as the CSR loop (the check that the three compute the same thing).
  let maxDiff = 0, i = 0;
  const ids = new Map<number, number>();
  for (const [a, b] of edges) { if (!ids.has(a)) ids.set(a, ids.size); if (!ids.has(b)) ids.set(b, ids.size); }
  for (const [id, v] of pr.values) { maxDiff = Math.max(maxDiff, Math.abs(v - csr.ranks[ids.get(id as number)!]!)); i++; }
  const ratio = pregelMs / csr.ms;
  const stepsMs = pr.metrics.reduce((a, m) => a + m.timeMs, 0);
  return {
    name: `PageRank ${M} edges (${ids.size} vertices, power law), ${ITERS} iterations, Pregel on local[2]`,
    value: pregelMs, unit: "ms", baseline: csr.ms, baselineName: "single-thread CSR loop", ratio, target: "<= 2", pass: ratio <= 2,
    note: `build and read-back ${(pregelMs - stepsMs).toFixed(0)} ms, ${pr.metrics.length} supersteps ${stepsMs.toFixed(0)} ms (the first three ${pr.metrics.slice(0, 3).map((m) => m.timeMs).join("/")} ms, JIT and slot set-up); RDD joins ${rddMs.toFixed(0)} ms; networkx ${nx === undefined ? "not available (.venv missing)" : `${nx.scipy.toFixed(0)} ms (scipy; Pregel ${(nx.scipy / pregelMs).toFixed(1)}x faster, target >= 20x), its pure-Python reference ${nx.python.toFixed(0)} ms (Pregel ${(nx.python / pregelMs).toFixed(0)}x faster)`}; max |Pregel - CSR| = ${maxDiff.toExponential(1)} over ${i} vertices; ${peer} (engine RDD joins ${rddMs.toFixed(0)} ms, Pregel ${pregelMs.toFixed(0)} ms)`,
  };
}

export const benches = { "graph.pagerank": pagerank };
