// Compares the engine with answers spark_answers.py saved from real Spark (see there); not run in CI.
import { SqlSession } from "../../../../engine/sql/index";
import { hiveRow } from "../../../../engine/sql/hive-result";
import { localHost } from "../../support/local-context";
import { readFileSync } from "node:fs";
const s = new SqlSession(localHost());
const spark = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as { q: string; columns?: string[]; rows?: string[]; error?: string }[];
let same = 0;
for (const r of spark) {
  let ours: string[] | string;
  let columns: string[] | undefined;
  try { const df = s.sql(r.q); columns = df.columns; const rows = await df.collectInternal(); ours = rows.map((x) => hiveRow(x, df.output.map((a) => a.dataType))); } catch (e) { ours = "ERR " + String(e).slice(0, 120); }
  if (r.columns && columns && JSON.stringify(columns) !== JSON.stringify(r.columns)) console.log("NAMES", r.q, "\n  spark:", JSON.stringify(r.columns), "\n  ours: ", JSON.stringify(columns));
  const ok = JSON.stringify(ours) === JSON.stringify(r.rows);
  if (ok) same++; else console.log("DIFF", r.q, "\n  spark:", JSON.stringify(r.rows ?? r.error), "\n  ours: ", JSON.stringify(ours));
}
console.log(`${same}/${spark.length} identical to Spark`);
