// `npm run bench [name...]`: runs the benchmarks and prints each figure with the baseline
// measured in the same run and their ratio. Prints, never asserts.
import { engineBenches } from "./engine-bench";

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  baselineName?: string;
  ratio?: number;
  target?: string;
  pass?: boolean;
  note?: string;
}

type Bench = () => Promise<BenchResult>;

const all: Record<string, Bench> = { ...engineBenches };
// Other suites register themselves here when present (SQL, kernel).
for (const mod of ["./sql-bench", "./kernel-bench", "./ml-bench"]) {
  try {
    const m = (await import(mod)) as { benches?: Record<string, Bench> };
    Object.assign(all, m.benches ?? {});
  } catch { /* suite not present */ }
}

const wanted = process.argv.slice(2);
const names = wanted.length ? wanted : Object.keys(all);
const results: BenchResult[] = [];
for (const n of names) {
  const b = all[n];
  if (!b) { console.error(`unknown benchmark '${n}' (have: ${Object.keys(all).join(", ")})`); process.exitCode = 2; continue; }
  process.stderr.write(`running ${n} ...\n`);
  try {
    const r = await b();
    results.push(r);
    const base = r.baseline !== undefined ? ` | baseline ${r.baseline.toFixed(2)} (${r.baselineName})` : "";
    const ratio = r.ratio !== undefined ? ` | ratio ${r.ratio.toFixed(3)}` : "";
    console.log(`${r.pass === undefined ? "  " : r.pass ? "ok" : "--"} ${n}: ${r.name}\n     ${r.value.toFixed(2)} ${r.unit}${base}${ratio} | target ${r.target ?? "-"}${r.note ? ` | ${r.note}` : ""}`);
  } catch (e) {
    console.log(`!! ${n}: failed: ${(e as Error).stack}`);
  }
}
console.log(`\nbenchmarks: ${results.filter((r) => r.pass).length} met target, ${results.filter((r) => r.pass === false).length} missed`);
