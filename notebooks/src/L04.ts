// Source of notebooks/L04-nosql.ipynb (lecture 4, NoSQL overview): properties of
// NoSQL stores (the engine's, on the workers), key-value stores and their operations, persistence (log replay), wide-column
// sparsity, document stores, graph databases, vector databases with LSH, strong vs eventual
// consistency and BASE, denormalisation, pros and cons. `npx tsx notebooks/src/L04.ts` regenerates it.

import { fileURLToPath } from "node:url";
import { buildNotebook, code, emit, md } from "./notebook-builder";

export const L04 = buildNotebook("l04", [
  md`
    # Lecture 4 — NoSQL overview

    **NoSQL** = *Not Only SQL*: stores whose data model is not the relational table (a NoSQL store
    may still have a query language). They are built to be **horizontally scalable** (partitioned
    and replicated over many servers), with a **simple call interface**, a **flexible schema**,
    efficient use of distributed indexes and RAM, and often a **weaker concurrency model** than an
    RDBMS. This notebook tries each of the four major families, vector databases, consistency
    (strong, eventual, BASE) and denormalisation on small but real stores.

    Cells marked **Your turn** have a \`TODO\` and a check.
  `,
  code`
    import { ConsistentHashRing, ringSvg, KeyValueStore, DocumentStore, StorageNode, WideColumnStore, GraphStore, VectorStore } from "bigdata-workbench";
    function check(what: string, answer: unknown, expected: unknown): void {
      if (answer === undefined) console.log(\`… \${what}: not answered yet (replace the TODO)\`);
      else if (JSON.stringify(answer) === JSON.stringify(expected)) console.log(\`✔ \${what}: correct\`);
      else console.log(\`✘ \${what}: \${JSON.stringify(answer)} is not right yet, try again\`);
    }
    /** A markdown table of rows (objects with the same keys). */
    function table(rows: Record<string, unknown>[]): Promise<unknown> {
      const cols = Object.keys(rows[0] ?? {});
      const cell = (v: unknown) => (v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v));
      return display.markdown([\`| \${cols.join(" | ")} |\`, \`|\${cols.map(() => "---").join("|")}|\`, ...rows.map((r) => \`| \${cols.map((c) => cell(r[c])).join(" | ")} |\`)].join("\n"));
    }
  `,
  md`
    ## Key-value stores

    A key-value store maps **keys** (primitives: ints, strings, bytes — easy to look up) to
    **values** (anything: lists, JSON, HTML, blobs — opaque to the store, so not queryable). The
    operations are **get**, **put**, **multi-get**, **multi-put** and, when keys are comparable,
    **range queries**. Below, a store of 4 nodes keeps each key on N = 3 of them; it is partitioned by
    key range so that \`scan\` visits only the nodes whose ranges overlap.
  `,
  code`
    const kv = new KeyValueStore({ numNodes: 4, partitioning: "range", replication: 3, readQuorum: 2, writeQuorum: 2 });
    await kv.put("session:ann", { user: "ann", cart: ["milk"] });
    await kv.multiPut({ "session:bob": { user: "bob", cart: [] }, "session:cy": { user: "cy", cart: ["tea"] }, "user:ann": { age: 31 } });
    console.log("get  session:ann ->", JSON.stringify((await kv.get("session:ann")).value));
    const many = await kv.multiGet(["session:bob", "user:ann", "nope"]);
    console.log("multiGet ->", JSON.stringify([...many].map(([k, r]) => [k, r.found ? r.value : null])));
    console.log("scan [session:, session;) ->", JSON.stringify((await kv.scan("session:", "session;")).map(([k]) => k)));
    await table(Object.entries(kv.distribution()).map(([node, d]) => ({ node, up: d.up, "keys held": d.keys })));
  `,
  md`
    **Suitable for** small, continuous reads and writes of data with no clear schema, where complex
    queries are rare: user sessions, caches, per-user data processed individually. Because they are
    usually **eventually consistent**, a read may be stale (see *Consistency* below).

    ### Non-persistent vs persistent

    A *non-persistent* store (Redis, memcached) is a big in-memory hash table that must be backed up
    to disk regularly; a *persistent* one (RocksDB, Dynamo, Riak) writes to disk before it
    acknowledges. Our storage nodes append every accepted write to a log; a crashed node loses its
    memory and recovers by replaying the log.
  `,
  code`
    const node = kv.preferenceList("session:ann")[0]!;
    kv.kill(node);
    console.log(\`\${node} crashed: up=\${kv.distribution()[node]!.up}, keys in memory=\${kv.distribution()[node]!.keys}\`);
    console.log("a read still succeeds from the other replicas:", JSON.stringify((await kv.get("session:ann")).value));
    await kv.restart(node);
    console.log(\`\${node} restarted: log replayed, keys in memory=\${kv.distribution()[node]!.keys}\`);
  `,
  md`
    ### Nodes on real machines: the workers

    The store above keeps its nodes in this notebook's process. \`KeyValueStore.create(spark, ...)\` starts them in the
    cluster's **worker processes** instead, one node per worker here: their data is in those processes' memory, so
    killing a worker (a machine failure) really loses it. The other replicas keep serving; the writes meant for the
    lost node are kept by their coordinators as **hints**. Restarting the node on a live worker replays its log, and
    the hints are handed over: nothing that was acknowledged is lost.
  `,
  code`
    const onWorkers = await KeyValueStore.create(spark, { name: "carts", numNodes: 2, replication: 2, readQuorum: 1, writeQuorum: 1 });
    for (const u of ["ann", "bob", "cy", "di"]) await onWorkers.put(\`cart:\${u}\`, [\`\${u}'s first item\`]);
    await new Promise((r) => setTimeout(r, 50)); // W=1: put returns on the first ack; the second replica's comes just after
    await table(Object.entries(onWorkers.distribution()).map(([node, d]) => ({ node, worker: d.host, up: d.up, keys: d.keys })));
    const lostNode = "node-0", lostWorker = onWorkers.hosts()[lostNode]!;
    await spark.cluster.kill(lostWorker);
    await onWorkers.put("cart:eve", ["eve's first item"]);
    console.log(\`killed \${lostWorker}: \${lostNode} up=\${onWorkers.node(lostNode).up}; cart:ann is still readable: \${JSON.stringify((await onWorkers.get("cart:ann")).value)}\`);
    while (spark.cluster.workers().filter((w) => w.state === "ALIVE").length < 2) await new Promise((r) => setTimeout(r, 100)); // the cluster starts a replacement
    await onWorkers.restart(lostNode);
    const back = await Promise.all(["ann", "bob", "cy", "di", "eve"].map(async (u) => (await onWorkers.node(lostNode).read(\`cart:\${u}\`)).length > 0));
    console.log(\`\${lostNode} restarted on \${onWorkers.hosts()[lostNode]}: holds all 5 carts again: \${back.every(Boolean)} (hints delivered: \${onWorkers.stats.hintsDelivered})\`);
  `,
  md`
    ## Partitioning and replication, drawn

    Where does each key live? With **consistent hashing** nodes and keys sit on a ring; a key
    belongs to the next node clockwise and is replicated on the following distinct nodes (its
    *preference list*). Lecture 5 measures this in detail (notebook L05).
  `,
  code`
    const ring = new ConsistentHashRing({ nodes: ["node-0", "node-1", "node-2", "node-3"], virtualNodes: 4 });
    await display.svg(ringSvg(ring, { keys: ["session:ann", "session:bob", "user:ann"], replication: 3 }));
    console.log("preference list of session:ann:", ring.preferenceList("session:ann", 3).join(" → "));
  `,
  md`
    ## Wide-column stores: stored sparsely

    Rows describe entities; related columns are grouped into **column families** (like separate
    tables that share the row key). A column a row does not use takes **no space**: each row stores
    only its (family:column → value) cells. Compare with a dense table that reserves every column
    in every row.
  `,
  code`
    type Row = Record<string, string>;  // "family:column" -> value
    const columns = Array.from({ length: 200 }, (_, i) => \`tags:t\${i}\`).concat(["info:name", "info:email"]);
    const rows: Row[] = Array.from({ length: 1000 }, (_, r) => {
      const row: Row = { "info:name": \`user\${r}\` };
      if (r % 3 === 0) row["info:email"] = \`u\${r}@x.org\`;
      for (let k = 0; k < 3; k++) row[\`tags:t\${(r * 7 + k * 31) % 200}\`] = "1";   // 3 of 200 tag columns
      return row;
    });
    // The rows into a wide-column table whose regions (row-key ranges) live on the workers.
    const people = await WideColumnStore.create(spark, { name: "people", families: ["info", "tags"], splits: ["user0500"] });
    for (let r = 0; r < rows.length; r++) await people.put(\`user\${String(r).padStart(4, "0")}\`, rows[r]!);
    const st = await people.storage();
    await table([
      { layout: "sparse (cells present only)", bytes: st.sparseBytes },
      { layout: \`dense (a slot for each of \${st.columns} columns in every row)\`, bytes: st.denseBytes },
    ]);
    console.log("regions:", people.regions().map((g) => \`[\${g.start ?? "-∞"}, \${g.stop ?? "+∞"}) on \${g.host}\`).join("  "));
    console.log("row user0003, family info:", JSON.stringify((await people.get("user0003", { families: ["info"] }))?.cells), " family tags:", JSON.stringify((await people.get("user0003", { families: ["tags"] }))?.cells));
    const firstFive = await people.scan({ start: "user0000", stop: "user0005", columns: ["info:name"] });
    console.log(\`scan [user0000, user0005): \${firstFive.map((r) => r.cells["info:name"]).join(", ")} (regions visited: \${people.lastScan.shardsVisited})\`);
    await people.put("user0003", { "info:email": "new@x.org" });
    console.log("versions of user0003's email:", JSON.stringify((await people.get("user0003", { columns: ["info:email"], versions: 3 }))?.cells["info:email"]));
  `,
  md`
    ### Your turn 1

    How many cells does the sparse layout store in total (over all 1000 rows)? Set \`cells\`.
  `,
  code`
    // TODO: count the cells of all rows
    const cells: number | undefined = undefined;
    check("number of stored cells", cells, 1000 + 334 + 3000);
  `,
  md`
    ## Document stores

    A database holds **collections**; a collection holds **documents** — JSON-like objects whose
    fields can differ from document to document and can be nested (a **flexible schema**). Unlike a
    key-value store, a document store queries by **content**; a document without the queried field
    is simply skipped. Our store shards a collection by a shard key: a query on it visits one shard,
    any other query scatters to every shard and gathers.
  `,
  code`
    const db = new DocumentStore({ shards: ["s0", "s1", "s2"] });
    const users = db.collection("users", { shardKey: "_id" });
    users.insertMany([
      { _id: 1, name: "Ann", age: 31, address: { city: "Oslo" }, tags: ["admin"] },
      { _id: 2, name: "Bob", age: 25 },
      { _id: 3, name: "Cy", age: 42, address: { city: "Lima" }, tags: ["dev", "admin"], photo: "cy.png" },
      { _id: 4, name: "Di", address: { city: "Oslo" } },
    ]);
    await table(users.find({ "address.city": "Oslo" }, { projection: { name: 1, age: 1 } }));
    console.log("age > 30 and admin:", JSON.stringify(users.find({ age: { $gt: 30 }, tags: "admin" }, { projection: { name: 1, _id: 0 } })));
    console.log("shards visited — by shard key:", users.explain({ _id: 2 }).shardsVisited, " by name:", users.explain({ name: "Bob" }).shardsVisited);
  `,
  md`
    ### Your turn 2

    Find the names of users **without** an \`age\` field or younger than 30 (use \`$or\`, \`$exists\` and
    \`$lt\`), sorted by name. Set \`young\` to the list of names.
  `,
  code`
    // TODO: users.find({ $or: [...] }, { sort: { name: 1 } }).map((d) => d.name)
    const young: unknown = undefined;
    check("users without age or under 30", young, ["Bob", "Di"]);
  `,
  md`
    ## Graph databases

    Nodes (entities) and edges (relationships) are stored directly, so traversals — friends of
    friends, shortest paths, social networks — follow pointers instead of joining tables.
  `,
  code`
    const social = await GraphStore.create(spark, { name: "social" });
    for (const name of ["Ann", "Bob", "Cy", "Di", "Ed", "Fay"]) await social.addNode("Person", { name }, name);
    await social.addRelationships([["Ann", "Bob"], ["Ann", "Cy"], ["Bob", "Di"], ["Cy", "Di"], ["Cy", "Ed"], ["Di", "Fay"]].map(([from, to]) => ({ from: from!, type: "KNOWS", to: to! })));
    console.log(\`the graph lives on \${social.host}; Ann knows:\`, (await social.neighbours("Ann", { type: "KNOWS" })).map((n) => n.properties.name).join(", "));
    const fof = await social.query("MATCH (a:Person {name: 'Ann'})-[:KNOWS]->(f)-[:KNOWS]->(fof) RETURN DISTINCT fof.name AS name ORDER BY name");
    console.log("Ann's friends of friends (Cypher):", fof.map((r) => r.name).join(", "));
    console.log("shortest path Ann → Fay:", (await social.shortestPath("Ann", "Fay", { type: "KNOWS" }))!.join(" → "));
    console.log("within 2 hops of Ann:", (await social.bfs("Ann", { maxDepth: 2 })).map((x) => \`\${x.id}(\${x.depth})\`).join(" "));
  `,
  md`
    ## Vector databases

    Each row is a point in *d* dimensions (dense, numeric, high-dimensional: embeddings of text or
    images). The key operation is **similarity search**; exact search compares the query with every
    vector, **locality-sensitive hashing** compares it only with vectors in the same bucket. For
    cosine similarity, each of *b* random hyperplanes contributes one bit (which side the vector is
    on); similar vectors tend to share the signature — the same idea as min-hashing for sets.
    Several tables raise recall (a near neighbour only has to collide once) at the cost of more
    candidates to compare.
  `,
  code`
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
    const dim = 32, nVec = 5000, tables = 4, bits = 8;
    const centres = Array.from({ length: 50 }, () => Array.from({ length: dim }, rnd));
    // Sharded over the workers; LSH: 4 tables of 8 random hyperplanes (a candidate shares a bucket in at least one table).
    const vstore = await VectorStore.create(spark, { name: "embeddings", dimension: dim, metric: "cosine", lsh: { tables, bits } });
    await vstore.insertMany(Array.from({ length: nVec }, (_, i) => ({ id: i, vector: centres[i % 50]!.map((x) => x + 0.3 * rnd()), metadata: { cluster: i % 50 } })));
    let recall = 0, compared = 0;
    const queries = Array.from({ length: 20 }, (_, j) => centres[j]!.map((x) => x + 0.3 * rnd()));
    for (const q of queries) {
      const exact = await vstore.search(q, { k: 10, exact: true });
      const approx = await vstore.search(q, { k: 10 });
      compared += approx.candidatesExamined;
      recall += VectorStore.recallAtK(approx.results, exact.results);
    }
    console.log(\`\${nVec} vectors in \${vstore.hosts().length} shards on \${[...new Set(vstore.hosts())].join(", ")}\`);
    await table([
      { search: "exact", "vectors compared / query": nVec, "recall@10": 1 },
      { search: \`LSH, \${tables} tables × \${bits} hyperplanes\`, "vectors compared / query": Math.round(compared / queries.length), "recall@10": (recall / queries.length).toFixed(2) },
    ]);
    const filtered = await vstore.search(queries[0]!, { k: 3, filter: { cluster: { $ne: 0 } } });
    console.log("nearest 3 outside cluster 0 (a metadata filter):", filtered.results.map((h) => \`\${h.id} (\${h.score.toFixed(3)})\`).join(", "));
  `,
  md`
    ## Consistency

    - **Strong**: after an update, every observer reads the new value (needs coordination/locks:
      higher latency).
    - **Eventual**: if no new updates arrive and we wait long enough, all reads return the same value.

    NoSQL stores make this **tunable**: each key lives on N replicas, a write waits for W acks and
    a read for R replies. If **R + W > N**, every read quorum overlaps the last write quorum. With
    W = R = 1 a replica cut off from the writer returns **stale** data. Faster, but stale.
  `,
  code`
    const results: Record<string, unknown>[] = [];
    for (const [w, r] of [[1, 1], [2, 2], [3, 1]] as const) {
      const s = new KeyValueStore({ numNodes: 3, replication: 3, readQuorum: r, writeQuorum: w, readRepair: false });
      await s.put("balance", 100);
      const [a, , c] = s.preferenceList("balance");
      s.delay(c!, 30);                                   // the third replica is slow…
      const t = performance.now();
      await s.put("balance", 50, { coordinator: a });
      const writeMs = performance.now() - t;
      s.delay(c!, 0);
      s.partitionNetwork(a!, c!);                          // …and cut off from a
      let accepted = true;
      try { await s.put("balance", 20, { coordinator: a }); } catch { accepted = false; }   // W=3 cannot reach c
      const got = await s.get("balance", { coordinator: c });
      results.push({ N: 3, W: w, R: r, "R+W>N": r + w > 3, "write of 20 during the cut": accepted ? "accepted" : "refused", "read via cut-off replica": got.value, stale: accepted && got.value !== 20, "write latency with a slow replica": \`\${writeMs.toFixed(0)} ms\` });
    }
    await table(results);
  `,
  md`
    W = R = 1 is fastest but reads a stale balance through the cut-off replica. With W = 2, R = 2
    the read waits for a second replica that has the new value. W = 3 waits for the slowest replica
    on every write and, once a replica is unreachable, refuses writes altogether: consistency bought
    with availability.

    ### BASE

    **B**asically **A**vailable (reads and writes work most of the time, even with nodes down),
    **S**oft state (at any moment we only know the state with some probability), **E**ventually
    consistent. It trades consistency for availability: fine for statistics or a social-media feed,
    not for financial transactions (ACID). Below, the W = 2 store keeps accepting writes with one of
    three replicas down (a *hint* is kept for it and delivered when it returns); with two down the
    write fails instead of pretending.
  `,
  code`
    const base = new KeyValueStore({ numNodes: 3, replication: 3, readQuorum: 2, writeQuorum: 2 });
    const [n0, n1, n2] = base.preferenceList("feed");
    base.kill(n2!);
    await base.put("feed", ["post 1"]);
    console.log(\`one replica down: write accepted, hints held = \${Object.values(base.distribution()).reduce((a, d) => a + d.hints, 0)}\`);
    base.kill(n1!);
    try { await base.put("feed", ["post 1", "post 2"]); } catch (e) { console.log("two replicas down:", (e as Error).message); }
    await base.restart(n1!); await base.restart(n2!);
    console.log("after restart, every replica has the acknowledged write:", base.stats.hintsDelivered > 0, JSON.stringify((await base.get("feed")).value));
  `,
  md`
    ### Your turn 3

    With N = 3 replicas, which (W, R) pairs with 1 ≤ W, R ≤ 3 guarantee that a read sees the
    latest acknowledged write? Set \`strongPairs\` to the list of \`[W, R]\` pairs, sorted.
  `,
  code`
    // TODO: all [w, r] with w + r > 3
    const strongPairs: number[][] | undefined = undefined;
    check("(W, R) pairs with read-your-writes", strongPairs, [[1, 3], [2, 2], [2, 3], [3, 1], [3, 2], [3, 3]]);
  `,
  md`
    ## Duplication and denormalisation

    NoSQL stores rarely join. Instead, **denormalise**: storage is cheap, so duplicate data and
    design the tables around the queries you will run (pre-join). Reads become one lookup — but when
    a duplicated field changes, **every copy** must be updated.
  `,
  code`
    const shop = new DocumentStore({ shards: ["s0", "s1"] });
    const customers = shop.collection("customers");
    const ordersRef = shop.collection("ordersRef");         // referenced: orders hold customerId
    const ordersEmb = shop.collection("ordersEmb");         // embedded: orders hold a copy of the customer
    customers.insertMany([{ _id: "c1", name: "Ann", city: "Oslo" }, { _id: "c2", name: "Bob", city: "Lima" }]);
    for (let i = 0; i < 6; i++) {
      const cid = i % 3 === 2 ? "c2" : "c1";
      ordersRef.insertOne({ _id: i, customerId: cid, total: 10 * (i + 1) });
      ordersEmb.insertOne({ _id: i, customer: customers.findOne({ _id: cid }), total: 10 * (i + 1) });
    }
    // read "orders with the customer's city": referenced needs a join ($lookup: a second lookup per order)
    const joined = ordersRef.aggregate([
      { $lookup: { from: "customers", localField: "customerId", foreignField: "_id", as: "customer" } },
      { $unwind: "$customer" },
      { $project: { total: 1, city: "$customer.city" } },
    ]);
    console.log("joined:", JSON.stringify(joined.slice(0, 2)), "…");
    const embedded = ordersEmb.find({}, { projection: { total: 1, "customer.city": 1 } });
    console.log("referenced: 1 query +", joined.length, "lookups;  embedded: 1 query");
    // Ann moves: referenced updates 1 document, embedded must update every copy
    const ref = customers.updateOne({ _id: "c1" }, { $set: { city: "Bergen" } });
    const emb = ordersEmb.updateMany({ "customer._id": "c1" }, { $set: { "customer.city": "Bergen" } });
    await table([
      { layout: "referenced", "documents read for the report": 2 * joined.length, "documents updated when Ann moves": ref.modifiedCount },
      { layout: "embedded (denormalised)", "documents read for the report": embedded.length, "documents updated when Ann moves": emb.modifiedCount },
    ]);
  `,
  md`
    ## Pros and cons of NoSQL

    | Pros | Cons |
    |---|---|
    | flexible, dynamic schema — less well-structured data | no declarative query language: joins etc. move into the application |
    | horizontal scalability (lecture 5) | weaker consistency: the application may see stale data |
    | high performance and availability from relaxed consistency | |

    The choice depends on whether denormalisation suits the queries, how much consistency matters,
    and how complex the queries are (joins vs simple reads/writes).
  `,
], { embeddedOnly: "The NoSQL stores (key-value, document, wide-column, graph) run in the embedded cluster's worker processes." });

/** Model answers (text edits of the committed cells), applied by the e2e test. */
export const L04_SOLUTIONS: Array<{ find: string; replace: string }> = [
  {
    find: "const cells: number | undefined = undefined;",
    replace: "const cells: number | undefined = rows.reduce((s, row) => s + Object.keys(row).length, 0);",
  },
  {
    find: "const young: unknown = undefined;",
    replace: 'const young: unknown = users.find({ $or: [{ age: { $exists: false } }, { age: { $lt: 30 } }] }, { sort: { name: 1 } }).map((d) => d.name);',
  },
  {
    find: "const strongPairs: number[][] | undefined = undefined;",
    replace: "const strongPairs: number[][] | undefined = [1, 2, 3].flatMap((w) => [1, 2, 3].filter((r) => w + r > 3).map((r) => [w, r]));",
  },
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await emit(fileURLToPath(new URL("../L04-nosql.ipynb", import.meta.url)), L04);
}
