// File-level conflict detection as Delta's ConflictChecker does it: a DELETE / UPDATE remembers
// the files its scan read (after partition pruning and data skipping) and its predicate, so two
// concurrent operations on disjoint partitions (or disjoint stats ranges) both commit, while
// operations on the same data conflict with ConcurrentAppendException. Rows against a JS reference.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SparkSession, DeltaTable, DeltaConcurrentModificationException, readHistory } from "../../engine/index";

type R = { id: number; p: string; v: number };
const byId = (rows: object[]) => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v])) as R).sort((a, b) => a.id - b.id);

describe("file-level conflicts between concurrent DML", () => {
  let spark: SparkSession;
  let dir: string;
  const schema = "id bigint, p string, v bigint";
  const base: R[] = Array.from({ length: 20 }, (_, i) => ({ id: i, p: i % 2 ? "a" : "b", v: i }));
  beforeAll(async () => {
    spark = await SparkSession.builder().master("local[2]").appName("delta-conflicts").getOrCreate();
    dir = mkdtempSync(join(tmpdir(), "lake-conflicts-"));
  });
  afterAll(async () => {
    await spark?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("UPDATEs of disjoint partitions started together both commit; the second retries past the first", async () => {
    const path = join(dir, "parts");
    await spark.createDataFrame(base, schema).write.format("delta").partitionBy("p").save(path);
    const t = DeltaTable.forPath(spark, path);
    await Promise.all([t.update("p = 'a'", { v: "v + 100" }), t.update("p = 'b'", { v: "v + 1000" })]);
    expect(byId(await t.toDF().collect())).toEqual(base.map((r) => ({ ...r, v: r.v + (r.p === "a" ? 100 : 1000) })));
    const h = readHistory(path).slice(0, 2);
    expect(h.map((x) => x.commitInfo.operation)).toEqual(["UPDATE", "UPDATE"]);
    // Both read version 0: they really ran concurrently and the later one was checked and retried.
    expect(h.map((x) => x.commitInfo.readVersion)).toEqual([0, 0]);
  });

  it("a DELETE and an UPDATE on files with disjoint stats ranges both commit (data skipping decides what was read)", async () => {
    const path = join(dir, "stats");
    await spark.createDataFrame(base.filter((r) => r.id < 10), schema).coalesce(1).write.format("delta").save(path);
    await spark.createDataFrame(base.filter((r) => r.id >= 10), schema).coalesce(1).write.format("delta").mode("append").save(path);
    const t = DeltaTable.forPath(spark, path);
    await Promise.all([t.delete("id < 3"), t.update("id >= 15", { v: "0" })]);
    expect(byId(await t.toDF().collect())).toEqual(base.filter((r) => r.id >= 3).map((r) => (r.id >= 15 ? { ...r, v: 0 } : r)));
    expect(readHistory(path).slice(0, 2).map((x) => x.commitInfo.readVersion)).toEqual([1, 1]);
  });

  it("MERGEs whose ON condition pins disjoint partitions (t.p = 'a' / t.p = 'b') both commit", async () => {
    const path = join(dir, "merges");
    await spark.createDataFrame(base, schema).write.format("delta").partitionBy("p").save(path);
    const t = DeltaTable.forPath(spark, path).alias("t");
    const src = (p: string) => spark.createDataFrame([{ id: p === "a" ? 1 : 2, p, v: -1 }, { id: p === "a" ? 101 : 102, p, v: -2 }], schema).alias("s");
    await Promise.all(["a", "b"].map((p) => t.merge(src(p), `t.id = s.id AND t.p = '${p}'`).whenMatchedUpdateAll().whenNotMatchedInsertAll().execute()));
    const want = [...base.map((r) => (r.id === 1 || r.id === 2 ? { ...r, v: -1 } : r)), { id: 101, p: "a", v: -2 }, { id: 102, p: "b", v: -2 }];
    expect(byId(await t.toDF().collect())).toEqual(byId(want));
    expect(readHistory(path).slice(0, 2).map((x) => [x.commitInfo.operation, x.commitInfo.readVersion])).toEqual([["MERGE", 0], ["MERGE", 0]]);
  });

  it("UPDATEs of the same partition started together: one commits, the other fails with ConcurrentAppendException", async () => {
    const path = join(dir, "same");
    await spark.createDataFrame(base, schema).coalesce(1).write.format("delta").partitionBy("p").save(path); // one file per partition
    const t = DeltaTable.forPath(spark, path);
    const results = await Promise.allSettled([t.update("p = 'a' AND id < 10", { v: "-1" }), t.update("p = 'a' AND id >= 10", { v: "-2" })]);
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(failed).toHaveLength(1);
    expect(failed[0]!.reason).toBeInstanceOf(DeltaConcurrentModificationException);
    expect((failed[0]!.reason as Error).name).toBe("ConcurrentAppendException");
    const winner = results[0]!.status === "fulfilled" ? (r: R) => (r.p === "a" && r.id < 10 ? -1 : r.v) : (r: R) => (r.p === "a" && r.id >= 10 ? -2 : r.v);
    expect(byId(await t.toDF().collect())).toEqual(base.map((r) => ({ ...r, v: winner(r) })));
  });
});
