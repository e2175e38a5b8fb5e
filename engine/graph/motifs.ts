// GraphFrames' motif finding and triangle counting as DataFrame queries (joins the DAG view shows).
// A motif is "(a)-[e]->(b); (b)-[e2]->(a)": terms separated by ';', each an edge between two
// vertices, or a lone vertex "(a)". Named elements become columns (a vertex as a struct of its
// attributes, an edge as a struct of its columns); "()" and "[]" are anonymous; "!(a)-[]->(b)"
// keeps only rows with no such edge.

import { AnalysisError } from "../common/errors";
import { col, lit, struct, sum, type Column, type DataFrame } from "../sql";

interface EdgeTerm { kind: "edge"; src: string; edge: string; dst: string; negated: boolean }
interface VertexTerm { kind: "vertex"; name: string }
type Term = EdgeTerm | VertexTerm;

const NAME = "[A-Za-z_][A-Za-z0-9_]*";
const EDGE_RE = new RegExp(`^(!?)\\((${NAME})?\\)-\\[(${NAME})?\\]->\\((${NAME})?\\)$`);
const VERTEX_RE = new RegExp(`^\\((${NAME})?\\)$`);

function motifError(pattern: string, why: string): AnalysisError {
  return new AnalysisError("GRAPH_INVALID_MOTIF", `Invalid motif "${pattern}": ${why}.`, { parameters: { pattern } });
}

/** Parses a motif; anonymous elements get names starting with "__anon" (dropped from the result). */
export function parseMotif(pattern: string): Term[] {
  let anon = 0;
  const name = (n: string | undefined) => n ?? `__anon${anon++}`;
  const terms = pattern.split(";").map((t) => t.replace(/\s+/g, "")).filter((t) => t.length > 0);
  if (terms.length === 0) throw motifError(pattern, "it has no terms");
  const out = terms.map((t): Term => {
    const e = EDGE_RE.exec(t);
    if (e) {
      const negated = e[1] === "!";
      if (negated && e[3]) throw motifError(pattern, `a negated term cannot name its edge ('${e[3]}')`);
      return { kind: "edge", negated, src: name(e[2]), edge: name(e[3]), dst: name(e[4]) };
    }
    const v = VERTEX_RE.exec(t);
    if (v) {
      if (!v[1]) throw motifError(pattern, "a lone vertex term must be named");
      return { kind: "vertex", name: v[1] };
    }
    throw motifError(pattern, `'${t}' is not (a)-[e]->(b), !(a)-[]->(b) or (a)`);
  });
  const edges = out.filter((t): t is EdgeTerm => t.kind === "edge" && !t.negated).map((t) => t.edge).filter((n) => !n.startsWith("__anon"));
  const dup = edges.find((n, i) => edges.indexOf(n) !== i);
  if (dup) throw motifError(pattern, `the edge name '${dup}' is used twice`);
  return out;
}

/** The motif's matches: one row per assignment of the named vertices and edges. */
export function findMotif(vertices: DataFrame, edges: DataFrame, pattern: string): DataFrame {
  const terms = parseMotif(pattern);
  const vStruct = (n: string) => vertices.select(struct(...vertices.columns.map((c) => col(c))).alias(n));
  const eStruct = (n: string) => edges.select(struct(...edges.columns.map((c) => col(c))).alias(n));
  const all = (cs: Column[]) => cs.reduce((a, b) => a.and(b));
  const bound = new Set<string>();
  let df: DataFrame | undefined;
  const add = (right: DataFrame, on: Column[]) => {
    df = !df ? right : on.length ? df.join(right, all(on)) : df.crossJoin(right);
  };
  for (const t of terms) {
    if (t.kind === "vertex") {
      if (!bound.has(t.name)) { add(vStruct(t.name), []); bound.add(t.name); }
      continue;
    }
    if (t.negated) continue;
    // The edge, joined to the endpoints already bound; then each new endpoint joined to the edge.
    const on: Column[] = [];
    if (bound.has(t.src)) on.push(col(`${t.edge}.src`).eq(col(`${t.src}.id`)));
    if (bound.has(t.dst)) on.push(col(`${t.edge}.dst`).eq(col(`${t.dst}.id`)));
    add(eStruct(t.edge), on);
    bound.add(t.edge);
    for (const [end, field] of [[t.src, "src"], [t.dst, "dst"]] as const) {
      if (bound.has(end)) {
        // (a)-[e]->(a) with a new a: the second end must be the same vertex.
        if (end === t.src && end === t.dst && field === "dst" && !on.length) df = df!.filter(col(`${t.edge}.dst`).eq(col(`${end}.id`)));
        continue;
      }
      add(vStruct(end), [col(`${t.edge}.${field}`).eq(col(`${end}.id`))]);
      bound.add(end);
    }
  }
  if (!df) throw motifError(pattern, "it has only negated terms");
  for (const t of terms.filter((x): x is EdgeTerm => x.kind === "edge" && x.negated)) {
    for (const v of [t.src, t.dst]) if (!bound.has(v)) throw motifError(pattern, `the negated term names '${v}', which no positive term binds`);
    const pairs = edges.select(col("src").alias("__neg_src"), col("dst").alias("__neg_dst"));
    df = df.join(pairs, col(`${t.src}.id`).eq(col("__neg_src")).and(col(`${t.dst}.id`).eq(col("__neg_dst"))), "left_anti");
  }
  return df.select(...df.columns.filter((c) => !c.startsWith("__anon")).map((c) => col(c)));
}

/**
 * GraphFrames' triangleCount: the graph taken as undirected without self-loops or parallel
 * edges; each vertex gets `count`, the number of triangles through it.
 */
export function triangleCount(vertices: DataFrame, edges: DataFrame): DataFrame {
  const und = edges.filter(col("src").notEqual(col("dst")))
    .select(col("src").alias("x"), col("dst").alias("y"))
    .selectExpr("least(x, y) as u", "greatest(x, y) as v").distinct().cache();
  // a < b < c with edges a-b, b-c, a-c
  const ab = und.select(col("u").alias("a"), col("v").alias("b"));
  const bc = und.select(col("u").alias("b2"), col("v").alias("c"));
  const ac = und.select(col("u").alias("a3"), col("v").alias("c3"));
  const tri = ab.join(bc, col("b").eq(col("b2"))).filter(col("a").lt(col("c")))
    .join(ac, col("a").eq(col("a3")).and(col("c").eq(col("c3"))))
    .select("a", "b", "c");
  const perVertex = tri.select(col("a").alias("id")).union(tri.select(col("b").alias("id"))).union(tri.select(col("c").alias("id")))
    .groupBy("id").agg(sum(lit(1)).alias("n"));
  return vertices.join(perVertex, "id", "left").selectExpr("coalesce(n, 0L) as count", ...vertices.columns.map((c) => `\`${c}\``));
}

export interface BfsOptions {
  /** SQL expression over vertex columns selecting the start vertices, e.g. "name = 'Esther'". */
  fromExpr: string;
  /** SQL expression selecting the end vertices. */
  toExpr: string;
  /** SQL expression over edge columns: only edges passing it are followed. */
  edgeFilter?: string;
  /** Longest path searched (GraphFrames' default 10). */
  maxPathLength?: number;
}

/**
 * GraphFrames' breadth-first search: every shortest path from a vertex matching fromExpr to one
 * matching toExpr, following edge direction, as rows `from, e0, v1, e1, …, to` (structs of the
 * vertices' and edges' columns). One join of the frontier with the edges and the vertices per
 * hop; the search stops at the first hop that reaches a target. No path: an empty DataFrame.
 */
export async function bfs(vertices: DataFrame, edges: DataFrame, opts: BfsOptions): Promise<DataFrame> {
  const max = opts.maxPathLength ?? 10;
  if (!Number.isInteger(max) || max < 1) throw new AnalysisError("GRAPH_INVALID_PARAMETER", `maxPathLength must be an integer >= 1, got ${String(max)}.`);
  const vStruct = (df: DataFrame, n: string) => df.select(struct(...vertices.columns.map((c) => col(c))).alias(n));
  const followed = opts.edgeFilter ? edges.filter(opts.edgeFilter) : edges;
  const eStruct = (n: string) => followed.select(struct(...edges.columns.map((c) => col(c))).alias(n));
  const from = vertices.filter(opts.fromExpr), to = vertices.filter(opts.toExpr);
  const toIds = to.select(col("id").alias("__to_id"));
  // A vertex that is both a start and an end: the path of length 0.
  const both = vStruct(from, "from").join(toIds, col("from.id").eq(col("__to_id")), "left_semi");
  if ((await both.limit(1).count()) > 0) return both.select(col("from"), col("from").alias("to"));
  let paths = vStruct(from, "from");
  let last = "from";
  for (let hop = 0; hop < max; hop++) {
    const e = `e${hop}`, v = `v${hop + 1}`;
    paths = paths.join(eStruct(e), col(`${last}.id`).eq(col(`${e}.src`))).join(vStruct(vertices, v), col(`${e}.dst`).eq(col(`${v}.id`)));
    const reached = paths.join(toIds, col(`${v}.id`).eq(col("__to_id")), "left_semi").cache();
    if ((await reached.limit(1).count()) > 0) return reached.withColumnRenamed(v, "to");
    reached.unpersist();
    last = v;
    if ((await paths.limit(1).count()) === 0) break;
  }
  return vStruct(from, "from").limit(0).select(col("from"), col("from").alias("to"));
}
