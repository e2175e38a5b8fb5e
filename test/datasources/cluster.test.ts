// Reading files on a real local cluster: one task per split, run in worker processes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { SparkConf, SparkContext } from "../../engine/index";
import { resolveScan, readSplit, readLocal, fileWriteJob, prepareWrite, writeTaskFiles, commitWrite, listOutput, type ScanTask } from "../../engine/sql/datasources";
import type { WrittenFile } from "../../engine/sql/datasource-contract";
import { StructType } from "../../engine/sql/types";
import { cleanupTemp, sortedJson, tempDir, writeText } from "./helpers";

let sc: SparkContext;
beforeAll(async () => {
  sc = await SparkContext.create(new SparkConf().setMaster("local[2]").setAppName("datasources-test"));
});
afterAll(async () => {
  await sc?.stop();
  cleanupTemp();
});

describe("file scans on the cluster", () => {
  it("sc.readSplits over planned CSV splits yields the same rows as a local read", async () => {
    const lines = ["id,word"];
    for (let i = 0; i < 2000; i++) lines.push(`${i},"w${i % 13}, x"`);
    const p = writeText(join(tempDir(), "words.csv"), lines.join("\n") + "\n");
    const req = { format: "csv", paths: [p], options: { header: true, inferSchema: true } };
    const scan = await resolveScan(req, { maxPartitionBytes: 8 * 1024, openCostInBytes: 0, defaultParallelism: sc.defaultParallelism });
    expect(scan.tasks.length).toBeGreaterThan(2);
    // engine/worker-preload.ts loads the data sources, so workers resolve readSplit by its registered name.
    const rdd = sc.readSplits<ScanTask, Record<string, unknown>>(scan.tasks, (t, tc) => readSplit(t, tc as never), "FileScan csv");
    expect(rdd.getNumPartitions()).toBe(scan.tasks.length);
    const rows = await rdd.collect();
    const local = await readLocal(req);
    expect(rows.length).toBe(2000);
    expect(sortedJson(rows)).toEqual(sortedJson(local.rows));
    expect(await rdd.map((r) => r.id as number).reduce((a, b) => a + b)).toBe((1999 * 2000) / 2);
  });

  it("write tasks on workers + driver commit produce a readable partitioned Parquet table", async () => {
    const schema = new StructType().add("id", { type: "long" }).add("bucket", { type: "integer" }).add("label", { type: "string" });
    const out = join(tempDir(), "table");
    const job = fileWriteJob("parquet", out, schema, { partitionBy: ["bucket"] });
    expect(prepareWrite(job)).toEqual({ skip: false });
    const data = Array.from({ length: 600 }, (_, i) => ({ id: i, bucket: i % 3, label: `l${i}` }));
    // One write task per chunk, run on the workers as a split reader.
    const chunks = [0, 1, 2, 3].map((i) => ({ i, rows: data.filter((_, k) => k % 4 === i) }));
    const files: WrittenFile[] = await sc.readSplits(chunks, ({ i, rows }) => writeTaskFiles(job, i, rows), "write parquet").collect();
    commitWrite(job, files);
    expect(listOutput(out).filter((f) => f.endsWith(".parquet")).length).toBe(12); // 4 tasks x 3 buckets
    const back = await readLocal({ format: "parquet", paths: [out] });
    expect(sortedJson(back.rows)).toEqual(sortedJson(data));
  });
});
