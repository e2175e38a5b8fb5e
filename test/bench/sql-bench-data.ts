// Shared data and baselines for the DataFrame/SQL benchmarks (sql-bench.ts): DuckDB writes the
// Parquet files every system then reads, so the engine, DuckDB and danfojs see identical bytes.
// Files are cached under the OS temp directory and reused when their row count matches.
import { existsSync, mkdirSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { median } from "./stats";

export const BENCH_DIR = join(tmpdir(), "bigdata-bench", "sql");
mkdirSync(BENCH_DIR, { recursive: true });

/** Rows of the fact table (SQL_BENCH_ROWS, default 10M) and of danfojs' samples (group-by 1M, join 100k). */
export const FACT_ROWS = Number(process.env.SQL_BENCH_ROWS ?? 10_000_000);
export const DANFO_ROWS = Math.min(FACT_ROWS, Number(process.env.SQL_BENCH_DANFO_ROWS ?? 1_000_000));
/** danfojs' merge is far slower than its group-by (~70 s for 200k x 100k here): smaller sample. */
export const DANFO_JOIN_ROWS = Math.min(FACT_ROWS, Number(process.env.SQL_BENCH_DANFO_JOIN_ROWS ?? 100_000));
export const DIM_ROWS = 100_000;
export const GROUPS = 1_000;

let con: Promise<DuckDBConnection> | null = null;
export function duck(): Promise<DuckDBConnection> {
  con ??= DuckDBInstance.create(":memory:").then((i) => i.connect());
  return con;
}

/** DuckDB rows as plain objects; BIGINT/HUGEINT sums become numbers (they stay below 2^53 here). */
export async function duckRows(sql: string): Promise<Record<string, unknown>[]> {
  const r = await (await duck()).runAndReadAll(sql);
  return r.getRowObjectsJS().map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v])));
}

/**
 * Fact table, deterministic: id = i, k = i % 1000 (group key), d = (i * 31) % 100000 (join key,
 * every dim row hit 100 times at 10M), v = (i * 7919) % 100003 (integer measure, so sums are exact).
 * `rowGroupRows` sets the Parquet row-group size (small groups give pushdown something to skip).
 */
export async function factFile(rows: number, rowGroupRows: number): Promise<string> {
  const path = join(BENCH_DIR, `fact-${rows}-rg${rowGroupRows}.parquet`);
  if (!existsSync(path)) {
    const tmp = `${path}.tmp`;
    await (await duck()).run(
      `COPY (SELECT i AS id, (i % ${GROUPS})::INTEGER AS k, ((i * 31) % ${DIM_ROWS})::INTEGER AS d, ((i * 7919) % 100003)::INTEGER AS v FROM range(${rows}) t(i) ORDER BY i) ` +
      `TO '${tmp}' (FORMAT parquet, ROW_GROUP_SIZE ${rowGroupRows})`,
    );
    const { renameSync } = await import("node:fs");
    renameSync(tmp, path);
  }
  return path;
}

/** Dimension table: d = 0..99,999, w = (d * 13) % 1000. */
export async function dimFile(): Promise<string> {
  const path = join(BENCH_DIR, `dim-${DIM_ROWS}.parquet`);
  if (!existsSync(path)) {
    const tmp = `${path}.tmp`;
    await (await duck()).run(`COPY (SELECT i::INTEGER AS d, ((i * 13) % 1000)::INTEGER AS w FROM range(${DIM_ROWS}) t(i)) TO '${tmp}' (FORMAT parquet)`);
    const { renameSync } = await import("node:fs");
    renameSync(tmp, path);
  }
  return path;
}

export function fileMB(path: string): string {
  return `${(statSync(path).size / 1048576).toFixed(1)} MB`;
}

/** Time `f` `n` times; returns the median ms and the last result. */
export async function timeMedian<T>(n: number, f: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const times: number[] = [];
  let result!: T;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    result = await f();
    times.push(performance.now() - t);
  }
  return { ms: median(times), result };
}

/** "load 21.3/20.9" (1-minute average at start / at end of a benchmark): the machine is shared. */
export function loadNote(startLoad: number): string {
  return `load avg ${startLoad.toFixed(1)}->${loadavg()[0]!.toFixed(1)} (2 cores)`;
}

/** Relative equality for averages (sums here are exact integers). */
export function near(a: unknown, b: unknown): boolean {
  const x = Number(a), y = Number(b);
  return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
}
