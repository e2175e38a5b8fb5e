// CPU profiles of every thread of a benchmark run (driver, worker processes, executor threads)
// and their summary as self time per function; used by engine-bench-profile.ts and
// sql-bench-profile.ts. Node refuses --cpu-prof in NODE_OPTIONS and the launcher gives workers no
// extra flags, so a small hook (passed with NODE_OPTIONS=--import, which reaches the driver, the
// worker processes and their executor threads) runs the inspector's profiler in every thread and
// writes a chunk every 2 s (executor threads may be terminated without an exit event).
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }
interface Profile { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[] }

/** The hook module's text: profiles into the folder named by env var `dirVar`, sampling every `intervalUs`. */
function hookSource(dirVar: string, intervalUs: number): string {
  return `
import { Session } from "node:inspector";
import { writeFileSync } from "node:fs";
import { threadId } from "node:worker_threads";
const dir = process.env.${dirVar};
if (dir) {
  const s = new Session(); s.connect();
  let seq = 0;
  const start = () => { s.post("Profiler.enable"); s.post("Profiler.setSamplingInterval", { interval: ${intervalUs} }); s.post("Profiler.start"); };
  const flush = () => s.post("Profiler.stop", (err, r) => {
    if (!err && r) writeFileSync(dir + "/p-" + process.pid + "-t" + threadId + "-" + String(seq++).padStart(4, "0") + ".cpuprofile", JSON.stringify(r.profile));
  });
  start();
  setInterval(() => { flush(); start(); }, 2000).unref();
  process.on("exit", flush);
}
`;
}

/** Run `npx tsx ARGS` with every thread profiled into `dir`; returns its exit status. */
export function runProfiled(args: string[], dir: string, dirVar: string, intervalUs: number): number | null {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "hook.mjs"), hookSource(dirVar, intervalUs));
  const r = spawnSync("npx", ["tsx", ...args], {
    stdio: "inherit", env: { ...process.env, [dirVar]: dir, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import ${join(dir, "hook.mjs")}` },
  });
  return r.status;
}

/** Self time (ms) per function in one profile, largest first. */
export function selfTimes(p: Profile): { name: string; ms: number; share: number }[] {
  const total = (p.endTime - p.startTime) / 1000;
  const perSample = total / Math.max(1, p.samples.length);
  const by = new Map<string, number>();
  for (const n of p.nodes) {
    const f = n.callFrame;
    const where = f.url ? `${f.url.replace(/^file:\/\/.*?\/(engine|node_modules)\//, "$1/")}:${f.lineNumber + 1}` : "";
    const key = `${f.functionName || "(anonymous)"} ${where}`.trim();
    by.set(key, (by.get(key) ?? 0) + (n.hitCount ?? 0) * perSample);
  }
  return [...by].map(([name, ms]) => ({ name, ms, share: ms / total })).sort((a, b) => b.ms - a.ms);
}

/** Merge each thread's profile chunks (p-PID-tTHREAD-SEQ) into self-time rows and print the top ones. */
export function printProfileSummary(dir: string, top: number): void {
  const groups = new Map<string, Profile[]>();
  for (const f of readdirSync(dir).filter((x) => x.endsWith(".cpuprofile")).sort()) {
    const key = f.replace(/-\d+\.cpuprofile$/, "");
    const list = groups.get(key) ?? [];
    list.push(JSON.parse(readFileSync(join(dir, f), "utf8")) as Profile);
    groups.set(key, list);
  }
  for (const [f, chunks] of groups) {
    const merged = new Map<string, { name: string; ms: number; share: number }>();
    let wall = 0;
    for (const c of chunks) {
      wall += (c.endTime - c.startTime) / 1000;
      for (const r of selfTimes(c)) {
        const m = merged.get(r.name) ?? { name: r.name, ms: 0, share: 0 };
        m.ms += r.ms;
        merged.set(r.name, m);
      }
    }
    const rows = [...merged.values()].map((r) => ({ ...r, share: r.ms / wall })).sort((a, b) => b.ms - a.ms);
    const p = { startTime: 0, endTime: wall * 1000 };
    const busy = rows.filter((r) => !/^\((idle|program|garbage collector)\)/.test(r.name)).reduce((a, r) => a + r.ms, 0);
    if (busy < 200) continue; // idle processes/threads
    const gc = rows.find((r) => r.name.startsWith("(garbage collector)"))?.ms ?? 0;
    console.log(`\n== ${f}: ${((p.endTime - p.startTime) / 1000).toFixed(0)} ms wall, ${busy.toFixed(0)} ms in JS, GC ${gc.toFixed(0)} ms`);
    for (const r of rows.filter((x) => !x.name.startsWith("(idle)")).slice(0, top)) console.log(`  ${r.ms.toFixed(0).padStart(7)} ms ${(100 * r.share).toFixed(1).padStart(5)}%  ${r.name}`);
  }
}
