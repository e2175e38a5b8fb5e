// Fault tolerance on real worker processes: killed workers mid-map and mid-reduce, a fetch
// failure from lost shuffle files, a task that always throws, closure refusals, the token check,
// and no orphan processes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readdirSync, rmSync, existsSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import WebSocket from "ws";
import type { SparkSession, SparkContext, ListenerEvent } from "../../engine/index";
import { startSession, sorted, isAlive, waitFor } from "./helpers";
import { AuthError, connectAuthenticated } from "../../engine/rpc/auth";
import { PROTOCOL_VERSION } from "../../engine/rpc/protocol";

let spark: SparkSession;
let sc: SparkContext;
// This file's workers keep their local dirs (shuffle files) under a folder of its own, so that the
// fetch-failure test deletes only its own session's shuffle files, never those of suites running
// beside it.
const workerTmp = mkdtempSync(join(tmpdir(), "faults-test-"));
const tmpBefore = process.env.TMPDIR;
beforeAll(async () => {
  process.env.TMPDIR = workerTmp;   // inherited by every worker the session starts, replacements too
  ({ spark, sc } = await startSession("local[2]", { "spark.network.timeout": "5s" }));
});
afterAll(async () => {
  await spark?.stop();
  if (tmpBefore === undefined) delete process.env.TMPDIR; else process.env.TMPDIR = tmpBefore;
  rmSync(workerTmp, { recursive: true, force: true });
});

function busy(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) { /* simulate work */ }
}

const N = 400;
const model = () => {
  const m = new Map<number, number>();
  for (let i = 0; i < N; i++) m.set(i % 7, (m.get(i % 7) ?? 0) + i);
  return sorted([...m.entries()]);
};

describe("fault tolerance", () => {
  it("a worker killed during a map stage: its tasks rerun elsewhere and the result is exact", async () => {
    let killed = "";
    const off = sc.addSparkListener({
      onTaskStart: (e) => {
        if (!killed && e.task.stageId !== undefined) {
          killed = e.task.workerId;
          void spark.cluster.kill(killed);
        }
      },
    });
    const pairs = sc.parallelize(Array.from({ length: N }, (_, i) => i), 8)
      .map((x) => { busy(2); return [x % 7, x] as [number, number]; });
    const out = await pairs.reduceByKey((a, b) => a + b).collect();
    off();
    expect(killed).not.toBe("");
    expect(sorted(out)).toEqual(model());
    await waitFor(() => spark.cluster.workers().length === 2, 30_000); // a replacement worker joined
    expect(spark.cluster.workers().map((w) => w.id)).not.toContain(killed);
  });

  it("a worker killed during a reduce stage: lost map outputs are recomputed from lineage, result exact", async () => {
    let killed = "";
    const events: ListenerEvent[] = [];
    const reduceStages = new Set<number>();
    const off = sc.addSparkListener({
      onEvent: (e) => events.push(e),
      onStageSubmitted: (e) => { if (e.stage.kind === "ResultStage") reduceStages.add(e.stage.stageId); },
      onTaskStart: (e) => {
        if (!killed && reduceStages.has(e.task.stageId)) {
          killed = e.task.workerId;
          void spark.cluster.kill(killed);
        }
      },
    });
    const out = await sc.parallelize(Array.from({ length: N }, (_, i) => i), 6)
      .map((x) => [x % 7, x] as [number, number])
      .reduceByKey((a, b) => a + b, 4)
      .mapValues((v) => { busy(50); return v; })
      .collect();
    off();
    expect(killed).not.toBe("");
    expect(sorted(out)).toEqual(model());
    // The map stage ran again (for the outputs the dead worker held).
    const mapSubmissions = events.filter((e) => e.type === "stageSubmitted" && e.stage.kind === "ShuffleMapStage");
    expect(mapSubmissions.length).toBeGreaterThanOrEqual(2);
    await waitFor(() => spark.cluster.workers().length === 2, 30_000);
  });

  it("a fetch failure (shuffle files gone from a live worker) resubmits the map stage", async () => {
    const reduced = sc.parallelize(Array.from({ length: N }, (_, i) => i), 4).map((x) => [x % 7, x] as [number, number]).reduceByKey((a, b) => a + b);
    expect(sorted(await reduced.collect())).toEqual(model());
    // Delete every worker's shuffle files behind the driver's back.
    let removed = 0;
    for (const d of readdirSync(workerTmp).filter((f) => f.startsWith("bigdata-worker-"))) {
      const dir = join(workerTmp, d);
      if (!existsSync(dir)) continue;
      for (const f of readdirSync(dir)) if (f.startsWith("shuffle_")) { rmSync(join(dir, f), { force: true }); removed++; }
    }
    expect(removed).toBeGreaterThan(0);
    const events: ListenerEvent[] = [];
    const off = sc.addSparkListener({ onEvent: (e) => events.push(e) });
    expect(sorted(await reduced.collect())).toEqual(model());
    off();
    expect(events.some((e) => e.type === "taskEnd" && e.reason === "FetchFailed")).toBe(true);
    expect(events.some((e) => e.type === "stageSubmitted" && e.stage.kind === "ShuffleMapStage")).toBe(true);
  });

  it("a task that always throws fails the job after 4 attempts with the user's exception, stage and partition", async () => {
    function parseRecord(x: number): number {
      if (x === 3) throw new TypeError(`bad record ${x}`);
      return x;
    }
    const before = sc.statusTracker().getJobIdsForGroup().length;
    const err = await sc.parallelize([1, 2, 3, 4], 2).map(parseRecord).collect().catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe("ExecutionError");
    expect(err.message).toMatch(/Task 1 in stage \d+\.0 failed 4 times/);
    expect(err.message).toContain("TypeError: bad record 3");
    expect(err.context).toMatchObject({ partition: 1, attempt: 3 });
    expect(err.stack.split("\n")[1]).toContain("parseRecord");
    const jobs = sc.statusTracker().getJobIdsForGroup();
    expect(jobs.length).toBe(before + 1);
    expect(sc.statusTracker().getJobInfo(jobs.at(-1)!)!.status).toBe("FAILED");
    // The session is still usable.
    expect(await sc.parallelize([1, 2]).count()).toBe(2);
  });
});

describe("closures", () => {
  it("captures numbers, strings, arrays, objects, Maps, Sets, functions and class instances", async () => {
    class Point { constructor(readonly x: number, readonly y: number) {} norm1() { return Math.abs(this.x) + Math.abs(this.y); } }
    const offset = 10, label = "n", tags = ["a", "b"], cfg = { scale: 2 }, m = new Map([[1, "one"]]), s = new Set([2]);
    const helper = (v: number) => v * cfg.scale;
    const p = new Point(3, -4);
    const out = await sc.parallelize([1, 2], 2)
      .map((x) => `${label}${helper(x) + offset}:${tags.join("")}:${m.get(x) ?? "-"}:${s.has(x)}:${p.norm1()}`)
      .collect();
    expect(out).toEqual(["n12:ab:one:false:7", "n14:ab:-:true:7"]);
  });

  it("refuses the SparkContext, the session and RDDs inside closures before any job starts", async () => {
    const before = sc.statusTracker().getJobIdsForGroup().length;
    await expect(sc.parallelize([1]).map((x) => sc.defaultParallelism + x).collect()).rejects.toThrow(/CONTEXT_ONLY_VALID_ON_DRIVER.*SPARK-5063.*'sc'/s);
    await expect(sc.parallelize([1]).map((x) => spark.version + x).collect()).rejects.toThrow(/CONTEXT_ONLY_VALID_ON_DRIVER/);
    const other = sc.parallelize([1]);
    await expect(sc.parallelize([1]).map(() => other.count()).collect()).rejects.toThrow(/RDD_TRANSFORM_ONLY_VALID_ON_DRIVER.*'other'/s);
    expect(sc.statusTracker().getJobIdsForGroup().length).toBe(before);
  });

  it("refuses a value that cannot be shipped, naming the variable", async () => {
    const server = createServer();
    await expect(sc.parallelize([1]).map((x) => (server.listening ? x : 0)).collect()).rejects.toThrow(/CLOSURE_NOT_SERIALIZABLE.*'server'/s);
    server.close();
  });
});

describe("security", () => {
  const tryConnect = (headers: Record<string, string>) => new Promise<number>((resolve) => {
    const ws = new WebSocket(spark.cluster.driverUrl, { headers });
    ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.on("open", () => { ws.close(); resolve(101); });
    ws.on("error", () => resolve(-1));
  });

  it("binds to loopback and refuses peers that cannot prove the session secret or speak another protocol version", async () => {
    expect(spark.cluster.driverUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(spark.cluster.workers().every((w) => w.shuffleAddress.startsWith("ws://127.0.0.1:"))).toBe(true);
    expect(await tryConnect({})).toBe(426);
    expect(await tryConnect({ "x-bigdata-protocol": "1", "x-bigdata-nonce": "ab".repeat(32) })).toBe(426);
    expect(await tryConnect({ "x-bigdata-protocol": String(PROTOCOL_VERSION) })).toBe(400);
    // A peer with the wrong secret: the driver's proof does not verify, so it never learns anything.
    const wrong = await connectAuthenticated(spark.cluster.driverUrl, "wrong").then(() => "connected", (e: AuthError) => e.code);
    expect(wrong).toBe("server-unproven");
    // With the secret, both sides prove it.
    const ok = await connectAuthenticated(spark.cluster.driverUrl, spark.cluster.token);
    ok.close();
    expect(spark.cluster.workers().length).toBeGreaterThan(0);
  });
});

describe("process lifecycle", () => {
  it("stopping the session stops every worker process", async () => {
    const { spark: s2 } = { spark };
    void s2;
    const script = join(mkdtempSync(join(tmpdir(), "orphans-")), "run.mts");
    const engine = new URL("../../engine/index.ts", import.meta.url).pathname;
    writeFileSync(script, `
      import { SparkSession } from ${JSON.stringify(engine)};
      const s = await SparkSession.builder().master("local[3]").config("spark.workbench.replaceLostWorkers", "false").getOrCreate();
      console.log(JSON.stringify(s.cluster.pids()));
      await s.sparkContext.parallelize([1, 2, 3]).count();
      if (process.argv[2] === "stop") { await s.stop(); console.log("stopped"); }
      else setInterval(() => {}, 1000);
    `);
    const run = (mode: string) => new Promise<{ pids: number[]; child: ReturnType<typeof spawn> }>((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", script, mode], { cwd: new URL("../..", import.meta.url).pathname, stdio: ["ignore", "pipe", "inherit"] });
      let buf = "";
      child.stdout!.on("data", (d) => {
        buf += d;
        const line = buf.split("\n")[0]!;
        if (buf.includes("\n")) resolve({ pids: JSON.parse(line), child });
      });
      child.on("error", reject);
    });
    // Clean stop.
    const a = await run("stop");
    expect(a.pids).toHaveLength(3);
    await new Promise((r) => a.child.on("exit", r));
    await waitFor(() => a.pids.every((p) => !isAlive(p)), 10_000);
    // Driver killed abruptly: workers notice and exit on their own.
    const b = await run("hang");
    await waitFor(() => b.pids.every(isAlive), 10_000);
    b.child.kill("SIGKILL");
    await waitFor(() => b.pids.every((p) => !isAlive(p)), 15_000);
  });
});
