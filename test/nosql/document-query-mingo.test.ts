// The document store's query and aggregation semantics against mingo (a MongoDB-compatible
// evaluator from npm, pinned as a dev dependency): random filters with every supported operator and
// dot paths over documents with missing, null, nested and array fields, and aggregation pipelines,
// give the same documents.
import { Aggregator, Query } from "mingo";
import { describe, expect, it } from "vitest";
import { DocumentStore, type Filter } from "../../engine/index";

let s = 12345;
const rnd = (n: number) => { s = (s * 1103515245 + 12345) % 2147483648; return s % n; };
const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
const cities = ["Oslo", "Rome", "Lima", "oslo"];
const tagsAll = ["a", "b", "c", "d"];

function doc(i: number): Record<string, unknown> {
  const d: Record<string, unknown> = { _id: i, name: `user${i}` };
  if (rnd(6)) d.age = 10 + rnd(60);
  if (rnd(5)) d.city = pick(cities);
  if (rnd(4)) d.tags = tagsAll.filter(() => rnd(2) === 0);
  if (rnd(3)) d.address = { zip: 1000 + rnd(50) * 100, ...(rnd(2) ? { street: pick(["Main", "Hill"]) } : {}) };
  if (rnd(4) === 0) d.score = null;
  else if (rnd(2)) d.score = rnd(10);
  if (rnd(3) === 0) d.items = Array.from({ length: rnd(3) }, () => ({ sku: pick(["x", "y", "z"]), qty: rnd(5) }));
  return d;
}

function leaf(): Filter {
  switch (rnd(13)) {
    case 0: return { age: pick([{ $gt: 30 }, { $gte: 40 }, { $lt: 25 }, { $lte: 18 }, 33]) };
    case 1: return { city: pick(["Oslo", { $ne: "Rome" }, { $in: ["Lima", "oslo"] }, { $nin: ["Oslo"] }]) };
    case 2: return { tags: pick(["a", { $size: 2 }, { $in: ["b", "d"] }, { $nin: ["c"] }, { $all: ["a", "b"] }]) };
    case 3: return { "address.zip": pick([{ $gte: 3000 }, { $lt: 2000 }, 1500]) };
    case 4: return { [pick(["age", "city", "tags", "score", "address.street"])]: { $exists: rnd(2) === 0 } };
    case 5: return { score: pick([null, { $ne: null }, { $gt: 4 }, { $in: [null, 3] }]) };
    case 6: return { city: { $regex: pick(["^O", "ma$", "o"]), ...(rnd(2) ? { $options: "i" } : {}) } };
    case 7: return { age: { $not: { $gt: 40 } } };
    case 8: return { items: { $elemMatch: { sku: pick(["x", "y"]), qty: { $gte: 2 } } } };
    case 9: return { "items.sku": pick(["x", "z"]) };
    case 10: return { "address.street": pick(["Main", { $ne: "Hill" }]) };
    case 11: return { tags: { $size: 0 } };
    default: return { name: { $in: ["user1", "user7", "user30"] } };
  }
}

function filter(depth = 0): Filter {
  const r = rnd(10);
  if (depth < 2 && r < 2) return { [pick(["$and", "$or", "$nor"])]: [filter(depth + 1), filter(depth + 1)] };
  if (r < 4) return { ...leaf(), ...leaf() };
  return leaf();
}

describe("document queries against mingo", () => {
  const docs = Array.from({ length: 120 }, (_, i) => doc(i));
  const db = new DocumentStore({ shards: ["s0", "s1", "s2"] });
  const users = db.collection("users");
  users.insertMany(docs);
  const orders = db.collection("orders");
  const orderDocs = Array.from({ length: 60 }, (_, i) => ({ _id: `o${i}`, user: rnd(120), total: rnd(300), status: pick(["new", "paid", "sent"]) }));
  orders.insertMany(orderDocs);

  it("400 random filters select the same documents", () => {
    let nonEmpty = 0;
    for (let t = 0; t < 400; t++) {
      const f = filter();
      const ours = users.find(f).map((d) => d._id as number).sort((a, b) => a - b);
      const theirs = new Query(f as Record<string, unknown>).find(docs).all().map((d) => (d as { _id: number })._id).sort((a, b) => a - b);
      expect(ours, JSON.stringify(f)).toEqual(theirs);
      if (ours.length > 0) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(150); // the filters are not trivially empty
  });

  it("aggregation pipelines give the same results", () => {
    const pipelines: Array<Record<string, unknown>[]> = [
      [{ $match: { age: { $gte: 30 } } }, { $group: { _id: "$city", n: { $sum: 1 }, avgAge: { $avg: "$age" }, oldest: { $max: "$age" } } }, { $sort: { _id: 1 } }],
      [{ $unwind: "$tags" }, { $group: { _id: "$tags", users: { $addToSet: "$_id" } } }, { $project: { n: { $size: "$users" } } }, { $sort: { _id: 1 } }],
      [{ $match: { status: "paid" } }, { $lookup: { from: "users", localField: "user", foreignField: "_id", as: "u" } }, { $unwind: "$u" }, { $group: { _id: "$u.city", spent: { $sum: "$total" } } }, { $sort: { spent: -1, _id: 1 } }],
      [{ $sort: { total: -1, _id: 1 } }, { $skip: 3 }, { $limit: 5 }, { $project: { total: 1, status: 1 } }],
      [{ $group: { _id: "$status", first: { $first: "$_id" }, totals: { $push: "$total" } } }, { $sort: { _id: 1 } }],
      [{ $match: { total: { $lt: 100 } } }, { $count: "cheap" }],
    ];
    for (const p of pipelines) {
      const isOrders = JSON.stringify(p).includes("status") || JSON.stringify(p).includes("total");
      const ours = (isOrders ? orders : users).aggregate(p as never);
      const source = isOrders ? [...orderDocs].sort((a, b) => (a._id < b._id ? -1 : 1)) : docs;
      const theirs = new Aggregator(p, { collectionResolver: (name: string) => (name === "users" ? docs : []) } as never).run(source);
      expect(ours, JSON.stringify(p)).toEqual(theirs);
    }
  });
});
