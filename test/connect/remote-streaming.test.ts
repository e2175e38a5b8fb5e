// Structured streaming on a remote session against real Spark 4.0.1: the programming guide's
// windowed word count with a watermark, written once with the workbench's API, run on the
// embedded engine and on the server (a file source with fixed event times, availableNow trigger,
// memory sink): same windows, same counts. Also the query handle's members on the server.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { F, MemoryStream, SparkSession, type DataFrame, type RemoteSparkSession } from "../../engine/index";
import { javaMissing, startConnectServer, type ConnectServer } from "./connect-server";
import { resultText } from "./normalize";

const noJava = javaMissing();
let server: ConnectServer | undefined;
let remote: RemoteSparkSession;
let embedded: SparkSession;
const dir = mkdtempSync(join(tmpdir(), "bdw-connect-stream-"));
const input = join(dir, "events");

beforeAll(async () => {
  if (noJava) return;
  mkdirSync(input);
  const rows = (minute: number, words: string[]) => words.map((w, i) => JSON.stringify({ ts: `2024-05-01T12:${String(minute).padStart(2, "0")}:${String(i * 7).padStart(2, "0")}Z`, word: w })).join("\n");
  writeFileSync(join(input, "part-0.json"), rows(0, ["cat", "dog", "cat"]) + "\n" + rows(4, ["dog", "owl"]) + "\n");
  writeFileSync(join(input, "part-1.json"), rows(7, ["cat", "cat", "owl"]) + "\n" + rows(13, ["dog"]) + "\n");
  [server, embedded] = await Promise.all([
    startConnectServer({ "spark.sql.session.timeZone": "UTC", "spark.sql.shuffle.partitions": "2" }),
    SparkSession.builder().master("local[2]").appName("remote-streaming").config("spark.sql.shuffle.partitions", 2).getOrCreate(),
  ]);
  remote = await SparkSession.builder().remote(server.url).getOrCreate();
}, 240_000);
afterAll(async () => {
  await remote?.stop().catch(() => undefined);
  await embedded?.stop();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The guide's windowed count: 10-minute windows sliding every 5 minutes, a 10-minute watermark. */
function windowedCounts(spark: { readStream: { schema(s: string): { json(p: string): DataFrame } } }): DataFrame {
  const events = spark.readStream.schema("ts timestamp, word string").json(input);
  return events.withWatermark("ts", "10 minutes").groupBy(F.window("ts", "10 minutes", "5 minutes"), F.col("word")).count();
}

describe.skipIf(!!noJava)("structured streaming on a remote session", () => {
  it("runs the guide's windowed count on the server with the embedded engine's answer", async () => {
    const results: string[] = [];
    for (const [name, spark] of [["embedded", embedded], ["remote", remote]] as const) {
      const df = windowedCounts(spark as never);
      expect(df.isStreaming).toBe(true);
      expect(() => df.count()).toThrow(/writeStream.start/);
      const q = df.writeStream.outputMode("complete").format("memory").queryName(`counts_${name}`).trigger({ availableNow: true }).start();
      await q.processAllAvailable();
      await q.awaitTermination(60_000);
      const out = spark.sql("SELECT `window`.start AS start, `window`.end AS end, word, count FROM counts_" + name);
      results.push(resultText(out.columns, await out.collectInternal(), false));
      await q.stop();
    }
    expect(results[1]).toBe(results[0]);
    expect(results[0]!.split("\n").length).toBeGreaterThan(6);
  }, 180_000);

  it("exposes the running query's status, progress and stop on the server", async () => {
    const q = remote.readStream.format("rate").option("rowsPerSecond", 50).load()
      .selectExpr("value % 3 AS k").groupBy("k").count()
      .writeStream.outputMode("complete").format("memory").queryName("rate_counts").trigger({ processingTime: "500 milliseconds" }).start();
    try {
      expect(q.isActive).toBe(true);
      expect(remote.streams.active.map((a) => a.id)).toContain(q.id);
      await new Promise((r) => setTimeout(r, 3000));
      await q.processAllAvailable();
      expect(q.recentProgress.length).toBeGreaterThan(0);
      expect(q.lastProgress).toMatchObject({ name: "rate_counts" });
      expect(q.explainString()).toMatch(/Aggregate|WriteToMicroBatchDataSource/);
      const rows = await remote.sql("SELECT k, count FROM rate_counts ORDER BY k").collect();
      expect(rows.map((r) => r.k)).toEqual([0, 1, 2]);
    } finally {
      await q.stop();
    }
    expect(q.isActive).toBe(false);
    expect(q.exception()).toBeNull();
  }, 120_000);

  it("refuses a MemoryStream at once, naming the sources a server can read", () => {
    expect(() => new MemoryStream(remote, "word STRING")).toThrow(/UNSUPPORTED_FEATURE\.SPARK_CONNECT[\s\S]*MemoryStream[\s\S]*format\("rate"\)/);
  });
});
