// Killing a worker process while a MapReduce job runs: during the map phase (its running maps are
// re-run elsewhere, its finished map outputs are regenerated when reducers cannot fetch them) and
// during the reduce phase (lost map outputs rerun, then the reduces). Output equals the no-failure
// output and is committed once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MapReduceJob, type SparkSession } from "../../engine/index";
import { startSession, waitFor } from "../engine/helpers";

let spark: SparkSession;
const dir = mkdtempSync(join(tmpdir(), "mr-faults-"));
const workerTmp = mkdtempSync(join(tmpdir(), "mr-faults-tmp-"));
const tmpBefore = process.env.TMPDIR;
const lines = Array.from({ length: 2000 }, (_, i) => `w${i % 17} w${i % 5} x${i % 3}`);

beforeAll(async () => {
  process.env.TMPDIR = workerTmp;
  ({ spark } = await startSession("local[2]", { "spark.network.timeout": "5s" }));
  writeFileSync(join(dir, "in.txt"), lines.join("\n") + "\n");
});
afterAll(async () => {
  await spark?.stop();
  if (tmpBefore === undefined) delete process.env.TMPDIR; else process.env.TMPDIR = tmpBefore;
  rmSync(dir, { recursive: true, force: true });
  rmSync(workerTmp, { recursive: true, force: true });
});

function busy(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) { /* simulate work */ }
}

function reference(): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of lines) for (const w of l.split(" ")) m.set(w, (m.get(w) ?? 0) + 1);
  return m;
}

function job(out: string, slowMap: number, slowReduce: number): MapReduceJob {
  return new MapReduceJob(spark, {
    name: "wc under failure",
    input: { paths: join(dir, "in.txt"), splitSize: 4000 },
    mapper: { map(_o: number, line: string, ctx: any) { busy(slowMap); for (const w of line.split(" ")) ctx.write(w, 1); } },
    combiner: { reduce(w: string, c: number[], ctx: any) { ctx.write(w, c.reduce((a, b) => a + b, 0)); } },
    reducer: { reduce(w: string, c: number[], ctx: any) { busy(slowReduce); ctx.write(w, c.reduce((a, b) => a + b, 0)); } },
    numReduceTasks: 4, output: join(dir, out),
  });
}

describe("MapReduce with a worker killed", () => {
  it("during the map phase: output equals the no-failure output", async () => {
    let killed = "";
    let starts = 0;
    const off = spark.sparkContext.addSparkListener({
      onTaskStart: (e) => {
        if (!killed && ++starts === 3) { killed = e.task.workerId; void spark.cluster.kill(killed); }
      },
    });
    const res = await job("out-map-kill", 2, 0).waitForCompletion();
    off();
    expect(killed).not.toBe("");
    expect(new Map(res.readOutput() as Array<[string, number]>)).toEqual(reference());
    expect(readdirSync(join(dir, "out-map-kill")).sort()).toEqual(["_SUCCESS", "part-r-00000", "part-r-00001", "part-r-00002", "part-r-00003"]);
    expect(res.counters.get("MAP_INPUT_RECORDS")).toBe(lines.length);
    await waitFor(() => spark.cluster.workers().length === 2, 30_000);
  });

  it("during the reduce phase: lost map outputs are regenerated, output exact", async () => {
    let killed = "";
    const j = job("out-reduce-kill", 0, 40);
    const off = spark.sparkContext.addSparkListener({
      onTaskStart: (e) => {
        const st = j.status();
        if (!killed && st?.phase === "shuffle+reduce") { killed = e.task.workerId; void spark.cluster.kill(killed); }
      },
    });
    const res = await j.waitForCompletion();
    off();
    expect(killed).not.toBe("");
    expect(new Map(res.readOutput() as Array<[string, number]>)).toEqual(reference());
    expect(res.counters.get("MAP_OUTPUTS_RERUN")).toBeGreaterThan(0);
    expect(res.counters.get("REDUCE_OUTPUT_RECORDS")).toBe(reference().size);
    await waitFor(() => spark.cluster.workers().length === 2, 30_000);
  });
});
