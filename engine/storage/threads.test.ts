import { readdirSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import type { MapStatus } from "./shuffle-writer";
import { closeShuffleClients, fetchShuffleBlocks } from "./shuffle-fetch";
import { decodeShuffleBlock } from "./shuffle-files";
import { ShuffleServer } from "./shuffle-server";
import { removeTempDirs, tempDir } from "../../test/fixtures/storage/test-dirs";

afterAll(async () => { await closeShuffleClients(); removeTempDirs(); });

function runTask(data: Record<string, unknown>): Promise<MapStatus> {
  // On Node 20, execArgv ["--import", "tsx"] does not reach a Worker's own entry module; an eval
  // entry that registers tsx's ESM hooks and then imports the TypeScript file does.
  const url = new URL("../../test/fixtures/storage/threads-fixture.ts", import.meta.url).href;
  const code = `import("tsx/esm/api").then((api) => { api.register(); return import(${JSON.stringify(url)}); });`;
  const w = new Worker(code, { eval: true, workerData: data });
  return new Promise((resolve, reject) => {
    w.once("message", (m: MapStatus) => { resolve(m); void w.terminate(); });
    w.once("error", reject);
  });
}

describe("map tasks in worker threads, served by the main thread", () => {
  it("concurrent spilling writers in one directory commit distinct outputs that fetch back whole", async () => {
    const dir = tempDir("threads");
    const server = new ShuffleServer({ dir, token: "t" });
    const address = await server.start();
    try {
      const n = 20_000, P = 3;
      const statuses = await Promise.all([0, 1, 2, 3].map((mapId) => runTask({ dir, shuffleId: 1, mapId, n, numPartitions: P })));
      expect(statuses.every((s) => s.spillBytes > 0)).toBe(true);
      expect(readdirSync(dir).sort()).toEqual([0, 1, 2, 3].flatMap((m) => [`shuffle_1_${m}.data`, `shuffle_1_${m}.index`]));
      let total = 0, sum = 0;
      for (let r = 0; r < P; r++) {
        const res = await fetchShuffleBlocks({ token: "t", localAddress: "", localDir: dir, requests: [{ address, shuffleId: 1, mapIds: [0, 1, 2, 3], reduceId: r }] });
        for (const b of res.blocks) {
          const recs = decodeShuffleBlock(b.data);
          expect(recs.length).toBe(statuses[b.mapId]!.records[r]);
          total += recs.length;
          for (const [, v] of recs) sum += v as number;
        }
      }
      expect(total).toBe(4 * n);
      // Every value m * 1e6 + i, for m in 0..3 and i in 0..n-1, exactly once.
      expect(sum).toBe(4 * ((n * (n - 1)) / 2) + n * 1_000_000 * (0 + 1 + 2 + 3));
    } finally {
      await server.close();
    }
  });
});
