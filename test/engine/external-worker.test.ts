// A worker started outside the driver (as `WORKBENCH_TOKEN=T workbench worker --driver ws://HOST:PORT`
// does) joins a running session and runs its tasks; one with the wrong token is refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SparkSession, SparkContext } from "../../engine/index";
import { startSession, waitFor } from "./helpers";

let spark: SparkSession;
let sc: SparkContext;
beforeAll(async () => ({ spark, sc } = await startSession("driver")));
afterAll(async () => spark?.stop());

function startExternalWorker(token: string, id: string): { child: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  const script = join(mkdtempSync(join(tmpdir(), "extw-")), "worker.mts");
  const engine = new URL("../../engine/index.ts", import.meta.url).pathname;
  writeFileSync(script, `
    import { runWorker } from ${JSON.stringify(engine)};
    await runWorker({ driverUrl: process.argv[2], token: process.argv[3], workerId: process.argv[4], cores: 2 });
  `);
  const child = spawn(process.execPath, ["--import", "tsx", script, spark.cluster.driverUrl, token, id], {
    cwd: new URL("../..", import.meta.url).pathname, stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  return { child, exited: new Promise((r) => child.on("exit", (code) => r(code))), stderr: () => err };
}

describe("external workers", () => {
  it("a worker with the wrong token is refused and exits", async () => {
    const w = startExternalWorker("not-the-token", "intruder");
    const code = await w.exited;
    expect(code).not.toBe(0);
    expect(w.stderr()).toMatch(/could not prove the session secret/);
    expect(spark.cluster.workers()).toHaveLength(0);
  });

  it("a worker with the session token joins, runs tasks on both its slots, and leaves when the driver stops", async () => {
    const w = startExternalWorker(spark.cluster.token, "remote-1");
    await waitFor(() => spark.cluster.workers().length === 1, 60_000);
    const info = spark.cluster.workers()[0]!;
    expect(info.id).toBe("remote-1");
    expect(info.slots).toBe(2);
    const out = await sc.parallelize(Array.from({ length: 100 }, (_, i) => i), 4).map((x) => [x % 3, x] as [number, number]).reduceByKey((a, b) => a + b).collect();
    expect(new Map(out)).toEqual(new Map([[0, 1683], [1, 1617], [2, 1650]]));
    expect(new Set(spark.lastJob()!.tasks().map((t) => t.workerId))).toEqual(new Set(["remote-1"]));
    await spark.stop();
    expect(await w.exited).toBe(0);
  });
});
