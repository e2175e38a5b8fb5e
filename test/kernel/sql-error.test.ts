// A SQL syntax error in a notebook cell (issue 21): Spark's "(line L, pos P)", the "== SQL =="
// block with the caret, the cell line of the spark.sql call, and no parser frames.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CellExecutor } from "../../kernel/executor/cell-executor";
import { startSession } from "../engine/helpers";
import type { SparkSession } from "../../engine/index";

let spark: SparkSession, ex: CellExecutor;
const g = globalThis as Record<string, unknown>;
const strip = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, "");

beforeAll(async () => {
  ({ spark } = await startSession("local[1]"));
  ex = new CellExecutor(process.cwd());
  g.spark = spark;
  expect((await ex.execute("const spark = (globalThis as any).spark;", 1)).status).toBe("ok");
}, 120_000);
afterAll(async () => { delete g.spark; await spark?.stop(); });

describe("a SQL syntax error in a cell", () => {
  it("shows Spark's position and SQL block, then the cell line, without parser frames", async () => {
    const r = await ex.execute(["const n = 1;", "const df = spark.sql(`SELECT a,", "  b FORM t`);"].join("\n"), 2);
    expect(r.status).toBe("error");
    if (r.status !== "error") return;
    // Spark 4: [PARSE_SYNTAX_ERROR] Syntax error at or near 't'. SQLSTATE: 42601 (line 2, pos 9)
    expect(r.error.ename).toBe("ParseError");
    expect(r.error.evalue).toBe("[PARSE_SYNTAX_ERROR] Syntax error at or near 't'. (line 2, pos 9)");
    const text = strip(r.error.traceback.join("\n"));
    expect(text).toContain("Cell In[2], line 2");
    expect(text).toContain("----> 2 const df = spark.sql(`SELECT a,");
    expect(text).toContain("== SQL ==\nSELECT a,\n  b FORM t\n---------^^^");
    expect(text).not.toMatch(/parser|engine frames|source-text\\.ts|cursor\\.ts/);
  }, 60_000);
});
