// Streaming sources and faults on a real cluster: the socket source, PERMISSIVE file reads with a
// corrupt-record column, and a worker killed in the middle of a batch (its tasks are retried; the
// windowed counts stay exact, compared with the plain JS reference).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Socket } from "node:net";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { F, MemoryStream, type DataFrame, type SparkSession } from "../../engine/index";
import { startSession, waitFor } from "../engine/helpers";
import { referenceWindowedCounts, rowText, type Ev } from "./reference";

let spark: SparkSession;
beforeAll(async () => ({ spark } = await startSession("local[2]")));
afterAll(async () => spark?.stop());

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1, 12, 0);

describe("sources", () => {
  it("socket: lines from a TCP server, word count in complete mode", async () => {
    const clients: Socket[] = [];
    const server = createServer((s) => clients.push(s));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const lines = spark.readStream.format("socket").option("host", "127.0.0.1").option("port", port).load();
    const q = lines.select(F.explode(F.split(F.col("value"), " ")).alias("word")).groupBy("word").count()
      .writeStream.outputMode("complete").format("memory").queryName("socket_counts").start();
    await waitFor(() => clients.length === 1);
    const text = ["a b a", "c a", "b"];
    clients[0]!.write(text.slice(0, 2).join("\n") + "\n");
    await waitFor(() => (q.lastProgress?.numInputRows ?? 0) > 0 && q.recentProgress.reduce((a, p) => a + p.numInputRows, 0) === 2);
    clients[0]!.write(text[2] + "\n");
    await waitFor(() => q.recentProgress.reduce((a, p) => a + p.numInputRows, 0) === 3);
    await q.processAllAvailable();
    await q.stop();
    server.close();
    for (const c of clients) c.destroy();
    const ref = new Map<string, number>();
    for (const w of text.join(" ").split(" ")) ref.set(w, (ref.get(w) ?? 0) + 1);
    const got = new Map((await spark.table("socket_counts").collect()).map((r) => [r.word as string, Number(r.count)]));
    expect(got).toEqual(ref);
  });

  it("file source in PERMISSIVE mode keeps malformed lines in the corrupt-record column, as a batch read does", async () => {
    const dir = mkdtempSync(join(tmpdir(), "stream-permissive-"));
    writeFileSync(join(dir, "a.json"), ['{"k":"x","v":1}', "{broken", '{"k":"y","v":2}'].join("\n") + "\n");
    const schema = "k STRING, v INT, _corrupt_record STRING";
    const q = spark.readStream.schema(schema).option("mode", "PERMISSIVE").json(dir).writeStream.format("memory").queryName("permissive_out").start();
    await q.processAllAvailable();
    await q.stop();
    const streamed = (await spark.table("permissive_out").collect()).map((r) => JSON.stringify([r.k, r.v, r._corrupt_record])).sort();
    const batch = (await spark.read.schema(schema).option("mode", "PERMISSIVE").json(dir).collect()).map((r) => JSON.stringify([r.k, r.v, r._corrupt_record])).sort();
    expect(streamed).toEqual(batch);
    expect(streamed).toContain(JSON.stringify([null, null, "{broken"]));
  });
});

describe("faults", () => {
  it("a worker killed mid-batch: tasks are retried and every batch's windowed counts are exact", async () => {
    const batches: Ev[][] = Array.from({ length: 3 }, (_, b) => Array.from({ length: 60 }, (_, i) => ({ key: ["a", "b", "c"][i % 3]!, t: T0 + b * 6 * MIN + ((i * 37) % 600) * 1000 })));
    const input = new MemoryStream(spark, "word STRING, ts TIMESTAMP");
    const out: Array<{ id: number; rows: string[] }> = [];
    const q = input.toDF().repartition(4).withWatermark("ts", "5 minutes").groupBy(F.window("ts", "10 minutes", "5 minutes"), "word").count()
      .writeStream.outputMode("update").foreachBatch(async (df: DataFrame, id: number) => {
        out.push({ id, rows: ((await df.collect()) as Array<{ window: { start: Date; end: Date }; word: string; count: number }>).map((r) => rowText(r.window.start.getTime(), r.window.end.getTime(), r.word, r.count)).sort() });
      }).start();
    let killed = "";
    const off = spark.sparkContext.addSparkListener({
      onTaskStart: (e) => {
        // Kill a worker during the second data batch's jobs.
        if (!killed && q.recentProgress.length >= 2 && e.task.jobId !== undefined) {
          killed = e.task.workerId;
          void spark.cluster.kill(killed);
        }
      },
    });
    for (const b of batches) {
      input.addData(b.map((e) => ({ word: e.key, ts: new Date(e.t) })));
      await q.processAllAvailable();
    }
    off();
    await q.stop();
    expect(killed).not.toBe("");
    expect(q.exception()).toBe(null);
    const ref = referenceWindowedCounts(batches, { size: 10 * MIN, slide: 5 * MIN, delay: 5 * MIN, mode: "update" });
    expect(out.map((b) => b.rows)).toEqual(ref.map((b) => b.rows));
    await waitFor(() => spark.cluster.workers().length === 2, 30_000);
  });
});
