// The notebook's session with the real engine: a speculative session started while the kernel
// starts is the one the first `spark` cell gets when configure() did not change anything, and is
// stopped (its worker processes exit) when configure() changes the settings before first use.

import { afterEach, describe, expect, it } from "vitest";
import { NotebookSession, NotebookUsageError, cellUsesSession } from "../../kernel/notebook-session";

interface LiveSession {
  sparkContext: { master: string; appName: string };
  cluster: { workers(): Array<{ pid: number }> };
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

async function waitDead(pids: number[], ms = 20_000): Promise<number[]> {
  const end = Date.now() + ms;
  while (Date.now() < end && pids.some(alive)) await new Promise((r) => setTimeout(r, 100));
  return pids.filter(alive);
}

let nb: NotebookSession | undefined;
afterEach(async () => {
  await nb?.stop(10_000);
  nb = undefined;
});

describe("NotebookSession prestart", () => {
  it("hands the speculative session to the first use when the settings did not change", async () => {
    nb = new NotebookSession();
    await nb.loadEngine();
    nb.prestart();
    expect(nb.prestarted).toBe(true);
    nb.configure({ master: "local[2]" }); // the default: nothing changes
    const s = (await nb.ensure()) as unknown as LiveSession;
    expect(s.sparkContext.master).toBe("local[2]");
    expect(nb.prestarted).toBe(false);
    expect(() => nb!.configure({ master: "local[1]" })).toThrow(NotebookUsageError);
    const pids = s.cluster.workers().map((w) => w.pid);
    expect(pids).toHaveLength(2);
    await nb.stop(10_000);
    expect(await waitDead(pids)).toEqual([]);
  }, 120_000);

  it("discards the speculative session when configure() changes the settings before first use", async () => {
    nb = new NotebookSession();
    await nb.loadEngine();
    nb.prestart();
    // Wait until the speculative session's workers are up, then change the master.
    const engine = nb.loadedEngine() as unknown as { SparkSession: { getActiveSession(): LiveSession | undefined } };
    const end = Date.now() + 60_000;
    while (!engine.SparkSession.getActiveSession() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    const first = engine.SparkSession.getActiveSession()!;
    const oldPids = first.cluster.workers().map((w) => w.pid);
    expect(oldPids).toHaveLength(2);

    nb.configure({ master: "local[1]", appName: "configured" });
    const s = (await nb.ensure()) as unknown as LiveSession;
    expect(s).not.toBe(first);
    expect(s.sparkContext.master).toBe("local[1]");
    expect(s.sparkContext.appName).toBe("configured");
    expect(s.cluster.workers()).toHaveLength(1);
    expect(await waitDead(oldPids)).toEqual([]);
  }, 120_000);

  it("stops a speculative session that is still starting at shutdown", async () => {
    nb = new NotebookSession();
    await nb.loadEngine();
    nb.prestart();
    await nb.stop(15_000);
    const engine = nb.loadedEngine() as unknown as { SparkSession: { getActiveSession(): unknown } };
    expect(engine.SparkSession.getActiveSession()).toBeUndefined();
  }, 120_000);
});

describe("which cells use the session", () => {
  it("spark or sc as names, not in comments, not the scheme of a Spark Connect URL", () => {
    expect(cellUsesSession("spark.range(3)")).toBe(true);
    expect(cellUsesSession("const rdd = sc.parallelize([1])")).toBe(true);
    expect(cellUsesSession("// spark later\nconst x = 1")).toBe(false);
    expect(cellUsesSession('configure({ remote: "sc://127.0.0.1:15002/;token=t" })')).toBe(false);
    expect(cellUsesSession('configure({ remote: "sc://h" }); spark.sql("SELECT 1")')).toBe(true);
  });
});
