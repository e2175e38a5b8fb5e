// A GraphFrames-style property graph over two DataFrames: vertices (an `id` column plus any
// attributes) and edges (`src`, `dst` plus any attributes). Degrees, triplets and filters are
// DataFrame queries; pageRank is the lecture's two stages per iteration (a join building the
// triplets, then a group-by summing resetProbability + (1 − resetProbability)·Σ srcPR·weight);
// connected components, label propagation and shortest paths run on the Pregel engine.

import { AnalysisError } from "../common/errors";
import type { RDD } from "../rdd";
import { col, coalesce, count, lit, sum, when, type DataFrame, type Row } from "../sql";
import type { EdgeTuple, VertexId } from "./graph-data";
import { pregelConnectedComponents, pregelLabelPropagation, pregelShortestPaths, pregelStronglyConnectedComponents } from "./pregel-algorithms";
import { bfs, findMotif, triangleCount, type BfsOptions } from "./motifs";

export interface GraphFramePageRankOptions { resetProbability?: number; maxIter?: number; tol?: number; sourceId?: VertexId }

export class GraphFrame {
  constructor(readonly vertices: DataFrame, readonly edges: DataFrame) {
    if (!vertices.columns.includes("id")) throw new AnalysisError("GRAPH_MISSING_COLUMN", `Vertex DataFrame must have an "id" column; it has [${vertices.columns.join(", ")}].`);
    for (const c of ["src", "dst"]) if (!edges.columns.includes(c)) throw new AnalysisError("GRAPH_MISSING_COLUMN", `Edge DataFrame must have a "${c}" column; it has [${edges.columns.join(", ")}].`);
  }

  get inDegrees(): DataFrame { return this.edges.groupBy("dst").agg(count("*").alias("inDegree")).withColumnRenamed("dst", "id"); }
  get outDegrees(): DataFrame { return this.edges.groupBy("src").agg(count("*").alias("outDegree")).withColumnRenamed("src", "id"); }
  get degrees(): DataFrame {
    return this.edges.select(col("src").alias("id")).union(this.edges.select(col("dst").alias("id"))).groupBy("id").agg(count("*").alias("degree"));
  }

  /** One row per edge: the edge's columns plus the endpoints' attributes as src_<name> and dst_<name>. */
  get triplets(): DataFrame {
    const side = (p: "src" | "dst"): DataFrame => this.vertices.select(...this.vertices.columns.map((c) => col(c).alias(`${p}_${c}`)));
    return this.edges.join(side("src"), col("src").eq(col("src_id"))).join(side("dst"), col("dst").eq(col("dst_id"))).drop("src_id", "dst_id");
  }

  filterVertices(condition: Parameters<DataFrame["filter"]>[0]): GraphFrame {
    const v = this.vertices.filter(condition);
    const ids = v.select("id");
    const e = this.edges.join(ids.withColumnRenamed("id", "src"), "src", "left_semi").join(ids.withColumnRenamed("id", "dst"), "dst", "left_semi");
    return new GraphFrame(v, e.select(...this.edges.columns));
  }

  /**
   * Motif finding (GraphFrames' find): "(a)-[e]->(b); (b)-[e2]->(a)", anonymous "()" / "[]",
   * negated "!(a)-[]->(b)". One row per match: a struct column per named vertex and edge.
   */
  find(pattern: string): DataFrame { return findMotif(this.vertices, this.edges, pattern); }

  /** Shortest paths from vertices matching fromExpr to vertices matching toExpr: rows `from, e0, v1, …, to` (GraphFrames' bfs). */
  bfs(opts: BfsOptions): Promise<DataFrame> { return bfs(this.vertices, this.edges, opts); }

  /** Triangles through each vertex (undirected, no self-loops or parallel edges): the vertices with a `count` column. */
  triangleCount(): DataFrame { return triangleCount(this.vertices, this.edges); }

  filterEdges(condition: Parameters<DataFrame["filter"]>[0]): GraphFrame { return new GraphFrame(this.vertices, this.edges.filter(condition)); }

  dropIsolatedVertices(): GraphFrame {
    const used = this.edges.select(col("src").alias("id")).union(this.edges.select(col("dst").alias("id"))).distinct();
    return new GraphFrame(this.vertices.join(used, "id", "left_semi"), this.edges);
  }

  /** Checks that every edge endpoint is a vertex and ids are unique (GraphFrames assumes it; we verify). */
  async validate(): Promise<void> {
    const dup = await this.vertices.groupBy("id").agg(count("*").alias("n")).filter(col("n").gt(1)).limit(1).collect();
    if (dup.length) throw new AnalysisError("GRAPH_DUPLICATE_VERTEX", `Vertex id ${JSON.stringify(dup[0]!.id)} appears ${String(dup[0]!.n)} times.`, { parameters: { id: dup[0]!.id } });
    const ends = this.edges.select(col("src").alias("id")).union(this.edges.select(col("dst").alias("id"))).distinct();
    const missing = await ends.join(this.vertices.select("id"), "id", "left_anti").limit(1).collect();
    if (missing.length) throw new AnalysisError("GRAPH_MISSING_VERTEX", `An edge refers to vertex ${JSON.stringify(missing[0]!.id)}, which is not in the vertices.`, { parameters: { id: missing[0]!.id } });
  }

  /** The edges as an RDD of [src, dst, 1]; one count() first so df.rdd's partitions are planned. */
  private async edgeRDD(reverse = false): Promise<RDD<EdgeTuple>> {
    const rows = this.edges.select("src", "dst").rdd;
    await rows.count();
    return rows.map((r: Row) => (reverse ? [r.dst, r.src, 1] : [r.src, r.dst, 1]) as unknown as EdgeTuple);
  }

  private withVertexColumn(values: Map<VertexId, unknown>, name: string, fill: (id: VertexId) => unknown): Promise<GraphFrame> {
    return this.vertices.collect().then((rows) => {
      const out = rows.map((r) => ({ ...r, [name]: values.has(r.id as VertexId) ? values.get(r.id as VertexId) : fill(r.id as VertexId) }));
      return new GraphFrame(this.vertices.sparkSession.createDataFrame(out), this.edges);
    });
  }

  /**
   * GraphFrames' PageRank (GraphX's unnormalised form): every rank starts at 1 (or only the
   * source, personalised), PR(v) = reset + (1 − reset)·Σ PR(u)·weight(u→v) with weight = 1/outDegree(u);
   * rank reaching a dead end is lost. Runs maxIter iterations, or until the L1 change is below tol.
   */
  async pageRank(opts: GraphFramePageRankOptions = {}): Promise<GraphFrame & { iterations: number }> {
    if (opts.maxIter === undefined && opts.tol === undefined) throw new AnalysisError("GRAPH_INVALID_PARAMETER", "pageRank needs maxIter or tol.");
    const r = await this.ranks([opts.sourceId], opts.resetProbability, opts.maxIter, opts.tol);
    const g = await this.withVertexColumn(new Map([...r.ranks].map(([id, v]) => [id, v[0]])), "pagerank", () => 0);
    const res = new GraphFrame(g.vertices, r.weighted.select(...this.edges.columns, "weight")) as GraphFrame & { iterations: number };
    res.iterations = r.iterations;
    return res;
  }

  /**
   * Personalised PageRank for several sources at once (GraphFrames' parallelPersonalizedPageRank):
   * each iteration is ONE join and ONE group-by carrying a rank per source; vertices get
   * `pageranks`, an array with the rank for each source in sourceIds order.
   */
  async parallelPersonalizedPageRank(opts: { sourceIds: VertexId[]; resetProbability?: number; maxIter: number }): Promise<GraphFrame> {
    if (!Array.isArray(opts.sourceIds) || opts.sourceIds.length === 0) throw new AnalysisError("GRAPH_INVALID_PARAMETER", "parallelPersonalizedPageRank needs a non-empty sourceIds.");
    if (!Number.isInteger(opts.maxIter) || opts.maxIter < 1) throw new AnalysisError("GRAPH_INVALID_PARAMETER", "parallelPersonalizedPageRank needs maxIter >= 1.");
    const r = await this.ranks(opts.sourceIds, opts.resetProbability, opts.maxIter, undefined);
    const g = await this.withVertexColumn(r.ranks, "pageranks", () => opts.sourceIds.map(() => 0));
    return new GraphFrame(g.vertices, r.weighted.select(...this.edges.columns, "weight"));
  }

  /** The two-stage PageRank iteration for one rank per source (undefined: the non-personalised rank). */
  private async ranks(sources: Array<VertexId | undefined>, resetProbability: number | undefined, maxIter: number | undefined, tol: number | undefined): Promise<{ ranks: Map<VertexId, number[]>; weighted: DataFrame; iterations: number }> {
    const reset = resetProbability ?? 0.15;
    if (typeof reset !== "number" || !(reset > 0 && reset < 1)) throw new AnalysisError("GRAPH_INVALID_PARAMETER", `resetProbability must be in (0, 1), got ${String(reset)}.`, { parameters: { resetProbability: reset } });
    await this.validate();
    const ids = (await this.vertices.select("id").collect()).map((r) => r.id as VertexId);
    const known = new Set(ids);
    for (const s of sources) if (s !== undefined && !known.has(s)) throw new AnalysisError("GRAPH_MISSING_VERTEX", `The source vertex ${JSON.stringify(s)} is not in the vertices.`, { parameters: { id: s } });
    const spark = this.vertices.sparkSession;
    const weighted = this.edges.join(this.outDegrees.withColumnRenamed("id", "src"), "src")
      .withColumn("weight", lit(1).divide(col("outDegree"))).drop("outDegree").cache();
    const K = sources.length, pr = (k: number) => `pr${k}`, sk = (k: number) => `s${k}`;
    let ranks = new Map<VertexId, number[]>(ids.map((id) => [id, sources.map((s) => (s === undefined || id === s ? 1 : 0))]));
    const iters = maxIter ?? 1000;
    let it = 0;
    for (; it < iters; it++) {
      const rdf = spark.createDataFrame([...ranks].map(([id, v]) => ({ src: id, ...Object.fromEntries(v.map((x, k) => [pr(k), x])) })));
      // stage 1: triplets (edge ⋈ source ranks); stage 2: group by destination and sum
      const sums = weighted.join(rdf, "src").groupBy("dst").agg(...sources.map((_, k) => sum(col(pr(k)).multiply(col("weight"))).alias(sk(k))));
      const next = this.vertices.select("id").join(sums.withColumnRenamed("dst", "id"), "id", "left")
        .select(col("id"), ...sources.map((s, k) => {
          const resetCol = s === undefined ? lit(reset) : when(col("id").eq(lit(s)), lit(reset)).otherwise(lit(0));
          return resetCol.plus(lit(1 - reset).multiply(coalesce(col(sk(k)), lit(0)))).alias(pr(k));
        }));
      const rows = await next.collect();
      const nr = new Map(rows.map((r) => [r.id as VertexId, Array.from({ length: K }, (_, k) => Number(r[pr(k)]))]));
      let d = 0;
      for (const [id, v] of nr) { const old = ranks.get(id); v.forEach((x, k) => { d += Math.abs(x - (old?.[k] ?? 0)); }); }
      ranks = nr;
      if (tol !== undefined && d < tol) { it++; break; }
    }
    return { ranks, weighted, iterations: it };
  }

  /** Component = smallest vertex id in each weakly connected component (isolated vertices: their own id). */
  async connectedComponents(): Promise<DataFrame> {
    await this.validate();
    const cc = await pregelConnectedComponents(await this.edgeRDD());
    return (await this.withVertexColumn(cc.values, "component", (id) => id)).vertices;
  }

  /** Strongly connected components: `component` = the smallest vertex id in each SCC (forward-backward colouring on Pregel). */
  async stronglyConnectedComponents(opts: { maxIter?: number } = {}): Promise<DataFrame> {
    await this.validate();
    const ids = (await this.vertices.select("id").collect()).map((r) => r.id as VertexId);
    const scc = await pregelStronglyConnectedComponents(await this.edgeRDD(), ids, { maxIter: opts.maxIter });
    return (await this.withVertexColumn(scc, "component", (id) => id)).vertices;
  }

  async labelPropagation(opts: { maxIter?: number } = {}): Promise<DataFrame> {
    if (opts.maxIter === undefined) throw new AnalysisError("GRAPH_INVALID_PARAMETER", "labelPropagation needs maxIter.");
    await this.validate();
    const lp = await pregelLabelPropagation(await this.edgeRDD(), { maxIter: opts.maxIter });
    return (await this.withVertexColumn(lp.values, "label", (id) => id)).vertices;
  }

  /** Hop distance from every vertex to each landmark (following edge direction), as a `distances` map column. */
  async shortestPaths(opts: { landmarks: VertexId[] }): Promise<DataFrame> {
    await this.validate();
    const reversed = await this.edgeRDD(true);
    const dist = new Map<VertexId, Record<string, number>>();
    for (const l of opts.landmarks) {
      const sp = await pregelShortestPaths(reversed, l);
      for (const [id, d] of sp.values) if (d !== null) dist.set(id, { ...(dist.get(id) ?? {}), [String(l)]: d });
      if (!sp.values.has(l)) dist.set(l, { ...(dist.get(l) ?? {}), [String(l)]: 0 });
    }
    return (await this.withVertexColumn(dist, "distances", () => ({}))).vertices;
  }
}
