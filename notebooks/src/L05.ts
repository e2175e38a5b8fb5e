// Source of notebooks/L05-partitioning.ipynb (lectures 4 and 5): shared-nothing architecture on the
// cluster's workers, range vs hash vs consistent
// hashing, virtual nodes, node add/remove and moved keys, hot keys, replication with quorums,
// stale reads and siblings, query processing (scatter-gather vs the shard key, denormalisation). Run `npx tsx notebooks/src/L05.ts` to regenerate; `--check` verifies it.

import { fileURLToPath } from "node:url";
import { buildNotebook, code, emit, md } from "./notebook-builder";

export const L05 = buildNotebook("l05", [
  md`
    # Lectures 4 and 5 — Partitioning, replication and consistency

    A NoSQL store scales out by **partitioning** (sharding) its keys over many shared-nothing nodes
    and stays available by **replicating** each key on several of them. This notebook measures the
    partitioning schemes of lecture 5 and shows the consistency trade-offs of lecture 4.

    Cells marked **Your turn** have a \`TODO\` and a check.
  `,
  code`
    import { ConsistentHashRing, loadPerNode, movedKeys, hashModN, rangeAssign, ringAssign, compositeKey, KeyValueStore, DocumentStore, ringChangeSvg } from "bigdata-workbench";
    function check(what: string, answer: unknown, expected: unknown): void {
      if (answer === undefined) console.log(\`… \${what}: not answered yet (replace the TODO)\`);
      else if (JSON.stringify(answer) === JSON.stringify(expected)) console.log(\`✔ \${what}: correct\`);
      else console.log(\`✘ \${what}: \${JSON.stringify(answer)} is not right yet, try again\`);
    }
    const keys = Array.from({ length: 20000 }, (_, i) => \`user:\${i}\`);
    const nodes = (n: number) => Array.from({ length: n }, (_, i) => \`node-\${i}\`);
  `,
  md`
    ## Distributed database architectures

    Who shares what: **shared everything** (one machine, one DBMS), **shared memory** (many CPUs on
    one memory: a supercomputer), **shared disks** (many machines on one storage: cloud databases),
    **shared nothing** (each machine owns its CPU, memory and disk and talks over the network:
    NoSQL, mostly). This workbench's cluster is shared-nothing: every worker is a separate process
    with its own memory and scratch directory. A key-value store created on the session puts one
    storage node on each worker; a key lives only where its nodes are.
  `,
  code`
    const shardKv = await KeyValueStore.create(spark, { name: "shared-nothing", numNodes: spark.cluster.workers().length, replication: 1, readQuorum: 1, writeQuorum: 1 });
    for (let i = 0; i < 300; i++) await shardKv.put(\`user:\${i}\`, i);
    await new Promise((r) => setTimeout(r, 20));
    const hosted = shardKv.distribution();
    console.table(spark.cluster.workers().map((w) => ({ worker: w.id, pid: w.pid, "store node": Object.keys(hosted).find((n) => hosted[n]!.host === w.id), "keys it holds": Object.values(hosted).find((d) => d.host === w.id)?.keys })));
  `,
  md`
    ## Range, hash and consistent hashing

    **Range** partitioning keeps sorted key ranges together (good for scans, bad for sequential
    hot spots). **Hash** partitioning (\`hash(key) mod n\`) spreads keys evenly, but changing \`n\`
    moves almost every key. **Consistent hashing** places nodes and keys on a ring; a key belongs to
    the next node clockwise, so adding a node only takes keys from its neighbours.
  `,
  code`
    const ring = new ConsistentHashRing({ nodes: nodes(4), virtualNodes: 1 });
    const ringV = new ConsistentHashRing({ nodes: nodes(4), virtualNodes: 128 });
    const byHash = loadPerNode(keys, hashModN(nodes(4)), nodes(4));
    const byRing = loadPerNode(keys, (k) => ring.nodeFor(k), nodes(4));
    const byRingV = loadPerNode(keys, (k) => ringV.nodeFor(k), nodes(4));
    console.log("hash mod 4        load", byHash.load, "skew", byHash.skew.toFixed(2));
    console.log("ring, 1 token     load", byRing.load, "skew", byRing.skew.toFixed(2));
    console.log("ring, 128 vnodes  load", byRingV.load, "skew", byRingV.skew.toFixed(2));
    console.log("preference list of user:42 (N=3):", ringV.preferenceList("user:42", 3));
  `,
  md`
    ## Adding a node

    Measure how many keys change owner when a 5th node joins, under \`hash mod n\` and on the ring.
  `,
  code`
    const beforeRing = ringAssign(ringV);
    ringV.add("node-4");
    const ringMove = movedKeys(keys, beforeRing, ringAssign(ringV));
    const modMove = movedKeys(keys, hashModN(nodes(4)), hashModN(nodes(5)));
    console.log(\`ring: \${(100 * ringMove.fraction).toFixed(1)}% of keys moved (ideal 1/5 = 20%)\`);
    console.log(\`mod n: \${(100 * modMove.fraction).toFixed(1)}% of keys moved\`);
    // The same join on a small ring (3 virtual nodes each), animated: the new node takes a few arcs; red keys changed owner.
    const small = (n: number) => new ConsistentHashRing({ nodes: nodes(n), virtualNodes: 3 });
    await display.svg(ringChangeSvg(small(4), small(5), { keys: keys.slice(0, 24) }));
  `,
  md`
    ### Your turn 1

    Remove \`node-2\` from \`ringV\` and measure the fraction of keys that move (use \`ringAssign\`
    before and after, and \`movedKeys\`). Set \`removedFraction\` to it rounded to one decimal place
    (e.g. 0.2).
  `,
  code`
    const beforeRemove = ringAssign(ringV);
    const heldByNode2 = keys.filter((k) => beforeRemove(k) === "node-2").length / keys.length;
    // TODO: remove node-2, measure, round to one decimal
    const removedFraction: number | undefined = undefined;
    check("fraction moved when node-2 leaves", removedFraction, Math.round(heldByNode2 * 10) / 10);
  `,
  md`
    ## Hot keys and composite partition keys

    Any scheme puts all rows of one key on one node. A celebrity's key makes that node hot; a
    low-cardinality key (three colours) can use at most three nodes. A **composite key**
    (key, bucket) spreads one hot key over many partitions.
  `,
  code`
    const events = [...keys.slice(0, 4000), ...Array.from({ length: 4000 }, () => "celebrity")];
    const r4 = new ConsistentHashRing({ nodes: nodes(4), virtualNodes: 128 });
    const hot = loadPerNode(events, (k) => r4.nodeFor(k), nodes(4));
    const salted = loadPerNode(events.map((k, i) => compositeKey(k, i % 16)), (k) => r4.nodeFor(k), nodes(4));
    console.log("hot key skew", hot.skew.toFixed(2), "→ with (key, i % 16):", salted.skew.toFixed(2));
    const sorted = Array.from({ length: 1000 }, (_, i) => i);
    console.log("range partitioning of 0..999:", loadPerNode(sorted, rangeAssign(nodes(4), { sample: sorted }), nodes(4)).load);
  `,
  md`
    ## Replication and tunable consistency (lecture 4)

    Each key lives on the **N** nodes of its preference list. A write waits for **W** acks, a read
    for **R** replies. When **R + W > N** every read quorum overlaps the last write quorum, so reads
    see the latest acknowledged write. With W = 1 and R = 1 a replica cut off from the writer serves
    **stale** data: eventual consistency, BASE rather than ACID.
  `,
  code`
    for (const [w, r] of [[1, 1], [2, 2]] as const) {
      const kv = new KeyValueStore({ numNodes: 3, replication: 3, readQuorum: r, writeQuorum: w, readRepair: false });
      await kv.put("x", "v1");
      const [a, , c] = kv.preferenceList("x");
      kv.partitionNetwork(a!, c!);                       // c cannot hear from a
      await kv.put("x", "v2", { coordinator: a });
      const got = await kv.get("x", { coordinator: c });
      console.log(\`W=\${w} R=\${r}: read through \${c} returns \${got.value}\${got.value === "v1" ? "  (stale!)" : ""}\`);
    }
  `,
  md`
    ## Siblings: concurrent writes during a partition

    With vector clocks, two writes that do not know about each other are **concurrent**; the store
    keeps both (siblings) and the next reader resolves them, as Dynamo's shopping cart does.
  `,
  code`
    const cart = new KeyValueStore({ numNodes: 3, replication: 3, readQuorum: 1, writeQuorum: 1 });
    await cart.put("cart", ["milk"]);
    const base = await cart.get("cart");
    const [p, q, s] = cart.preferenceList("cart");
    cart.partitionNetwork(p!, q!); cart.partitionNetwork(p!, s!);
    await cart.put("cart", ["milk", "eggs"], { coordinator: p, context: base.context });
    await cart.put("cart", ["milk", "bread"], { coordinator: q, context: base.context });
    cart.healNetwork(); await cart.deliverHints();
    const sib = await cart.get("cart", { coordinator: p });
    console.log("conflict:", sib.conflict, "siblings:", JSON.stringify(sib.values));
  `,
  md`
    ### Your turn 2

    Resolve the conflict: write the union of the siblings (sorted) with \`sib.context\`, then read it
    back. Set \`resolved\` to the value you read.
  `,
  code`
    // TODO: await cart.put("cart", <union>, { context: sib.context }); then read
    const resolved: unknown = undefined;
    check("resolved cart", resolved, ["bread", "eggs", "milk"]);
  `,
  md`
    ## A document store

    Documents with different fields, MongoDB's query operators, and a shard key: a query on the
    shard key visits one shard, any other query scatters to all shards and gathers.
  `,
  code`
    const db = new DocumentStore({ shards: ["s0", "s1", "s2"] });
    const users = db.collection("users", { shardKey: "_id" });
    users.insertMany([
      { _id: 1, name: "Ann", age: 31, address: { city: "Oslo" }, tags: ["admin"] },
      { _id: 2, name: "Bob", age: 25, tags: [] },
      { _id: 3, name: "Cy", age: 42, address: { city: "Lima" }, tags: ["dev", "admin"] },
    ]);
    console.log(users.find({ age: { $gt: 30 }, tags: "admin" }, { projection: { name: 1, _id: 0 } }));
    console.log("by shard key:", users.explain({ _id: 2 }).shardsVisited, " other:", users.explain({ name: "Bob" }).shardsVisited);
  `,  md`
    ## Query processing in NoSQL

    Three things make NoSQL queries fast at scale. **Horizontal partitioning**: more data means more
    shards, and a query that must look everywhere runs on every shard in parallel (scatter-gather),
    while one that names the partition key goes to a single shard. **Duplication (denormalisation)**:
    data a query needs together is stored together (pre-joined), so one collection answers it
    without a join. **Relaxed consistency**: a replica may answer with slightly stale data rather
    than wait (lecture 4). Below, a collection sharded over the workers: the same lookup by the shard
    key and by another field, and an order stored with the customer's name copied in.
  `,
  code`
    const shop = await DocumentStore.create(spark, { name: "shop", shards: ["s0", "s1", "s2", "s3"] });
    const orders = shop.collection("orders", { shardKey: "customerId" });
    await orders.insertMany(Array.from({ length: 400 }, (_, i) => ({ _id: i, customerId: i % 50, customerName: \`customer \${i % 50}\`, total: (i * 37) % 200 })));
    console.table(Object.entries(orders.hosts()).map(([shard, worker]) => ({ shard, worker })));
    const byKey = await orders.explain({ customerId: 7 });
    const byOther = await orders.explain({ total: { $gte: 190 } });
    console.table([
      { query: "{ customerId: 7 } (the shard key)", "shards visited": byKey.shardsVisited.length, "documents examined": byKey.docsExamined, returned: byKey.nReturned },
      { query: "{ total: { $gte: 190 } }", "shards visited": byOther.shardsVisited.length, "documents examined": byOther.docsExamined, returned: byOther.nReturned },
    ]);
    // Denormalised: the customer's name is in every order, so "orders of customer 7 with their name" is one query, no join.
    console.log((await orders.find({ customerId: 7 }, { projection: { customerName: 1, total: 1, _id: 0 }, limit: 3 })));
  `,
], { embeddedOnly: "Partitioners, replication and the stores' shards run on the embedded cluster's workers (the RDD API and the NoSQL stores)." });

/** Model answers (text edits of the committed cells), applied by the e2e test. */
export const L05_SOLUTIONS: Array<{ find: string; replace: string }> = [
  {
    find: "const removedFraction: number | undefined = undefined;",
    replace: 'ringV.remove("node-2");\nconst removedFraction: number | undefined = Math.round(movedKeys(keys, beforeRemove, ringAssign(ringV)).fraction * 10) / 10;',
  },
  {
    find: "const resolved: unknown = undefined;",
    replace: 'await cart.put("cart", [...new Set(sib.values.flat() as string[])].sort(), { context: sib.context });\nconst resolved: unknown = (await cart.get("cart")).value;',
  },
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await emit(fileURLToPath(new URL("../L05-partitioning.ipynb", import.meta.url)), L05);
}
