// Structured streaming on a real local cluster: every micro-batch runs jobs on worker processes.
// Results are compared batch by batch with a plain JS model of Spark's rules (reference.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync, readdirSync, readFileSync, existsSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { F, MemoryStream, StreamingQueryException, type DataFrame, type SparkSession, type StreamingQuery } from "../../engine/index";
import { startSession } from "../engine/helpers";
import { referenceWindowedCounts, rowText, type Ev, type Mode } from "./reference";

let spark: SparkSession;
beforeAll(async () => ({ spark } = await startSession("local[2]")));
afterAll(async () => spark?.stop());

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1, 12, 0);
const at = (hhmm: string) => Date.UTC(2026, 0, 1, Number(hhmm.slice(0, 2)), Number(hhmm.slice(3)));
const tmp = (p: string) => mkdtempSync(join(tmpdir(), `stream-${p}-`));

interface Batch { id: number; rows: string[] }

async function waitForPush(pushed: Array<Record<string, unknown>>, pred: (b: Record<string, unknown>) => boolean): Promise<void> {
  while (!pushed.some(pred)) await new Promise((r) => setTimeout(r, 20));
}
type WRow = { window: { start: Date; end: Date }; word: string; count: number };

/** Run a windowed count over MemoryStream triggers and collect every batch's output via foreachBatch. */
async function runWindowed(batches: Ev[][], o: { size: string; slide?: string; delay: string; mode: Mode }): Promise<{ out: Batch[]; q: StreamingQuery }> {
  const input = new MemoryStream(spark, "word STRING, ts TIMESTAMP");
  const counts = input.toDF().withWatermark("ts", o.delay).groupBy(F.window("ts", o.size, o.slide), "word").count();
  const out: Batch[] = [];
  const q = counts.writeStream.outputMode(o.mode).foreachBatch(async (df: DataFrame, id: number) => {
    const rows = (await df.collect()) as unknown as WRow[];
    out.push({ id, rows: rows.map((r) => rowText(r.window.start.getTime(), r.window.end.getTime(), r.word, r.count)).sort() });
  }).start();
  for (const b of batches) {
    input.addData(b.map((e) => ({ word: e.key, ts: new Date(e.t) })));
    await q.processAllAvailable();
  }
  await q.stop();
  return { out, q };
}

// The Structured Streaming Programming Guide's watermark example.
const GUIDE: Ev[][] = [
  [{ key: "dog", t: at("12:07") }, { key: "owl", t: at("12:08") }],
  [{ key: "dog", t: at("12:14") }, { key: "cat", t: at("12:09") }],
  [{ key: "cat", t: at("12:15") }, { key: "dog", t: at("12:08") }, { key: "owl", t: at("12:13") }, { key: "owl", t: at("12:21") }],
  [{ key: "owl", t: at("12:17") }, { key: "donkey", t: at("12:04") }],
];
const w = (a: string, b: string, key: string, n: number) => rowText(at(a), at(b), key, n);

describe("the guide's watermark example (10-minute windows sliding every 5 minutes, 10-minute watermark)", () => {
  it("update mode: batch by batch as Spark; (12:09, cat) is counted, (12:04, donkey) dropped", async () => {
    const { out, q } = await runWindowed(GUIDE, { size: "10 minutes", slide: "5 minutes", delay: "10 minutes", mode: "update" });
    const ref = referenceWindowedCounts(GUIDE, { size: 10 * MIN, slide: 5 * MIN, delay: 10 * MIN, mode: "update" });
    expect(out.map((b) => b.rows)).toEqual(ref.map((b) => b.rows));
    expect(out.map((b) => b.id)).toEqual(ref.map((_, i) => i));
    // The guide's figure, explicitly: the late cat lands in 12:00-12:10 and 12:05-12:15.
    expect(out[2]!.rows).toEqual([w("12:00", "12:10", "cat", 1), w("12:05", "12:15", "cat", 1), w("12:05", "12:15", "dog", 2), w("12:10", "12:20", "dog", 1)].sort());
    // Watermark 12:11 in the last trigger: donkey's windows (11:55-12:05, 12:00-12:10) are dropped.
    const last = out[out.length - 1]!.rows;
    expect(last).toEqual([w("12:10", "12:20", "owl", 2), w("12:15", "12:25", "owl", 2)]);
    const p = q.recentProgress[q.recentProgress.length - 1]!;
    expect(p.eventTime.watermark).toBe(new Date(at("12:11")).toISOString());
    expect(p.stateOperators[0]!.numRowsDroppedByWatermark).toBe(2);
    expect(q.recentProgress.map((x) => x.stateOperators[0]!.numRowsTotal)).toEqual(ref.map((b) => b.stateRows));
  });

  it("append mode: each window once, when the watermark passes its end", async () => {
    const { out } = await runWindowed(GUIDE, { size: "10 minutes", slide: "5 minutes", delay: "10 minutes", mode: "append" });
    const ref = referenceWindowedCounts(GUIDE, { size: 10 * MIN, slide: 5 * MIN, delay: 10 * MIN, mode: "append" });
    expect(out.map((b) => b.rows)).toEqual(ref.map((b) => b.rows));
    const all = out.flatMap((b) => b.rows);
    expect(all).toContain(w("12:00", "12:10", "cat", 1));
    expect(all).toContain(w("12:00", "12:10", "dog", 2));
    expect(all.some((r) => r.includes("donkey"))).toBe(false);
  });

  it("complete mode: the whole table every batch, nothing dropped", async () => {
    const { out } = await runWindowed(GUIDE, { size: "10 minutes", slide: "5 minutes", delay: "10 minutes", mode: "complete" });
    const ref = referenceWindowedCounts(GUIDE, { size: 10 * MIN, slide: 5 * MIN, delay: 10 * MIN, mode: "complete" });
    expect(out.map((b) => b.rows)).toEqual(ref.map((b) => b.rows));
    expect(out[out.length - 1]!.rows.some((r) => r.includes("donkey"))).toBe(true);
  });
});

describe("windowed counts with out-of-order and late events", () => {
  // A deterministic pseudo-random stream: drifting event times, some far behind.
  function events(seed: number, nBatches: number, perBatch: number): Ev[][] {
    let s = seed;
    const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const out: Ev[][] = [];
    for (let b = 0; b < nBatches; b++) {
      const base = T0 + b * 7 * MIN;
      out.push(Array.from({ length: perBatch }, () => ({ key: ["a", "b", "c"][Math.floor(rnd() * 3)]!, t: base + Math.floor((rnd() * 30 - 20) * MIN / 1000) * 1000 })));
    }
    return out;
  }
  for (const mode of ["update", "append", "complete"] as Mode[]) {
    it(`${mode}: sliding windows, every batch equals the reference (state eviction included)`, async () => {
      const data = events(mode.length * 7, 5, 40);
      const { out, q } = await runWindowed(data, { size: "10 minutes", slide: "4 minutes", delay: "6 minutes", mode });
      const ref = referenceWindowedCounts(data, { size: 10 * MIN, slide: 4 * MIN, delay: 6 * MIN, mode });
      expect(out.map((b) => b.rows)).toEqual(ref.map((b) => b.rows));
      expect(q.recentProgress.map((x) => x.stateOperators[0]!.numRowsTotal)).toEqual(ref.map((b) => b.stateRows));
      expect(q.recentProgress.map((x) => x.stateOperators[0]!.numRowsDroppedByWatermark)).toEqual(ref.map((b) => b.dropped));
      if (mode !== "complete") expect(ref.some((b) => b.dropped > 0)).toBe(true);
    });
  }
  it("tumbling windows (no slide) in update mode", async () => {
    const data = events(99, 4, 30);
    const { out } = await runWindowed(data, { size: "5 minutes", delay: "3 minutes", mode: "update" });
    const ref = referenceWindowedCounts(data, { size: 5 * MIN, slide: 5 * MIN, delay: 3 * MIN, mode: "update" });
    expect(out.map((b) => b.rows)).toEqual(ref.map((b) => b.rows));
  });
});

describe("stateless queries, sinks and the query handle", () => {
  it("select/where/explode to the memory sink; spark.sql reads the query's view; progress fields", async () => {
    const input = new MemoryStream(spark, "line STRING, n INT");
    const df = input.toDF().where("n % 2 = 0").select(F.explode(F.split(F.col("line"), " ")).alias("word"), "n");
    expect(df.isStreaming).toBe(true);
    const q = df.writeStream.format("memory").queryName("words_out").outputMode("append").start();
    const lines = [["a b", 2], ["c", 3], ["d e f", 4]], more = [["g", 6], ["h i", 7]];
    input.addData(lines);
    await q.processAllAvailable();
    input.addData(more);
    await q.processAllAvailable();
    const expected = [...lines, ...more].filter(([, n]) => (n as number) % 2 === 0).flatMap(([l, n]) => (l as string).split(" ").map((word) => ({ word, n })));
    const got = await spark.sql("SELECT word, n FROM words_out").collect();
    expect(got.map((r) => `${r.word}${r.n}`).sort()).toEqual(expected.map((r) => `${r.word}${r.n}`).sort());
    expect(q.recentProgress.map((p) => p.numInputRows)).toEqual([3, 2]);
    const p = q.lastProgress!;
    expect(p.batchId).toBe(1);
    expect(p.sources[0]!.description).toBe("MemoryStream[line,n]");
    expect(p.sink.numOutputRows).toBe(1);
    for (const k of ["getBatch", "latestOffset", "walCommit", "addBatch", "triggerExecution"]) expect(typeof p.durationMs[k]).toBe("number");
    expect(q.status.isTriggerActive === false || q.status.isTriggerActive === true).toBe(true);
    expect(q.isActive).toBe(true);
    expect(spark.streams.active.map((x) => x.id)).toContain(q.id);
    expect(spark.streams.get(q.id)).toBe(q);
    expect(await q.awaitTermination(50)).toBe(false);
    await q.stop();
    expect(q.isActive).toBe(false);
    expect(q.status.message).toBe("Stopped");
    expect(spark.streams.get(q.id)).toBe(null);
  });

  it("complete mode with a sort (allowed after an aggregation) to the console sink", async () => {
    const input = new MemoryStream(spark, "k STRING, v INT");
    const agg = input.toDF().groupBy("k").agg(F.sum("v").alias("s"), F.count("*").alias("c"), F.avg("v").alias("a"), F.min("v").alias("lo"), F.max("v").alias("hi")).orderBy(F.col("s").desc());
    const printed: string[] = [];
    const orig = console.log;
    console.log = (s: unknown) => printed.push(String(s));
    const q = agg.writeStream.outputMode("complete").format("console").start();
    const data = [[["x", 1], ["y", 5], ["x", 2]], [["y", 1], ["z", 10], ["x", 4]]];
    try {
      for (const b of data) { input.addData(b); await q.processAllAvailable(); }
    } finally { console.log = orig; }
    await q.stop();
    const all = data.flat() as [string, number][];
    const ref = new Map<string, number[]>();
    for (const [k, v] of all) ref.set(k, [...(ref.get(k) ?? []), v]);
    const lines = [...ref].map(([k, vs]) => ({ k, s: vs.reduce((a, b) => a + b, 0), c: vs.length, lo: Math.min(...vs), hi: Math.max(...vs) })).sort((a, b) => b.s - a.s);
    expect(printed.length).toBe(2);
    expect(printed[1]).toContain("Batch: 1");
    const body = printed[1]!.split("\n").filter((l) => /^\|\s*[xyz]\s*\|/.test(l));
    expect(body.map((l) => l.split("|")[1]!.trim())).toEqual(lines.map((r) => r.k));
    for (const r of lines) expect(printed[1]).toMatch(new RegExp(`\\|\\s*${r.k}\\s*\\|\\s*${r.s}\\s*\\|\\s*${r.c}\\s*\\|`));
  });

  it("dropDuplicates with a watermark: each key once, late rows dropped, state evicted", async () => {
    const input = new MemoryStream(spark, "id STRING, ts TIMESTAMP");
    const q = input.toDF().withWatermark("ts", "5 minutes").dropDuplicates("id", "ts").writeStream.format("memory").queryName("dedup_out").start();
    const batches: [string, number][][] = [
      [["a", at("12:00")], ["b", at("12:01")], ["a", at("12:00")]],
      [["a", at("12:00")], ["c", at("12:10")], ["b", at("12:01")]],
      [["d", at("12:02")], ["a", at("12:00")], ["e", at("12:11")], ["e", at("12:11")]],
    ];
    for (const b of batches) { input.addData(b.map(([id, t]) => ({ id, ts: new Date(t) }))); await q.processAllAvailable(); }
    await q.stop();
    // Reference: a row is late if ts <= watermark (max earlier ts - 5 min); a (id, ts) key is kept until the watermark passes it.
    const seen = new Map<string, number>();
    let wm = 0, maxT = 0;
    const expected: string[] = [];
    for (const b of batches) {
      for (const [id, t] of b) {
        if (t <= wm) continue;
        const k = `${id}|${t}`;
        if (seen.has(k)) continue;
        seen.set(k, t);
        expected.push(k);
      }
      for (const [k, t] of [...seen]) if (t <= wm) seen.delete(k);
      maxT = Math.max(maxT, ...b.map(([, t]) => t));
      wm = Math.max(wm, maxT - 5 * MIN);
    }
    const got = (await spark.table("dedup_out").collect()).map((r) => `${r.id}|${(r.ts as Date).getTime()}`);
    expect(got.sort()).toEqual(expected.sort());
    expect(got.filter((x) => x.startsWith("d|")).length).toBe(0); // 12:02 <= 12:05 watermark
  });

  it("stream-static join", async () => {
    const dim = spark.createDataFrame([{ k: "x", name: "ex" }, { k: "y", name: "why" }], "k STRING, name STRING");
    const input = new MemoryStream(spark, "k STRING, v INT");
    const q = input.toDF().join(dim, "k").writeStream.format("memory").queryName("joined_out").start();
    const data: [string, number][] = [["x", 1], ["z", 2], ["y", 3], ["x", 4]];
    input.addData(data.slice(0, 2)); await q.processAllAvailable();
    input.addData(data.slice(2)); await q.processAllAvailable();
    await q.stop();
    const names: Record<string, string> = { x: "ex", y: "why" };
    const expected = data.filter(([k]) => names[k]).map(([k, v]) => `${k}${v}${names[k]}`).sort();
    const got = (await spark.table("joined_out").collect()).map((r) => `${r.k}${r.v}${r.name}`).sort();
    expect(got).toEqual(expected);
  });

  it("stream-stream inner join with watermarks and a time range: every match of non-late rows once; old state evicted", async () => {
    const imps = new MemoryStream(spark, "adId STRING, impTime TIMESTAMP");
    const clicks = new MemoryStream(spark, "clickAdId STRING, clickTime TIMESTAMP");
    const joined = imps.toDF().withWatermark("impTime", "10 minutes")
      .join(clicks.toDF().withWatermark("clickTime", "20 minutes"), F.expr("clickAdId = adId AND clickTime >= impTime AND clickTime <= impTime + interval 15 minutes"));
    const q = joined.writeStream.format("memory").queryName("ad_joins").start();
    const I = (ad: string, t: string): [string, number] => [ad, at(t)];
    const feed: Array<{ imps: [string, number][]; clicks: [string, number][] }> = [
      { imps: [I("a", "12:00"), I("b", "12:05"), I("c", "12:06")], clicks: [I("a", "12:10")] },
      { imps: [I("d", "12:30"), I("a", "12:31")], clicks: [I("b", "12:18"), I("c", "12:25"), I("a", "12:12")] },
      { imps: [I("e", "13:00"), I("a", "12:01")], clicks: [I("d", "12:40"), I("a", "12:40"), I("e", "13:05")] },
      { imps: [I("f", "13:30")], clicks: [I("e", "13:10"), I("a", "12:35"), I("b", "12:16")] },
    ];
    for (const b of feed) {
      imps.addData(b.imps.map(([adId, t]) => ({ adId, impTime: new Date(t) })));
      clicks.addData(b.clicks.map(([clickAdId, t]) => ({ clickAdId, clickTime: new Date(t) })));
      await q.processAllAvailable();
    }
    await q.stop();
    // Reference: the global watermark (minimum over both inputs of max event time - delay, from
    // earlier batches) makes rows at or before it late; the output is every matching pair of non-late rows.
    let wm = 0, maxI = -Infinity, maxC = -Infinity;
    const li: [string, number][] = [], rc: [string, number][] = [];
    for (const b of feed) {
      li.push(...b.imps.filter(([, t]) => t > wm));
      rc.push(...b.clicks.filter(([, t]) => t > wm));
      maxI = Math.max(maxI, ...b.imps.map(([, t]) => t));
      maxC = Math.max(maxC, ...b.clicks.map(([, t]) => t));
      wm = Math.max(wm, Math.min(maxI - 10 * MIN, maxC - 20 * MIN));
    }
    const expected = li.flatMap(([a, ti]) => rc.filter(([c, tc]) => c === a && tc >= ti && tc <= ti + 15 * MIN).map(([, tc]) => `${a} ${ti} ${tc}`)).sort();
    const got = (await spark.table("ad_joins").collect()).map((r) => `${r.adId} ${(r.impTime as Date).getTime()} ${(r.clickTime as Date).getTime()}`).sort();
    expect(got).toEqual(expected);
    expect(expected.length).toBeGreaterThan(3);
    const dropped = q.recentProgress.reduce((a, p) => a + p.stateOperators[0]!.numRowsDroppedByWatermark, 0);
    expect(dropped).toBe(feed.reduce((a, b) => a + b.imps.length + b.clicks.length, 0) - li.length - rc.length);
    expect(dropped).toBeGreaterThan(0);
    // Buffered rows that can no longer match were evicted.
    expect(q.lastProgress!.stateOperators[0]!.numRowsTotal).toBeLessThan(li.length + rc.length);
    expect(() => joined.writeStream.outputMode("update").format("memory").queryName("j2").start()).toThrow(/only in Append output mode/);
  });

  it("rate source: contiguous values with timestamps rowsPerSecond apart", async () => {
    const q = spark.readStream.format("rate").option("rowsPerSecond", 50).option("numPartitions", 2).load().writeStream.format("memory").queryName("rate_out").start();
    while ((q.lastProgress?.numInputRows ?? 0) === 0) await new Promise((r) => setTimeout(r, 200));
    await q.stop();
    const rows = (await spark.table("rate_out").collect()).map((r) => ({ v: Number(r.value), t: (r.timestamp as Date).getTime() })).sort((a, b) => a.v - b.v);
    expect(rows.length % 50).toBe(0);
    expect(rows.map((r) => r.v)).toEqual(rows.map((_, i) => i));
    for (const r of rows) expect(r.t - rows[0]!.t).toBe(r.v * 20);
  });

  it("file source: new JSON files are picked up once, maxFilesPerTrigger per batch; DROPMALFORMED; file sink with _spark_metadata", async () => {
    const dir = tmp("in"), outDir = tmp("out"), cp = tmp("cp");
    const put = (name: string, lines: string[], age: number) => {
      writeFileSync(join(dir, name), lines.join("\n") + "\n");
      const t = new Date(Date.now() - age * 1000);
      utimesSync(join(dir, name), t, t);
    };
    put("a.json", ['{"k":"x","v":1}', '{"k":"y","v":2}'], 30);
    put("b.json", ['{"k":"x","v":3}', "{not json"], 20);
    const q = spark.readStream.schema("k STRING, v INT").option("maxFilesPerTrigger", 1).option("mode", "DROPMALFORMED").json(dir)
      .where("v > 0").writeStream.format("json").option("checkpointLocation", cp).start(outDir);
    await q.processAllAvailable();
    put("c.json", ['{"k":"z","v":5}'], 0);
    await q.processAllAvailable();
    await q.stop();
    expect(q.recentProgress.map((p) => p.sources[0]!.endOffset)).toEqual([{ logOffset: 0 }, { logOffset: 1 }, { logOffset: 2 }]);
    const meta = readdirSync(join(outDir, "_spark_metadata")).sort();
    expect(meta).toEqual(["0", "1", "2"]);
    const back = await spark.read.schema("k STRING, v INT").json(outDir).collect();
    expect(back.map((r) => `${r.k}${r.v}`).sort()).toEqual(["x1", "x3", "y2", "z5"]);
    expect(readdirSync(join(cp, "offsets")).sort()).toEqual(["0", "1", "2"]);
    expect(readdirSync(join(cp, "commits")).sort()).toEqual(["0", "1", "2"]);
  });

  it("file sink with partitionBy: Hive-style folders, each batch's files logged, read back with the partition column", async () => {
    const outDir = tmp("pout"), cp = tmp("pcp");
    const input = new MemoryStream(spark, "k STRING, v INT");
    const q = input.toDF().writeStream.format("parquet").partitionBy("k").option("checkpointLocation", cp).start(outDir);
    input.addData([{ k: "a", v: 1 }, { k: "b", v: 2 }, { k: "a", v: 3 }]);
    await q.processAllAvailable();
    input.addData([{ k: "c", v: 4 }, { k: "a", v: 5 }]);
    await q.processAllAvailable();
    await q.stop();
    expect(readdirSync(outDir).filter((n) => !n.startsWith("_")).sort()).toEqual(["k=a", "k=b", "k=c"]);
    expect(readdirSync(join(outDir, "k=a")).every((n) => /^part-0000[01]-\d{5}\./.test(n))).toBe(true);
    const logged = readdirSync(join(outDir, "_spark_metadata")).sort().flatMap((b) => readFileSync(join(outDir, "_spark_metadata", b), "utf8").split("\n").filter((l) => l.startsWith("{")).map((l) => (JSON.parse(l) as { path: string }).path));
    expect(logged.every((p) => existsSync(p) && /\/k=[abc]\/part-/.test(p))).toBe(true);
    const back = await spark.read.parquet(outDir).collect();
    expect(back.map((r) => `${r.k}${r.v}`).sort()).toEqual(["a1", "a3", "a5", "b2", "c4"]);
    expect(() => input.toDF().writeStream.format("parquet").partitionBy("nope").option("checkpointLocation", tmp("pcp2")).start(tmp("pout2"))).toThrow(/Partition column `nope` not found/);
    expect(() => input.toDF().writeStream.format("memory").queryName("pm").partitionBy("k").start()).toThrow(/partitionBy is supported by the file sinks/);
  });

  it("maxOffsetsPerTrigger splits a backlog into batches of at most that many rows", async () => {
    const input = new MemoryStream(spark, "v INT");
    input.maxOffsetsPerTrigger = 4;
    input.addData(Array.from({ length: 10 }, (_, v) => ({ v })));
    const q = input.toDF().writeStream.format("memory").queryName("limited_out").start();
    await q.processAllAvailable();
    await q.stop();
    expect(q.recentProgress.map((p) => p.numInputRows)).toEqual([4, 4, 2]);
    expect((await spark.table("limited_out").collect()).map((r) => r.v).sort((a, b) => (a as number) - (b as number))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("spark.streams.awaitAnyTermination, availableNow, explain and a duplicate query name", async () => {
    const input = new MemoryStream(spark, "v INT");
    input.addData([{ v: 1 }, { v: 2 }, { v: 3 }]);
    input.maxOffsetsPerTrigger = 2;
    spark.streams.resetTerminated();
    const q = input.toDF().where("v > 1").writeStream.format("memory").queryName("avail_out").trigger({ availableNow: true }).start();
    expect(await spark.streams.awaitAnyTermination()).toBe(true);
    expect(q.isActive).toBe(false);
    expect(q.recentProgress.map((p) => p.numInputRows)).toEqual([2, 1]);
    expect((await spark.table("avail_out").collect()).map((r) => r.v).sort()).toEqual([2, 3]);
    expect(q.explainString()).toMatch(/Filter/);
    const a = input.toDF().writeStream.format("memory").queryName("dup_name").start();
    expect(() => input.toDF().writeStream.format("memory").queryName("dup_name").start()).toThrow(/already active/);
    await a.stop();
  });

  it("the notebook panel: rendered from the query, pushed live after batches and once more when it stops", async () => {
    const input = new MemoryStream(spark, "k STRING, n INT");
    const q = input.toDF().groupBy("k").agg(F.sum("n").alias("total")).writeStream.outputMode("complete").format("memory").queryName("panel_out").start();
    const pushed: Array<Record<string, unknown>> = [];
    const live = (q as unknown as Record<symbol, (u: (b: Record<string, unknown>) => void) => () => void>)[Symbol.for("bigdata-workbench.liveDisplay")]!;
    live.call(q, (b) => pushed.push(b));
    input.addData([{ k: "b", n: 2 }, { k: "a", n: 1 }, { k: "b", n: 5 }]);
    await q.processAllAvailable();
    await q.stop();
    await waitForPush(pushed, (b) => String(b["text/plain"]).includes("stopped"));
    const last = pushed[pushed.length - 1]!;
    const text = String(last["text/plain"]);
    expect(text).toMatch(/Streaming query "panel_out"/);
    // The result table, sorted by key: a 1, b 7.
    expect(text.indexOf("|  a|")).toBeLessThan(text.indexOf("|  b|"));
    expect(text).toMatch(/\|\s+b\|\s+7\|/);
    expect(last["application/vnd.bigdata.stream+json"]).toBeDefined();
    const bundle = await (q as unknown as { _repr_mimebundle_(): Promise<Record<string, unknown>> })._repr_mimebundle_();
    expect(String(bundle["text/html"])).toContain("bdw-stream");
  });

  it("listeners hear start, progress and termination; trigger once runs one batch", async () => {
    const events: string[] = [];
    const l = {
      onQueryStarted: () => events.push("started"),
      onQueryProgress: (e: { progress: { batchId: number } }) => events.push(`progress ${e.progress.batchId}`),
      onQueryTerminated: () => events.push("terminated"),
    };
    spark.streams.addListener(l);
    const input = new MemoryStream(spark, "v INT");
    input.addData([{ v: 1 }, { v: 2 }]);
    const q = input.toDF().writeStream.format("memory").queryName("once_out").trigger({ once: true }).start();
    expect(await q.awaitTermination()).toBe(true);
    spark.streams.removeListener(l);
    expect(events).toEqual(["started", "progress 0", "terminated"]);
    expect((await spark.table("once_out").collect()).length).toBe(2);
  });

  it("restart on the same checkpoint resumes after the last committed batch (foreachBatch ids continue)", async () => {
    const cp = tmp("restart");
    const input = new MemoryStream(spark, "k STRING, ts TIMESTAMP");
    const seen: Array<[number, string[]]> = [];
    const start = () => input.toDF().withWatermark("ts", "0 minutes").groupBy(F.window("ts", "10 minutes"), "k").count()
      .writeStream.outputMode("update").option("checkpointLocation", cp)
      .foreachBatch(async (df: DataFrame, id: number) => { seen.push([id, (await df.collect()).map((r) => `${r.k}${r.count}`).sort()]); }).start();
    let q = start();
    input.addData([{ k: "a", ts: new Date(at("12:01")) }, { k: "a", ts: new Date(at("12:02")) }]);
    await q.processAllAvailable();
    await q.stop();
    const before = seen.length;
    q = start();
    input.addData([{ k: "a", ts: new Date(at("12:03")) }, { k: "b", ts: new Date(at("12:04")) }]);
    await q.processAllAvailable();
    await q.stop();
    expect(seen.slice(0, before).map(([id]) => id)).toEqual(seen.slice(0, before).map((_, i) => i));
    expect(seen[before]![0]).toBe(before); // ids continue after the restart
    // State survived the restart: a's window counts 3.
    expect(seen[before]![1]).toEqual(["a3", "b1"]);
  });
});

describe("refused operations and failures", () => {
  it("batch actions, sorts without complete mode, append without watermark, complete without aggregation, memory without a name", async () => {
    const input = new MemoryStream(spark, "k STRING, ts TIMESTAMP");
    const df = input.toDF();
    expect(() => df.count()).toThrow(/Queries with streaming sources must be executed with writeStream.start\(\)/);
    expect(() => df.orderBy("k").writeStream.format("memory").queryName("s1").start()).toThrow(/Sorting is not supported on streaming DataFrames/);
    expect(() => df.groupBy("k").count().writeStream.outputMode("append").format("memory").queryName("s2").start()).toThrow(/Append output mode not supported when there are streaming aggregations/);
    expect(() => df.writeStream.outputMode("complete").format("memory").queryName("s3").start()).toThrow(/Complete output mode not supported when there are no streaming aggregations/);
    expect(() => df.writeStream.format("memory").start()).toThrow(/queryName must be specified for memory sink/);
    expect(() => spark.range(3).writeStream).toThrow(/'writeStream' can be called only on streaming Dataset\/DataFrame/);
    expect(spark.range(3).isStreaming).toBe(false);
  });

  it("a failing batch stops the query with a StreamingQueryException naming the batch; the checkpoint stays consistent", async () => {
    const cp = tmp("fail");
    const input = new MemoryStream(spark, "v INT");
    const boom = F.udf((v: number) => { if (v === 13) throw new Error("unlucky thirteen"); return v; }, "int");
    const q = input.toDF().select(boom(F.col("v")).alias("v")).writeStream.format("memory").queryName("fail_out").option("checkpointLocation", cp).start();
    input.addData([{ v: 1 }]);
    await q.processAllAvailable();
    input.addData([{ v: 13 }]);
    await expect(q.processAllAvailable()).rejects.toThrow(/batch 1 failed/);
    await expect(q.awaitTermination()).rejects.toBeInstanceOf(StreamingQueryException);
    expect(q.isActive).toBe(false);
    expect(q.exception()!.message).toMatch(/STREAM_FAILED.*unlucky thirteen/s);
    expect(existsSync(join(cp, "offsets", "1"))).toBe(true);
    expect(existsSync(join(cp, "commits", "1"))).toBe(false);
    expect(readFileSync(join(cp, "commits", "0"), "utf8").startsWith("v1\n")).toBe(true);
  });
});
