// Consistency, checked on histories: concurrent clients run reads and writes of one key against a
// key-value store whose nodes live in the worker processes (local[3]), with delays injected per
// node and the network between two workers cut for a while; the recorded history goes through a
// linearizability checker. R + W > N with the read's write-back (readRepair "blocking", ABD) is
// linearizable; W = R = 1 serves a stale read the checker refuses.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkLinearizable, KeyValueStore, type RegisterOp, type SparkSession } from "../../engine/index";
import { startSession } from "../engine/helpers";

let spark: SparkSession;
beforeAll(async () => { ({ spark } = await startSession("local[3]")); }, 60_000);
afterAll(async () => { await spark?.stop(); });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function concurrentHistory(kv: KeyValueStore, clients: number, opsEach: number, seed: number): Promise<RegisterOp[]> {
  const history: RegisterOp[] = [];
  let s = seed;
  const rnd = (n: number) => { s = (s * 1103515245 + 12345) % 2147483648; return s % n; };
  await Promise.all(Array.from({ length: clients }, async (_, c) => {
    for (let i = 0; i < opsEach; i++) {
      await sleep(rnd(4));
      const coordinator = kv.nodes[rnd(kv.nodes.length)];
      const invoke = performance.now();
      if (rnd(2) === 0) {
        const value = c * 1000 + i;
        // A write that fails (too few replicas reachable) may still have reached some: outcome unknown.
        const ok = await kv.put("x", value, { coordinator }).then(() => true, () => false);
        history.push({ kind: "write", value, invoke, complete: ok ? performance.now() : Infinity, client: c });
      } else {
        const got = await kv.get("x", { coordinator }).catch(() => undefined);
        if (got) history.push({ kind: "read", value: got.found ? got.value : undefined, invoke, complete: performance.now(), client: c });
      }
    }
  }));
  return history;
}

describe("linearizability of one key", () => {
  it("R + W > N with the read's write-back: concurrent histories are linearizable", async () => {
    for (const [round, delays] of [[0, [0, 3, 8]], [1, [6, 0, 2]]] as const) {
      const kv = await KeyValueStore.create(spark, { name: `abd${round}`, numNodes: 3, replication: 3, readQuorum: 2, writeQuorum: 2, versioning: "timestamp", readRepair: "blocking" });
      kv.nodes.forEach((n, i) => kv.delay(n, delays[i]!));
      const history = await concurrentHistory(kv, 4, 25, 11 + round);
      expect(history).toHaveLength(100);
      const res = checkLinearizable(history);
      expect(res.explanation, `round ${round}`).toBeUndefined();
      expect(res.ok).toBe(true);
    }
  }, 120_000);

  it("with the network between two workers cut for half the run (and healed), histories stay linearizable", async () => {
    const kv = await KeyValueStore.create(spark, { name: "cut", numNodes: 3, replication: 3, readQuorum: 2, writeQuorum: 2, versioning: "timestamp", readRepair: "blocking" });
    const [w0, w1] = [kv.hosts()["node-0"]!, kv.hosts()["node-1"]!];
    kv.partitionNetwork(w0, w1);
    kv.nodes.forEach((n, i) => kv.delay(n, [1, 4, 2][i]!));
    const run = concurrentHistory(kv, 4, 25, 31);
    await sleep(60);
    kv.healNetwork(w0, w1);
    const history = await run;
    expect(history.length).toBeGreaterThan(80);
    const res = checkLinearizable(history);
    expect(res.explanation).toBeUndefined();
  }, 120_000);

  it("W = R = 1: a read after an acknowledged write returns the old value, and the checker says so", async () => {
    const kv = await KeyValueStore.create(spark, { name: "one", numNodes: 3, replication: 3, readQuorum: 1, writeQuorum: 1, versioning: "timestamp" });
    const [fast, slow] = kv.nodes;
    kv.delay(kv.nodes[1]!, 300);
    kv.delay(kv.nodes[2]!, 300);
    const history: RegisterOp[] = [];
    let t = performance.now();
    await kv.put("x", 1, { coordinator: fast });
    history.push({ kind: "write", value: 1, invoke: t, complete: performance.now() });
    t = performance.now();
    const got = await kv.get("x", { coordinator: slow });
    history.push({ kind: "read", value: got.found ? got.value : undefined, invoke: t, complete: performance.now() });
    expect(got.found).toBe(false); // the slow replica has not received the write yet
    const res = checkLinearizable(history);
    expect(res.ok).toBe(false);
    expect(res.explanation).toContain("read undefined");
    await sleep(700);
    expect((await kv.get("x", { coordinator: slow })).value).toBe(1); // eventually consistent
  }, 60_000);
});
