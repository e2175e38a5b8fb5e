// k-means as lecture 3 builds it on MapReduce, one job per iteration. The mapper loads the
// current centres (Configure), finds each point's nearest centre and extends the point with a
// count of 1 ([x1..xd, 1]).
//   V1: emits (clusterId, extended point) for every point.
//   V2: in-mapper combining: keeps one running sum H{n} per centre and emits them in Close().
// The reducer sums the extended points and emits the centroid sum / count. Iterate until no
// centre moves more than the tolerance. The counters show what V2 saves in shuffle records/bytes.

import { AnalysisError } from "../common/errors";
import { MapReduceJob, type MapReduceHost } from "./job";
import type { TaskContext } from "./types";

export interface KMeansMROptions {
  /** Initial centres (e.g. the first k points, or mining's kmeansPlusPlus(points, k, seed)). */
  initial: number[][];
  version: "V1" | "V2";
  tolerance?: number;
  maxIterations?: number;
  numSplits?: number;
  numReduceTasks?: number;
}

export interface KMeansIteration {
  iteration: number;
  centres: number[][];
  shift: number;
  mapOutputRecords: number;
  mapOutputBytes: number;
  reduceShuffleBytes: number;
}

export interface KMeansMRResult { centres: number[][]; iterations: number; converged: boolean; history: KMeansIteration[] }

const kmeansMapper = {
  centres: [] as number[][],
  H: new Map<number, number[]>(),
  version: "V1",
  setup(ctx: TaskContext) {
    const conf = ctx.getConfiguration();
    this.centres = conf["kmeans.centres"] as number[][];
    this.version = conf["kmeans.version"] as string;
    this.H = new Map();
  },
  map(_id: unknown, p: number[], ctx: TaskContext) {
    let n = 0, best = Infinity;
    for (let i = 0; i < this.centres.length; i++) {
      let d = 0;
      for (let j = 0; j < p.length; j++) { const x = p[j]! - this.centres[i]![j]!; d += x * x; }
      if (d < best) { best = d; n = i; }
    }
    const ext = [...p, 1];                      // ExtendPoint: append a count of 1
    if (this.version === "V1") { ctx.write(n, ext); return; }
    const h = this.H.get(n);                    // V2: H{n} <- H{n} + p
    if (!h) this.H.set(n, ext);
    else for (let j = 0; j < ext.length; j++) h[j]! += ext[j]!;
  },
  cleanup(ctx: TaskContext) {
    if (this.version === "V2") for (const [n, s] of this.H) ctx.write(n, s);
  },
};

const kmeansReducer = {
  reduce(n: number, points: number[][], ctx: TaskContext) {
    const s = new Array<number>(points[0]!.length).fill(0);
    for (const p of points) for (let j = 0; j < p.length; j++) s[j]! += p[j]!;
    const count = s[s.length - 1]!;
    ctx.write(n, s.slice(0, -1).map((x) => x / count));
  },
};

/** Run k-means with one MapReduce job per iteration (V1 or V2) from the given initial centres. */
export async function kmeansMapReduce(spark: MapReduceHost, points: number[][], opts: KMeansMROptions): Promise<KMeansMRResult> {
  if (!Array.isArray(opts.initial) || opts.initial.length === 0) throw new AnalysisError("INVALID_PARAMETER_VALUE", "kmeansMapReduce needs initial centres (an array of k points)");
  if (opts.version !== "V1" && opts.version !== "V2") throw new AnalysisError("INVALID_PARAMETER_VALUE", `version must be "V1" or "V2", got ${JSON.stringify(opts.version)}`);
  const tol = opts.tolerance ?? 1e-6, maxIt = opts.maxIterations ?? 50;
  let centres = opts.initial.map((c) => [...c]);
  const history: KMeansIteration[] = [];
  for (let it = 1; it <= maxIt; it++) {
    const res = await new MapReduceJob(spark, {
      name: `k-means ${opts.version} iteration ${it}`,
      input: { data: points, numSplits: opts.numSplits },
      conf: { "kmeans.centres": centres, "kmeans.version": opts.version },
      mapper: kmeansMapper, reducer: kmeansReducer, numReduceTasks: opts.numReduceTasks ?? 2, sampleRecords: 5,
    }).waitForCompletion();
    const next = centres.map((c) => [...c]);   // a centre with no points stays where it is
    for (const [n, m] of res.readOutput() as Array<[number, number[]]>) next[n] = m;
    let shift = 0;
    for (let i = 0; i < next.length; i++) {
      let d = 0;
      for (let j = 0; j < next[i]!.length; j++) { const x = next[i]![j]! - centres[i]![j]!; d += x * x; }
      shift = Math.max(shift, Math.sqrt(d));
    }
    centres = next;
    history.push({
      iteration: it, centres, shift,
      mapOutputRecords: res.counters.get("MAP_OUTPUT_RECORDS"), mapOutputBytes: res.counters.get("MAP_OUTPUT_BYTES"),
      reduceShuffleBytes: res.counters.get("REDUCE_SHUFFLE_BYTES"),
    });
    if (shift <= tol) return { centres, iterations: it, converged: true, history };
  }
  return { centres, iterations: maxIt, converged: false, history };
}
