// The SQL benchmarks over cached data (issue "Performance": group-by and join over cached data
// within 2x of DuckDB over its own table): the engine's in-memory columnar cache (df.cache(),
// filled by a count) against DuckDB's in-memory tables and PySpark's cache, the same queries as
// sql-bench.ts over the same DuckDB-written Parquet files. Steady state for both the engine and
// DuckDB: WARMUPS runs first, then the median of RUNS (the engine's queries over a new cache run
// slower for their first ten or so: measured 85-185 ms, then 55-65, for the group-by; DuckDB's
// first run differs little from its next). Prints figures and ratios; never asserts.
import { loadavg } from "node:os";
import { SparkSession, F, type DataFrame, type Row } from "../../engine/index";
import type { BenchResult } from "./run";
import { DIM_ROWS, FACT_ROWS, GROUPS, dimFile, duck, duckRows, factFile, loadNote, near, timeMedian } from "./sql-bench-data";
import { pysparkSqlPeer, type SqlPeer } from "./sql-bench";

const M = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);
// Steady state, as the target means it: both systems run the query WARMUPS times first (the
// engine's executors compile its code while the first ~10 run on the same two cores; the median of
// those first 10 is reported too), then the median of RUNS.
const WARMUPS = 20, RUNS = 9;
const WARM = `median of ${RUNS} after ${WARMUPS} warm-up runs`;

/** The median of RUNS timings of `f` after WARMUPS runs, and the median of the first 10 warm-up runs. */
async function steady<T>(f: () => Promise<T>): Promise<{ ms: number; result: T; firstMs: number }> {
  const first = await timeMedian(10, f);
  for (let i = 10; i < WARMUPS; i++) await f();
  return { ...(await timeMedian(RUNS, f)), firstMs: first.ms };
}

let tables: Promise<void> | undefined;
/** DuckDB's own tables (CREATE TABLE AS from the Parquet files), once per run. */
function duckTables(fact: string, dim: string): Promise<void> {
  return (tables ??= (async () => {
    const con = await duck();
    await con.run(`CREATE OR REPLACE TABLE fact_t AS SELECT * FROM read_parquet('${fact}')`);
    await con.run(`CREATE OR REPLACE TABLE dim_t AS SELECT * FROM read_parquet('${dim}')`);
  })());
}

/** The engine's timing of `query` over the cached tables: cache filled first, then steady(). */
async function engineCached(query: (f: DataFrame, d: DataFrame) => DataFrame, fact: string, dim: string): Promise<{ ms: number; firstMs: number; rows: Row[]; fillMs: number; plan: string }> {
  const spark = await SparkSession.builder().master("local[2]").appName("sql-cached-bench").getOrCreate();
  try {
    await spark.range(1000).count();
    const t = performance.now();
    const f = spark.read.parquet(fact).cache(), d = spark.read.parquet(dim).cache();
    await f.count();
    await d.count();
    const fillMs = performance.now() - t;
    const q = query(f, d);
    const r = await steady(() => q.collect());
    return { ms: r.ms, firstMs: r.firstMs, rows: r.result, fillMs, plan: q.explainString("simple") };
  } finally {
    await spark.stop();
  }
}

/** The same query on DuckDB's tables (SQL) and on the engine's cached ones, both steady(); with the files and the load before. */
async function bothSystems(sql: string, query: (f: DataFrame, d: DataFrame) => DataFrame) {
  const load0 = loadavg()[0]!;
  const fact = await factFile(FACT_ROWS, 1_000_000), dim = await dimFile();
  await duckTables(fact, dim);
  const duckR = await steady(() => duckRows(sql));
  return { load0, fact, dim, duckR, e: await engineCached(query, fact, dim) };
}

function peerNote(peer: SqlPeer | string, ms: (p: SqlPeer) => number | undefined, engineMs: number): string {
  if (typeof peer === "string") return peer;
  const p = ms(peer);
  return p === undefined ? "PySpark: no cached figure" : `PySpark ${peer.version} local[2] over df.cache() ${p.toFixed(0)} ms (warm, median of 3): engine/PySpark ratio ${(engineMs / p).toFixed(2)} (target <= 1)`;
}

export async function groupByCached(): Promise<BenchResult> {
  const { load0, fact, dim, duckR, e } = await bothSystems("SELECT k, sum(v) AS s, avg(v) AS a FROM fact_t GROUP BY k",
    (f) => f.groupBy("k").agg(F.sum("v").alias("s"), F.avg("v").alias("a")));
  const expected = new Map(duckR.result.map((r) => [Number(r.k), r]));
  const ok = e.rows.length === GROUPS && e.rows.every((r) => {
    const x = expected.get(Number(r.k));
    return x !== undefined && Number(r.s) === Number(x.s) && near(r.a, x.a);
  });
  const ratio = e.ms / duckR.ms;
  return {
    name: `group-by k (${GROUPS} groups), sum+avg over ${M(FACT_ROWS)} cached rows (df.cache(): InMemoryTableScan); local[2] vs DuckDB over its own table`,
    value: e.ms, unit: `ms (${WARM})`, baseline: duckR.ms, baselineName: `DuckDB in-memory table, ${WARM}`, ratio,
    target: "<= 2x DuckDB", pass: ok && ratio <= 2,
    note: [ok ? "" : "RESULT MISMATCH engine vs DuckDB", `cache filled in ${e.fillMs.toFixed(0)} ms`, `first 10 queries: median ${e.firstMs.toFixed(1)} ms (DuckDB ${duckR.firstMs.toFixed(1)})`,
      peerNote(pysparkSqlPeer(fact, dim), (p) => p.cached_groupby_ms, e.ms), loadNote(load0)].filter(Boolean).join(" | "),
  };
}

export async function joinCached(): Promise<BenchResult> {
  const { load0, fact, dim, duckR, e } = await bothSystems("SELECT count(*) AS n, sum(w) AS sw, sum(v) AS sv FROM fact_t JOIN dim_t USING (d)",
    (f, d) => f.join(d, "d").agg(F.count("*").alias("n"), F.sum("w").alias("sw"), F.sum("v").alias("sv")));
  const want = duckR.result[0]!;
  const got = e.rows[0]!;
  const ok = Number(got.n) === Number(want.n) && Number(got.sw) === Number(want.sw) && Number(got.sv) === Number(want.sv);
  const strategy = /BroadcastHashJoin.*\[Columnar\]/.test(e.plan) ? "BroadcastHashJoin, columnar" : /BroadcastHashJoin/.test(e.plan) ? "BroadcastHashJoin" : "shuffled join";
  const ratio = e.ms / duckR.ms;
  return {
    name: `join ${M(FACT_ROWS)} x ${M(DIM_ROWS)} cached rows on d, then count/sum; local[2] (${strategy}) vs DuckDB over its own tables`,
    value: e.ms, unit: `ms (${WARM})`, baseline: duckR.ms, baselineName: `DuckDB in-memory tables, ${WARM}`, ratio,
    target: "<= 2x DuckDB", pass: ok && ratio <= 2,
    note: [ok ? "" : `RESULT MISMATCH engine ${JSON.stringify(got)} vs DuckDB ${JSON.stringify(want)}`, `cache filled in ${e.fillMs.toFixed(0)} ms`, `first 10 queries: median ${e.firstMs.toFixed(1)} ms (DuckDB ${duckR.firstMs.toFixed(1)})`,
      peerNote(pysparkSqlPeer(fact, dim), (p) => p.cached_join_ms, e.ms), loadNote(load0)].filter(Boolean).join(" | "),
  };
}

/** ORDER BY ... LIMIT 10 (TakeOrderedAndProject, the top rows taken on the cached batches). */
export async function topKCached(): Promise<BenchResult> {
  // v has ties (values mod 100003): id breaks them, so the ten rows are one answer.
  const { load0, fact, dim, duckR, e } = await bothSystems("SELECT id, k, v FROM fact_t ORDER BY v DESC, id LIMIT 10",
    (f) => f.select("id", "k", "v").orderBy(F.col("v").desc(), "id").limit(10));
  const want = duckR.result.map((r) => `${Number(r.id)}:${Number(r.v)}`).join(" ");
  const got = e.rows.map((r) => `${Number(r.id)}:${Number(r.v)}`).join(" ");
  const ok = got === want && /TakeOrderedAndProject.*\[Columnar\]/.test(e.plan);
  const ratio = e.ms / duckR.ms;
  return {
    name: `ORDER BY v DESC, id LIMIT 10 over ${M(FACT_ROWS)} cached rows (TakeOrderedAndProject on the batches); local[2] vs DuckDB over its own table`,
    value: e.ms, unit: `ms (${WARM})`, baseline: duckR.ms, baselineName: `DuckDB in-memory table, ${WARM}`, ratio,
    target: "<= 2x DuckDB (no target in the issue: measured); <= 1x PySpark", pass: ok && ratio <= 2,
    note: [ok ? "" : `RESULT MISMATCH engine ${got} vs DuckDB ${want}`, `first 10 queries: median ${e.firstMs.toFixed(1)} ms (DuckDB ${duckR.firstMs.toFixed(1)})`,
      peerNote(pysparkSqlPeer(fact, dim), (p) => p.cached_topk_ms, e.ms), loadNote(load0)].filter(Boolean).join(" | "),
  };
}

export const benches: Record<string, () => Promise<BenchResult>> = {
  "sql-groupby-cached": groupByCached,
  "sql-join-cached": joinCached,
  "sql-topk-cached": topKCached,
};
