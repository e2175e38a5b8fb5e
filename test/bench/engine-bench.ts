// Engine core benchmarks (issue: engine core). Each prints the engine's figure and a baseline
// measured in the same run, with their ratio. No assertions: machines are shared and noisy.
import { readFileSync, mkdirSync, openSync, readSync, closeSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import WebSocket, { WebSocketServer } from "ws";
import { SparkSession } from "../../engine/index";
import { generateText } from "./gen-text";
import { pysparkPeer } from "./pyspark-peer";
import { median } from "./stats";
import type { BenchResult } from "./run";

const DIR = join(tmpdir(), "bigdata-bench");
mkdirSync(DIR, { recursive: true });

interface PeerRun { ms: number; version: string; distinct?: number; keys?: number }
/** The same RDD workload on PySpark local[2] (pyspark_engine_peer.py), or why it was not measured. */
const pysparkRun = (args: string[]) => pysparkPeer<PeerRun>("pyspark_engine_peer.py", args, 1_200_000);

/** PySpark's figure beside ours, for a note: time, ratio, and whether its answer agreed. */
function pysparkNote(peer: PeerRun | string, engineMs: number, agrees: (p: PeerRun) => boolean): string {
  if (typeof peer === "string") return peer;
  return `${agrees(peer) ? "" : "RESULT MISMATCH PySpark; "}PySpark ${peer.version} local[2] ${peer.ms.toFixed(0)} ms: engine/PySpark ratio ${(engineMs / peer.ms).toFixed(2)} (target <= 1)`;
}

/** Single-process word count with a plain loop: the baseline a student would write. */
function loopWordCount(path: string): Map<string, number> {
  const counts = new Map<string, number>();
  const fd = openSync(path, "r");
  const buf = Buffer.allocUnsafe(8 << 20);
  let rest = "";
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, null);
    if (n === 0) break;
    const text = rest + buf.toString("utf8", 0, n);
    const lines = text.split("\n");
    rest = lines.pop()!;
    for (const line of lines) for (const w of line.split(/\s+/)) if (w) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  for (const w of rest.split(/\s+/)) if (w) counts.set(w, (counts.get(w) ?? 0) + 1);
  closeSync(fd);
  return counts;
}

export async function trivialLatency(): Promise<BenchResult> {
  const spark = await SparkSession.builder().master("local[2]").getOrCreate();
  const sc = spark.sparkContext;
  const data = Array.from({ length: 1000 }, (_, i) => i);
  for (let i = 0; i < 30; i++) await sc.parallelize(data, 2).map((x) => x + 1).collect();
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    await sc.parallelize(data, 2).map((x) => x + 1).collect();
    times.push(performance.now() - t);
  }
  const base: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    data.map((x) => x + 1);
    base.push(performance.now() - t);
  }
  await spark.stop();
  const m = median(times);
  return { name: "trivial job latency (parallelize 1,000 ints, map, collect; warm local[2])", value: m, unit: "ms median", baseline: median(base), baselineName: "in-process Array.map", ratio: m / Math.max(median(base), 1e-6), target: "median <= 3 ms", pass: m <= 3 };
}

export async function wordCount100MB(): Promise<BenchResult> {
  const path = join(DIR, "text-100mb.txt");
  await generateText(path, 100 * 1024 * 1024);
  let t = performance.now();
  const model = loopWordCount(path);
  const loopMs = performance.now() - t;
  const spark = await SparkSession.builder().master("local[2]").getOrCreate();
  const sc = spark.sparkContext;
  t = performance.now();
  // Same tokenization as the loop (split on whitespace runs, skip empty tokens).
  const counts = await sc.textFile(path).flatMap((l) => l.split(/\s+/)).filter((w) => w !== "").map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b).collect();
  const engineMs = performance.now() - t;
  await spark.stop();
  const ok = counts.length === model.size && counts.every(([w, c]) => model.get(w) === c);
  const peer = pysparkNote(pysparkRun(["wordcount", path]), engineMs, (p) => p.distinct === model.size);
  return { name: "word count, 100 MB generated text (local[2] vs single-process loop)", value: engineMs, unit: "ms", baseline: loopMs, baselineName: "hand-written loop", ratio: engineMs / loopMs, target: "<= 0.6x the loop", pass: ok && engineMs / loopMs <= 0.6, note: [ok ? "" : "RESULT MISMATCH", peer].filter(Boolean).join("; ") };
}

/** Time to push `bytes` over a raw loopback WebSocket from another process, in 1 MB frames (zero masking key, as the engine's clients). */
async function rawWebSocketMs(bytes: number): Promise<number> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, maxPayload: 1 << 30 });
  await new Promise((r) => wss.once("listening", r));
  const port = (wss.address() as { port: number }).port;
  let received = 0;
  const done = new Promise<number>((resolve) => {
    let start = 0;
    wss.on("connection", (ws) => {
      ws.on("message", (d: Buffer) => {
        if (!start) start = performance.now();
        received += d.length;
        if (received >= bytes) resolve(performance.now() - start);
      });
    });
  });
  const child = spawn(process.execPath, ["-e", `
    const WebSocket = require(${JSON.stringify(createRequire(import.meta.url).resolve("ws"))});
    const ws = new WebSocket("ws://127.0.0.1:${port}", { generateMask: (m) => m.fill(0) }); // unmasked, as the engine's connections (rpc/transport.ts zeroMask)
    ws.on("open", async () => {
      const frame = Buffer.alloc(1 << 20, 7);
      let sent = 0;
      while (sent < ${bytes}) {
        const n = Math.min(frame.length, ${bytes} - sent);
        ws.send(n === frame.length ? frame : frame.subarray(0, n));
        sent += n;
        if (ws.bufferedAmount > 64 << 20) await new Promise((r) => setTimeout(r, 1));
      }
    });
  `], { stdio: "inherit" });
  const ms = await done;
  child.kill();
  wss.close();
  return ms;
}

/**
 * Shuffle throughput, as the issue defines it: the bytes shuffled divided by the time spent in the
 * shuffle machinery, from the tasks' metrics (Spark's TaskMetrics have the same two timers):
 *   - map side, shuffleWriteTimeMs: the writer's batch work - encoding frames, spills, writing
 *     the data and index files (not computing the records, not the per-record partitioner call);
 *   - reduce side, shuffleReadTimeMs: fetching the blocks (local disk reads and remote fetches,
 *     waiting included) and decoding their frames into records (not the reducer's aggregation).
 * The timers are summed over all tasks, i.e. as if one slot did all the shuffle work: no credit
 * is taken for the two slots running in parallel. The baseline pushes the same number of bytes
 * over a raw loopback WebSocket from another process (1 MB frames). The end-to-end job time and
 * its bytes/s are printed in the name (they include range + map + combine + count).
 */
export async function shuffleThroughput(): Promise<BenchResult> {
  const spark = await SparkSession.builder().master("local[2]").getOrCreate();
  const sc = spark.sparkContext;
  const N = 10_000_000;
  // Unique keys: map-side combine cannot shrink anything, so every record crosses the shuffle.
  const t = performance.now();
  const n = await sc.range(0, N, 1, 4).map((x) => [x, 1] as [number, number]).reduceByKey((a, b) => a + b, 4).count();
  const jobMs = performance.now() - t;
  const tasks = spark.lastJob()!.tasks();
  await spark.stop();
  const sum = (f: (m: NonNullable<(typeof tasks)[number]["metrics"]>) => number) => tasks.reduce((a, x) => a + (x.metrics ? f(x.metrics) : 0), 0);
  const shuffleBytes = sum((m) => m.shuffleWriteBytes);
  const writeMs = sum((m) => m.shuffleWriteTimeMs);
  const readMs = sum((m) => m.shuffleReadTimeMs);
  const shuffleMs = writeMs + readMs;
  const rawMs = await rawWebSocketMs(shuffleBytes);
  const peer = pysparkNote(pysparkRun(["reducebykey", String(N)]), jobMs, (p) => p.keys === N);
  const mb = shuffleBytes / 1048576;
  const engineMBs = mb / (shuffleMs / 1000);
  const rawMBs = mb / (rawMs / 1000);
  return {
    name: `reduceByKey over 10M records: shuffle throughput (${mb.toFixed(0)} MB shuffled, write ${writeMs.toFixed(0)} ms + read ${readMs.toFixed(0)} ms summed over tasks; end to end: job ${jobMs.toFixed(0)} ms = ${(mb / (jobMs / 1000)).toFixed(1)} MB/s, ${n} keys)`,
    value: engineMBs, unit: "MB/s", baseline: rawMBs, baselineName: "raw loopback WebSocket, same bytes", ratio: engineMBs / rawMBs,
    target: ">= 50% of raw", pass: engineMBs / rawMBs >= 0.5 && n === N,
    note: `the whole job against ${peer}`,
  };
}

export async function wordCount1GBCapped(): Promise<BenchResult> {
  const path = join(DIR, "text-1gb.txt");
  // A large vocabulary so map-side combine and reduce-side merges outgrow memory and spill.
  await generateText(path, 1024 * 1024 * 1024, 3_000_000, 11);
  const spark = await SparkSession.builder().master("local[2]").config("spark.executor.memory", "256m").getOrCreate();
  const sc = spark.sparkContext;
  const t = performance.now();
  let ok = true, note: string | undefined;
  let distinct = 0;
  try {
    distinct = await sc.textFile(path).flatMap((l) => l.split(" ")).map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b).count();
  } catch (e) {
    ok = false;
    note = (e as Error).message.slice(0, 800);
  }
  const ms = performance.now() - t;
  const spill = spark.lastJob()?.tasks().reduce((a, x) => a + (x.metrics?.spillBytes ?? 0), 0) ?? 0;
  await spark.stop();
  return { name: `word count, 1 GB, each worker heap capped at 256 MB (${distinct} distinct words, ${(spill / 1048576).toFixed(0)} MB spilled)`, value: ms, unit: "ms", target: "completes by spilling", pass: ok && spill > 0, note };
}

export const engineBenches = { trivialLatency, wordCount100MB, shuffleThroughput, wordCount1GBCapped };
void readFileSync; void statSync; void WebSocket;
