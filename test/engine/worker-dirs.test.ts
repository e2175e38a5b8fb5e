// Scratch directories of killed workers do not pile up: each carries its owner's pid and every
// worker start sweeps those whose owner is gone (and only those).
import { mkdirSync, mkdtempSync, existsSync, writeFileSync, utimesSync, rmSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { sweepStaleWorkerDirs } from "../../engine/cluster/worker-dirs";
import { startSession, waitFor } from "./helpers";

describe("worker scratch directories", () => {
  it("sweep removes directories of dead owners and keeps live, foreign and unmarked ones", () => {
    const root = mkdtempSync(join(tmpdir(), "sweep-"));
    try {
      const dead = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
      const deadPid = Number(dead.stdout.trim());
      const live = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
      const mk = (name: string, owner?: number) => {
        const d = join(root, name);
        mkdirSync(join(d, "shuffle"), { recursive: true });
        writeFileSync(join(d, "shuffle", "data"), "x".repeat(1000));
        if (owner !== undefined) writeFileSync(join(d, ".owner-pid"), String(owner));
        return d;
      };
      const a = mk("bigdata-worker-0-1700000000000", deadPid);
      const b = mk("bigdata-worker-1-1700000000001", live.pid!);
      const c = mk("bigdata-worker-2-1700000000002");          // unmarked, recent: kept
      const d = mk("bigdata-worker-3-1700000000003");          // unmarked, two days old: swept
      const old = (Date.now() - 2 * 24 * 3600 * 1000) / 1000;
      utimesSync(d, old, old);
      const e = mk("other-worker-4", deadPid);                  // not ours
      const removed = sweepStaleWorkerDirs(root);
      live.kill("SIGKILL");
      expect(removed.sort()).toEqual([a, d].sort());
      expect([a, b, c, d, e].map(existsSync)).toEqual([false, true, true, false, true]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("a SIGKILLed worker's directory is removed when its replacement starts", async () => {
    const { spark, sc } = await startSession("local[2]", { "spark.app.name": "dirs" });
    try {
      expect(await sc.parallelize([1, 2, 3, 4], 2).map((x) => [x % 2, x] as [number, number]).reduceByKey((a, b) => a + b).count()).toBe(2);
      const victim = spark.cluster.workers()[0]!;
      const dirOf = (pid: number) => readdirSync(tmpdir()).map((n) => join(tmpdir(), n))
        .filter((p) => p.includes("bigdata-") && existsSync(join(p, ".owner-pid")) && readFileSync(join(p, ".owner-pid"), "utf8") === String(pid));
      const victimDirs = dirOf(victim.pid);
      expect(victimDirs).toHaveLength(1);
      await spark.cluster.kill(victim.id);
      await waitFor(() => spark.cluster.workers().length === 2 && !spark.cluster.workers().some((w) => w.id === victim.id), 60_000);
      expect(existsSync(victimDirs[0]!)).toBe(false);
      for (const w of spark.cluster.workers()) expect(dirOf(w.pid)).toHaveLength(1);
    } finally {
      await spark.stop();
    }
  });
});
