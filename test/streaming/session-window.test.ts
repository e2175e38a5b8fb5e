// session_window (lecture 8's session windows) on batch DataFrames against real PySpark 4.0.1
// (.venv, Java 17): random events per key with ties, touching sessions (a row exactly one gap
// after the last), and null times; sessions per key and over all rows, for two gaps. On a stream,
// the same MemoryStream triggers go to both engines (PySpark reads them as files), and every
// batch's sessions must agree in append and update mode.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { F, MemoryStream, type DataFrame, type Row, type SparkSession } from "../../engine/index";
import { startSession } from "../engine/helpers";
import { javaAvailable, runPySpark } from "../python/venv";



/** Events: [key, "HH:MM:SS" | null, value], seeded. */
function events(): Array<[string, string | null, number]> {
  let s = 7;
  const rnd = () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
  const out: Array<[string, string | null, number]> = [];
  const hms = (sec: number) => [Math.floor(sec / 3600), Math.floor(sec / 60) % 60, sec % 60].map((x) => String(x).padStart(2, "0")).join(":");
  for (let i = 0; i < 120; i++) {
    const k = ["a", "b", "c"][Math.floor(rnd() * 3)]!;
    out.push([k, rnd() < 0.05 ? null : hms(12 * 3600 + Math.floor(rnd() * 3600)), i]);
  }
  out.push(["d", "13:00:00", 1000], ["d", "13:05:00", 1001], ["d", "13:05:00", 1002], ["d", "13:11:00", 1003]); // touching and tied
  return out;
}

let spark: SparkSession;
beforeAll(async () => ({ spark } = await startSession("local[2]")));
afterAll(async () => spark?.stop());

describe("session_window", () => {
  it.skipIf(!javaAvailable())("gives PySpark's sessions, per key and over all rows, for two gaps", async () => {
    const rows = events();
    const theirs = runPySpark<Record<string, string[]>>("test/streaming/python/session_window.py", [JSON.stringify(rows)]);
    const df = spark.createDataFrame(rows.map(([k, t, v]) => [k, t === null ? null : `2026-01-01 ${t}`, v]), "k STRING, ts STRING, v INT").withColumn("ts", F.to_timestamp("ts"));
    const hms = (d: Date) => d.toISOString().slice(11, 19);
    const show = (r: Row) => { const w = r.session_window as { start: Date; end: Date }; return `${hms(w.start)}-${hms(w.end)} ${(r.k as string | undefined) ?? "*"} ${r.n} ${r.s}`; };
    const ours: Record<string, string[]> = {};
    for (const gap of ["5 minutes", "90 seconds"]) {
      ours[`by key ${gap}`] = (await df.groupBy(F.session_window("ts", gap), "k").agg(F.count("*").alias("n"), F.sum("v").alias("s")).collect()).map(show).sort();
      ours[`all ${gap}`] = (await df.groupBy(F.session_window("ts", gap)).agg(F.count("*").alias("n"), F.sum("v").alias("s")).collect()).map(show).sort();
    }
    expect(ours).toEqual(theirs);
    expect(ours["by key 5 minutes"]).toContain("13:00:00-13:10:00 d 3 3003"); // 13:05 touches 13:00's end: one session; 13:11 starts another
  }, 300_000);

  it("names the column session_window (a struct of start and end) and rejects a bad gap", async () => {
    const df = spark.createDataFrame([["a", new Date("2026-01-01T12:00:00Z")]], "k STRING, ts TIMESTAMP");
    const g = df.groupBy(F.session_window("ts", "10 minutes")).count();
    expect(g.columns).toEqual(["session_window", "count"]);
    expect(((await g.collect())[0]!.session_window as { end: Date }).end.toISOString()).toBe("2026-01-01T12:10:00.000Z");
    expect(() => df.groupBy(F.session_window("ts", "soon")).count()).toThrow(/positive gap duration/);
  });

});

/** Triggers of [key, "HH:MM:SS", value]: sessions that grow, merge across batches (a bridging event), close, late and too-late rows. */
const FEED: Array<Array<[string, string, number]>> = [
  [["a", "12:00:00", 1], ["a", "12:03:00", 2], ["b", "12:01:00", 3]],
  [["a", "12:12:00", 4], ["b", "12:04:00", 5], ["a", "12:07:30", 6]],
  [["a", "12:20:00", 7], ["b", "12:02:00", 8], ["c", "12:21:00", 9]],
  [["a", "12:40:00", 10], ["a", "12:05:00", 11], ["b", "12:30:00", 12], ["c", "12:24:00", 13]],
  [["c", "12:50:00", 14], ["a", "12:41:00", 15]],
];

async function oursOnStream(mode: "append" | "complete", delay: string, gap: string): Promise<Record<string, string[]>> {
  const hms = (d: Date) => d.toISOString().slice(11, 19);
  const input = new MemoryStream(spark, "k STRING, ts TIMESTAMP, v INT");
  const out: Record<string, string[]> = {};
  const q = input.toDF().withWatermark("ts", delay).groupBy(F.session_window("ts", gap), "k").agg(F.count("*").alias("n"), F.sum("v").alias("s"))
    .writeStream.outputMode(mode).foreachBatch(async (df: DataFrame, id: number) => {
      out[String(id)] = (await df.collect()).map((r) => { const w = r.session_window as { start: Date; end: Date }; return `${hms(w.start)}-${hms(w.end)} ${r.k} ${r.n} ${r.s}`; }).sort();
    }).start();
  for (const t of FEED) {
    input.addData(t.map(([k, ts, v]) => ({ k, ts: new Date(`2026-01-01T${ts}Z`), v })));
    await q.processAllAvailable();
  }
  await q.stop();
  expect(q.exception()).toBe(null);
  return out;
}

describe.skipIf(!javaAvailable())("session_window on a stream against PySpark 4.0.1", () => {
  for (const mode of ["append", "complete"] as const) {
    it(`${mode} mode: the same sessions, batch by batch (merging across batches${mode === "append" ? ", late rows dropped" : ""})`, async () => {
      const theirs = runPySpark<Record<string, string[]>>("test/streaming/python/stream_session_window.py", [mode, mkdtempSync(join(tmpdir(), "pyspark-sessions-")), JSON.stringify(FEED), "5 minutes", "5 minutes"]);
      expect(Object.keys(theirs).length).toBeGreaterThanOrEqual(FEED.length);
      expect(Object.values(theirs).flat().length).toBeGreaterThan(4);
      expect(await oursOnStream(mode, "5 minutes", "5 minutes")).toEqual(theirs);
    }, 480_000);
  }
});

describe("session_window on a stream", () => {
  it("update mode is refused with Spark's error condition", () => {
    const input = new MemoryStream(spark, "k STRING, ts TIMESTAMP");
    const q = input.toDF().withWatermark("ts", "10 minutes").groupBy(F.session_window("ts", "5 minutes"), "k").count();
    let err: unknown;
    try { q.writeStream.format("memory").queryName("sessions_update").outputMode("update").start(); } catch (e) { err = e; }
    expect((err as { condition?: string }).condition).toBe("STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION");
    expect(String(err)).toMatch(/Invalid streaming output mode: update\. This output mode is not supported for session window streaming aggregations/);
  });
});

