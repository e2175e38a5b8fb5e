// CPU profile helper for the SQL benchmarks: runs one engine query (group-by or join) over the
// benchmark's Parquet file, and summarises .cpuprofile files (self time per function) so the
// owners can see where the time goes. Usage:
//   npx tsx test/bench/sql-bench-profile.ts cluster groupby|join|scan ROWS DIR   (profile + summary)
//   npx tsx test/bench/sql-bench-profile.ts run groupby|join|scan ROWS           (local[2], timing only)
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
  const t = performance.now();
  const df = spark.read.parquet(fact);
  if (which === "join") {
    const d = spark.read.parquet(await dimFile());
    for (let i = 0; i < 6; i++) console.log(await df.join(d, "d").agg(F.count("*").alias("n"), F.sum("w").alias("sw"), F.sum("v").alias("sv")).collect());
  } else if (which === "scan") {
    console.log(await df.agg(F.count("*").alias("n"), F.sum("v").alias("s")).collect());
  } else {
    console.log((await df.groupBy("k").agg(F.sum("v").alias("s"), F.avg("v").alias("a")).collect()).length, "groups");
  }
  console.log(`${which} ${rows} rows: ${(performance.now() - t).toFixed(0)} ms`);
  if (spark instanceof SparkSession) {
    // Where the last job's tasks ran: uneven placement shows as one busy worker.
    for (const task of spark.lastJob()?.tasks() ?? []) {
      console.log(`  stage ${task.stageId} partition ${task.partition} on ${task.workerId}: ${task.metrics?.durationMs ?? "?"} ms, ${task.metrics?.recordsRead ?? 0} records read, ${task.metrics?.shuffleWriteRecords ?? 0} shuffle records written`);
    }
  }
  if (spark instanceof SparkSession) await spark.stop();
}

function profileCluster(which: string, rows: number, dir: string): void {
  const status = runProfiled(["test/bench/zz-sqlprof.ts", "run", which, String(rows)], dir, "SQL_BENCH_PROF_DIR", 1000);
  if (status !== 0) console.error(`profiled run exited with ${status}`);
  printProfileSummary(dir, 20);
}

if (process.argv[1]?.endsWith("zz-sqlprof.ts")) {
  const [cmd, a, b] = process.argv.slice(2);
  if (cmd === "run" || cmd === "local") await run(a ?? "groupby", Number(b ?? 1_000_000), cmd === "local");
  else if (cmd === "cluster") profileCluster(a ?? "groupby", Number(b ?? 1_000_000), process.argv[5] ?? "/tmp/sql-bench-prof");
  else if (cmd === "summary") printProfileSummary(a!, Number(b ?? 20));
  else console.error("usage: sql-bench-profile.ts run|local groupby|join|scan ROWS | summary DIR [TOP]");
}
