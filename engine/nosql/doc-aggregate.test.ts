// The aggregation pipeline against the same computation written in plain JS, on sharded data.
import { describe, expect, it } from "vitest";
import { DocumentStore } from "./document-store";
import { AnalysisError } from "../common/errors";

type Order = { _id: number; customer: string; city?: string; items: { sku: string; qty: number }[]; total: number };
const orders: Order[] = Array.from({ length: 120 }, (_, i) => ({
  _id: i, customer: `c${i % 7}`, ...(i % 4 ? { city: ["Oslo", "Lima", "Pune"][i % 3]! } : {}),
  items: Array.from({ length: i % 3 }, (_, k) => ({ sku: ["pen", "ink", "pad"][(i + k) % 3]!, qty: 1 + ((i * k) % 4) })),
  total: (i * 37) % 100,
}));
const customers = Array.from({ length: 7 }, (_, i) => ({ _id: `c${i}`, name: `Customer ${i}`, tier: i % 2 ? "gold" : "basic" }));

function store() {
  const db = new DocumentStore({ shards: ["s0", "s1", "s2"] });
  db.collection("orders", { shardKey: "customer" }).insertMany(structuredClone(orders));
  db.collection("customers").insertMany(structuredClone(customers));
  return db;
}

describe("DocumentStore aggregate", () => {
  it("$match + $group ($sum, $avg, $max, $count) + $sort equals a plain JS group-by", () => {
    const got = store().collection("orders").aggregate([
      { $match: { total: { $gte: 20 } } },
      { $group: { _id: "$customer", revenue: { $sum: "$total" }, avg: { $avg: "$total" }, top: { $max: "$total" }, n: { $count: {} } } },
      { $sort: { revenue: -1, _id: 1 } },
    ]);
    const ref = new Map<string, number[]>();
    for (const o of orders) if (o.total >= 20) ref.set(o.customer, [...(ref.get(o.customer) ?? []), o.total]);
    const expected = [...ref].map(([c, ts]) => ({ _id: c, revenue: ts.reduce((a, b) => a + b, 0), avg: ts.reduce((a, b) => a + b, 0) / ts.length, top: Math.max(...ts), n: ts.length }))
      .sort((a, b) => b.revenue - a.revenue || a._id.localeCompare(b._id));
    expect(got).toEqual(expected);
  });

  it("$unwind then $group by item counts quantities per sku; missing arrays drop out unless preserved", () => {
    const db = store();
    const got = db.collection("orders").aggregate([{ $unwind: "$items" }, { $group: { _id: "$items.sku", qty: { $sum: "$items.qty" } } }, { $sort: { _id: 1 } }]);
    const ref: Record<string, number> = {};
    for (const o of orders) for (const it of o.items) ref[it.sku] = (ref[it.sku] ?? 0) + it.qty;
    expect(got).toEqual(Object.keys(ref).sort().map((k) => ({ _id: k, qty: ref[k] })));
    const n = db.collection("orders").aggregate([{ $unwind: { path: "$items", preserveNullAndEmptyArrays: true } }, { $count: "rows" }]);
    expect(n).toEqual([{ rows: orders.reduce((a, o) => a + Math.max(1, o.items.length), 0) }]);
  });

  it("$lookup joins another collection; $project reshapes with field references", () => {
    const got = store().collection("orders").aggregate([
      { $match: { customer: "c3" } },
      { $lookup: { from: "customers", localField: "customer", foreignField: "_id", as: "who" } },
      { $unwind: "$who" },
      { $project: { _id: 1, name: "$who.name", tier: "$who.tier", total: 1 } },
    ]);
    expect(got).toEqual(orders.filter((o) => o.customer === "c3").map((o) => ({ _id: o._id, name: "Customer 3", tier: "gold", total: o.total })));
  });

  it("a leading $match on the shard key visits one shard", () => {
    const c = store().collection("orders");
    c.aggregate([{ $match: { customer: "c1" } }, { $count: "n" }]);
    expect(c.lastExplain!.shardsVisited).toHaveLength(1);
    c.aggregate([{ $match: { city: "Oslo" } }]);
    expect(c.lastExplain!.shardsVisited).toHaveLength(3);
  });

  it("unknown stages and accumulators are typed errors naming them", () => {
    const c = store().collection("orders");
    expect(() => c.aggregate([{ $frobnicate: {} }])).toThrow(AnalysisError);
    expect(() => c.aggregate([{ $frobnicate: {} }])).toThrow(/\$frobnicate/);
    expect(() => c.aggregate([{ $group: { _id: "$city", x: { $median: "$total" } } }])).toThrow(/UNKNOWN_ACCUMULATOR|\$median/);
  });
});
