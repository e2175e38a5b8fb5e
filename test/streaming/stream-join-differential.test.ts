// Stream-stream joins against real PySpark 4.0.1 (pinned in test/python/requirements.txt, run
// from the project's .venv with Java 17): the guide's ad impressions and clicks, with watermarks
// on both sides and a time-range condition, fed as the same JSON files (one per trigger and side,
// maxFilesPerTrigger=1) to both engines. Inner, left/right/full outer and left semi joins must
// give the same rows in the same batches: matches as they happen, late rows dropped, an outer
// side's unmatched rows with nulls once the watermark has passed them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { F, type DataFrame, type SparkSession } from "../../engine/index";
import { startSession } from "../engine/helpers";
import { javaAvailable, runPySpark } from "../python/venv";

type Trigger = { imps: Array<[number, string]>; clicks: Array<[number, string]> };
const FEED: Trigger[] = [
  { imps: [[1, "12:00"], [2, "12:01"], [3, "12:02"]], clicks: [[1, "12:05"]] },
  { imps: [[4, "12:20"]], clicks: [[2, "12:30"], [3, "12:10"]] },
  { imps: [[5, "12:40"], [1, "11:50"], [8, "11:30"]], clicks: [[4, "12:30"], [9, "12:41"], [1, "11:20"]] },
  { imps: [[6, "13:10"]], clicks: [[5, "12:50"], [6, "13:20"]] },
  { imps: [[7, "13:50"]], clicks: [[7, "14:30"]] },
  { imps: [], clicks: [[8, "15:30"]] },
];


const pyspark = (how: string) => runPySpark<Record<string, string[]>>("test/streaming/python/stream_stream_join.py", [how, mkdtempSync(join(tmpdir(), "pyspark-join-")), JSON.stringify(FEED)]);

let spark: SparkSession;
beforeAll(async () => ({ spark } = await startSession("local[2]")));
afterAll(async () => spark?.stop());

/** The same files in two directories, oldest first, read one per trigger. */
function writeFeed(dir: string): { imps: string; clicks: string } {
  const dirs = { imps: join(dir, "imps"), clicks: join(dir, "clicks") };
  FEED.forEach((t, i) => {
    for (const [side, key, col] of [["imps", "adId", "impTime"], ["clicks", "clickAdId", "clickTime"]] as const) {
      mkdirSync(dirs[side], { recursive: true });
      const path = join(dirs[side], `t${String(i).padStart(3, "0")}.json`);
      writeFileSync(path, t[side].map(([ad, hm]) => JSON.stringify({ [key]: ad, [col]: `2026-01-01T${hm}:00.000Z` }) + "\n").join(""));
      const mtime = 1_700_000_000 + 60 * i;
      utimesSync(path, mtime, mtime);
    }
  });
  return dirs;
}

function joined(how: string, dirs: { imps: string; clicks: string }): DataFrame {
  const imps = spark.readStream.schema("adId INT, impTime TIMESTAMP").option("maxFilesPerTrigger", 1).json(dirs.imps).withWatermark("impTime", "10 minutes");
  const clicks = spark.readStream.schema("clickAdId INT, clickTime TIMESTAMP").option("maxFilesPerTrigger", 1).json(dirs.clicks).withWatermark("clickTime", "20 minutes");
  return imps.join(clicks, F.expr("clickAdId = adId AND clickTime >= impTime AND clickTime <= impTime + interval 15 minutes"), how);
}

async function ours(how: string): Promise<Record<string, string[]>> {
  const show = (v: unknown) => (v === null || v === undefined ? "null" : v instanceof Date ? v.toISOString().slice(11, 16) : String(v));
  const out: Record<string, string[]> = {};
  const q = joined(how, writeFeed(mkdtempSync(join(tmpdir(), "join-feed-")))).writeStream.outputMode("append").foreachBatch(async (df: DataFrame, id: number) => {
    out[String(id)] = (await df.collect()).map((r) => Object.values(r).map(show).join(" ")).sort();
  }).start();
  await q.processAllAvailable();
  await q.stop();
  return out;
}

describe.skipIf(!javaAvailable())("stream-stream joins against PySpark 4.0.1", () => {
  for (const how of ["inner", "left_outer", "right_outer", "full_outer", "left_semi"]) {
    it(`${how}: the same rows in the same batches`, async () => {
      const theirs = pyspark(how);
      expect(Object.keys(theirs).length).toBeGreaterThanOrEqual(FEED.length);
      expect(await ours(how)).toEqual(theirs);
    }, 480_000);
  }
});

describe("stream-stream outer joins need watermarks and a range condition", () => {
  it("refuses an outer join whose outer side could never be evicted, naming the join type", async () => {
    const dirs = writeFeed(mkdtempSync(join(tmpdir(), "join-feed-")));
    const imps = spark.readStream.schema("adId INT, impTime TIMESTAMP").json(dirs.imps).withWatermark("impTime", "10 minutes");
    const clicks = spark.readStream.schema("clickAdId INT, clickTime TIMESTAMP").json(dirs.clicks); // no watermark
    const df = imps.join(clicks, F.expr("clickAdId = adId"), "left_outer");
    expect(() => df.writeStream.format("memory").queryName("no_wm").start()).toThrow(/Stream-stream LeftOuter join .* not supported without a watermark/);
    const anti = imps.join(clicks.withWatermark("clickTime", "1 minute"), F.expr("clickAdId = adId"), "left_anti");
    expect(() => anti.writeStream.format("memory").queryName("anti").start()).toThrow(/left_anti joins between two streaming/);
  });
});
