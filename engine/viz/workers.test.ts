// Cluster workers table.
import { describe, expect, it } from "vitest";
import type { WorkerInfo } from "../scheduler/job-info";
import { renderWorkers } from "./workers";
import { MIME } from "./mime";
import { assertWellFormedXml, externalReferences } from "../../test/fixtures/viz/xml-check";

const w = (id: string, state: WorkerInfo["state"], slots: number, free: number, hb: number): WorkerInfo =>
  ({ id, pid: 100 + slots, host: "127.0.0.1", state, slots, freeSlots: free, shuffleAddress: "ws://127.0.0.1:1", lastHeartbeat: hb, cachedBlocks: 3 });

describe("renderWorkers", () => {
  it("summarises alive workers and busy slots", () => {
    const b = renderWorkers([w("worker-10", "ALIVE", 2, 0, 900), w("worker-2", "DEAD", 2, 2, 0), w("worker-1", "ALIVE", 2, 1, 1_000)], { now: 1_000 });
    const lines = (b[MIME.text] as string).split("\n");
    expect(lines[0]).toBe("2 of 3 workers alive, 3/4 task slots busy");
    expect(lines.slice(2).map((l) => l.split(/\s+/)[0])).toEqual(["worker-1", "worker-2", "worker-10"]);
    expect(lines[2]).toMatch(/1\/2\s+3\s+0 ms ago$/);
    expect(lines[3]).toMatch(/never$/);
    const html = b[MIME.html] as string;
    assertWellFormedXml(html);
    expect(externalReferences(html)).toEqual([]);
    expect(html).toContain('data-worker="worker-2" style="opacity:0.55;"');
  });

  it("shows reported memory, kill buttons for live workers only, and a two-line sidebar layout", () => {
    const a = { ...w("worker-1", "ALIVE", 2, 1, 1_000), memoryBytes: 80 * 1024 * 1024 };
    const dead = w("worker-0", "DEAD", 1, 1, 0);
    const full = renderWorkers([a, dead], { now: 1_000, killButtons: true });
    expect((full[MIME.text] as string).split("\n")[1]).toMatch(/Memory$/);
    const html = full[MIME.html] as string;
    assertWellFormedXml(html);
    expect(html).toContain("80.0 MiB");
    expect(html.match(/class="bdw-kill"/g)).toHaveLength(1);
    expect(html).toContain('class="bdw-kill" data-worker="worker-1"');
    // No worker reported memory: no memory column.
    expect(renderWorkers([dead], { now: 1_000 })[MIME.text] as string).not.toContain("Memory");
    const compact = renderWorkers([a, dead], { now: 1_000, killButtons: true, compact: true })[MIME.html] as string;
    assertWellFormedXml(compact);
    expect(compact).not.toContain("<thead>");
    expect(compact).toContain("pid 102 · 1/2 slots busy · 3 cached · 80.0 MiB · heartbeat 0 ms ago");
    expect(compact.match(/class="bdw-kill"/g)).toHaveLength(1);
  });
});
