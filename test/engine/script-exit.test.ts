// A script that never calls `await spark.stop()` ends after its last line, as a PySpark script
// does: an idle cluster does not keep Node's event loop alive, and the context is stopped at exit
// (its worker processes end). Work the driver waits for (starting, jobs, killing a worker, a
// job re-run after that) still keeps the process alive until it is done.
import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const root = resolve(__dirname, "../..");
const engine = pathToFileURL(join(root, "engine/index.ts")).href;
const tsx = join(root, "node_modules/.bin/tsx");

function run(source: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), "script-exit-"));
  const file = join(dir, "script.mts");
  writeFileSync(file, source);
  return new Promise((res) => {
    execFile(tsx, [file], { cwd: dir, timeout: 90_000, killSignal: "SIGKILL" }, (err, stdout, stderr) => {
      rmSync(dir, { recursive: true, force: true });
      res({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

describe("a script without spark.stop()", () => {
  it("prints its results, exits by itself, and its workers end", async () => {
    const r = await run(`
import { SparkSession } from ${JSON.stringify(engine)};
const spark = await SparkSession.builder().master("local[2]").appName("no-stop").getOrCreate();
console.log("pids " + JSON.stringify(spark.cluster.workers().map((w) => w.pid)));
console.log("count " + await spark.range(0, 1000).filter("id % 7 = 0").count());
`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("count 143");
    const pids = JSON.parse(/pids (\[.*\])/.exec(r.stdout)![1]!) as number[];
    expect(pids).toHaveLength(2);
    const end = Date.now() + 10_000;
    while (pids.some(alive) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    expect(pids.filter(alive)).toEqual([]);
  }, 120_000);

  it("stays alive for what the driver waits for: a killed worker, then a job on its replacement", async () => {
    const r = await run(`
import { SparkSession } from ${JSON.stringify(engine)};
const spark = await SparkSession.builder().master("local[2]").appName("no-stop-kill").getOrCreate();
const sc = spark.sparkContext;
await spark.cluster.kill(spark.cluster.workers()[0]!.id);
console.log("after kill");
console.log("sum " + await sc.parallelize([1, 2, 3, 4], 4).map((x) => x * 10).sum());
await new Promise((r) => setTimeout(r, 200));
console.log("done");
`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/after kill\nsum 100\ndone/);
  }, 120_000);

  it("stays alive while it waits for a store hosted on the workers", async () => {
    const r = await run(`
import { SparkSession, KeyValueStore, VectorStore } from ${JSON.stringify(engine)};
const spark = await SparkSession.builder().master("local[2]").appName("no-stop-store").getOrCreate();
const kv = await KeyValueStore.create(spark, { numNodes: 2, replication: 2, readQuorum: 1, writeQuorum: 2 });
await kv.put("a", 41);
console.log("kv " + ((await kv.get("a")).value + 1));
const vs = await VectorStore.create(spark, { dimension: 2, lsh: false });
await vs.insertMany([{ id: "x", vector: [1, 0] }, { id: "y", vector: [0, 1] }]);
console.log("nearest " + (await vs.search([0.9, 0.1], { k: 1 })).results[0].id);
`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/kv 42\nnearest x/);
  }, 120_000);
});
