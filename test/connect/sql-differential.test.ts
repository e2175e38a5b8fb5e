// Real Spark as the reference: every statement of the engine's own golden SQL files
// (test/sql/golden/*.sql) runs on the embedded engine and on Spark 4.0.1 through Spark Connect
// (spark.sql.ansi.enabled=false, the engine's default), and the column names, rows (sorted unless
// the query orders them) and error conditions must agree. The differences that remain are listed
// below with their reason (and in docs/spark-differences.md); a new difference fails, and so does
// a listed one that has gone away (remove it from the list).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SqlSession } from "../../engine/sql/index";
import { RemoteSparkSession } from "../../engine/connect/index";
import { localHost } from "../sql/support/local-context";
import { resultText } from "./normalize";
import { javaMissing, startConnectServer, type ConnectServer } from "./connect-server";

const KNOWN: Record<string, string> = {
  "functions.sql#10": "Spark's format_string formats %.2f with Java's Formatter, which refuses Spark's Decimal (f != org.apache.spark.sql.types.Decimal); the engine formats the value",
};

const dir = join(import.meta.dirname, "..", "sql", "golden");
const files = readdirSync(dir).filter((f) => f.endsWith(".sql")).sort();
const statements = (f: string) => readFileSync(join(dir, f), "utf8").split("\n").filter((l) => !l.trim().startsWith("--")).join("\n")
  .split(/;\s*(?:\n|$)/).map((s) => s.trim()).filter(Boolean);

const noJava = javaMissing();
let server: ConnectServer | undefined;
beforeAll(async () => {
  if (!noJava) server = await startConnectServer({ "spark.sql.ansi.enabled": "false" });
}, 240_000);
afterAll(async () => { await server?.stop(); });

async function outcome(run: () => Promise<{ columns: string[]; rows: unknown[][] }>, ordered: boolean): Promise<string> {
  try {
    const r = await run();
    return resultText(r.columns, r.rows, ordered);
  } catch (e) {
    return `ERROR ${(e as { condition?: string }).condition ?? (e as Error).name}`;
  }
}

describe.skipIf(!!noJava)("the embedded engine against Spark 4.0.1 on the golden SQL statements", () => {
  const differing: string[] = [];
  it.each(files)("%s", async (f) => {
    const local = new SqlSession(localHost());
    const remote = RemoteSparkSession.connect(server!.url);
    const unexpected: string[] = [];
    try {
      for (const [i, q] of statements(f).entries()) {
        const ordered = /order\s+by/i.test(q);
        const a = await outcome(async () => { const df = local.sql(q); return { columns: df.columns, rows: await df.collectInternal() }; }, ordered);
        const b = await outcome(async () => { const df = remote.sql(q); return { columns: df.columns, rows: await df.collectInternal() }; }, ordered);
        const key = `${f}#${i}`;
        if (a === b) continue;
        differing.push(key);
        if (!KNOWN[key]) unexpected.push(`${key}: ${q}\n  embedded: ${a}\n  spark:    ${b}`);
      }
    } finally {
      await remote.stop();
    }
    expect(unexpected).toEqual([]);
  }, 180_000);

  it("the known differences are still differences", () => {
    expect(differing.filter((k) => KNOWN[k]).sort()).toEqual(Object.keys(KNOWN).sort());
  });
});
