// Reading files on a real local cluster: one task per split, run in worker processes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { SparkConf, SparkContext } from "../../engine/index";
import { resolveScan, readSplit, readLocal, prepareWrite, commitWrite, listOutput, type ScanTask, type WrittenFile } from "../../engine/sql/datasources";
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
    // Once engine/worker-preload.ts loads the data sources, workers resolve readSplit by its
    // registered name; until then the task imports the module itself (same code, on the worker).
    const wired = /import "\.\/sql(\/datasources|\/index)?";/.test(readFileSync(new URL("../../engine/worker-preload.ts", import.meta.url), "utf8"));
    const modUrl = pathToFileURL(join(import.meta.dirname, "../../engine/sql/datasources/index.ts")).href;
    const rdd = wired
      ? sc.readSplits<ScanTask, Record<string, unknown>>(scan.tasks, (t, tc) => readSplit(t, tc as never), "FileScan csv")
      // (indirect eval keeps vitest from rewriting the import into a driver-side helper)
      : sc.readSplits<ScanTask, Record<string, unknown>>(scan.tasks, async (t, tc) => (await (0, eval)(`import(${JSON.stringify(modUrl)})`)).readSplit(t, tc), "FileScan csv");
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
    const job = prepareWrite("parquet", out, schema, { partitionBy: ["bucket"] });
    const modUrl = pathToFileURL(join(import.meta.dirname, "../../engine/sql/datasources/index.ts")).href;
    const data = Array.from({ length: 600 }, (_, i) => ({ id: i, bucket: i % 3, label: `l${i}` }));
    // Write tasks are async (they load the module), so run them as a split reader: one task per chunk.
    const chunks = [0, 1, 2, 3].map((i) => ({ i, rows: data.filter((_, k) => k % 4 === i) }));
    const files = await sc.readSplits(chunks, async ({ i, rows }) =>
      (await (0, eval)(`import(${JSON.stringify(modUrl)})`)).writeTaskFiles(job, i, rows) as WrittenFile[], "write parquet").collect();
    commitWrite(job, files);
    expect(listOutput(out).filter((f) => f.endsWith(".parquet")).length).toBe(12); // 4 tasks x 3 buckets
    const back = await readLocal({ format: "parquet", paths: [out] });
    expect(sortedJson(back.rows)).toEqual(sortedJson(data));
  });
});
