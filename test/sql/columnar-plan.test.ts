// Which operators explain() marks as columnar (the executor makes the same choice): chains of
// Filter / Project / BroadcastHashJoin (build right) over a Parquet scan, up to a partial
// aggregate; final aggregates of number counts, sums, means and extremes (typed merges); anything
// else stays on rows, per operator.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { SqlSession, F } from "../../engine/sql/index";
import { localHost } from "./support/local-context";

let dir: string, fact: string, dim: string, json: string;
let s: SqlSession;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "columnar-plan-"));
  fact = join(dir, "fact.parquet");
  dim = join(dir, "dim.parquet");
  json = join(dir, "t.json");
  const con = await (await DuckDBInstance.create(":memory:")).connect();
  await con.run(`COPY (SELECT i AS id, (i % 10)::INTEGER AS k, (i % 7)::INTEGER AS d, i / 3.0 AS v FROM range(100) r(i)) TO '${fact}' (FORMAT parquet)`);
  await con.run(`COPY (SELECT i::INTEGER AS d, i * 2 AS w FROM range(7) r(i)) TO '${dim}' (FORMAT parquet)`);
  writeFileSync(json, '{"k":1,"v":2.5}\n{"k":2,"v":3.5}\n');
  s = new SqlSession(localHost());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Lines of the plan that carry a columnar mark. */
const marked = (plan: string) => plan.split("\n").filter((l) => l.includes("[Columnar]")).map((l) => l.replace(/^[\s+\-:*()\d]+/, "").split(/[ (]/)[0]);

describe("columnar marks in explain()", () => {
  it("partial aggregate over filter/project over a Parquet scan; the final aggregate merges typed", () => {
    const plan = s.read.parquet(fact).filter(F.col("v").gt(1)).select("k", "v").groupBy("k").agg(F.sum("v")).explainString("simple");
    expect(plan).toContain("Batched: true");
    expect(marked(plan)).toEqual(["HashAggregate", "HashAggregate", "Filter"]);
    expect(plan).toMatch(/HashAggregate\(keys=\[k#\d+\], functions=\[partial_sum\(v#\d+\)\]\) \[Columnar\]/);
    expect(plan).toMatch(/HashAggregate\(keys=\[k#\d+\], functions=\[sum\(v#\d+\)\]\) \[Columnar\]\n/);
    // A final aggregate whose merge is the row runtime's (collect_list) stays on rows.
    expect(s.read.parquet(fact).groupBy("k").agg(F.collect_list("v")).explainString("simple")).toMatch(/^\*\(2\) HashAggregate\(keys=\[k#\d+\], functions=\[collect_list\(.*\)\]\)$/m);
  });

  it("a non-deterministic filter ends the chain at the scan", () => {
    const plan = s.read.parquet(fact).filter(F.rand(1).lt(0.5)).groupBy("k").count().explainString("simple");
    expect(marked(plan)).toEqual(["HashAggregate"]); // the final one, after the exchange
    expect(plan).toMatch(/functions=\[partial_count\(1\)\]\)\n/);
    expect(plan).toContain("Batched: true");
  });

  it("sort and window run on rows above a batched scan", () => {
    const plan = s.read.parquet(fact).orderBy("v").explainString("simple");
    expect(marked(plan)).toEqual([]);
    expect(plan).toContain("Batched: true");
  });

  it("broadcast join built on the right is columnar; built on the left (right outer) is not", () => {
    const f = s.read.parquet(fact), d = s.read.parquet(dim);
    const inner = f.join(F.broadcast(d), "d").groupBy("w").count().explainString("simple");
    // The build side's own scan and filter form a columnar stage of their own.
    expect(marked(inner)).toEqual(["HashAggregate", "HashAggregate", "Project", "BroadcastHashJoin", "Filter", "Filter"]);
    const right = F.broadcast(d).join(f, ["d"], "right").explainString("simple");
    expect(right).toMatch(/BroadcastHashJoin/);
    expect(marked(right)).not.toContain("BroadcastHashJoin");
  });

  it("row sources are not batched; CSV and JSON scans are", () => {
    const plan = s.read.text(json).groupBy("value").agg(F.count("*")).explainString("simple");
    expect(plan).toContain("Batched: false");
    expect(marked(plan)).toEqual(["HashAggregate"]); // the final count's typed merge only
    // (Their batches hold the row path's values: test/sql/columnar-text-sources.test.ts.)
    const fromJson = s.read.json(json).groupBy("k").agg(F.sum("v")).explainString("simple");
    expect(fromJson).toContain("Batched: true");
    expect(marked(fromJson)).toEqual(["HashAggregate", "HashAggregate"]);
  });
});

describe("explain(\"codegen\") shows the generated aggregation loop", () => {
  // (That the loop computes the row path's buffers: test/sql/columnar.test.ts.)
  it("a number key with sum / avg / count / max: the loop's source under the partial aggregate's subtree", () => {
    const df = s.read.parquet(fact).groupBy("k").agg(F.sum("d").alias("s"), F.avg("d").alias("a"), F.count("*").alias("n"), F.max("v").alias("m"));
    const text = df.explainString("codegen");
    const [sub1, sub2] = text.split(/== Subtree \d \/ 2 ==/).slice(1);
    expect(sub1).toContain("partial_sum");
    expect(sub1).toMatch(/function fusedAgg\(from, n, keys, dense, a0, (z0, )?a1, /);
    expect(sub1).toContain("break; // leaves the safe range"); // sum of an integer column is exact
    expect(sub2).toContain("Generated code: none");
  });

  it("a global aggregate over a broadcast join: the join probed inside the loop, build columns read at the build row", () => {
    const df = s.read.parquet(fact).join(s.read.parquet(dim), "d").agg(F.count("*").alias("n"), F.sum("w").alias("sw"), F.sum("k").alias("sk"));
    const text = df.explainString("codegen");
    expect(text).toContain("BroadcastHashJoin");
    expect(text).toContain("const y = probe[i]");
    expect(text).toMatch(/const v\d = a\d\[r\];/); // w: a build column
    expect(text).toMatch(/const v\d = a\d\[i\];/); // k: a stream column
    expect(text).toContain("let B0 = b0[0];"); // one group: buffers in locals
    expect(text).toMatch(/Generated code: none/);
  });

  it("aggregates without a generated form (collect_list, a string key) run without one", () => {
    expect(s.read.parquet(fact).groupBy("k").agg(F.collect_list("d")).explainString("codegen")).not.toContain("fusedAgg");
    expect(s.read.parquet(fact).groupBy(F.col("k").cast("string")).agg(F.sum("d")).explainString("codegen")).not.toContain("fusedAgg");
  });
});
