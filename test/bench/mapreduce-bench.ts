// MapReduce benchmarks: the same word count as a MapReduce job (with combiner), as the RDD job and
// as a single-process loop, on the same generated file in the same run (target: MapReduce within
// 2x of the RDD job); and MinHash signatures per second. MR_BENCH_MB sets the input size (100).
import { closeSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MapReduceJob, MinHash, shingles, SparkSession } from "../../engine/index";
import { generateText } from "./gen-text";
import type { BenchResult } from "./run";

const DIR = join(tmpdir(), "bigdata-bench");

/** Single-process baseline: a plain loop over the file. */
function loopWordCount(path: string): Map<string, number> {
  const counts = new Map<string, number>();
  const fd = openSync(path, "r");
  const buf = Buffer.allocUnsafe(8 << 20);
  let rest = "";
  try {
    for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) {
      const lines = (rest + buf.toString("utf8", 0, n)).split("\n");
      rest = lines.pop()!;
      for (const line of lines) for (const w of line.split(/\s+/)) if (w) counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  } finally {
    closeSync(fd);
  }
  for (const w of rest.split(/\s+/)) if (w) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}

export async function mapReduceWordCount(): Promise<BenchResult> {
  const mb = Number(process.env.MR_BENCH_MB ?? 100);
  mkdirSync(DIR, { recursive: true });
  const path = join(DIR, `text-${mb}mb.txt`);
  await generateText(path, mb * 1024 * 1024);
  const loop0 = performance.now();
  const ref = loopWordCount(path);
  const loopMs = performance.now() - loop0;
  const spark = await SparkSession.builder().master("local[2]").getOrCreate();
  const out = mkdtempSync(join(tmpdir(), "mr-bench-"));
  try {
    const sc = spark.sparkContext;
    await sc.parallelize([1, 2], 2).count();   // warm
    const r0 = performance.now();
    const rdd = await sc.textFile(path).flatMap((l) => l.split(/\s+/)).filter((w) => w !== "").map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b).collect();
    const rddMs = performance.now() - r0;
    const m0 = performance.now();
    const res = await new MapReduceJob(spark, {
      name: "bench word count", input: { paths: path, splitSize: Math.ceil((mb * 1024 * 1024) / 4) },
      mapper: { map(_o: number, line: string, ctx: any) { for (const w of line.split(/\s+/)) if (w) ctx.write(w, 1); } },
      combiner: { reduce(w: string, c: number[], ctx: any) { let s = 0; for (const x of c) s += x; ctx.write(w, s); } },
      reducer: { reduce(w: string, c: number[], ctx: any) { let s = 0; for (const x of c) s += x; ctx.write(w, s); } },
      numReduceTasks: 2, output: join(out, "wc"), sampleRecords: 0,
    }).waitForCompletion();
    const mrMs = performance.now() - m0;
    const got = new Map(res.readOutput() as Array<[string, number]>);
    const ok = got.size === ref.size && rdd.length === ref.size && [...ref].every(([w, n]) => got.get(w) === n);
    return {
      name: `word count ${mb} MB: MapReduceJob vs RDD job (loop ${loopMs.toFixed(0)} ms, MR/loop ${(mrMs / loopMs).toFixed(2)})`,
      value: mrMs, unit: "ms", baseline: rddMs, baselineName: "RDD reduceByKey job", ratio: mrMs / rddMs,
      target: "<= 2x the RDD job", pass: ok && mrMs / rddMs <= 2, note: ok ? undefined : "RESULT MISMATCH",
    };
  } finally {
    await spark.stop();
    rmSync(out, { recursive: true, force: true });
  }
}

export async function minhashThroughput(): Promise<BenchResult> {
  const docs = Array.from({ length: 2000 }, (_, i) => Array.from({ length: 60 }, (_, j) => "w" + ((i * 31 + j * 17) % 997)).join(" "));
  const sets = docs.map((d) => shingles(d, 3, { unit: "word" }));
  const mh = new MinHash(128, 1);
  const t0 = performance.now();
  for (const s of sets) mh.signature(s);
  const secs = (performance.now() - t0) / 1000;
  return { name: "MinHash signatures per second (128 hashes, ~58 word 3-shingles per document)", value: sets.length / secs, unit: "signatures/s" };
}

export const benches = { "mapreduce-wordcount": mapReduceWordCount, "minhash-signatures": minhashThroughput };
