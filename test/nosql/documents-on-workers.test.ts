// The document store with its shards in the worker processes (local[2]) answers exactly as the
// in-process store: inserts, finds (filters, sort, projection, paging), indexes and explain,
// updates (also moving a document when its shard key changes, and upserts), deletes, aggregation
// with $lookup, duplicate keys; and after the worker holding a shard is killed, the collection goes
// on with every document (the shard is reopened from its write log).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DocumentStore, type SparkSession } from "../../engine/index";
import { startSession } from "../engine/helpers";

let spark: SparkSession;
beforeAll(async () => { ({ spark } = await startSession("local[2]", { "spark.network.timeout": "5s" })); }, 60_000);
afterAll(async () => { await spark?.stop(); });

const cities = ["Oslo", "Rome", "Lima", "Pune"];

describe("DocumentStore on the workers", () => {
  it("gives the in-process store's answers, also across a killed worker", async () => {
    const remoteDb = await DocumentStore.create(spark, { shards: ["s0", "s1", "s2"], name: "shop" });
    const localDb = await DocumentStore.create(null, { shards: ["s0", "s1", "s2"] });
    const users = remoteDb.collection("users", { shardKey: "city", sharding: "hashed" });
    const lusers = localDb.collection("users", { shardKey: "city", sharding: "hashed" });
    const orders = remoteDb.collection("orders");
    const lorders = localDb.collection("orders");
    let s = 4;
    const rnd = (n: number) => { s = (s * 1103515245 + 12345) % 2147483648; return s % n; };
    const docs = Array.from({ length: 60 }, (_, i) => ({ _id: i, name: `u${i}`, age: 18 + rnd(50), city: cities[rnd(4)]!, ...(rnd(3) ? { tags: ["a", "b", "c"].slice(0, rnd(3) + 1) } : {}), address: { zip: 1000 + rnd(9000) } }));
    await users.insertMany(docs); lusers.insertMany(docs);
    const ords = Array.from({ length: 40 }, (_, i) => ({ _id: `o${i}`, user: rnd(60), total: rnd(500) }));
    await orders.insertMany(ords); lorders.insertMany(ords);
    await users.createIndex({ age: 1 }); lusers.createIndex({ age: 1 });
    expect(Object.values(users.hosts()).every((w) => w.startsWith("worker-"))).toBe(true);

    const check = async () => {
      const queries: Array<[Record<string, unknown>, Record<string, unknown>]> = [
        [{}, {}], [{ city: "Oslo" }, { sort: { age: -1, _id: 1 } }], [{ age: { $gte: 40 } }, { projection: { name: 1, _id: 0 }, sort: { name: 1 } }],
        [{ $or: [{ tags: "b" }, { "address.zip": { $lt: 3000 } }] }, { skip: 2, limit: 5 }], [{ tags: { $size: 2 }, city: { $in: ["Rome", "Lima"] } }, {}],
      ];
      for (const [f, o] of queries) {
        expect(await users.find(f, o), JSON.stringify(f)).toEqual(lusers.find(f, o));
        const [a, b] = [await users.explain(f, o), lusers.explain(f, o)];
        expect(a).toEqual(b);
      }
      const pipeline = [{ $match: { total: { $gte: 100 } } }, { $lookup: { from: "users", localField: "user", foreignField: "_id", as: "u" } }, { $unwind: "$u" }, { $group: { _id: "$u.city", spent: { $sum: "$total" }, n: { $sum: 1 } } }, { $sort: { _id: 1 } }];
      expect(await orders.aggregate(pipeline)).toEqual(lorders.aggregate(pipeline));
      expect(await users.countDocuments({ age: { $lt: 30 } })).toBe(lusers.countDocuments({ age: { $lt: 30 } }));
      expect(await users.distribution()).toEqual(lusers.distribution());
    };
    await check();
    // Updates: one that moves documents to another shard (the shard key changes), an upsert, deletes.
    expect(await users.updateMany({ city: "Oslo", age: { $lt: 40 } }, { $set: { city: "Rome" }, $inc: { age: 1 } })).toEqual(lusers.updateMany({ city: "Oslo", age: { $lt: 40 } }, { $set: { city: "Rome" }, $inc: { age: 1 } }));
    expect(await users.updateOne({ _id: 999, city: "Pune" }, { $set: { name: "new" } }, { upsert: true })).toEqual(lusers.updateOne({ _id: 999, city: "Pune" }, { $set: { name: "new" } }, { upsert: true }));
    expect(await users.deleteMany({ tags: "c" })).toEqual(lusers.deleteMany({ tags: "c" }));
    await expect(users.insertOne({ _id: 3, city: "Lima" })).rejects.toThrow(/DUPLICATE_KEY|E11000/);
    await check();
    // A worker holding shards is killed: the next operations reopen its shards from their logs.
    const victim = Object.values(users.hosts())[0]!;
    await spark.cluster.kill(victim);
    await check();
    expect(Object.values(users.hosts())).not.toContain(victim);
    await users.insertOne({ _id: 1000, name: "after", city: "Oslo", age: 50 }); lusers.insertOne({ _id: 1000, name: "after", city: "Oslo", age: 50 });
    await check();
  }, 120_000);
});
