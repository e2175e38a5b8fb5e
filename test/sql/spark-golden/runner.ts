// Runs one Spark SQL golden file (.sql.out) statement by statement in a fresh session and
// classifies each statement against Spark's answer:
//   pass            both returned a result; schema and rows equal (order only where the query orders)
//   expected-error  Spark raised an error and so did the engine (a pass)
//   wrong           both returned a result but the rows differ: a silently wrong answer
//   schema          rows equal, the schema text (column names or types) differs
//   accepted        Spark rejected the statement, the engine returned a result
//   error           Spark returned a result, the engine raised a typed error
//   crash           the engine raised something untyped (TypeError, InternalError)
//   order           an ordered query returned Spark's rows in another order (rows tied on the
//                   ORDER BY keys may legitimately come in any order; not counted as a pass)
//   random          rows differ in a query that draws random numbers (rand, randn, uuid, shuffle):
//                   Spark's XORShiftRandom sequence is not reproduced, a difference but not a wrong answer
import { existsSync, readFileSync } from "node:fs";
import { SqlSession } from "../../../engine/sql/index";
import { simpleString } from "../../../engine/sql/types";
import { hiveRow } from "../../../engine/sql/hive-result";
import { WorkbenchError } from "../../../engine/common/errors";
import type { LogicalPlan } from "../../../engine/sql/plan/logical-plan";
import { localHost } from "../support/local-context";
import { parseGoldenFile, expectedError, expectedRows, type GoldenCase } from "./golden-file";
import { createTestTables } from "./test-tables";

export type Outcome = "pass" | "expected-error" | "wrong" | "schema" | "accepted" | "error" | "crash" | "order" | "random";
export const OUTCOMES: Outcome[] = ["pass", "expected-error", "wrong", "schema", "accepted", "error", "crash", "order", "random"];
const RANDOM = /\b(rand|randn|random|uuid|shuffle)\s*\(/i;

export interface StatementResult {
  index: number;
  sql: string;
  outcome: Outcome;
  /** What differed: the engine's error, or expected vs actual text. */
  detail?: string;
}

export interface FileReport {
  file: string;
  results: StatementResult[];
  counts: Record<Outcome, number>;
}

/** Spark's SQLQueryTestHelper.isSemanticallySorted over the engine's logical plan. */
export function isSorted(plan: LogicalPlan): boolean {
  switch (plan.kind) {
    case "Join": case "Aggregate": case "Generate": case "Sample": case "Deduplicate": return false;
    case "Sort": return plan.global;
    default: return childrenOf(plan).some(isSorted);
  }
}

function childrenOf(plan: LogicalPlan): LogicalPlan[] {
  const p = plan as { child?: LogicalPlan; left?: LogicalPlan; right?: LogicalPlan; children?: LogicalPlan[] };
  return [p.child, p.left, p.right, ...(p.children ?? [])].filter((c): c is LogicalPlan => c !== undefined);
}

function isCrash(e: unknown): boolean {
  if (!(e instanceof WorkbenchError)) return true;
  if (e.kind === "InternalError" || e.condition === "INTERNAL_ERROR") return true;
  return /\b(TypeError|ReferenceError|RangeError)\b|Cannot read propert|is not a function|is not iterable/.test(e.message);
}

function errText(e: unknown): string {
  if (e instanceof WorkbenchError) return `${e.kind}: ${e.message.split("\n")[0]}`;
  return e instanceof Error ? `${e.name}: ${e.message.split("\n")[0]}` : String(e);
}

export async function runStatement(spark: SqlSession, c: GoldenCase, index: number): Promise<StatementResult> {
  const base = { index, sql: c.sql };
  const sparkError = expectedError(c);
  let schema: string;
  let rows: string[];
  let sorted: boolean;
  try {
    const df = spark.sql(c.sql);
    const out = df.output;
    const internal = await df.collectInternal();
    const types = out.map((a) => a.dataType);
    const tz = spark.settings().timeZone;
    rows = internal.map((r) => hiveRow(r, types, tz));
    schema = out.length === 0 ? "struct<>" : `struct<${out.map((a) => `${a.name}:${simpleString(a.dataType)}`).join(",")}>`;
    sorted = isSorted(df.plan);
  } catch (e) {
    if (sparkError) return { ...base, outcome: "expected-error", detail: `spark ${sparkError.errorClass ?? sparkError.exception}; engine ${errText(e)}` };
    return { ...base, outcome: isCrash(e) ? "crash" : "error", detail: errText(e) };
  }
  if (sparkError) return { ...base, outcome: "accepted", detail: `spark ${sparkError.errorClass ?? sparkError.exception}; engine returned ${rows.length} rows` };
  const want = expectedRows(c);
  // Commands: Spark prints struct<> and no rows; any quiet success matches.
  if (c.schema === "struct<>" && want.length === 0 && (rows.length === 0 || schema === "struct<>")) return { ...base, outcome: "pass" };
  const got = sorted ? rows : [...rows].sort();
  // Spark writes the rows joined by newlines with trailing whitespace removed: compare the same text.
  const same = got.join("\n").replace(/\s+$/, "") === c.output;
  if (!same) {
    const sameBag = got.length === want.length && [...got].sort().join("\n") === [...want].sort().join("\n");
    const detail = `${sameBag ? "order differs; " : ""}expected:\n${want.slice(0, 8).join("\n")}\nactual:\n${got.slice(0, 8).join("\n")}`;
    return { ...base, outcome: RANDOM.test(c.sql) ? "random" : sameBag && sorted ? "order" : "wrong", detail };
  }
  if (schema !== c.schema) return { ...base, outcome: "schema", detail: `expected ${c.schema}\nactual   ${schema}` };
  return { ...base, outcome: "pass" };
}

export function emptyCounts(): Record<Outcome, number> {
  return Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
}

/** Runs every statement of `path` in order in a fresh session with Spark's test tables. */
export async function runGoldenFile(path: string, name: string, testDataDir: string): Promise<FileReport> {
  // Spark's SQLQueryTestSuite runs in America/Los_Angeles (session and JVM zone).
  const spark = new SqlSession(localHost({ "spark.sql.session.timeZone": "America/Los_Angeles" }));
  createTestTables(spark, testDataDir);
  const results: StatementResult[] = [];
  const cases = parseGoldenFile(readFileSync(path, "utf8"));
  // The input file's `--SET k=v` header lines configure the session Spark ran the file in.
  let refused: unknown;
  for (const [k, v] of fileSettings(path)) {
    try { spark.sql(`SET ${k}=${v}`); } catch (e) { refused = e; }
  }
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i]!;
    results.push(refused === undefined ? await runStatement(spark, c, i + 1)
      : { index: i + 1, sql: c.sql, outcome: "error", detail: `the file's settings were refused: ${errText(refused)}` });
  }
  const counts = emptyCounts();
  for (const r of results) counts[r.outcome]++;
  return { file: name, results, counts };
}

/** Statements that count as passing: right results and errors where Spark errors too. */
export const passed = (c: Record<Outcome, number>): number => c.pass + c["expected-error"];

/** `--SET k=v[, k2=v2]` lines at the top of the statement file (inputs/<name>.sql) beside the results. */
function fileSettings(resultPath: string): [string, string][] {
  const input = resultPath.replace(/[\\/]results[\\/]/, "/inputs/").replace(/\.sql\.out$/, ".sql");
  if (!existsSync(input)) return [];
  const out: [string, string][] = [];
  for (const line of readFileSync(input, "utf8").split("\n")) {
    const m = /^--SET\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    for (const kv of m[1]!.split(",")) {
      const i = kv.indexOf("=");
      if (i > 0) out.push([kv.slice(0, i).trim(), kv.slice(i + 1).trim()]);
    }
  }
  return out;
}
