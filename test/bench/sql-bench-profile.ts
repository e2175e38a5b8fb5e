// CPU profile helper for the SQL benchmarks: runs one engine query (group-by or join) over the
// benchmark's Parquet file, and summarises .cpuprofile files (self time per function) so the
// owners can see where the time goes. Usage:
//   npx tsx test/bench/sql-bench-profile.ts cluster groupby|join|scan ROWS DIR   (profile + summary)
//   npx tsx test/bench/sql-bench-profile.ts run groupby|join|scan ROWS           (local[2], timing only)
// "cached-groupby" / "cached-join" cache the tables first, then run the query 10 times (SQL_BENCH_REPS).
// Every thread is profiled through thread-profiler.ts's NODE_OPTIONS hook.
//   npx tsx test/bench/sql-bench-profile.ts summary DIR [TOP]
import { SparkSession, SqlSession, F, type DataFrame } from "../../engine/index";
import { localHost } from "../sql/support/local-context";
import { dimFile, factFile } from "./sql-bench-data";
import { printProfileSummary, runProfiled } from "./thread-profiler";

async function run(which: string, rows: number, local: boolean): Promise<void> {
  const spark = local
    ? new SqlSession(localHost({ "spark.sql.shuffle.partitions": "4" }))
    : await SparkSession.builder().master("local[2]").appName("sql-bench-profile").getOrCreate();
  await (spark.range(1000) as DataFrame).count();
  const fact = await factFile(rows, which === "scan" ? 100_000 : 1_000_000);
  let t = performance.now();
  if (which.startsWith("cached-")) {
    const f = spark.read.parquet(fact).cache(), d = spark.read.parquet(await dimFile()).cache();
    console.log(`cached ${await f.count()} + ${await d.count()} rows: ${(performance.now() - t).toFixed(0)} ms`);
    const q = which === "cached-join" ? f.join(d, "d").agg(F.count("*").alias("n"), F.sum("w").alias("sw"), F.sum("v").alias("sv"))
      : f.groupBy("k").agg(F.sum("v").alias("s"), F.avg("v").alias("a"));
    for (let i = 0; i < Number(process.env.SQL_BENCH_REPS ?? 10); i++) {
      t = performance.now();
      const t0 = Date.now();
      const rows = await q.collect();
      console.log(`${which} ${rows.length} rows: ${(performance.now() - t).toFixed(0)} ms`);
      if (process.env.SQL_BENCH_TIMELINE && spark instanceof SparkSession) {
        // When each task launched and finished, in ms from the action's start.
        console.log((spark.lastJob()?.tasks() ?? []).map((k) => `s${k.stageId}p${k.partition}@${k.workerId.slice(-1)} ${k.launchTime - t0}-${(k.finishTime ?? NaN) - t0}`).join("  "));
      }
    }
    if (spark instanceof SparkSession) {
      for (const task of spark.lastJob()?.tasks() ?? []) console.log(`  stage ${task.stageId} partition ${task.partition} on ${task.workerId}: ${task.metrics?.durationMs ?? "?"} ms`, process.env.SQL_BENCH_METRICS ? JSON.stringify(task.metrics) : "");
    }
    if (spark instanceof SparkSession) await spark.stop();
    return;
  }
  // SQL_BENCH_REPS runs of the query (default 1; executor threads are profiled only in runs over ~2 s).
  for (let rep = 0; rep < Number(process.env.SQL_BENCH_REPS ?? 1); rep++) {
    t = performance.now();
    const df = spark.read.parquet(fact);
    if (which === "join") {
      const d = spark.read.parquet(await dimFile());
      console.log(await df.join(d, "d").agg(F.count("*").alias("n"), F.sum("w").alias("sw")).collect());
    } else if (which === "scan") {
      console.log(await df.agg(F.count("*").alias("n"), F.sum("v").alias("s")).collect());
    } else {
      console.log((await df.groupBy("k").agg(F.sum("v").alias("s"), F.avg("v").alias("a")).collect()).length, "groups");
    }
    console.log(`${which} ${rows} rows: ${(performance.now() - t).toFixed(0)} ms`);
  }
  if (spark instanceof SparkSession) {
    // Where the last job's tasks ran: uneven placement shows as one busy worker.
    for (const task of spark.lastJob()?.tasks() ?? []) {
      console.log(`  stage ${task.stageId} partition ${task.partition} on ${task.workerId}: ${task.metrics?.durationMs ?? "?"} ms, ${task.metrics?.recordsRead ?? 0} records read, ${task.metrics?.shuffleWriteRecords ?? 0} shuffle records written`);
    }
  }
  if (spark instanceof SparkSession) await spark.stop();
}

function profileCluster(which: string, rows: number, dir: string): void {
  const status = runProfiled(["test/bench/sql-bench-profile.ts", "run", which, String(rows)], dir, "SQL_BENCH_PROF_DIR", 1000);
  if (status !== 0) console.error(`profiled run exited with ${status}`);
  printProfileSummary(dir, 20);
}

if (process.argv[1]?.endsWith("sql-bench-profile.ts")) {
  const [cmd, a, b] = process.argv.slice(2);
  if (cmd === "run" || cmd === "local") await run(a ?? "groupby", Number(b ?? 1_000_000), cmd === "local");
  else if (cmd === "cluster") profileCluster(a ?? "groupby", Number(b ?? 1_000_000), process.argv[5] ?? "/tmp/sql-bench-prof");
  else if (cmd === "summary") printProfileSummary(a!, Number(b ?? 20));
  else console.error("usage: sql-bench-profile.ts run|local groupby|join|scan ROWS | summary DIR [TOP]");
}
