// Lecture 3's relational patterns as MapReduce jobs on real workers, each against a plain-JS
// reference: selection and projection (map-only), group-by average with and without a combiner
// (the combiner carries (sum, count) pairs), secondary sort, broadcast join through the
// distributed cache, reduce-side join with tagged records ordered by secondary sort, top-k with
// in-mapper combining, inverted index.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MapReduceJob, type SparkSession } from "../../engine/index";
import { startSession } from "../engine/helpers";

let spark: SparkSession;
const dir = mkdtempSync(join(tmpdir(), "mr-patterns-"));
// sales: id,product,price,store
const products = ["apple", "pear", "plum", "kiwi", "fig", "lime"];
const sales = Array.from({ length: 600 }, (_, i) => ({ id: i, product: products[(i * 7) % 6]!, price: 1 + ((i * 37) % 50) / 10, store: `s${i % 4}` }));
const productInfo = products.map((p, i) => ({ product: p, category: i % 2 ? "fruit-a" : "fruit-b" }));

beforeAll(async () => {
  ({ spark } = await startSession("local[2]"));
  writeFileSync(join(dir, "sales.csv"), sales.map((s) => `${s.id},${s.product},${s.price},${s.store}`).join("\n") + "\n");
  writeFileSync(join(dir, "products.csv"), productInfo.map((p) => `${p.product},${p.category}`).join("\n") + "\n");
  writeFileSync(join(dir, "docs.txt"), ["the quick brown fox", "the lazy dog", "a quick dog", "brown dog brown fox"].join("\n") + "\n");
});
afterAll(async () => {
  await spark?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const parse = (line: string) => { const [id, product, price, store] = line.split(","); return { id: Number(id), product: product!, price: Number(price), store: store! }; };
const input = () => ({ paths: join(dir, "sales.csv"), splitSize: 2048 });

describe("relational patterns", () => {
  it("selection and projection are map-only jobs", async () => {
    const sel = await new MapReduceJob(spark, {
      input: input(), numReduceTasks: 0,
      mapper: (_o: number, line: string, ctx: any) => { const s = parse(line); if (s.price > 4) ctx.write(line, null); },
    }).waitForCompletion();
    expect(sel.readOutput().map(([k]) => parse(String(k)).id)).toEqual(sales.filter((s) => s.price > 4).map((s) => s.id));
    const proj = await new MapReduceJob(spark, {
      input: input(), numReduceTasks: 0,
      mapper: (_o: number, line: string, ctx: any) => { const s = parse(line); ctx.write(s.product, s.store); },
    }).waitForCompletion();
    expect(proj.readOutput()).toEqual(sales.map((s) => [s.product, s.store]));
  });

  it("average price per product, with and without a (sum, count) combiner", async () => {
    const ref = new Map<string, number>();
    for (const p of products) { const xs = sales.filter((s) => s.product === p).map((s) => s.price); ref.set(p, xs.reduce((a, b) => a + b, 0) / xs.length); }
    const plain = await new MapReduceJob(spark, {
      input: input(), numReduceTasks: 2,
      mapper: (_o: number, line: string, ctx: any) => { const s = parse(line); ctx.write(s.product, s.price); },
      reducer: (p: string, prices: number[], ctx: any) => ctx.write(p, prices.reduce((a, b) => a + b, 0) / prices.length),
    }).waitForCompletion();
    const withComb = await new MapReduceJob(spark, {
      input: input(), numReduceTasks: 2,
      mapper: (_o: number, line: string, ctx: any) => { const s = parse(line); ctx.write(s.product, [s.price, 1]); },
      combiner: (p: string, pairs: Array<[number, number]>, ctx: any) => ctx.write(p, [pairs.reduce((a, x) => a + x[0], 0), pairs.reduce((a, x) => a + x[1], 0)]),
      reducer: (p: string, pairs: Array<[number, number]>, ctx: any) => ctx.write(p, pairs.reduce((a, x) => a + x[0], 0) / pairs.reduce((a, x) => a + x[1], 0)),
    }).waitForCompletion();
    for (const r of [plain, withComb]) {
      const got = new Map(r.readOutput() as Array<[string, number]>);
      expect([...got.keys()].sort()).toEqual([...ref.keys()].sort());
      for (const [p, v] of ref) expect(got.get(p)).toBeCloseTo(v, 9);
    }
    expect(withComb.counters.get("REDUCE_INPUT_RECORDS")).toBeLessThan(plain.counters.get("REDUCE_INPUT_RECORDS"));
  });

  it("secondary sort: composite key, natural-key partitioner, grouping comparator -> values sorted by price desc", async () => {
    const res = await new MapReduceJob(spark, {
      input: input(), numReduceTasks: 3,
      mapper: (_o: number, line: string, ctx: any) => { const s = parse(line); ctx.write([s.store, s.price, s.id], s.id); },
      partitioner: (key: [string, number], n: number) => { let h = 0; for (const c of key[0]) h = (h * 31 + c.charCodeAt(0)) | 0; return Math.abs(h) % n; },
      sortComparator: (a: [string, number, number], b: [string, number, number]) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : b[1] - a[1] || a[2] - b[2],
      groupingComparator: (a: [string], b: [string]) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0,
      reducer: (key: [string, number], ids: number[], ctx: any) => ctx.write(key[0], ids),
    }).waitForCompletion();
    const got = new Map(res.readOutput() as Array<[string, number[]]>);
    for (const st of ["s0", "s1", "s2", "s3"]) {
      const ref = sales.filter((s) => s.store === st).sort((a, b) => b.price - a.price || a.id - b.id).map((s) => s.id);
      expect(got.get(st)).toEqual(ref);
    }
    expect(res.counters.get("REDUCE_INPUT_GROUPS")).toBe(4);
  });

  it("broadcast (map-side) join with the small table in the distributed cache", async () => {
    const res = await new MapReduceJob(spark, {
      input: input(), numReduceTasks: 0, files: [join(dir, "products.csv")],
      mapper: {
        cat: new Map<string, string>(),
        setup(ctx: any) { for (const l of ctx.readCacheFile("products.csv").trim().split("\n")) { const [p, c] = l.split(","); this.cat.set(p, c); } },
        map(_o: number, line: string, ctx: any) { const s = parse(line); ctx.write(s.id, [s.product, this.cat.get(s.product)]); },
      },
    }).waitForCompletion();
    const cat = new Map(productInfo.map((p) => [p.product, p.category]));
    expect(res.readOutput()).toEqual(sales.map((s) => [s.id, [s.product, cat.get(s.product)]]));
  });

  it("reduce-side join: tagged records, the product table's record arrives first by secondary sort", async () => {
    const res = await new MapReduceJob(spark, {
      input: { paths: [join(dir, "products.csv"), join(dir, "sales.csv")], splitSize: 1024 }, numReduceTasks: 3,
      mapper: (_o: number, line: string, ctx: any) => {
        const f = line.split(",");
        if (f.length === 2) ctx.write([f[0], 0], ["P", f[1]]);            // X: product table, tag 0
        else ctx.write([f[1], 1], ["S", Number(f[0])]);                   // Y: sales, tag 1
      },
      partitioner: (key: [string, number], n: number) => { let h = 0; for (const c of key[0]) h = (h * 31 + c.charCodeAt(0)) | 0; return Math.abs(h) % n; },
      groupingComparator: (a: [string], b: [string]) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0,
      reducer: (key: [string, number], vals: Array<[string, unknown]>, ctx: any) => {
        const [tag, category] = vals[0]!;
        if (tag !== "P") throw new Error("product record did not come first");
        for (const [t, id] of vals.slice(1)) if (t === "S") ctx.write(id, [key[0], category]);
      },
    }).waitForCompletion();
    const cat = new Map(productInfo.map((p) => [p.product, p.category]));
    const got = (res.readOutput() as Array<[number, [string, string]]>).sort((a, b) => a[0] - b[0]);
    expect(got).toEqual(sales.map((s) => [s.id, [s.product, cat.get(s.product)]]));
  });

  it("top-k with in-mapper combining (one local top-k per mapper, emitted in cleanup)", async () => {
    const K = 5;
    const res = await new MapReduceJob(spark, {
      input: input(), numReduceTasks: 1,
      mapper: {
        top: [] as Array<[number, number]>,
        map(_o: number, line: string) { const s = parse(line); this.top.push([s.price, s.id]); this.top.sort((a: [number, number], b: [number, number]) => b[0] - a[0] || a[1] - b[1]); this.top.length = Math.min(this.top.length, K); },
        cleanup(ctx: any) { for (const t of this.top) ctx.write(null, t); },
      },
      reducer: (_k: null, all: Array<[number, number]>, ctx: any) => { for (const t of all.sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, K)) ctx.write(t[1], t[0]); },
    }).waitForCompletion();
    const ref = [...sales].sort((a, b) => b.price - a.price || a.id - b.id).slice(0, K).map((s) => [s.id, s.price]);
    expect(res.readOutput()).toEqual(ref);
    expect(res.counters.get("MAP_OUTPUT_RECORDS")).toBeLessThanOrEqual(K * res.tasks.filter((t) => t.type === "map").length);
  });

  it("inverted index: word -> sorted list of (file, offset) postings", async () => {
    const res = await new MapReduceJob(spark, {
      input: { paths: join(dir, "docs.txt"), splitSize: 20 }, numReduceTasks: 2,
      mapper: (off: number, line: string, ctx: any) => { for (const w of new Set(line.split(" "))) ctx.write(w, off); },
      reducer: (w: string, offs: number[], ctx: any) => ctx.write(w, [...offs].sort((a, b) => a - b)),
    }).waitForCompletion();
    const docs = ["the quick brown fox", "the lazy dog", "a quick dog", "brown dog brown fox"];
    const ref = new Map<string, number[]>();
    let off = 0;
    for (const d of docs) { for (const w of new Set(d.split(" "))) ref.set(w, [...(ref.get(w) ?? []), off]); off += d.length + 1; }
    expect(new Map(res.readOutput() as Array<[string, number[]]>)).toEqual(ref);
  });
});
