// A key-value store whose storage nodes run in the session's worker processes (local[3]): each
// node on its own worker; a killed worker takes its node's memory with it, quorums carry on where
// they can and fail naming the quorum where they cannot; restarting the node on a live worker
// replays its log and receives the hinted writes, so nothing acknowledged is lost. A random
// operation sequence with a worker killed halfway agrees with an in-memory reference model.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeyValueStore, type SparkSession } from "../../engine/index";
import { startSession, waitFor } from "../engine/helpers";

let spark: SparkSession;
beforeAll(async () => { ({ spark } = await startSession("local[3]", { "spark.network.timeout": "5s" })); }, 60_000);
afterAll(async () => { await spark?.stop(); });

const alive = () => spark.cluster.workers().filter((w) => w.state === "ALIVE").length;

describe("KeyValueStore on the workers", () => {
  it("hosts one node per worker, survives a killed worker where quorums allow, and loses nothing acknowledged", async () => {
    const kv = await KeyValueStore.create(spark, { name: "accounts", numNodes: 3, replication: 3, readQuorum: 2, writeQuorum: 2 });
    const hosts = kv.hosts();
    expect(new Set(Object.values(hosts)).size).toBe(3);
    expect(Object.values(hosts).every((h) => spark.cluster.workers().some((w) => w.id === h))).toBe(true);
    for (let i = 0; i < 40; i++) await kv.put(`k${i}`, i);
    expect((await kv.get("k7")).value).toBe(7);
    // W=2: a put returns at the second ack; the third replica's comes just after.
    await waitFor(() => Object.values(kv.distribution()).every((d) => d.keys === 40), 10_000);

    await spark.cluster.kill(hosts["node-0"]!);
    expect(kv.node("node-0").up).toBe(false);
    expect(kv.distribution()["node-0"]).toMatchObject({ up: false, keys: 0 });
    // N=3, W=R=2: one node down, reads and writes go on; the writes for node-0 become hints.
    for (let i = 0; i < 40; i += 4) expect((await kv.get(`k${i}`)).value).toBe(i);
    for (let i = 40; i < 60; i++) await kv.put(`k${i}`, i);
    expect(Object.values(kv.distribution()).reduce((a, d) => a + d.hints, 0)).toBe(20);
    const strict = await KeyValueStore.create(spark, { name: "strict", numNodes: 3, replication: 3, readQuorum: 3, writeQuorum: 3 });
    expect(Object.values(strict.hosts())).not.toContain(hosts["node-0"]);

    await waitFor(() => alive() === 3, 30_000); // the cluster replaced the killed worker
    await kv.restart("node-0");
    expect(kv.node("node-0").up).toBe(true);
    expect(kv.hosts()["node-0"]).not.toBe(hosts["node-0"]);
    // Node-0 alone holds every key again: 40 from its log, 20 from the hints.
    for (let i = 0; i < 60; i++) expect((await kv.node("node-0").read(`k${i}`)).at(-1)?.value, `k${i}`).toBe(i);
    expect(kv.stats.hintsDelivered).toBe(20);
  }, 120_000);

  it("fails a write with the quorum named when too few nodes' workers are alive", async () => {
    const kv = await KeyValueStore.create(spark, { name: "w3", numNodes: 3, replication: 3, readQuorum: 1, writeQuorum: 3 });
    await kv.put("a", 1);
    await spark.cluster.kill(kv.hosts()["node-1"]!);
    await expect(kv.put("a", 2)).rejects.toThrow(/not enough replicas: needed W=3, reachable 2/);
    expect((await kv.get("a")).value).toBe(1);
    await waitFor(() => alive() === 3, 30_000);
  }, 120_000);

  it("agrees with an in-memory model over random operations, a worker killed halfway and its node restarted", async () => {
    await waitFor(() => alive() === 3, 30_000);
    const kv = await KeyValueStore.create(spark, { name: "model", numNodes: 3, replication: 3, readQuorum: 2, writeQuorum: 2, versioning: "timestamp" });
    const model = new Map<string, number>();
    let s = 99;
    const rnd = (n: number) => { s = (s * 1103515245 + 12345) % 2147483648; return s % n; };
    const killAt = 150, restartAt = 300;
    let victim = "";
    for (let step = 0; step < 400; step++) {
      if (step === killAt) { victim = kv.preferenceList("x3")[0]!; await spark.cluster.kill(kv.hosts()[victim]!); }
      if (step === restartAt) { await waitFor(() => alive() === 3, 30_000); await kv.restart(victim); }
      const key = `x${rnd(12)}`, r = rnd(10);
      if (r < 5) { const v = rnd(1000); await kv.put(key, v); model.set(key, v); }
      else if (r < 6) { await kv.delete(key); model.delete(key); }
      else {
        const got = await kv.get(key);
        expect(got.found ? got.value : undefined, `step ${step} ${key}`).toBe(model.get(key));
      }
    }
    for (const [k, v] of model) expect((await kv.get(k)).value, k).toBe(v);
  }, 180_000);

  it("anti-entropy compares Merkle trees on the workers and repairs a replica that missed writes", async () => {
    await waitFor(() => alive() === 3, 30_000);
    const kv = await KeyValueStore.create(spark, { name: "merkle", numNodes: 3, replication: 3, readQuorum: 2, writeQuorum: 2, readRepair: false });
    for (let i = 0; i < 100; i++) await kv.put(`m${i}`, i, { coordinator: "node-0" });
    await waitFor(() => Object.values(kv.distribution()).every((d) => d.keys === 100), 10_000);
    expect(await kv.antiEntropy()).toMatchObject({ pairs: 3, pairsInSync: 3, hashesCompared: 3 });
    kv.partitionNetwork("node-0", "node-2"); kv.partitionNetwork("node-1", "node-2");
    for (let i = 0; i < 10; i++) await kv.put(`m${i}`, -(i + 1), { coordinator: "node-0" });
    await kv.kill("node-0"); // its hints for node-2 are lost
    kv.healNetwork();
    await kv.restart("node-0");
    const r = await kv.antiEntropy();
    expect(r.versionsRepaired).toBe(10);
    for (let i = 0; i < 10; i++) expect((await kv.node("node-2").read(`m${i}`)).at(-1)!.value).toBe(-(i + 1));
  }, 60_000);

  it("a request to a service no worker hosts is a typed error", async () => {
    const w = spark.cluster.workers().find((x) => x.state === "ALIVE")!.id;
    await expect(spark.cluster.serviceRequest(w, "no.such.service", {})).rejects.toThrow(/UNKNOWN_WORKER_SERVICE.*no\.such\.service|no service 'no.such.service'/);
  }, 30_000);
});
