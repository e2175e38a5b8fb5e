// Barrier alignment in one subtask with two input channels (a unit test of the subtask layer: the
// channels are fed by hand, the hub and the network are fakes). Exactly-once: a record that follows
// barrier n on one channel is held until barrier n has arrived on every channel, so the snapshot
// does not contain it; at-least-once: it is processed at once and the snapshot contains it (it will
// be replayed after a recovery: counted twice).
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Subtask } from "./subtask";
import type { CheckpointingMode, JobGraph, StreamElement, VertexSpec } from "./types";

function twoInputSubtask(mode: CheckpointingMode) {
  const dir = mkdtempSync(join(tmpdir(), "subtask-align-"));
  const source = (id: number): VertexSpec => ({ id, name: `source ${id}`, parallelism: 1, source: { kind: "collection", items: [] }, inputs: [], ops: [], outputs: [2], keyed: false });
  const counter = {
    seen: null as any,
    open(ctx: any) { this.seen = ctx.getMapState("seen"); },
    processElement(e: [string, number]) { this.seen.put(e[0], (this.seen.get(e[0]) ?? 0) + 1); },
  };
  const consumer: VertexSpec = {
    id: 2, name: "count", parallelism: 1, outputs: [], keyed: true,
    inputs: [0, 1].map((from) => ({ from, partitioning: "hash" as const, keySelector: () => "all" })),
    ops: [{ id: 9, kind: "keyedProcess", name: "count", fn: counter }],
  };
  const graph: JobGraph = { jobId: "j", name: "align", vertices: [source(0), source(1), consumer], parallelism: 1, maxParallelism: 128 };
  const hub: Array<Record<string, unknown>> = [];
  const sub = new Subtask(consumer, 0, {
    transport: { sendBuffer: () => {}, sendCredit: () => {} },
    toHub: (m) => hub.push(m),
    config: { bufferTimeout: 0, bufferSize: 16, credits: 2, checkpointDir: dir, mode, latencyTrackingInterval: 0, watermarkInterval: 20 },
    graph,
    checkpointPath: (id) => join(dir, `chk-${id}`),
    isCancelled: () => false,
  });
  const running = sub.runInput();
  const r = (src: string, i: number): StreamElement => ({ k: "r", v: [src, i], key: "all" });
  const feed = (ch: number, items: StreamElement[]) => sub.gate.receive(`${ch}.0>2.0#${ch}`, items);
  const until = async (p: () => boolean) => { for (let i = 0; i < 500 && !p(); i++) await new Promise((res) => setTimeout(res, 2)); };
  return { sub, hub, dir, running, r, feed, until };
}

async function snapshotAfterBarrierOnOneChannel(mode: CheckpointingMode) {
  const t = twoInputSubtask(mode);
  t.feed(0, [t.r("a", 1), { k: "b", id: 1, mode: "barrier" }, t.r("a", 2), t.r("a", 3)]);
  t.feed(1, [t.r("b", 1)]);
  await t.until(() => t.sub.m.recordsIn >= 2);
  await new Promise((res) => setTimeout(res, 20)); // time to process a's records after its barrier, if allowed
  const beforeSecondBarrier = t.sub.m.recordsIn;
  t.feed(1, [{ k: "b", id: 1, mode: "barrier" }, t.r("b", 2)]);
  await t.until(() => t.hub.some((m) => m.t === "ack"));
  const snap = JSON.parse(readFileSync(join(t.dir, "chk-1", "2-0.json"), "utf8"));
  const seen = Object.fromEntries((snap.keyed.seen.entries[0][1] as Array<[string, [string, number]]>).map(([, kv]) => kv));
  t.feed(0, [{ k: "e" }]);
  t.feed(1, [{ k: "e" }]);
  await t.running;
  return { seen, beforeSecondBarrier, total: t.sub.m.recordsIn };
}

describe("barrier alignment (one subtask, two input channels)", () => {
  it("exactly-once holds records after barrier n on one channel until every channel delivered it", async () => {
    const r = await snapshotAfterBarrierOnOneChannel("exactly_once");
    expect(r.beforeSecondBarrier).toBe(2); // a1, b1: a2 and a3 wait behind a's barrier
    expect(r.seen).toEqual({ a: 1, b: 1 }); // the snapshot holds exactly the records before the barriers
    expect(r.total).toBe(5);
  });

  it("at-least-once does not align: records after the barrier reach the state before the snapshot", async () => {
    const r = await snapshotAfterBarrierOnOneChannel("at_least_once");
    expect(r.beforeSecondBarrier).toBe(4);
    expect(r.seen).toEqual({ a: 3, b: 1 }); // a2 and a3 are in the snapshot and would be replayed after a failure
    expect(r.total).toBe(5);
  });
});
