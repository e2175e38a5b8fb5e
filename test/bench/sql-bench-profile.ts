// CPU profile helper for the SQL benchmarks: runs one engine query (group-by or join) over the
// benchmark's Parquet file, and summarises .cpuprofile files (self time per function) so the
// owners can see where the time goes. Usage:
//   npx tsx test/bench/sql-bench-profile.ts cluster groupby|join|scan ROWS DIR   (profile + summary)
//   npx tsx test/bench/sql-bench-profile.ts run groupby|join|scan ROWS           (local[2], timing only)
// Node refuses --cpu-prof in NODE_OPTIONS and the launcher gives workers no extra flags, so a
// small hook (passed with NODE_OPTIONS=--import, which reaches the driver, the worker processes
// and their executor threads) runs the inspector's profiler in every thread and writes a chunk
// every 2 s (executor threads may be terminated without an exit event).
//   npx tsx test/bench/sql-bench-profile.ts summary DIR [TOP]
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { SparkSession, SqlSession, F, type DataFrame } from "../../engine/index";
import { localHost } from "../sql/support/local-context";
import { dimFile, factFile } from "./sql-bench-data";

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }
interface Profile { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[] }

/** Self time (ms) per function in one profile, largest first. */
export function selfTimes(p: Profile): { name: string; ms: number; share: number }[] {
  const total = (p.endTime - p.startTime) / 1000;
  const perSample = total / Math.max(1, p.samples.length);
  const by = new Map<string, number>();
  for (const n of p.nodes) {
    const f = n.callFrame;
    const where = f.url ? `${f.url.replace(/^file:\/\/.*?\/(engine|node_modules)\//, "$1/")}:${f.lineNumber + 1}` : "";
    const key = `${f.functionName || "(anonymous)"} ${where}`.trim();
    by.set(key, (by.get(key) ?? 0) + (n.hitCount ?? 0) * perSample);
  }
  return [...by].map(([name, ms]) => ({ name, ms, share: ms / total })).sort((a, b) => b.ms - a.ms);
}

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
    console.log(await df.join(d, "d").agg(F.count("*").alias("n"), F.sum("w").alias("sw")).collect());
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

const HOOK = `
import { Session } from "node:inspector";
import { writeFileSync } from "node:fs";
import { threadId } from "node:worker_threads";
const dir = process.env.SQL_BENCH_PROF_DIR;
if (dir) {
  const s = new Session(); s.connect();
  let seq = 0;
  const start = () => { s.post("Profiler.enable"); s.post("Profiler.setSamplingInterval", { interval: 1000 }); s.post("Profiler.start"); };
  const flush = () => s.post("Profiler.stop", (err, r) => {
    if (!err && r) writeFileSync(dir + "/p-" + process.pid + "-t" + threadId + "-" + String(seq++).padStart(4, "0") + ".cpuprofile", JSON.stringify(r.profile));
  });
  start();
  setInterval(() => { flush(); start(); }, 2000).unref();
  process.on("exit", flush);
}
`;

function profileCluster(which: string, rows: number, dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "hook.mjs"), HOOK);
  const r = spawnSync("npx", ["tsx", "test/bench/sql-bench-profile.ts", "run", which, String(rows)], {
    stdio: "inherit", env: { ...process.env, SQL_BENCH_PROF_DIR: dir, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import ${join(dir, "hook.mjs")}` },
  });
  if (r.status !== 0) console.error(`profiled run exited with ${r.status}`);
  summary(dir, 20);
}

/** Merge a thread's profile chunks (p-PID-tTHREAD-SEQ) into self-time rows. */
function summary(dir: string, top: number): void {
  const groups = new Map<string, Profile[]>();
  for (const f of readdirSync(dir).filter((x) => x.endsWith(".cpuprofile")).sort()) {
    const key = f.replace(/-\d+\.cpuprofile$/, "");
    const list = groups.get(key) ?? [];
    list.push(JSON.parse(readFileSync(join(dir, f), "utf8")) as Profile);
    groups.set(key, list);
  }
  for (const [f, chunks] of groups) {
    const merged = new Map<string, { name: string; ms: number; share: number }>();
    let wall = 0;
    for (const c of chunks) {
      wall += (c.endTime - c.startTime) / 1000;
      for (const r of selfTimes(c)) {
        const m = merged.get(r.name) ?? { name: r.name, ms: 0, share: 0 };
        m.ms += r.ms;
        merged.set(r.name, m);
      }
    }
    const rows = [...merged.values()].map((r) => ({ ...r, share: r.ms / wall })).sort((a, b) => b.ms - a.ms);
    const p = { startTime: 0, endTime: wall * 1000 };
    const busy = rows.filter((r) => !/^\((idle|program|garbage collector)\)/.test(r.name)).reduce((a, r) => a + r.ms, 0);
    if (busy < 200) continue; // idle processes/threads
    const gc = rows.find((r) => r.name.startsWith("(garbage collector)"))?.ms ?? 0;
    console.log(`\n== ${f}: ${((p.endTime - p.startTime) / 1000).toFixed(0)} ms wall, ${busy.toFixed(0)} ms in JS, GC ${gc.toFixed(0)} ms`);
    for (const r of rows.filter((x) => !x.name.startsWith("(idle)")).slice(0, top)) console.log(`  ${r.ms.toFixed(0).padStart(7)} ms ${(100 * r.share).toFixed(1).padStart(5)}%  ${r.name}`);
  }
}

if (process.argv[1]?.endsWith("sql-bench-profile.ts")) {
  const [cmd, a, b] = process.argv.slice(2);
  if (cmd === "run" || cmd === "local") await run(a ?? "groupby", Number(b ?? 1_000_000), cmd === "local");
  else if (cmd === "cluster") profileCluster(a ?? "groupby", Number(b ?? 1_000_000), process.argv[5] ?? "/tmp/sql-bench-prof");
  else if (cmd === "summary") summary(a!, Number(b ?? 20));
  else console.error("usage: sql-bench-profile.ts run|local groupby|join|scan ROWS | summary DIR [TOP]");
}
