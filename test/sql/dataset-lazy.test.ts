// Typed Datasets (df.as<T>()) and df.rdd are lazy, as in Spark: typed map/filter/groupByKey and
// df.rdd build transformations only; nothing runs (not even query planning) until an action.
// Expected values are computed from plain arrays.
import { describe, it, expect } from "vitest";
import { SqlSession } from "../../engine/sql/index";
import { localHost } from "./support/local-context";

type P = { name: string; dept: string; salary: number };
const people: P[] = [
  { name: "ann", dept: "eng", salary: 100 }, { name: "bob", dept: "eng", salary: 80 },
  { name: "cid", dept: "ops", salary: 50 }, { name: "dee", dept: "ops", salary: 70 }, { name: "eve", dept: "hr", salary: 60 },
];

function setup() {
  const s = new SqlSession(localHost());
  const df = s.createDataFrame(people, "name string, dept string, salary int");
  return { s, df };
}

describe("df.rdd is a lazy RDD", () => {
  it("accessing df.rdd and transforming it plans nothing; an action runs it", async () => {
    const { s, df } = setup();
    let planned = 0;
    const orig = s.executePlan.bind(s);
    s.executePlan = (p) => { planned++; return orig(p); };
    const rdd = df.filter("salary > 60").rdd.map((r) => (r as P).name);
    expect(planned).toBe(0);
    expect((await rdd.collect()).sort()).toEqual(people.filter((p) => p.salary > 60).map((p) => p.name).sort());
    expect(planned).toBe(1);
  });
  it("df.rdd is not thenable (await gives the RDD itself)", async () => {
    const { df } = setup();
    const r = df.rdd;
    expect((r as unknown as { then?: unknown }).then).toBeUndefined();
    expect(await r.count()).toBe(people.length);
  });
});

describe("typed Dataset operations are lazy transformations", () => {
  it("map / filter run no function until collect", async () => {
    const { df } = setup();
    let calls = 0;
    const ds = df.as<P>().filter((p) => { calls++; return p.dept !== "hr"; }).map((p) => p.salary * 2);
    expect(calls).toBe(0);
    const got = await ds.collect();
    expect(calls).toBe(people.length);
    expect(got.sort((a, b) => a - b)).toEqual(people.filter((p) => p.dept !== "hr").map((p) => p.salary * 2).sort((a, b) => a - b));
    expect(await ds.count()).toBe(4);
  });
  it("flatMap, take, first", async () => {
    const { df } = setup();
    const ds = df.as<P>().flatMap((p) => [p.name, p.dept]);
    expect((await ds.collect()).length).toBe(people.length * 2);
    expect((await ds.take(3)).length).toBe(3);
    expect(await df.as<P>().filter((p) => p.salary > 1000).first()).toBeNull();
  });
  it("groupByKey -> mapGroups / count / reduceGroups / keys", async () => {
    const { df } = setup();
    let calls = 0;
    const g = df.as<P>().groupByKey((p) => { calls++; return p.dept; });
    const totals = g.mapGroups((k, rows) => ({ dept: k, total: rows.reduce((a, r) => a + r.salary, 0) }));
    expect(calls).toBe(0);
    const expected = new Map<string, number>();
    for (const p of people) expected.set(p.dept, (expected.get(p.dept) ?? 0) + p.salary);
    const got = await totals.collect();
    expect(new Map(got.map((r) => [r.dept, r.total]))).toEqual(expected);
    expect(new Map(await g.count().collect())).toEqual(new Map([["eng", 2], ["ops", 2], ["hr", 1]]));
    const best = new Map((await g.reduceGroups((a, b) => (a.salary >= b.salary ? a : b)).collect()).map(([k, v]) => [k, v.name]));
    expect(best).toEqual(new Map([["eng", "ann"], ["ops", "dee"], ["hr", "eve"]]));
    expect((await g.keys().collect()).sort()).toEqual(["eng", "hr", "ops"]);
  });
  it("a Column filter keeps the plan", async () => {
    const { df } = setup();
    expect(await df.as<P>().filter("salary >= 70").count()).toBe(3);
  });
});
