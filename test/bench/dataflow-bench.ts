// Continuous dataflow benchmarks (`npm run bench dataflowLatency dataflowThroughput`), lecture 8's
// comparison of Flink's record-at-a-time engine with Spark's micro-batches, both on local[2] in the
// same run:
// - latency: 50k events/s through a keyed event-time window pipeline with a 1 ms buffer timeout;
//   end-to-end latency from latency markers (source to sink, p50/p99), against the latency of the same
//   event rate through a Structured Streaming query (rate source, micro-batches as fast as possible):
//   a row waits from its generation until its batch has been written, so its latency is the batch's
//   commit time minus its timestamp (per batch: min/max timestamps of its rows, uniform in between).
// - throughput: a keyed windowed count over 1M generated events with the default 100 ms buffer timeout,
//   against the micro-batch engine's windowed count over the rate source for the same time.
import { F, SparkSession, StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy, CollectSink, DataGeneratorSource } from "../../engine/index";
import type { BenchResult } from "./run";

const RATE = Number(process.env.BENCH_DF_RATE ?? 50_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

const quantile = (xs: number[], q: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN; };

/** Per-row latencies (ms) of a Structured Streaming query over the rate source at `rate` rows/s. */
async function microBatchLatencies(spark: SparkSession, rate: number, seconds: number): Promise<{ p50: number; p99: number; batches: number }> {
  const samples: number[] = [];
  let batches = 0;
  const q = spark.readStream.format("rate").option("rowsPerSecond", rate).option("numPartitions", 2).load()
    .withColumn("k", F.expr("value % 100"))
    .writeStream.foreachBatch(async (df) => {
      const [r] = await df.agg(F.min("timestamp").alias("lo"), F.max("timestamp").alias("hi"), F.count("*").alias("n")).collect();
      const done = Date.now();
      const n = Number(r.n);
      if (!n || !r.lo) return;
      batches++;
      const lo = (r.lo as Date).getTime(), hi = (r.hi as Date).getTime();
      // rows are generated evenly between lo and hi: 50 samples per batch, weighted by its rows
      const k = Math.max(1, Math.round(n / 1000));
      for (let i = 0; i < 50 * k; i++) samples.push(done - (lo + ((hi - lo) * (i + 0.5)) / (50 * k)));
    }).start();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  await q.stop();
  const steady = samples.slice(Math.floor(samples.length / 5)); // skip the start-up batches
  return { p50: quantile(steady, 0.5), p99: quantile(steady, 0.99), batches };
}

export async function dataflowLatency(): Promise<BenchResult> {
  const spark = await SparkSession.builder().master("local[2]").getOrCreate();
  const env = StreamExecutionEnvironment.getExecutionEnvironment(spark).setBufferTimeout(1);
  env.getConfig().setLatencyTrackingInterval(10);
  const n = RATE * SECONDS;
  env.fromSource(new DataGeneratorSource((i: number) => [i % 100, i], n, RATE),
    WatermarkStrategy.forBoundedOutOfOrderness(0).withTimestampAssigner((e: number[]) => Math.floor((e[1] * 1000) / 50_000)), "events")
    .keyBy((e: number[]) => e[0]).window(TumblingEventTimeWindows.of(1000))
    .aggregate({ createAccumulator: () => 0, add: (_e: unknown, a: number) => a + 1, getResult: (a: number) => a, merge: (a: number, b: number) => a + b })
    .sinkTo(new CollectSink());
  const job = await env.execute("latency");
  await job.getJobExecutionResult();
  const lat = job.latency();
  const mb = await microBatchLatencies(spark, RATE, SECONDS);
  await spark.stop();
  return {
    name: `end-to-end latency at ${RATE / 1000}k events/s, keyed event-time window, buffer timeout 1 ms, local[2] (p99 of latency markers)`,
    value: lat.p99, unit: "ms p99", baseline: mb.p99, baselineName: "Structured Streaming micro-batches, same rate (p99 per row)", ratio: lat.p99 / mb.p99,
    target: "p99 <= 5 ms", pass: lat.p99 <= 5,
    note: `dataflow p50 ${lat.p50} ms over ${lat.count} markers; micro-batch p50 ${mb.p50.toFixed(0)} ms over ${mb.batches} batches`,
  };
}

export async function dataflowThroughput(): Promise<BenchResult> {
  const spark = await SparkSession.builder().master("local[2]").getOrCreate();
  const n = Number(process.env.BENCH_DF_EVENTS ?? 1_000_000);
  const env = StreamExecutionEnvironment.getExecutionEnvironment(spark); // default buffer timeout: 100 ms
  env.fromSource(new DataGeneratorSource((i: number) => [i % 100, i], n),
    WatermarkStrategy.forBoundedOutOfOrderness(0).withTimestampAssigner((e: number[]) => e[1]), "events")
    .keyBy((e: number[]) => e[0]).window(TumblingEventTimeWindows.of(10_000))
    .aggregate({ createAccumulator: () => 0, add: (_e: unknown, a: number) => a + 1, getResult: (a: number) => a, merge: (a: number, b: number) => a + b })
    .sinkTo(new CollectSink());
  const t = performance.now();
  const job = await env.execute("throughput");
  await job.getJobExecutionResult();
  const rate = n / ((performance.now() - t) / 1000);
  // micro-batch: the rate source as fast as its batches go, windowed count
  const q = spark.readStream.format("rate").option("rowsPerSecond", 1_000_000).option("numPartitions", 2).load()
    .withWatermark("timestamp", "10 seconds").groupBy(F.window("timestamp", "10 seconds"), F.expr("value % 100").alias("k")).count()
    .writeStream.outputMode("update").foreachBatch(() => undefined).start();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  await q.stop();
  const data = q.recentProgress.filter((p) => p.numInputRows > 0);
  const mbRate = (data.reduce((a, p) => a + p.numInputRows, 0) / data.reduce((a, p) => a + (p.durationMs.triggerExecution ?? 0), 0)) * 1000;
  await spark.stop();
  return {
    name: `keyed windowed count over ${n / 1e6}M generated events, default buffer timeout (100 ms), local[2]: events per second`,
    value: rate, unit: "events/s", baseline: mbRate, baselineName: "Structured Streaming windowed count over the rate source (rows/s of trigger time)", ratio: rate / mbRate,
    note: "no target in the issue: the lecture's trade-off (records one at a time vs batches) shown side by side",
  };
}

export const benches = { dataflowLatency, dataflowThroughput };
