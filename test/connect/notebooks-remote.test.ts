// The lecture notebooks on real Spark through Spark Connect: `workbench run --remote` runs every
// cell that a Spark Connect server can run (DataFrames, SQL, explain, time zones, the rate
// source, windows) on a local Spark 4.0.1 server, skips the cells tagged embedded-only (the RDD
// API, the embedded workers, MemoryStream, ML) and the notebooks whose system exists only on the
// embedded cluster, saying so.

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../e2e/helpers/sandbox";
import { workbench } from "../e2e/helpers/processes";
import { lectureSandbox } from "../e2e/helpers/lecture-notebooks";
import { javaMissing, startConnectServer, type ConnectServer } from "./connect-server";

const noJava = javaMissing();
const env = await lectureSandbox();
let server: ConnectServer | undefined;

beforeAll(async () => {
  if (!noJava && env.ready) server = await startConnectServer({}, 240_000);
}, 300_000);
afterAll(async () => { await server?.stop(); });

interface Ran { stdout: string; outputs: string; skipped: number }

async function runRemote(file: string, name: string): Promise<Ran> {
  const out = join(env.sb().dir, "work", `${name}.remote.ipynb`);
  const res = await workbench(["run", join(ROOT, "notebooks", file), "--remote", server!.url, "--output", out, "--timeout", "300", "--cwd", join(ROOT, "notebooks")], { env: env.sb().env, timeoutMs: 600_000 });
  expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(0);
  const nb = JSON.parse(await readFile(out, "utf8").catch(() => "{\"cells\":[]}")) as { cells: Array<{ cell_type: string; outputs?: unknown[] }> };
  return {
    stdout: res.stdout,
    outputs: JSON.stringify(nb.cells.map((c) => c.outputs ?? [])),
    skipped: (res.stdout.match(/skipped \(tagged embedded-only/g) ?? []).length,
  };
}

describe.skipIf(!!noJava || !env.ready)("lecture notebooks with --remote", () => {
  it("L07: the DataFrame, SQL, explain and time-zone cells run on the server; RDD and ML cells are skipped", async () => {
    const r = await runRemote("L07-spark-sql-and-ml.ipynb", "L07");
    expect(r.skipped).toBe(14); // (the generated-loop cell shows the embedded engine's code)
    expect(r.stdout).toMatch(/All 6 code cells ran without error \(14 skipped\)/);
    expect(r.outputs).toMatch(/DataFrame: \d+ ms/);
    expect(r.outputs).toContain("== Physical Plan ==");
    expect(r.outputs).toContain("AdaptiveSparkPlan");                 // Spark's own plan, not the embedded one
    expect(r.outputs).toMatch(/\|\s+Basel\|10001\|/);                  // the correlated subquery's answer
    expect(r.outputs).toContain("|2024-03-11 08:30:00|   8|2024-03-11|"); // the same instant read in Asia/Tokyo
    expect(r.outputs).toContain("stage ");                            // the job summary of the server's stages
  }, 600_000);

  it("L08: the rate source and event-time windows run on the server; MemoryStream and dataflow cells are skipped", async () => {
    const r = await runRemote("L08-streaming.ipynb", "L08");
    expect(r.skipped).toBeGreaterThan(20);
    expect(r.outputs).toContain("the counts differ by at most one: true");
    expect(r.outputs).toContain("[12:05, 12:15) dog");
  }, 600_000);

  it("L01: all but the RDD and worker-kill cells run on the server", async () => {
    const r = await runRemote("L01-introduction.ipynb", "L01");
    expect(r.skipped).toBe(2);
    expect(r.stdout).toMatch(/All 7 code cells ran without error \(2 skipped\)/);
  }, 600_000);

  it("a notebook whose system exists only on the embedded cluster is not run, and says why", async () => {
    const r = await runRemote("L06-spark-basics.ipynb", "L06");
    expect(r.stdout).toMatch(/L06-spark-basics\.ipynb was not run: its system runs on the embedded cluster only\. The RDD API \(sc\)/);
  }, 120_000);
});
