// Delta in Structured Streaming on a real local cluster. Source: the starting snapshot, then each
// later commit's files, maxFilesPerTrigger files per batch, startingVersion, Delta's error on a
// commit that deletes data and skipChangeCommits; a restarted query resumes from its checkpoint.
// Sink: one commit per micro-batch with a txn action, a replayed batch (its checkpoint commit
// lost) is not written twice, complete mode rewrites the table. Rows against plain-JS references.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStream, loadSnapshot, readHistory, type DataFrame, type SparkSession } from "../../engine/index";
import { startSession } from "../engine/helpers";

type R = { id: number; k: string };
const ids = (rows: object[]) => rows.map((r) => Number((r as { id: unknown }).id)).sort((a, b) => a - b);

let spark: SparkSession;
let dir: string;
beforeAll(async () => {
  ({ spark } = await startSession("local[2]"));
  dir = mkdtempSync(join(tmpdir(), "lake-stream-"));
});
afterAll(async () => {
  await spark?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const schema = "id bigint, k string";
const rows = (from: number, n: number): R[] => Array.from({ length: n }, (_, i) => ({ id: from + i, k: `k${(from + i) % 3}` }));
async function append(path: string, r: R[], files = 1): Promise<void> {
  await spark.createDataFrame(r, schema).repartition(files).write.format("delta").mode("append").save(path);
}

/** Every batch's ids, via foreachBatch. */
function collectBatches(df: DataFrame, checkpoint: string) {
  const batches: number[][] = [];
  const q = df.writeStream.option("checkpointLocation", checkpoint).foreachBatch(async (b: DataFrame) => { batches.push(ids(await b.collect())); }).start();
  return { q, batches };
}

describe("Delta as a streaming source", () => {
  it("reads the starting snapshot maxFilesPerTrigger files at a time, then each new commit; resumes after a restart", async () => {
    const path = join(dir, "src");
    await append(path, rows(0, 6), 2); // v0: 2 files
    await append(path, rows(6, 3), 1); // v1: 1 file
    const cp = join(dir, "src-cp");
    const stream = () => spark.readStream.format("delta").option("maxFilesPerTrigger", 2).load(path);
    let { q, batches } = collectBatches(stream(), cp);
    await q.processAllAvailable();
    // 3 files in the snapshot at v1, 2 per batch.
    expect(batches.length).toBe(2);
    expect(batches.flat().sort((a, b) => a - b)).toEqual(ids(rows(0, 9)));
    expect(q.recentProgress.map((p) => p.numInputRows)).toEqual(batches.map((b) => b.length));
    await append(path, rows(100, 4), 1); // v2
    await q.processAllAvailable();
    expect(batches[2]).toEqual(ids(rows(100, 4)));
    const off = q.recentProgress[q.recentProgress.length - 1]!.sources[0]!.endOffset as { reservoirVersion: number; isStartingVersion: boolean };
    expect(off).toMatchObject({ reservoirVersion: 2, isStartingVersion: false });
    await q.stop();

    // Restart on the same checkpoint: only what was committed since.
    await append(path, rows(200, 2), 1); // v3
    ({ q, batches } = collectBatches(stream(), cp));
    await q.processAllAvailable();
    expect(batches).toEqual([ids(rows(200, 2))]);
    await q.stop();
  });

  it("startingVersion reads the changes from that version on, without the snapshot", async () => {
    const path = join(dir, "sv");
    for (let v = 0; v < 4; v++) await append(path, rows(v * 10, 2));
    const { q, batches } = collectBatches(spark.readStream.format("delta").option("startingVersion", 2).load(path), join(dir, "sv-cp"));
    await q.processAllAvailable();
    expect(batches.flat().sort((a, b) => a - b)).toEqual(ids([...rows(20, 2), ...rows(30, 2)]));
    await q.stop();
    const latest = collectBatches(spark.readStream.format("delta").option("startingVersion", "latest").load(path), join(dir, "sv-cp2"));
    await latest.q.processAllAvailable();
    await append(path, rows(90, 1));
    await latest.q.processAllAvailable();
    expect(latest.batches.flat()).toEqual([90]);
    await latest.q.stop();
  });

  it("startingTimestamp reads the changes committed at or after it; the earliest version when before every commit", async () => {
    const path = join(dir, "st");
    for (let v = 0; v < 4; v++) { await append(path, rows(v * 10, 2)); await new Promise((r) => setTimeout(r, 5)); }
    const at = new Map(readHistory(path).map((h) => [h.version, h.timestamp]));
    const from = (ts: string | number, cp: string) => collectBatches(spark.readStream.format("delta").option("startingTimestamp", ts).load(path), join(dir, cp));
    // exactly v2's commit time: v2 and v3; one ms after v1's: the first commit after it, v2
    for (const [ts, cp] of [[new Date(at.get(2)!).toISOString(), "st-cp1"], [new Date(at.get(1)! + 1).toISOString(), "st-cp2"]] as Array<[string, string]>) {
      const { q, batches } = from(ts, cp);
      await q.processAllAvailable();
      expect(batches.flat().sort((a, b) => a - b)).toEqual(ids([...rows(20, 2), ...rows(30, 2)]));
      await q.stop();
    }
    const early = from("2000-01-01 00:00:00", "st-cp3");
    await early.q.processAllAvailable();
    expect(early.batches.flat().sort((a, b) => a - b)).toEqual(ids(rows(0, 2).concat(rows(10, 2), rows(20, 2), rows(30, 2))));
    await early.q.stop();
    const late = from(new Date(at.get(3)! + 60_000).toISOString(), "st-cp4");
    await expect(late.q.processAllAvailable()).rejects.toThrow(/DELTA_TIMESTAMP_GREATER_THAN_COMMIT/);
    const both = collectBatches(spark.readStream.format("delta").option("startingVersion", 1).option("startingTimestamp", "2000-01-01").load(path), join(dir, "st-cp5"));
    await expect(both.q.processAllAvailable()).rejects.toThrow(/DELTA_STARTING_VERSION_AND_TIMESTAMP_BOTH_SET/);
  });

  it("a partitioned table streams with its partition values; OPTIMIZE (dataChange=false) is skipped", async () => {
    const path = join(dir, "parted");
    await spark.createDataFrame(rows(0, 6), schema).write.format("delta").partitionBy("k").save(path);
    const got: R[] = [];
    const q = spark.readStream.format("delta").load(path).writeStream.option("checkpointLocation", join(dir, "parted-cp"))
      .foreachBatch(async (b: DataFrame) => { for (const r of await b.collect()) got.push({ id: Number(r.id), k: String(r.k) }); }).start();
    await q.processAllAvailable();
    await spark.createDataFrame(rows(6, 3), schema).repartition(3).write.format("delta").mode("append").save(path);
    await spark.createDataFrame(rows(9, 3), schema).repartition(3).write.format("delta").mode("append").save(path);
    await q.processAllAvailable();
    await spark.sqlAsync(`OPTIMIZE delta.\`${path}\``);
    await spark.createDataFrame(rows(20, 1), schema).write.format("delta").mode("append").save(path);
    await q.processAllAvailable();
    await q.stop();
    expect([...got].sort((a, b) => a.id - b.id)).toEqual([...rows(0, 12), ...rows(20, 1)]);
  });

  it("a commit that deletes data stops the query with Delta's error unless skipChangeCommits", async () => {
    const path = join(dir, "chg");
    await append(path, rows(0, 5));
    const bad = collectBatches(spark.readStream.format("delta").load(path), join(dir, "chg-cp"));
    await bad.q.processAllAvailable();
    await spark.sqlAsync(`DELETE FROM delta.\`${path}\` WHERE id = 1`);
    await append(path, rows(50, 2));
    await expect(bad.q.processAllAvailable()).rejects.toThrow(/DELTA_SOURCE_TABLE_IGNORE_CHANGES/);
    const ok = collectBatches(spark.readStream.format("delta").option("startingVersion", 1).option("skipChangeCommits", "true").load(path), join(dir, "chg-cp2"));
    await ok.q.processAllAvailable();
    expect(ok.batches.flat()).toEqual([50, 51]);
    await ok.q.stop();
  });
});

describe("Delta as a streaming sink", () => {
  it("one commit per batch with a txn; a replayed batch is not written twice; a Delta-to-Delta pipeline", async () => {
    const path = join(dir, "sink");
    const cp = join(dir, "sink-cp");
    const input = new MemoryStream(spark, schema);
    const start = () => input.toDF().writeStream.format("delta").option("checkpointLocation", cp).start(path);
    let q = start();
    input.addData(rows(0, 3));
    await q.processAllAvailable();
    input.addData(rows(3, 2));
    await q.processAllAvailable();
    await q.stop();
    expect(ids(await spark.read.format("delta").load(path).collect())).toEqual(ids(rows(0, 5)));
    const snap = await loadSnapshot(path);
    expect(snap.txns.get(q.id)?.version).toBe(1);
    expect(readHistory(path).filter((h) => h.commitInfo.operation === "STREAMING UPDATE")).toHaveLength(2);

    // Lose the checkpoint's record that batch 1 finished: the restarted query runs batch 1 again,
    // and the sink skips it (the table's txn for this query is already at 1).
    rmSync(join(cp, "commits", "1"));
    q = start();
    await q.processAllAvailable();
    await q.stop();
    expect(ids(await spark.read.format("delta").load(path).collect())).toEqual(ids(rows(0, 5)));
    expect(readdirSync(join(path, "_delta_log")).filter((f) => f.endsWith(".json"))).toHaveLength(readHistory(path).length);
    expect(readHistory(path).filter((h) => h.commitInfo.operation === "STREAMING UPDATE")).toHaveLength(2);

    // Delta -> Delta: the source table streamed into a second table, filtered.
    const out = join(dir, "sink-out");
    const q2 = spark.readStream.format("delta").load(path).filter("id % 2 = 0").writeStream.format("delta").option("checkpointLocation", join(dir, "sink-out-cp")).start(out);
    await q2.processAllAvailable();
    await q2.stop();
    expect(ids(await spark.read.format("delta").load(out).collect())).toEqual([0, 2, 4]);
  });

  it("complete mode rewrites the table each batch; update mode is refused", async () => {
    const path = join(dir, "complete");
    const input = new MemoryStream(spark, schema);
    const q = input.toDF().groupBy("k").count().writeStream.outputMode("complete").format("delta").option("checkpointLocation", join(dir, "complete-cp")).start(path);
    input.addData(rows(0, 4));
    await q.processAllAvailable();
    input.addData(rows(4, 5));
    await q.processAllAvailable();
    await q.stop();
    const got = (await spark.read.format("delta").load(path).collect()).map((r) => `${String(r.k)}=${Number(r.count)}`).sort();
    const want = new Map<string, number>();
    for (const r of rows(0, 9)) want.set(r.k, (want.get(r.k) ?? 0) + 1);
    expect(got).toEqual([...want].map(([k, n]) => `${k}=${n}`).sort());
    expect(() => input.toDF().groupBy("k").count().writeStream.outputMode("update").format("delta").option("checkpointLocation", join(dir, "u-cp")).start(join(dir, "u")))
      .toThrow(/does not support Update output mode/);
  });
});
