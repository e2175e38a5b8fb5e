// Delta Lake benchmarks (`npm run bench lake-snapshot lake-append lake-merge`):
// - time to load the latest snapshot (cold, from the files) after 10, 100 and 1,000 commits:
//   checkpoints keep it flat (target: 1,000 commits within 2x of 10 commits);
// - append throughput through df.write.format("delta") against plain Parquet appends;
// - a MERGE of N rows into M (default 10k into 200k on the shared 2-core machines;
//   LAKE_MERGE_SOURCE / LAKE_MERGE_TARGET set the issue's 100k into 10M), against delta-rs running
//   the same MERGE on the same table in the same run (test/bench/delta_rs_merge.py).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SparkSession, DeltaTable, commit, loadSnapshot, clearSnapshotCache } from "../../engine/index";
import type { BenchResult } from "./run";
import { venvPython } from "../python/venv";

/** A table with n commits: "append" grows the state by one file per commit; "txn" commits (a
 * streaming sink's idempotent batch ids) keep the state constant, so only the log grows. */
async function tableWithCommits(n: number, kind: "append" | "txn" = "append"): Promise<string> {
  const table = mkdtempSync(join(tmpdir(), "lake-bench-"));
  await commit({ table, readVersion: -1, operation: "CREATE TABLE", isBlindAppend: false, actions: [
    { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
    { metaData: { id: "bench", format: { provider: "parquet", options: {} }, schemaString: '{"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}}]}', partitionColumns: [], configuration: {} } },
  ] });
  for (let v = 1; v < n; v++) {
    const actions = kind === "append"
      ? [{ add: { path: `part-${v}.parquet`, partitionValues: {}, size: 100, modificationTime: v, dataChange: true, stats: '{"numRecords":1}' } }]
      : [{ txn: { appId: "query-1", version: v, lastUpdated: v } }];
    await commit({ table, readVersion: v - 1, operation: kind === "append" ? "WRITE" : "STREAMING UPDATE", isBlindAppend: true, actions });
  }
  return table;
}

async function coldLoadMs(table: string, reps = 5): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    clearSnapshotCache();
    const t0 = performance.now();
    await loadSnapshot(table);
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(reps / 2)]!;
}

async function session(): Promise<SparkSession> {
  return SparkSession.builder().master("local[2]").appName("lake-bench").getOrCreate();
}

export const benches: Record<string, () => Promise<BenchResult>> = {
  "lake-snapshot": async () => {
    const ms: Record<string, number> = {};
    await loadSnapshot(await tableWithCommits(11, "txn")); // warm the Parquet reader's module load
    for (const kind of ["txn", "append"] as const) {
      for (const n of [10, 100, 1000]) {
        // 10 -> version 10 has a checkpoint too, so all three loads start from one.
        const t = await tableWithCommits(n + 1, kind);
        ms[`${kind}${n}`] = await coldLoadMs(t);
        rmSync(t, { recursive: true, force: true });
      }
    }
    const ratio = ms.txn1000! / ms.txn10!;
    return {
      name: "cold latest-snapshot load after 1,000 commits vs 10, same table state (checkpoint + JSON tail)", value: ms.txn1000!, unit: "ms",
      baseline: ms.txn10, baselineName: "10 commits", ratio, target: "<= 2x", pass: ratio <= 2,
      note: `same state: 10/100/1000 commits ${ms.txn10!.toFixed(1)}/${ms.txn100!.toFixed(1)}/${ms.txn1000!.toFixed(1)} ms; ` +
        `one new file per commit (state grows with the commits): ${ms.append10!.toFixed(1)}/${ms.append100!.toFixed(1)}/${ms.append1000!.toFixed(1)} ms`,
    };
  },
  "lake-append": async () => {
    const spark = await session();
    const dir = mkdtempSync(join(tmpdir(), "lake-bench-append-"));
    try {
      const df = spark.range(0, 10_000).selectExpr("id", "id % 7 AS k", "CAST(id AS DOUBLE) * 0.5 AS x");
      const n = 20;
      await df.write.format("delta").save(join(dir, "d"));
      await df.write.parquet(join(dir, "p"));
      let t0 = performance.now();
      for (let i = 0; i < n; i++) await df.write.format("delta").mode("append").save(join(dir, "d"));
      const delta = (n * 1000) / (performance.now() - t0);
      t0 = performance.now();
      for (let i = 0; i < n; i++) await df.write.mode("append").parquet(join(dir, "p"));
      const parquet = (n * 1000) / (performance.now() - t0);
      return { name: "appends of 10k rows per second (delta vs plain parquet)", value: delta, unit: "commits/s", baseline: parquet, baselineName: "parquet appends/s", ratio: delta / parquet, target: "-" };
    } finally {
      await spark.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
  "lake-merge": async () => {
    const src = Number(process.env.LAKE_MERGE_SOURCE ?? 10_000), tgt = Number(process.env.LAKE_MERGE_TARGET ?? 200_000);
    const spark = await session();
    const dir = mkdtempSync(join(tmpdir(), "lake-bench-merge-"));
    try {
      const path = join(dir, "t");
      await spark.range(0, tgt, 1, 8).selectExpr("id", "id % 100 AS k", "CAST(id AS DOUBLE) AS v").write.format("delta").save(path);
      // Half the source rows update existing ids, half insert new ones.
      const source = spark.range(0, src).selectExpr(`CASE WHEN id % 2 = 0 THEN id * ${Math.max(1, Math.floor(tgt / src))} ELSE ${tgt} + id END AS id`, "0 AS k", "-1.0 AS v");
      const t0 = performance.now();
      await DeltaTable.forPath(spark, path).alias("t").merge(source.alias("s"), "t.id = s.id").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute();
      const ms = performance.now() - t0;
      const n = await spark.read.format("delta").load(path).count();
      // Baseline in the same run: delta-rs (Rust) builds the same table and runs the same MERGE.
      let peer: { seconds: number; rows: number } | undefined;
      try {
        peer = JSON.parse(execFileSync(venvPython(), [join(import.meta.dirname, "delta_rs_merge.py"), join(dir, "rs"), String(tgt), String(src)], { encoding: "utf8", maxBuffer: 1 << 20 }));
      } catch (e) {
        console.error(`delta-rs baseline unavailable: ${(e as Error).message.split("\n")[0]}`);
      }
      const agree = peer === undefined || peer.rows === n;
      return {
        name: `MERGE ${src} source rows into ${tgt} (half update, half insert)`, value: ms / 1000, unit: "s",
        ...(peer ? { baseline: peer.seconds, baselineName: "delta-rs MERGE, same table and source", ratio: ms / 1000 / peer.seconds } : {}),
        target: "-", note: `rows after: ${n}${peer ? ` (delta-rs: ${peer.rows})` : ""}${agree ? "" : " RESULT MISMATCH"}`,
      };
    } finally {
      await spark.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
