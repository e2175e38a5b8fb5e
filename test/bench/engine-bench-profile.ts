// CPU profiles of the engine benchmarks' jobs, in every thread (driver, worker processes, executor
// threads), summarised as self time per function. Same hook technique as sql-bench-profile.ts.
//   npx tsx test/bench/engine-bench-profile.ts trivial|wordcount|shuffle [DIR]
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { SparkSession } from "../../engine/index";
import { generateText } from "./gen-text";

const HOOK = `
import { Session } from "node:inspector";
import { writeFileSync } from "node:fs";
import { threadId } from "node:worker_threads";
const dir = process.env.ENGINE_BENCH_PROF_DIR;
if (dir) {
  const s = new Session(); s.connect();
  let seq = 0;
  const start = () => { s.post("Profiler.enable"); s.post("Profiler.setSamplingInterval", { interval: 500 }); s.post("Profiler.start"); };
  const flush = () => s.post("Profiler.stop", (err, r) => {
    if (!err && r) writeFileSync(dir + "/p-" + process.pid + "-t" + threadId + "-" + String(seq++).padStart(4, "0") + ".cpuprofile", JSON.stringify(r.profile));
  });
  start();
  setInterval(() => { flush(); start(); }, 2000).unref();
  process.on("exit", flush);
}
`;

async function job(which: string): Promise<void> {
  const spark = await SparkSession.builder().master("local[2]").getOrCreate();
  const sc = spark.sparkContext;
  const t = performance.now();
  if (which === "trivial") {
    const data = Array.from({ length: 1000 }, (_, i) => i);
    for (let i = 0; i < 500; i++) await sc.parallelize(data, 2).map((x) => x + 1).collect();
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
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "hook.mjs"), HOOK);
  spawnSync("npx", ["tsx", "test/bench/engine-bench-profile.ts", "job", which], {
    stdio: "inherit", env: { ...process.env, ENGINE_BENCH_PROF_DIR: dir, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import ${join(dir, "hook.mjs")}` },
  });
  spawnSync("npx", ["tsx", "test/bench/sql-bench-profile.ts", "summary", dir, "25"], { stdio: "inherit" });
}
