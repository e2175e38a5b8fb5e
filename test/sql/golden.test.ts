// Golden-file SQL tests (Spark's SQLQueryTestSuite style): each test/sql/golden/*.sql statement's
// schema and rows (or error) are compared with the committed *.sql.out. Regenerate with
// UPDATE_GOLDEN=1 npx vitest run test/sql/golden.test.ts  (never edit .sql.out by hand).
import { describe, it, expect } from "vitest";
import { readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { SqlSession, cellString, simpleString } from "../../engine/sql/index";
import { WorkbenchError } from "../../engine/common/errors";
import { localHost } from "./support/local-context";

const dir = join(import.meta.dirname, "golden");
const files = readdirSync(dir).filter((f) => f.endsWith(".sql")).sort();

function splitStatements(text: string): string[] {
  const noComments = text.split("\n").filter((l) => !l.trim().startsWith("--")).join("\n");
  return noComments.split(/;\s*(?:\n|$)/).map((s) => s.trim()).filter(Boolean);
}

async function run(spark: SqlSession, sql: string): Promise<string> {
  let out = `-- !query\n${sql}\n`;
  try {
    const df = spark.sql(sql);
    const rows = (await df.collectInternal()).map((r) => r.map((v, i) => cellString(v, df.output[i]!.dataType)).join("\t"));
    if (!/order\s+by/i.test(sql)) rows.sort();
    out += `-- !query schema\nstruct<${df.output.map((a) => `${a.name}:${simpleString(a.dataType)}`).join(",")}>\n`;
    out += `-- !query output\n${rows.join("\n")}${rows.length ? "\n" : ""}`;
  } catch (e) {
    const err = e as Error;
    out += `-- !query schema\n-- !query output\n${err instanceof WorkbenchError ? err.kind : err.name}\n${err.message}\n`;
  }
  return out;
}

describe("golden SQL files", () => {
  for (const f of files) {
    it(f, async () => {
      const spark = new SqlSession(localHost());
      const parts: string[] = [];
      for (const stmt of splitStatements(readFileSync(join(dir, f), "utf8"))) parts.push(await run(spark, stmt));
      const actual = parts.join("\n");
      const outPath = join(dir, f + ".out");
      if (process.env.UPDATE_GOLDEN || !existsSync(outPath)) writeFileSync(outPath, actual);
      expect(actual).toBe(readFileSync(outPath, "utf8"));
    });
  }
});
