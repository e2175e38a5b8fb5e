import { describe, expect, it } from "vitest";
import { DocumentStore } from "./document-store";
import { AnalysisError } from "../common/errors";

type P = { _id: number; name: string; age?: number; tags: string[]; address?: { city: string; zip?: string }; orders: { item: string; qty: number }[] };
const people: P[] = Array.from({ length: 200 }, (_, i) => ({
  _id: i, name: `${["ann", "bob", "cy", "dee"][i % 4]}${i}`,
  ...(i % 5 === 0 ? {} : { age: 18 + (i * 7) % 50 }),
  tags: ["a", "b", "c", "d"].filter((_, j) => (i >> j) & 1),
  ...(i % 3 === 0 ? {} : { address: { city: ["Oslo", "Lima", "Pune"][i % 3 === 1 ? 0 : (i % 7) % 3]!, ...(i % 2 ? { zip: `0${i}` } : {}) } }),
  orders: Array.from({ length: i % 4 }, (_, k) => ({ item: ["pen", "ink", "pad"][(i + k) % 3]!, qty: (i + k) % 6 })),
}));

// Reference evaluations: each filter paired with the same predicate written in plain JS.
const cases: [string, Record<string, unknown>, (p: P) => boolean][] = [
  ["$gt", { age: { $gt: 40 } }, (p) => p.age !== undefined && p.age > 40],
  ["range and", { age: { $gte: 20, $lt: 30 } }, (p) => p.age !== undefined && p.age >= 20 && p.age < 30],
  ["$ne missing", { age: { $ne: 25 } }, (p) => p.age !== 25],
  ["$exists false", { age: { $exists: false } }, (p) => p.age === undefined],
  ["$in", { "address.city": { $in: ["Lima", "Pune"] } }, (p) => !!p.address && ["Lima", "Pune"].includes(p.address.city)],
  ["$nin", { "address.city": { $nin: ["Oslo"] } }, (p) => p.address?.city !== "Oslo"],
  ["array contains", { tags: "b" }, (p) => p.tags.includes("b")],
  ["$size", { tags: { $size: 2 } }, (p) => p.tags.length === 2],
  ["$or", { $or: [{ age: { $lt: 20 } }, { tags: { $size: 4 } }] }, (p) => (p.age !== undefined && p.age < 20) || p.tags.length === 4],
  ["$and", { $and: [{ tags: "a" }, { tags: "c" }] }, (p) => p.tags.includes("a") && p.tags.includes("c")],
  ["$not", { age: { $not: { $gt: 30 } } }, (p) => !(p.age !== undefined && p.age > 30)],
  ["$regex", { name: { $regex: "^b.*7$" } }, (p) => /^b.*7$/.test(p.name)],
  ["dot path into array", { "orders.item": "ink" }, (p) => p.orders.some((o) => o.item === "ink")],
  ["$elemMatch", { orders: { $elemMatch: { item: "pen", qty: { $gte: 3 } } } }, (p) => p.orders.some((o) => o.item === "pen" && o.qty >= 3)],
  ["nested exists", { "address.zip": { $exists: true } }, (p) => p.address?.zip !== undefined],
];

describe("DocumentStore", () => {
  const db = new DocumentStore({ shards: ["s0", "s1", "s2"] });
  const people_ = db.collection("people");
  people_.insertMany(people);

  for (const [name, filter, ref] of cases) {
    it(`find ${name} equals the plain-JS evaluation`, () => {
      const want = people.filter(ref).map((p) => p._id);
      expect(want.length).toBeGreaterThan(0);
      expect(people_.find(filter).map((d) => d._id)).toEqual(want);
    });
  }

  it("sort, skip, limit and projection", () => {
    const r = people_.find({ age: { $exists: true } }, { sort: { age: -1, _id: 1 }, skip: 3, limit: 5, projection: { name: 1, "address.city": 1, _id: 0 } });
    const ref = people.filter((p) => p.age !== undefined).sort((a, b) => b.age! - a.age! || a._id - b._id).slice(3, 8)
      .map((p) => ({ name: p.name, ...(p.address ? { address: { city: p.address.city } } : {}) }));
    expect(r).toEqual(ref);
  });

  it("updates with $set/$unset/$inc/$push/$pull and upsert", () => {
    const c = db.collection("u");
    c.insertMany([{ _id: 1, n: 1, tags: ["x", "y"] }, { _id: 2, n: 5, tags: ["y"] }]);
    expect(c.updateMany({ tags: "y" }, { $inc: { n: 10 }, $push: { tags: "z" } })).toEqual({ matchedCount: 2, modifiedCount: 2 });
    c.updateOne({ _id: 1 }, { $pull: { tags: "x" }, $set: { "meta.by": "ann" }, $unset: { n: "" } });
    expect(c.find({ _id: 1 })).toEqual([{ _id: 1, tags: ["y", "z"], meta: { by: "ann" } }]);
    const up = c.updateOne({ name: "new" }, { $set: { v: 1 } }, { upsert: true });
    expect(c.findOne({ _id: up.upsertedId })).toMatchObject({ name: "new", v: 1 });
    expect(c.deleteMany({ n: { $gt: 10 } })).toEqual({ deletedCount: 1 });
  });

  it("routes shard-key queries to one shard, scatters the rest; explain shows index use", () => {
    expect(Object.values(people_.distribution()).reduce((a, b) => a + b)).toBe(200);
    expect(people_.explain({ _id: 42 }).shardsVisited).toHaveLength(1);
    expect(people_.explain({ age: 30 })).toMatchObject({ stage: "COLLSCAN", docsExamined: 200 });
    people_.createIndex({ age: 1, name: 1 });
    const e = people_.explain({ age: 30 });
    expect(e.stage).toBe("IXSCAN");
    expect(e.indexName).toBe("age_1_name_1");
    expect(e.docsExamined).toBe(people.filter((p) => p.age === 30).length);
    expect(e.shardsVisited).toHaveLength(3);
  });

  it("rejects non-JSON values, unknown operators and duplicate ids with typed errors", () => {
    const c = db.collection("bad");
    expect(() => c.insertOne({ f: () => 1 } as never)).toThrow(/field 'f' holds a function/);
    expect(() => c.insertOne({ d: new Date() } as never)).toThrow(AnalysisError);
    expect(() => people_.find({ age: { $near: 3 } })).toThrow(/Unknown query operator '\$near' on field 'age'/);
    expect(() => c.updateOne({}, { $rename: { a: "b" } }, { upsert: true })).toThrow(/UNKNOWN_UPDATE_OPERATOR/);
    c.insertOne({ _id: "x" });
    expect(() => c.insertOne({ _id: "x" })).toThrow(/duplicate key/);
  });
});
