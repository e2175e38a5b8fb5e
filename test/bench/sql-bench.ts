// DataFrame/SQL benchmarks (issue "DataFrames, SQL and a Catalyst-style optimizer"): group-by,
// join and Parquet scan with pushdown on local[2] from Parquet files, each against DuckDB (and danfojs-node at a
// reduced, labelled size) measured in the same run. Prints figures and ratios; never asserts.
// Sizes: SQL_BENCH_ROWS (default 10M fact rows), SQL_BENCH_DANFO_ROWS (default 1M).
import { loadavg } from "node:os";
import { SparkSession, F, type DataFrame, type Row } from "../../engine/index";
import type { BenchResult } from "./run";
import {
  DANFO_JOIN_ROWS, DANFO_ROWS, DIM_ROWS, FACT_ROWS, GROUPS, dimFile, duckRows, factFile, fileMB, loadNote, near, timeMedian,
} from "./sql-bench-data";
import { danfoGroupBy, danfoJoin, loadDanfo, readColumns } from "./sql-bench-danfo";
import { readLocal } from "../../engine/sql/datasources/index";
import { pysparkPeer } from "./pyspark-peer";

export interface SqlPeer {
  version: string; groupby_ms: number; groupby_groups: number; join_ms: number; join: { n: number; sw: number; sv: number };
  cached_groupby_ms?: number; cached_join_ms?: number; cached_topk_ms?: number;
}
let sqlPeer: SqlPeer | string | undefined;
/** PySpark (local[2]) running both queries over the same files (then over its cache), once per bench run; or why not. */
export function pysparkSqlPeer(fact: string, dim: string): SqlPeer | string {
  return (sqlPeer ??= pysparkPeer<SqlPeer>("pyspark_sql_peer.py", [fact, dim], 900_000));
}

/** The PySpark figure of a query beside ours, for the note. */
function peerNote(peer: SqlPeer | string, peerMs: (p: SqlPeer) => number, ok: (p: SqlPeer) => boolean, engineMs: number): string {
  if (typeof peer === "string") return peer;
  const ms = peerMs(peer);
  return `${ok(peer) ? "" : "RESULT MISMATCH PySpark vs DuckDB; "}PySpark ${peer.version} local[2] ${ms.toFixed(0)} ms (warm, median of 3): engine/PySpark ratio ${(engineMs / ms).toFixed(2)} (target <= 1)`;
}

/**
 * Runs before the timed ones, and timed runs (the median is reported), the same for DuckDB and
 * the engine: a fresh session's executor threads compile the scan's and the loop's code over its
 * first few queries (one warm-up left the engine's median 20-60% above its steady state).
 */
const WARMUPS = 5, RUNS = 5;
const M = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);

async function startEngine(): Promise<SparkSession> {
  const spark = await SparkSession.builder().master("local[2]").appName("sql-bench").getOrCreate();
  // Warm the workers (thread start-up, SQL preload) so the timed query measures the query.
  await spark.range(1000).count();
  return spark;
}

/** Sum of task bytesRead over the jobs `f` runs (from the listener bus). */
async function withBytesRead<T>(spark: SparkSession, f: () => Promise<T>): Promise<{ result: T; bytes: number; ms: number }> {
  let bytes = 0;
  const off = spark.sparkContext.addSparkListener({ onTaskEnd: (e) => { bytes += e.task.metrics?.bytesRead ?? 0; } });
  const t = performance.now();
  try {
    const result = await f();
    const ms = performance.now() - t;
    // Listener events are posted asynchronously; let the bus drain.
    await new Promise((r) => setTimeout(r, 50));
    return { result, bytes, ms };
  } finally {
    off();
  }
}

export async function groupByAgg(): Promise<BenchResult> {
  const load0 = loadavg()[0]!;
  const path = await factFile(FACT_ROWS, 1_000_000);
  const q = `SELECT k, sum(v) AS s, avg(v) AS a FROM read_parquet('${path}') GROUP BY k`;
  for (let i = 0; i < WARMUPS; i++) await duckRows(q); // DuckDB's file cache warm, as the engine's warm-up runs make its workers
  const duck = await timeMedian(RUNS, () => duckRows(q));
  const expected = new Map(duck.result.map((r) => [Number(r.k), r]));

  const spark = await startEngine();
  let engineMs: number, firstMs: number, rows: Row[];
  try {
    // Measured as DuckDB is: after WARMUPS runs (the first run's time is in the note).
    const query = () => spark.read.parquet(path).groupBy("k").agg(F.sum("v").alias("s"), F.avg("v").alias("a")).collect();
    const t = performance.now();
    await query();
    firstMs = performance.now() - t;
    for (let i = 1; i < WARMUPS; i++) await query();
    ({ ms: engineMs, result: rows } = await timeMedian(RUNS, query));
  } finally {
    await spark.stop();
  }
  const engineOk = rows.length === GROUPS && rows.every((r) => {
    const e = expected.get(Number(r.k));
    return e !== undefined && Number(r.s) === Number(e.s) && near(r.a, e.a);
  });

  // danfojs on a reduced sample (first DANFO_ROWS rows), checked against DuckDB on the same rows.
  const dfd = await loadDanfo();
  const t = performance.now();
  const cols = await readColumns(path, ["k", "v"], DANFO_ROWS);
  const dan = await danfoGroupBy(dfd, cols);
  const danMs = performance.now() - t;
  const sample = new Map((await duckRows(`SELECT k, sum(v) AS s, avg(v) AS a FROM read_parquet('${path}') WHERE id < ${DANFO_ROWS} GROUP BY k`)).map((r) => [Number(r.k), r]));
  const danOk = dan.groups.size === sample.size && [...dan.groups].every(([k, [s, a]]) => Number(sample.get(k)?.s) === s && near(sample.get(k)?.a, a));
  const scale = FACT_ROWS / DANFO_ROWS;
  const danScaled = danMs * scale;

  const peer = pysparkSqlPeer(path, await dimFile());
  const ratio = engineMs / duck.ms;
  const vsDanfo = danScaled / engineMs;
  const mismatch = [engineOk ? "" : "RESULT MISMATCH engine vs DuckDB", danOk ? "" : "RESULT MISMATCH danfojs vs DuckDB"].filter(Boolean).join("; ");
  return {
    name: `group-by k (${GROUPS} groups), sum+avg over ${M(FACT_ROWS)} rows; local[2] vs DuckDB, both reading one Parquet file written by DuckDB (${fileMB(path)})`,
    value: engineMs, unit: `ms (median of ${RUNS} after ${WARMUPS} warm-up runs)`, baseline: duck.ms, baselineName: `DuckDB, median of ${RUNS} after ${WARMUPS} warm-up runs`, ratio,
    // The targets: <= 5x DuckDB from Parquet files, <= 2x over cached data (sql-cached-bench.ts).
    target: "<= 5x DuckDB from Parquet; >= 10x faster than danfojs",
    pass: engineOk && danOk && ratio <= 5 && vsDanfo >= 10,
    note: [mismatch, `engine's first run (cold JIT) ${firstMs.toFixed(0)} ms`,
      `danfojs on the first ${M(DANFO_ROWS)} rows (hyparquet read + DataFrame + groupby) ${danMs.toFixed(0)} ms (groupby alone ${dan.groupByMs.toFixed(0)} ms), scaled x${scale} linearly = ${danScaled.toFixed(0)} ms; engine is ${vsDanfo.toFixed(2)}x faster than scaled danfojs`,
      peerNote(peer, (p) => p.groupby_ms, (p) => p.groupby_groups === GROUPS, engineMs),
      loadNote(load0)].filter(Boolean).join(" | "),
  };
}

export async function joinAgg(): Promise<BenchResult> {
  const load0 = loadavg()[0]!;
  const fact = await factFile(FACT_ROWS, 1_000_000);
  const dim = await dimFile();
  const q = `SELECT count(*) AS n, sum(w) AS sw, sum(v) AS sv FROM read_parquet('${fact}') f JOIN read_parquet('${dim}') USING (d)`;
  for (let i = 0; i < WARMUPS; i++) await duckRows(q);
  const duck = await timeMedian(RUNS, () => duckRows(q));
  const want = duck.result[0]!;

  const spark = await startEngine();
  let engineMs: number, firstMs: number, got: Row, plan: string;
  try {
    const joined = (): DataFrame => spark.read.parquet(fact).join(spark.read.parquet(dim), "d").agg(F.count("*").alias("n"), F.sum("w").alias("sw"), F.sum("v").alias("sv"));
    // Measured as DuckDB is: after WARMUPS runs (the first run's time is in the note).
    const t = performance.now();
    await joined().collect();
    firstMs = performance.now() - t;
    for (let i = 1; i < WARMUPS; i++) await joined().collect();
    const r = await timeMedian(RUNS, () => joined().collect());
    engineMs = r.ms;
    got = r.result[0]!;
    plan = joined().explainString("simple");
  } finally {
    await spark.stop();
  }
  const engineOk = Number(got.n) === Number(want.n) && Number(got.sw) === Number(want.sw) && Number(got.sv) === Number(want.sv);
  const strategy = (/BroadcastHashJoin/.test(plan) ? "BroadcastHashJoin" : /SortMergeJoin/.test(plan) ? "SortMergeJoin" : /ShuffledHashJoin/.test(plan) ? "ShuffledHashJoin" : "join")
    + (/(BroadcastHashJoin|ShuffledHashJoin).*\[Columnar\]/.test(plan) ? ", columnar" : "");

  // danfojs merge on a reduced fact sample; checked against DuckDB on the same rows.
  const dfd = await loadDanfo();
  const t = performance.now();
  const fc = await readColumns(fact, ["d", "v"], DANFO_JOIN_ROWS);
  const dc = await readColumns(dim, ["d", "w"], DIM_ROWS);
  let danNote: string;
  try {
    const dan = await danfoJoin(dfd, fc, dc);
    const danMs = performance.now() - t;
    const w2 = (await duckRows(`SELECT count(*) AS n, sum(w) AS sw FROM (SELECT * FROM read_parquet('${fact}') WHERE id < ${DANFO_JOIN_ROWS}) f JOIN read_parquet('${dim}') USING (d)`))[0]!;
    const ok = dan.n === Number(w2.n) && dan.sumW === Number(w2.sw);
    const scale = FACT_ROWS / DANFO_JOIN_ROWS;
    danNote = `${ok ? "" : "RESULT MISMATCH danfojs vs DuckDB; "}danfojs merge on the first ${M(DANFO_JOIN_ROWS)} fact rows x ${M(DIM_ROWS)} (read + merge) ${danMs.toFixed(0)} ms (merge alone ${dan.joinMs.toFixed(0)} ms), scaled x${scale} = ${(danMs * scale).toFixed(0)} ms; engine ${((danMs * scale) / engineMs).toFixed(2)}x faster`;
  } catch (e) {
    danNote = `danfojs merge failed at ${M(DANFO_JOIN_ROWS)} rows: ${(e as Error).message.slice(0, 120)}`;
  }
  const peer = pysparkSqlPeer(fact, dim);
  const ratio = engineMs / duck.ms;
  return {
    name: `join ${M(FACT_ROWS)} x ${M(DIM_ROWS)} rows on d, then count/sum; local[2] (${strategy}) vs DuckDB, both reading DuckDB-written Parquet (${fileMB(fact)} + ${fileMB(dim)})`,
    value: engineMs, unit: `ms (median of ${RUNS} after ${WARMUPS} warm-up runs)`, baseline: duck.ms, baselineName: `DuckDB, median of ${RUNS} after ${WARMUPS} warm-up runs`, ratio,
    target: "<= 5x DuckDB from Parquet", pass: engineOk && ratio <= 5,
    note: [engineOk ? "" : `RESULT MISMATCH engine ${JSON.stringify(got)} vs DuckDB ${JSON.stringify(want)}`, `engine's first run (cold JIT) ${firstMs.toFixed(0)} ms`, danNote,
      peerNote(peer, (p) => p.join_ms, (p) => p.join.n === Number(want.n) && p.join.sw === Number(want.sw) && p.join.sv === Number(want.sv), engineMs),
      loadNote(load0)].filter(Boolean).join(" | "),
  };
}

export async function parquetPushdown(): Promise<BenchResult> {
  const load0 = loadavg()[0]!;
  // Small row groups (100k rows) sorted by id, so a range filter on id can skip most of them.
  const path = await factFile(FACT_ROWS, 100_000);
  const lo = Math.floor(FACT_ROWS / 2) + 123, hi = lo + 10_000;
  const want = (await duckRows(`SELECT count(*) AS n, sum(v) AS s FROM read_parquet('${path}') WHERE id >= ${lo} AND id < ${hi}`))[0]!;

  const spark = await startEngine();
  let pushed, unpushed, planPushed: string, planUnpushed: string;
  try {
    const df = spark.read.parquet(path);
    const agg = (x: DataFrame) => x.agg(F.count("*").alias("n"), F.sum("v").alias("s"));
    // Pushable: plain comparisons on a column. Not pushable: the same range on an expression
    // (id + 0), which the source cannot evaluate against statistics, so every row group is read.
    const withPush = agg(df.filter(F.col("id").geq(lo).and(F.col("id").lt(hi))));
    const noPush = agg(df.filter(F.col("id").plus(0).geq(lo).and(F.col("id").plus(0).lt(hi))));
    planPushed = withPush.explainString("simple");
    planUnpushed = noPush.explainString("simple");
    pushed = await withBytesRead(spark, async () => (await withPush.collect())[0]!);
    unpushed = await withBytesRead(spark, async () => (await noPush.collect())[0]!);
  } finally {
    await spark.stop();
  }
  // The same scan through the data source directly (as test/datasources measures pushdown): the
  // cluster's task metrics only show file bytes if the SQL scan passes its task context down.
  const required = ["id", "v"];
  const filters = [{ op: "ge", column: "id", value: lo }, { op: "lt", column: "id", value: hi }] as const;
  let t = performance.now();
  const dsPushed = await readLocal({ format: "parquet", paths: [path], requiredColumns: required, pushedFilters: [...filters] });
  const dsPushedMs = performance.now() - t;
  t = performance.now();
  const dsAll = await readLocal({ format: "parquet", paths: [path], requiredColumns: required });
  const dsAllMs = performance.now() - t;
  const inRange = (rows: Record<string, unknown>[]) => rows.filter((r) => Number(r.id) >= lo && Number(r.id) < hi);
  const dsOk = [dsPushed.rows, dsAll.rows].every((rows) => {
    const sel = inRange(rows);
    return sel.length === Number(want.n) && sel.reduce((a, r) => a + Number(r.v), 0) === Number(want.s);
  });
  const clusterBytesOk = pushed.bytes > 0 && unpushed.bytes > 0;
  const pf = (p: string) => /PushedFilters: \[([^\]]*)\]/.exec(p)?.[1] ?? "?";
  const ok = dsOk && [pushed.result, unpushed.result].every((r) => Number(r.n) === Number(want.n) && Number(r.s) === Number(want.s));
  const MB = (b: number) => `${(b / 1048576).toFixed(2)} MB`;
  const withB = clusterBytesOk ? pushed.bytes : dsPushed.metrics.bytesRead;
  const withoutB = clusterBytesOk ? unpushed.bytes : dsAll.metrics.bytesRead;
  const ratio = withoutB / Math.max(withB, 1);
  return {
    name: `Parquet scan, ${M(FACT_ROWS)} rows (${fileMB(path)}, 100k-row groups), filter id in [${lo}, ${hi}) then count/sum: bytes read with pushdown vs without`,
    value: withB, unit: `bytes read with pushdown (${clusterBytesOk ? "cluster task metrics" : "data source ReadMetrics"})`,
    baseline: withoutB, baselineName: "bytes read without pushdown", ratio,
    target: "pushdown reads >= 10x fewer bytes",
    pass: ok && ratio >= 10,
    note: [ok ? "" : `RESULT MISMATCH engine ${JSON.stringify([pushed.result, unpushed.result])} vs DuckDB ${JSON.stringify(want)} (data source ok: ${dsOk})`,
      `ratio = bytes without / with`,
      `local[2] DataFrame: pushed filter ${pushed.ms.toFixed(0)} ms (PushedFilters: [${pf(planPushed)}]), same range on id+0 ${unpushed.ms.toFixed(0)} ms (PushedFilters: [${pf(planUnpushed)}]); task bytesRead ${MB(pushed.bytes)} vs ${MB(unpushed.bytes)}${clusterBytesOk ? "" : " (0: the SQL scan does not pass the task's metrics to the reader)"}`,
      `data source readLocal [id,v]: pushed ${MB(dsPushed.metrics.bytesRead)}, ${dsPushed.metrics.rowGroupsRead} row groups read / ${dsPushed.metrics.rowGroupsSkipped} skipped, ${dsPushedMs.toFixed(0)} ms; no filters ${MB(dsAll.metrics.bytesRead)}, ${dsAll.metrics.rowGroupsRead} row groups, ${dsAllMs.toFixed(0)} ms`,
      loadNote(load0)].filter(Boolean).join(" | "),
  };
}

export const benches: Record<string, () => Promise<BenchResult>> = {
  "sql-groupby": groupByAgg,
  "sql-join": joinAgg,
  "sql-pushdown": parquetPushdown,
};
