// The barrier of Pregel's barrier mode, on real sockets: the hub refuses a task without the run's
// secret, tells the tasks where their peers listen once all have started, answers a superstep only
// when every partition has reported it (all at once), aborts every task when one is lost, and gives
// up when the tasks do not all start in time.
import WebSocket from "ws";
import { describe, expect, it } from "vitest";
import { decode, encode } from "../../engine/common/codec";
import type { FromHub, ToHub } from "../../engine/graph/pregel-barrier";
import { PregelHub } from "../../engine/graph/pregel-hub";
import type { SuperstepStats } from "../../engine/graph/pregel-partition";

async function client(url: string): Promise<{ ws: WebSocket; got: FromHub[]; closed: Promise<number>; send(m: ToHub): void }> {
  const ws = new WebSocket(url);
  const got: FromHub[] = [];
  ws.on("message", (d) => got.push(decode<FromHub>(d as Buffer)));
  const closed = new Promise<number>((r) => ws.on("close", (code) => r(code)));
  await new Promise<void>((r, j) => { ws.once("open", () => r()); ws.once("error", j); });
  return { ws, got, closed, send: (m) => ws.send(encode(m)) };
}
const until = async (f: () => boolean): Promise<void> => { for (let i = 0; i < 200 && !f(); i++) await new Promise((r) => setTimeout(r, 10)); };
const stats = (pid: number, sent: number, dangling: number): SuperstepStats => ({ pid, counts: [1, 0, sent, 0, sent, 8 * sent], partial: { dangling }, sentTo: [sent, 0], sample: [] });

describe("Pregel hub (the superstep barrier)", () => {
  it("refuses a task without the secret; peers once all started; a superstep answered when every partition reported it", async () => {
    const steps: Array<[number, number[]]> = [];
    const hub = await new PregelHub(2, 1, async (step, s) => { steps.push([step, s.map((x) => x.pid)]); return { aggregates: { dangling: s.reduce((a, x) => a + (x.partial.dangling as number), 0) }, stop: step === 1 }; }, 5000).start();
    try {
      const intruder = await client(hub.url);
      intruder.send({ t: "hello", secret: "wrong", attempt: 1, pid: 0, dataUrl: "ws://x" });
      expect(await intruder.closed).toBe(4003);
      expect(hub.refused).toBe(1);
      const a = await client(hub.url), b = await client(hub.url);
      a.send({ t: "hello", secret: hub.secret, attempt: 1, pid: 0, dataUrl: "ws://a" });
      await new Promise((r) => setTimeout(r, 30));
      expect(a.got).toEqual([]); // no peers until every partition's task is there
      b.send({ t: "hello", secret: hub.secret, attempt: 1, pid: 1, dataUrl: "ws://b" });
      await until(() => a.got.length === 1 && b.got.length === 1);
      expect(a.got[0]).toEqual({ t: "peers", urls: { 0: "ws://a", 1: "ws://b" } });
      b.send({ t: "step", pid: 1, step: 0, stats: stats(1, 3, 0.25) });
      await new Promise((r) => setTimeout(r, 30));
      expect(steps).toEqual([]); // the barrier: partition 0 has not reported superstep 0
      a.send({ t: "step", pid: 0, step: 0, stats: stats(0, 2, 0.5) });
      await until(() => a.got.length === 2 && b.got.length === 2);
      expect(steps).toEqual([[0, [0, 1]]]);
      for (const c of [a, b]) expect(c.got[1]).toEqual({ t: "go", step: 0, aggregates: { dangling: 0.75 }, stop: false });
      a.send({ t: "step", pid: 0, step: 1, stats: stats(0, 0, 0) });
      b.send({ t: "step", pid: 1, step: 1, stats: stats(1, 0, 0) });
      await until(() => a.got.length === 3 && b.got.length === 3);
      expect(b.got[2]).toMatchObject({ t: "go", step: 1, stop: true });
      a.ws.close(); b.ws.close();
      await new Promise((r) => setTimeout(r, 30));
      expect(hub.aborted).toBeNull(); // closing after the end is no loss
    } finally { await hub.close(); }
  });

  it("a task lost mid-run aborts every other; tasks that do not all start in time abort it too", async () => {
    const hub = await new PregelHub(2, 3, async () => ({ aggregates: {}, stop: false }), 5000).start();
    try {
      const a = await client(hub.url), b = await client(hub.url);
      a.send({ t: "hello", secret: hub.secret, attempt: 3, pid: 0, dataUrl: "ws://a" });
      b.send({ t: "hello", secret: hub.secret, attempt: 3, pid: 1, dataUrl: "ws://b" });
      await until(() => a.got.length === 1);
      b.ws.terminate();
      await until(() => a.got.length === 2);
      expect(a.got[1]).toEqual({ t: "abort", reason: "the task of vertex partition 1 was lost" });
      expect(hub.notAllStarted).toBe(false);
    } finally { await hub.close(); }
    const slow = await new PregelHub(2, 1, async () => ({ aggregates: {}, stop: false }), 100).start();
    try {
      const a = await client(slow.url);
      a.send({ t: "hello", secret: slow.secret, attempt: 1, pid: 0, dataUrl: "ws://a" });
      await until(() => a.got.length === 1);
      expect(a.got[0]).toMatchObject({ t: "abort" });
      expect(slow.notAllStarted).toBe(true);
      expect(slow.aborted).toMatch(/only 1 of 2 vertex partitions' tasks started/);
    } finally { await slow.close(); }
  });
});
