// Deep or corrupt input fails with typed errors that name where, never with a bare RangeError or
// a retried decoder crash: JSON nested 10,000 deep (a corrupt record in PERMISSIVE mode, file and
// line in FAILFAST), a 5,000-term expression and 3,000 UNION ALLs (FAILED_TO_PARSE_TOO_COMPLEX),
// and a corrupt Parquet page (FAILED_READ_FILE naming file and column chunk, not retried).
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SparkSession } from "../../engine/index";
import { startSession } from "./helpers";

let spark: SparkSession;
const dir = mkdtempSync(join(tmpdir(), "bad-input-"));
beforeAll(async () => { ({ spark } = await startSession("local[2]")); });
afterAll(async () => { await spark?.stop(); });

const failure = (p: Promise<unknown> | (() => unknown)) => (typeof p === "function" ? Promise.resolve().then(p) : p)
  .then(() => { throw new Error("did not fail"); }, (e: Error & { condition?: string }) => e);

describe("deep input", () => {
  it("JSON nested 10,000 deep is a corrupt record (PERMISSIVE) and a located error (FAILFAST)", async () => {
    const file = join(dir, "deep.json");
    writeFileSync(file, '{"a": 1}\n' + '{"a":'.repeat(10_000) + "1" + "}".repeat(10_000) + '\n{"a": 2}\n');
    const rows = await spark.read.json(file).selectExpr("a", "length(_corrupt_record) AS bad").collect();
    expect(JSON.stringify(rows)).toBe(`[{"a":1,"bad":null},{"a":null,"bad":${5 * 10_000 + 1 + 10_000}},{"a":2,"bad":null}]`);
    const e = await failure(() => spark.read.option("mode", "FAILFAST").json(file).collect());
    expect(e.message).toContain("MALFORMED_RECORD_IN_PARSING");
    expect(e.message).toContain(`${file}, line 2`);
    expect(e.message).toContain("nesting depth exceeds the maximum allowed (1000)");
  });

  it("a 5,000-term expression and 3,000 UNION ALLs fail with FAILED_TO_PARSE_TOO_COMPLEX; the session goes on", async () => {
    const expr = Array.from({ length: 5000 }, (_, i) => String(i)).join(" + ");
    const e1 = await failure(() => spark.sql(`SELECT ${expr} AS x`).collect());
    expect(e1.name).toBe("ParseError");
    expect(e1.message).toMatch(/^\[FAILED_TO_PARSE_TOO_COMPLEX\] The statement, including potential SQL functions and referenced views, was too complex to parse/);
    const unions = Array.from({ length: 3000 }, (_, i) => `SELECT ${i} AS x`).join(" UNION ALL ");
    const e2 = await failure(() => spark.sql(`SELECT count(*) FROM (${unions})`).collect());
    expect(e2.message).toContain("[FAILED_TO_PARSE_TOO_COMPLEX]");
    let df = spark.range(1);
    for (let i = 0; i < 3000; i++) df = df.union(spark.range(1));
    expect((await failure(df.count())).message).toContain("[FAILED_TO_PARSE_TOO_COMPLEX]");
    // Moderate depth still works.
    const small = Array.from({ length: 200 }, (_, i) => String(i)).join(" + ");
    expect(JSON.stringify(await spark.sql(`SELECT ${small} AS x`).collect())).toBe(`[{"x":${(199 * 200) / 2}}]`);
  });
});

describe("corrupt Parquet", () => {
  it("fails once with FAILED_READ_FILE naming the file and the column chunk", async () => {
    const out = join(dir, "pq");
    await spark.sql("SELECT id, concat('v', id) AS s FROM range(1000)").coalesce(1).write.mode("overwrite").parquet(out);
    const f = join(out, readdirSync(out).find((n) => n.endsWith(".parquet"))!);
    const b = readFileSync(f);
    for (let i = 4; i < 60; i++) b[i] = 0xff;   // smash the first page header of the first column chunk
    writeFileSync(f, b);
    let attempts = 0;
    const off = spark.sparkContext.addSparkListener({ onTaskStart: () => { attempts++; } });
    const e = await failure(spark.read.parquet(out).collect());
    off();
    expect(e.message).toContain("[FAILED_READ_FILE.NO_HINT] Encountered error while reading file");
    expect(e.message).toContain(f);
    expect(e.message).toContain("column chunk 'id' of row group 0");
    expect(e.message).toContain("failed 1 times");
    expect(attempts).toBe(1);
  });
});
