import { describe, expect, it } from "vitest";
import { KeyValueStore } from "./key-value-store";
import { AnalysisError, ExecutionError } from "../common/errors";

// Deterministic PRNG for the random operation sequences.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0; return s / 2 ** 32; };
}

describe("KeyValueStore (Dynamo-style)", () => {
  it("matches an in-memory Map under random puts/gets/deletes with a killed and restarted node (R+W>N)", async () => {
    const kv = new KeyValueStore({ numNodes: 5, replication: 3, readQuorum: 2, writeQuorum: 2, virtualNodes: 32 });
    const ref = new Map<string, number>();
    const r = rng(7);
    let down: string | undefined;
    for (let i = 0; i < 1500; i++) {
      const key = `k${Math.floor(r() * 60)}`;
      const x = r();
      if (x < 0.03) {
        if (down) { await kv.restart(down); down = undefined; } else { down = kv.nodes[Math.floor(r() * 5)]!; kv.kill(down); }
      } else if (x < 0.45) {
        const cur = await kv.get(key);
        await kv.put(key, i, { context: cur.context });
        ref.set(key, i);
      } else if (x < 0.55) {
        const cur = await kv.get(key);
        await kv.delete(key, { context: cur.context });
        ref.delete(key);
      } else {
        const got = await kv.get(key);
        expect(got.conflict).toBe(false);
        expect(got.found ? got.value : undefined).toBe(ref.get(key));
      }
    }
    if (down) await kv.restart(down);
    // After recovery (log replay + hints + read repair), every key reads back as the model says.
    for (let k = 0; k < 60; k++) {
      const got = await kv.get(`k${k}`);
      expect(got.found ? got.value : undefined).toBe(ref.get(`k${k}`));
    }
  });

  it("a restarted node recovers its shard from its append-only log", async () => {
    const kv = new KeyValueStore({ numNodes: 3, replication: 1, readQuorum: 1, writeQuorum: 1 });
    for (let i = 0; i < 200; i++) await kv.put(`key${i}`, { i });
    const before = kv.distribution();
    for (const n of kv.nodes) kv.kill(n);
    expect(Object.values(kv.distribution()).every((d) => d.keys === 0)).toBe(true);
    for (const n of kv.nodes) await kv.restart(n);
    expect(kv.distribution()).toEqual(before);
    for (let i = 0; i < 200; i++) expect((await kv.get(`key${i}`)).value).toEqual({ i });
  });

  it("W=1/R=1 with a replica cut off reads stale data; R=2/W=2 does not", async () => {
    for (const [w, r, stale] of [[1, 1, true], [2, 2, false]] as const) {
      const kv = new KeyValueStore({ numNodes: 3, replication: 3, readQuorum: r, writeQuorum: w, readRepair: false });
      await kv.put("x", "v1");
      const [a, , c] = kv.preferenceList("x");
      kv.partitionNetwork(a!, c!);
      await kv.put("x", "v2", { coordinator: a });
      const got = await kv.get("x", { coordinator: c });
      expect(got.value).toBe(stale ? "v1" : "v2");
    }
  });

  it("concurrent writes on both sides of a partition become siblings; a write with the merged context resolves them", async () => {
    const kv = new KeyValueStore({ numNodes: 3, replication: 3, readQuorum: 1, writeQuorum: 1 });
    await kv.put("cart", ["milk"]);
    const base = await kv.get("cart");
    const [a, b, c] = kv.preferenceList("cart");
    kv.partitionNetwork(a!, b!); kv.partitionNetwork(a!, c!);
    await kv.put("cart", ["milk", "eggs"], { coordinator: a, context: base.context });
    await kv.put("cart", ["milk", "bread"], { coordinator: b, context: base.context });
    kv.healNetwork();
    await kv.deliverHints();
    const got = await kv.get("cart", { coordinator: c });
    const all = await kv.get("cart", { coordinator: a });
    const sibs = got.conflict ? got : all;
    expect(sibs.conflict).toBe(true);
    expect(sibs.values.map((v) => JSON.stringify(v)).sort()).toEqual([JSON.stringify(["milk", "bread"]), JSON.stringify(["milk", "eggs"])]);
    const union = [...new Set(sibs.values.flat() as string[])].sort();
    await kv.put("cart", union, { context: sibs.context });
    for (const n of kv.nodes) {
      const r = await kv.get("cart", { coordinator: n });
      expect(r.conflict).toBe(false);
      expect(r.value).toEqual(["bread", "eggs", "milk"]);
    }
  });

  it("timestamp versioning keeps the last writer (no siblings)", async () => {
    const kv = new KeyValueStore({ numNodes: 3, replication: 3, readQuorum: 1, writeQuorum: 1, versioning: "timestamp" });
    const [a, b] = kv.preferenceList("k");
    kv.partitionNetwork(a!, b!);
    await kv.put("k", "first", { coordinator: a });
    await kv.put("k", "second", { coordinator: b });
    kv.healNetwork(); await kv.deliverHints();
    const r = await kv.get("k", { coordinator: a });
    expect(r.conflict).toBe(false);
    expect(r.value).toBe("second");
  });

  it("fails clearly when too few replicas are reachable, and delivers hints when a node returns", async () => {
    const kv = new KeyValueStore({ numNodes: 4, replication: 3, readQuorum: 2, writeQuorum: 2 });
    const [p0, p1, p2] = kv.preferenceList("acct");
    kv.kill(p1!); kv.kill(p2!);
    await expect(kv.put("acct", 1, { coordinator: p0 })).rejects.toThrow("not enough replicas: needed W=2, reachable 1");
    await expect(kv.get("acct", { coordinator: p0 })).rejects.toBeInstanceOf(ExecutionError);
    await kv.restart(p1!);
    await kv.put("acct", 100, { coordinator: p0 });
    expect(kv.distribution()[p0!]!.hints).toBeGreaterThan(0);
    expect(await kv.node(p2!).read("acct")).toEqual([]);
    await kv.restart(p2!);
    expect((await kv.node(p2!).read("acct")).at(-1)!.value).toBe(100);
    expect(kv.stats.hintsDelivered).toBeGreaterThan(0);
  });

  it("scan, TTL, multiGet/multiPut and bad input", async () => {
    const kv = new KeyValueStore({ numNodes: 3, partitioning: "range", replication: 2, readQuorum: 1, writeQuorum: 2 });
    await kv.multiPut({ apple: 1, banana: 2, cherry: 3, melon: 4, zebra: 5 });
    expect(await kv.scan("b", "n")).toEqual([["banana", 2], ["cherry", 3], ["melon", 4]]);
    const m = await kv.multiGet(["apple", "zebra", "nope"]);
    expect([...m.values()].map((r) => r.value)).toEqual([1, 5, undefined]);
    await kv.put("tmp", "x", { ttlMs: 1 });
    await new Promise((r) => setTimeout(r, 5));
    expect((await kv.get("tmp")).found).toBe(false);
    const h = new KeyValueStore({ partitioning: "hash" });
    await expect(h.scan("a", "b")).rejects.toBeInstanceOf(AnalysisError);
    await expect(h.put("", 1)).rejects.toThrow(/INVALID_KEY/);
    expect(() => new KeyValueStore({ numNodes: 3, replication: 3, readQuorum: 4 })).toThrow(/readQuorum=4/);
  });

  it("anti-entropy with Merkle trees repairs what hinted handoff lost, comparing few hashes when replicas agree", async () => {
    const kv = new KeyValueStore({ numNodes: 3, replication: 3, readQuorum: 2, writeQuorum: 2, readRepair: false });
    for (let i = 0; i < 200; i++) await kv.put(`k${i}`, i, { coordinator: "node-0" });
    const synced = await kv.antiEntropy();
    expect(synced).toMatchObject({ pairs: 3, pairsInSync: 3, versionsRepaired: 0 });
    expect(synced.hashesCompared).toBe(3); // equal roots: one hash per pair
    // node-2 is cut off; node-0 coordinates 30 writes and keeps hints for node-2, then crashes (the hints go with it).
    kv.partitionNetwork("node-0", "node-2"); kv.partitionNetwork("node-1", "node-2");
    for (let i = 0; i < 30; i++) await kv.put(`k${i}`, i + 1000, { coordinator: "node-0" });
    await kv.kill("node-0");
    kv.healNetwork();
    await kv.restart("node-0");
    expect(kv.stats.hintsDelivered).toBe(0);
    expect((await kv.node("node-2").read("k5")).map((v) => v.value)).toEqual([5]); // stale
    const r = await kv.antiEntropy({ depth: 6 });
    // node-0 and node-1 agree; the first pair with node-2 repairs it, so the last pair is in sync too.
    expect(r.pairsInSync).toBe(2);
    expect(r.versionsRepaired).toBe(30); // node-2's stale versions are superseded, never sent back
    for (let i = 0; i < 30; i++) expect((await kv.node("node-2").read(`k${i}`)).at(-1)!.value, `k${i}`).toBe(i + 1000);
    expect(r.leavesDiffering).toBeLessThan(2 * 64);
    const again = await kv.antiEntropy();
    expect(again).toMatchObject({ pairsInSync: 3, versionsRepaired: 0 });
  });
});
