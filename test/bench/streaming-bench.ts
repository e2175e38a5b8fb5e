// Streaming benchmarks (`npm run bench streamingRateThroughput streamingEmptyTrigger`):
// micro-batch throughput of a windowed count over the rate source on local[2], with the same
// query run as a batch job in the same run as the baseline; and the median duration of a
// micro-batch without data (a watermark-driven batch), with a trivial batch query as baseline.
import { F, MemoryStream, SparkSession, type DataFrame } from "../../engine/index";
import type { BenchResult } from "./run";
import { pysparkPeer } from "./pyspark-peer";
import { median } from "./stats";


export async function streamingRateThroughput(): Promise<BenchResult> {
  const spark = await SparkSession.builder().master("local[2]").getOrCreate();
  const rps = Number(process.env.BENCH_RATE ?? 500_000);
  const windowed = (df: DataFrame) => df.withWatermark("timestamp", "10 seconds").groupBy(F.window("timestamp", "1 second")).count();
  const q = windowed(spark.readStream.format("rate").option("rowsPerSecond", rps).option("numPartitions", 2).load())
    .writeStream.outputMode("update").foreachBatch(() => undefined).start();
  await new Promise((r) => setTimeout(r, Number(process.env.BENCH_SECONDS ?? 6) * 1000));
  await q.stop();
  const data = q.recentProgress.filter((p) => p.numInputRows > 0);
  const rows = data.reduce((a, p) => a + p.numInputRows, 0);
  const ms = data.reduce((a, p) => a + (p.durationMs.triggerExecution ?? 0), 0);
  const streamRate = (rows / ms) * 1000;
  // Baseline: the same rows and windowed count as one batch query.
  const batch = spark.range(0, rows, 1, 2).selectExpr(`timestamp_seconds(floor(id * 1000 / ${rps}) / 1000) AS timestamp`, "id AS value");
  const t = performance.now();
  await batch.groupBy(F.window("timestamp", "1 second")).count().collect();
  const batchRate = rows / ((performance.now() - t) / 1000);
  await spark.stop();
  // PySpark's Structured Streaming with the same query and run time, after ours (and after 15 s
  // of warm-up of its own: its first batches wait for the JVM's code generation).
  const p = pysparkPeer<{ version: string; rows: number; batches: number; rows_per_s: number }>("pyspark_streaming_peer.py", [String(rps), String(process.env.BENCH_SECONDS ?? 6)], 600_000);
  const peer = typeof p === "string" ? p
    : `PySpark ${p.version} local[2] ${p.rows_per_s.toFixed(0)} rows/s warm (${p.batches} batches, ${p.rows} rows): engine/PySpark ratio ${(streamRate / p.rows_per_s).toFixed(2)} (target >= 1)`;
  return {
    name: `windowed count over the rate source (${rps} rows/s, 1-second windows, update mode, local[2]): rows per second of trigger time`,
    value: streamRate, unit: "rows/s", baseline: batchRate, baselineName: "same rows as one batch query", ratio: streamRate / batchRate,
    target: ">= 500k events/s", pass: streamRate >= 500_000,
    note: `${data.length} batches, ${rows} rows (trigger times ${data.map((p) => p.durationMs.triggerExecution ?? 0).join(", ")} ms); ${peer}`,
  };
}

export async function streamingEmptyTrigger(): Promise<BenchResult> {
  const spark = await SparkSession.builder().master("local[2]").getOrCreate();
  const input = new MemoryStream(spark, "k STRING, ts TIMESTAMP");
  const q = input.toDF().withWatermark("ts", "1 second").groupBy(F.window("ts", "1 second"), "k").count()
    .writeStream.outputMode("append").foreachBatch(() => undefined).start();
  // Each row moves event time on, so each data batch is followed by a batch without data.
  for (let i = 0; i < 60; i++) {
    input.addData([{ k: "a", ts: new Date(Date.UTC(2026, 0, 1) + i * 5000) }]);
    await q.processAllAvailable();
  }
  await q.stop();
  const empty = q.recentProgress.filter((p) => p.numInputRows === 0).slice(5).map((p) => p.durationMs.triggerExecution ?? 0);
  const tiny = q.recentProgress.filter((p) => p.numInputRows === 1).slice(5).map((p) => p.durationMs.triggerExecution ?? 0);
  const base: number[] = [];
  for (let i = 0; i < 40; i++) { const t = performance.now(); await spark.range(1).collect(); base.push(performance.now() - t); }
  await spark.stop();
  const m = median(empty);
  return {
    name: "micro-batch without data (watermark moved, append mode windowed count)", value: m, unit: "ms median",
    baseline: median(base), baselineName: "spark.range(1).collect()", ratio: m / median(base), target: "median <= 20 ms", pass: m <= 20,
    note: `${empty.length} empty batches (one state job over no input rows: eviction and append output run in the state tasks); a 1-row batch (partial aggregation, state job) takes ${median(tiny)} ms median`,
  };
}

export const benches = { streamingRateThroughput, streamingEmptyTrigger };
