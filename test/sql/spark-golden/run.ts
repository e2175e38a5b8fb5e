// Command line: npx tsx test/sql/spark-golden/run.ts [-v] [file ...]
// Runs Spark's golden files (default: the 30 core files; "all" for every non-ANSI file) and
// prints per-file counts; -v lists every statement that is not a pass with what differed.
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { runGoldenFile, passed, emptyCounts, OUTCOMES, type FileReport } from "./runner";
import { CORE_FILES, RESULTS_DIR, TEST_DATA_DIR, goldenAvailable, goldenPath } from "./files";

function allFiles(dir = RESULTS_DIR): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === "ansi" ? [] : allFiles(p);
    return f.endsWith(".sql.out") ? [relative(RESULTS_DIR, p).replace(/\.sql\.out$/, "")] : [];
  }).sort();
}

async function main(): Promise<void> {
  if (!goldenAvailable()) { console.log(`no golden files at ${RESULTS_DIR}`); return; }
  const args = process.argv.slice(2);
  const verbose = args.includes("-v");
  const only = args.filter((a) => a !== "-v" && !a.startsWith("--show="));
  const show = (args.find((a) => a.startsWith("--show=")) ?? "--show=wrong,schema,accepted,error,crash").slice(7).split(",");
  const names = only.length === 0 ? CORE_FILES : only[0] === "all" ? allFiles() : only;
  const total = emptyCounts();
  const reports: FileReport[] = [];
  for (const name of names) {
    let r: FileReport;
    try { r = await runGoldenFile(goldenPath(name), name, TEST_DATA_DIR); } catch (e) { console.log(`${name}: runner failed: ${String(e)}`); continue; }
    reports.push(r);
    for (const o of OUTCOMES) total[o] += r.counts[o];
    if (verbose) {
      for (const s of r.results.filter((x) => show.includes(x.outcome))) {
        console.log(`--- ${name} #${s.index} ${s.outcome.toUpperCase()}\n${s.sql}\n${s.detail ?? ""}\n`);
      }
    }
  }
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  console.log(`${"file".padEnd(48)}${OUTCOMES.map((o) => pad(o, 15)).join("")}   passed`);
  for (const r of reports) {
    const n = r.results.length;
    console.log(`${r.file.padEnd(48)}${OUTCOMES.map((o) => pad(r.counts[o], 15)).join("")}   ${passed(r.counts)}/${n}`);
  }
  const n = OUTCOMES.reduce((a, o) => a + total[o], 0);
  console.log(`${"TOTAL".padEnd(48)}${OUTCOMES.map((o) => pad(total[o], 15)).join("")}   ${passed(total)}/${n} = ${((100 * passed(total)) / n).toFixed(1)}%`);
}

void main();
