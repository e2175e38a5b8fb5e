// Differential test against real PySpark (pinned in test/python/requirements.txt, run from the
// project's .venv with Java 17): the Structured Streaming guide's watermark example, fed in the
// same four triggers to both engines; every batch's output (no-data batches included) must be
// the same, in update and in append mode.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { F, MemoryStream, type DataFrame, type SparkSession } from "../../engine/index";
import { startSession } from "../engine/helpers";
import { javaAvailable, runPySpark } from "../python/venv";

const FEED: Array<Array<[string, string]>> = [
  [["dog", "12:07"], ["owl", "12:08"]],
  [["dog", "12:14"], ["cat", "12:09"]],
  [["cat", "12:15"], ["dog", "12:08"], ["owl", "12:13"], ["owl", "12:21"]],
  [["owl", "12:17"], ["donkey", "12:04"]],
];


const pyspark = (mode: string) => runPySpark<Record<string, string[]>>("test/streaming/python/guide_watermark.py", [mode, mkdtempSync(join(tmpdir(), "pyspark-guide-")), JSON.stringify(FEED)]);

let spark: SparkSession;
beforeAll(async () => ({ spark } = await startSession("local[2]")));
afterAll(async () => spark?.stop());

async function ours(mode: string): Promise<Record<string, string[]>> {
  const hm = (d: Date) => d.toISOString().slice(11, 16);
  const input = new MemoryStream(spark, "word STRING, ts TIMESTAMP");
  const out: Record<string, string[]> = {};
  const q = input.toDF().withWatermark("ts", "10 minutes").groupBy(F.window("ts", "10 minutes", "5 minutes"), "word").count()
    .writeStream.outputMode(mode).foreachBatch(async (df: DataFrame, id: number) => {
      out[String(id)] = ((await df.collect()) as Array<{ window: { start: Date; end: Date }; word: string; count: number }>)
        .map((r) => `${hm(r.window.start)}-${hm(r.window.end)} ${r.word} ${r.count}`).sort();
    }).start();
  for (const t of FEED) {
    input.addData(t.map(([word, h]) => ({ word, ts: new Date(`2026-01-01T${h}:00Z`) })));
    await q.processAllAvailable();
  }
  await q.stop();
  return out;
}

describe.skipIf(!javaAvailable())("the guide's watermark example against PySpark 4.0.1", () => {
  for (const mode of ["update", "append"]) {
    it(`${mode} mode: the same output, batch by batch`, async () => {
      const theirs = pyspark(mode);
      expect(Object.keys(theirs).length).toBeGreaterThanOrEqual(4);
      expect(await ours(mode)).toEqual(theirs);
    }, 480_000);
  }
});
