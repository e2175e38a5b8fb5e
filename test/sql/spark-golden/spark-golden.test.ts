// Spark's own SQL golden files (../shared/spark-sql-tests/golden, beside the repository) run as a
// ratchet: per file, the statements that pass (right rows, or an error where Spark errors too)
// never drop below baseline.json, and the silently wrong answers never rise above it.
// Regenerate after improving the engine: UPDATE_BASELINE=1 npx vitest run test/sql/spark-golden
// Details of every failing statement: npx tsx test/sql/spark-golden/run.ts -v [file ...]
import { describe, it, expect } from "vitest";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { runGoldenFile, passed, emptyCounts, OUTCOMES, type Outcome, type FileReport } from "./runner";
import { CORE_FILES, GOLDEN_DIR, TEST_DATA_DIR, goldenAvailable, goldenPath } from "./files";

const BASELINE = join(import.meta.dirname, "baseline.json");
interface Baseline { files: Record<string, { statements: number; passed: number; wrong: number }>; total: { statements: number; passed: number; wrong: number; crashes: number } }

const available = goldenAvailable();
if (!available) console.warn(`Spark golden files not found at ${GOLDEN_DIR}; skipping (copy Spark's sql-tests there or set SPARK_SQL_TESTS).`);

describe.skipIf(!available)("Spark SQL golden files (30 core files)", () => {
  it("passes at least the committed baseline per file, with no more wrong answers", { timeout: 300_000 }, async () => {
    const reports: FileReport[] = [];
    for (const name of CORE_FILES) reports.push(await runGoldenFile(goldenPath(name), name, TEST_DATA_DIR));
    const total = emptyCounts();
    for (const r of reports) for (const o of OUTCOMES) total[o] += r.counts[o];
    const statements = OUTCOMES.reduce((a, o: Outcome) => a + total[o], 0);
    const current: Baseline = {
      files: Object.fromEntries(reports.map((r) => [r.file, { statements: r.results.length, passed: passed(r.counts), wrong: r.counts.wrong }])),
      total: { statements, passed: passed(total), wrong: total.wrong, crashes: total.crash },
    };
    console.log(`Spark golden files: ${current.total.passed}/${statements} statements pass (${((100 * current.total.passed) / statements).toFixed(1)}%), ${total.wrong} wrong, ${total.order} in another order, ${total.accepted} accepted where Spark errors, ${total.error} errors, ${total.crash} crashes`);
    if (process.env.UPDATE_BASELINE || !existsSync(BASELINE)) writeFileSync(BASELINE, JSON.stringify(current, null, 2) + "\n");
    const base = JSON.parse(readFileSync(BASELINE, "utf8")) as Baseline;
    for (const [file, b] of Object.entries(base.files)) {
      const c = current.files[file];
      expect(c, `${file} ran`).toBeDefined();
      expect(c!.passed, `${file}: passing statements`).toBeGreaterThanOrEqual(b.passed);
      expect(c!.wrong, `${file}: wrong answers`).toBeLessThanOrEqual(b.wrong);
    }
    expect(current.total.wrong).toBeLessThanOrEqual(base.total.wrong);
    // Nothing inside the engine may fail with an untyped error.
    const crashes = reports.flatMap((r) => r.results.filter((s) => s.outcome === "crash").map((s) => `${r.file} #${s.index}: ${s.detail}`));
    expect(crashes.length, crashes.join("\n")).toBeLessThanOrEqual(base.total.crashes);
  });
});
