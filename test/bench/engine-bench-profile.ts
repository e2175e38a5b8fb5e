// CPU profiles of the engine benchmarks' jobs, in every thread (driver, worker processes, executor
// threads), summarised as self time per function. Profiling through thread-profiler.ts.
//   npx tsx test/bench/engine-bench-profile.ts trivial|wordcount|shuffle|empty [DIR]
// ("empty": counts of an empty RDD of 4,000 partitions, the scheduler benchmark's job.)
import { rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { SparkSession } from "../../engine/index";
import { generateText } from "./gen-text";
import { printProfileSummary, runProfiled } from "./thread-profiler";

async function job(which: string): Promise<void> {
  const spark = await SparkSession.builder().master("local[2]").getOrCreate();
  const sc = spark.sparkContext;
  const t = performance.now();
  if (which === "trivial") {
    const data = Array.from({ length: 1000 }, (_, i) => i);
    for (let i = 0; i < 500; i++) await sc.parallelize(data, 2).map((x) => x + 1).collect();
  } else if (which === "empty") {
    await sc.parallelize<number>([], 200).count();
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await sc.parallelize<number>([], 4000).count();
      console.log(`4000 empty tasks: ${(performance.now() - t0).toFixed(0)} ms`);
    }
  } else if (which === "wordcount") {
    const path = join(tmpdir(), "bigdata-bench", "text-100mb.txt");
    await generateText(path, 100 * 1024 * 1024);
    await sc.textFile(path).flatMap((l) => l.split(/\s+/)).filter((w) => w !== "").map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b).collect();
  } else {
    await sc.range(0, 10_000_000, 1, 4).map((x) => [x, 1] as [number, number]).reduceByKey((a, b) => a + b, 4).count();
  }
  console.log(`${which}: ${(performance.now() - t).toFixed(0)} ms`);
  for (const task of spark.lastJob()?.tasks() ?? []) {
    const m = task.metrics;
    console.log(`  stage ${task.stageId} p${task.partition} ${task.workerId}: ${m?.durationMs.toFixed(0)} ms, write ${m?.shuffleWriteTimeMs.toFixed(0)} ms, read ${m?.shuffleReadTimeMs.toFixed(0)} ms, spill ${((m?.spillBytes ?? 0) / 1e6).toFixed(0)} MB`);
  }
  await spark.stop();
}

if (process.argv[2] === "job") await job(process.argv[3]!);
else {
  const which = process.argv[2] ?? "shuffle";
  const dir = process.argv[3] ?? join(tmpdir(), `engine-prof-${which}`);
  rmSync(dir, { recursive: true, force: true });
  runProfiled(["test/bench/engine-bench-profile.ts", "job", which], dir, "ENGINE_BENCH_PROF_DIR", 500);
  printProfileSummary(dir, 25);
}
