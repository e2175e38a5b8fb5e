import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const fixture = fileURLToPath(new URL("../../test/fixtures/storage/low-heap-fixture.ts", import.meta.url));
const run = (heapMb: number, n: number, keys: number, limit?: number) =>
  spawnSync(process.execPath, [`--max-old-space-size=${heapMb}`, "--import", "tsx", fixture, String(n), String(keys), ...(limit ? [String(limit)] : [])],
    { encoding: "utf8", maxBuffer: 1 << 24 });

describe("shuffle with spill under a small heap", () => {
  it("groups 500k records (~30 MB of values) by key in a 32 MB heap; the same without spilling runs out of memory", () => {
    const ok = run(32, 500_000, 100_000);
    expect(ok.status, ok.stderr).toBe(0);
    const out = JSON.parse(ok.stdout.trim().split("\n").pop()!) as { keys: number; values: number; mapSpill: number; reduceSpill: number };
    expect(out.keys).toBe(100_000);
    expect(out.values).toBe(500_000);
    expect(out.mapSpill).toBeGreaterThan(0);
    // Control: with a memory limit far above the heap, nothing spills and the process dies.
    const oom = run(32, 500_000, 100_000, 1 << 30);
    expect(oom.status).not.toBe(0);
    expect(oom.stderr).toMatch(/heap out of memory/i);
  });
});
