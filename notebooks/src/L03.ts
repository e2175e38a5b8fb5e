// Source of notebooks/L03-mapreduce-patterns-and-mining.ipynb (lecture 3, "Map reduce and data
// mining"): relational patterns as MapReduce jobs (projection, selection, group-by with and
// without a combiner, secondary sort, broadcast and reduce-side joins, top-k, inverted index),
// then finding similar documents (shingling, Jaccard, MinHash, LSH) and k-means V1/V2.
// Run `npx tsx notebooks/src/L03.ts` to regenerate; `--check` verifies it.

import { fileURLToPath } from "node:url";
import { buildNotebook, code, emit, md } from "./notebook-builder";

export const L03 = buildNotebook("l03", [
  md`
    # Lecture 3 — MapReduce patterns and data mining

    Part 1 expresses relational operations as MapReduce jobs; part 2 finds similar documents with
    shingling, MinHash and LSH; part 3 clusters points with k-means, one MapReduce job per iteration.
    Every job runs on the workbench's worker processes; every answer is checked against plain JavaScript.
  `,
  code`
    import { MapReduceJob, kmeansMapReduce, viz } from "bigdata-workbench";
    import { shingles, jaccard, MinHash, MinHashLSH, evaluateCandidates, nearDuplicatesRDD, minhashSignature, ml, Vectors } from "bigdata-workbench";
    import { kmeansPlusPlus, lloyd, seededRandom } from "bigdata-workbench";
    import { mkdtempSync, writeFileSync } from "node:fs";
    import { tmpdir } from "node:os";
    import { join } from "node:path";

    function check(what: string, answer: unknown, expected: unknown): void {
      if (answer === undefined) console.log("… " + what + ": not answered yet (replace the TODO)");
      else if (JSON.stringify(answer) === JSON.stringify(expected)) console.log("✔ " + what + ": correct");
      else console.log("✘ " + what + ": " + JSON.stringify(answer) + " is not right yet, try again");
    }
    const same = (a: unknown[], b: unknown[]) => JSON.stringify([...a].map((x) => JSON.stringify(x)).sort()) === JSON.stringify([...b].map((x) => JSON.stringify(x)).sort());

    // Two tables as CSV files: sales(id, product, price, store) and products(product, category).
    const work = mkdtempSync(join(tmpdir(), "l03-"));
    const products = ["apple", "pear", "plum", "kiwi", "fig", "lime"];
    const sales = Array.from({ length: 600 }, (_, i) => ({ id: i, product: products[(i * 7) % 6], price: 1 + ((i * 37) % 50) / 10, store: "s" + (i % 4) }));
    const categories = products.map((p, i) => ({ product: p, category: i % 2 ? "citrus-ish" : "orchard" }));
    writeFileSync(join(work, "sales.csv"), sales.map((s) => [s.id, s.product, s.price, s.store].join(",")).join("\n") + "\n");
    writeFileSync(join(work, "products.csv"), categories.map((c) => c.product + "," + c.category).join("\n") + "\n");
    const parse = (line: string) => { const [id, product, price, store] = line.split(","); return { id: Number(id), product, price: Number(price), store }; };
    const salesInput = { paths: join(work, "sales.csv"), splitSize: 2048 };
    console.log(sales.length + " sales, " + categories.length + " products");
  `,
  md`
    ## Projection and selection: map-only jobs

    * **Projection** (\`SELECT product, store\`): the mapper emits only the wanted fields.
    * **Selection** (\`WHERE price > 4\`): the mapper emits only the records that pass.

    Neither needs a reducer: with \`numReduceTasks: 0\` there is no shuffle, and each mapper writes its
    own \`part-m-NNNNN\` file.
  `,
  code`
    const projection = await new MapReduceJob(spark, {
      name: "projection", input: salesInput, numReduceTasks: 0,
      mapper: (offset: number, line: string, ctx: any) => { const s = parse(line); ctx.write(s.product, s.store); },
    }).waitForCompletion();
    const selection = await new MapReduceJob(spark, {
      name: "selection", input: salesInput, numReduceTasks: 0,
      mapper: (offset: number, line: string, ctx: any) => { if (parse(line).price > 4) ctx.write(line, null); },
    }).waitForCompletion();
    console.log("projection matches: " + same(projection.readOutput(), sales.map((s) => [s.product, s.store])));
    console.log("selection matches: " + same(selection.readOutput().map(([k]) => parse(String(k)).id), sales.filter((s) => s.price > 4).map((s) => s.id)));
    console.log("reduce tasks launched:", selection.counters.get("TOTAL_LAUNCHED_REDUCES"), " output files:", selection.outputFiles.length);
  `,
  md`
    ## Group-by aggregation: \`SELECT product, AVG(price) GROUP BY product\`

    The mapper emits \`(product, price)\`; the framework groups by key; the reducer averages.

    Can we add a combiner to cut the shuffle? **Not the reducer itself**: an average of averages is
    wrong when the groups have different sizes. The combiner must emit something that can be
    combined again — a **(sum, count)** pair — and the reducer divides at the end.
  `,
  code`
    const avgOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const reference = Object.fromEntries(products.map((p) => [p, avgOf(sales.filter((s) => s.product === p).map((s) => s.price))]));
    const round = (m: Array<[unknown, unknown]>) => Object.fromEntries([...m].sort().map(([k, v]) => [k, Math.round((v as number) * 1e9) / 1e9]));

    const plainAvg = await new MapReduceJob(spark, {
      name: "average, no combiner", input: salesInput, numReduceTasks: 2,
      mapper: (o: number, line: string, ctx: any) => { const s = parse(line); ctx.write(s.product, s.price); },
      reducer: (p: string, prices: number[], ctx: any) => ctx.write(p, avgOf(prices)),
    }).waitForCompletion();
    const wrongAvg = await new MapReduceJob(spark, {
      name: "average, WRONG combiner", input: salesInput, numReduceTasks: 2, sortBufferSize: 1024,
      mapper: (o: number, line: string, ctx: any) => { const s = parse(line); ctx.write(s.product, s.price); },
      combiner: (p: string, prices: number[], ctx: any) => ctx.write(p, avgOf(prices)),      // average of averages!
      reducer: (p: string, prices: number[], ctx: any) => ctx.write(p, avgOf(prices)),
    }).waitForCompletion();
    const pairAvg = await new MapReduceJob(spark, {
      name: "average, (sum, count) combiner", input: salesInput, numReduceTasks: 2,
      mapper: (o: number, line: string, ctx: any) => { const s = parse(line); ctx.write(s.product, [s.price, 1]); },
      combiner: (p: string, pairs: number[][], ctx: any) => ctx.write(p, [pairs.reduce((a, x) => a + x[0], 0), pairs.reduce((a, x) => a + x[1], 0)]),
      reducer: (p: string, pairs: number[][], ctx: any) => ctx.write(p, pairs.reduce((a, x) => a + x[0], 0) / pairs.reduce((a, x) => a + x[1], 0)),
    }).waitForCompletion();
    const ref = round(Object.entries(reference));
    console.log("no combiner correct:          " + (JSON.stringify(round(plainAvg.readOutput())) === JSON.stringify(ref)));
    console.log("average-of-averages correct:  " + (JSON.stringify(round(wrongAvg.readOutput())) === JSON.stringify(ref)));
    console.log("(sum, count) combiner correct: " + (JSON.stringify(round(pairAvg.readOutput())) === JSON.stringify(ref)));
    console.table([plainAvg, pairAvg].map((r) => ({ job: r.name, MAP_OUTPUT_RECORDS: r.counters.get("MAP_OUTPUT_RECORDS"), REDUCE_INPUT_RECORDS: r.counters.get("REDUCE_INPUT_RECORDS"), REDUCE_SHUFFLE_BYTES: r.counters.get("REDUCE_SHUFFLE_BYTES") })));
  `,
  md`
    ### Your turn 1

    Total revenue (sum of prices) **per store**, with a combiner. Fill in the mapper and the
    reducer (the combiner is the reducer here: why is that allowed for a sum but not for an average?).
  `,
  code`
    const revenue = await new MapReduceJob(spark, {
      name: "revenue per store", input: salesInput, numReduceTasks: 2,
      mapper: (o: number, line: string, ctx: any) => {
        // TODO: emit (store, price)
      },
      combiner: (store: string, xs: number[], ctx: any) => ctx.write(store, xs.reduce((a, b) => a + b, 0)),
      reducer: (store: string, xs: number[], ctx: any) => {
        // TODO: emit (store, total)
      },
    }).waitForCompletion();
    const revenueRef: Record<string, number> = {};
    for (const s of sales) revenueRef[s.store] = Math.round(((revenueRef[s.store] ?? 0) + s.price) * 100) / 100;
    const mine = revenue.readOutput().map(([k, v]) => [k, Math.round((v as number) * 100) / 100]);
    check("revenue per store", mine.length ? Object.fromEntries(mine.sort()) : undefined, Object.fromEntries(Object.entries(revenueRef).sort()));
  `,
  md`
    ## Secondary sort

    Reducers get the values of a key in **no particular order**. To have them sorted by a second
    field, move that field into the key: a **composite key** (natural key, secondary key). Then

    * a custom **partitioner** partitions by the **natural key only** (all of a store's records go to
      the same reducer),
    * the **sort comparator** sorts by (natural key, secondary key),
    * the **grouping comparator** groups by the natural key only, so one \`reduce\` call gets every
      record of the store, in secondary-key order.

    Here: each store's sales, most expensive first.
  `,
  code`
    const naturalKeyPartitioner = (key: any[], n: number) => { let h = 0; for (const ch of String(key[0])) h = (h * 31 + ch.charCodeAt(0)) | 0; return Math.abs(h) % n; };
    const byNaturalKey = (a: any[], b: any[]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
    const secondary = await new MapReduceJob(spark, {
      name: "secondary sort", input: salesInput, numReduceTasks: 2,
      mapper: (o: number, line: string, ctx: any) => { const s = parse(line); ctx.write([s.store, s.price, s.id], s.id); },
      partitioner: naturalKeyPartitioner,
      sortComparator: (a: any[], b: any[]) => byNaturalKey(a, b) || b[1] - a[1] || a[2] - b[2],
      groupingComparator: byNaturalKey,
      reducer: (key: any[], ids: number[], ctx: any) => ctx.write(key[0], ids.slice(0, 5)),
    }).waitForCompletion();
    const top5 = (st: string) => sales.filter((s) => s.store === st).sort((a, b) => b.price - a.price || a.id - b.id).slice(0, 5).map((s) => s.id);
    for (const [store, ids] of secondary.readOutput()) console.log(store, "most expensive sales:", JSON.stringify(ids), " correct: " + (JSON.stringify(ids) === JSON.stringify(top5(String(store)))));
    console.log("reduce calls (REDUCE_INPUT_GROUPS):", secondary.counters.get("REDUCE_INPUT_GROUPS"));
  `,
  md`
    ## Joins

    ### Broadcast (map-side) join

    When one table is small, ship it to **every mapper** (Hadoop's *distributed cache*: \`files\`),
    load it into memory in \`setup\`, and join while scanning the big table. No reducer, no shuffle.
  `,
  code`
    const broadcastJoin = await new MapReduceJob(spark, {
      name: "broadcast join", input: salesInput, numReduceTasks: 0, files: [join(work, "products.csv")],
      mapper: {
        category: new Map<string, string>(),
        setup(ctx: any) {
          for (const l of ctx.readCacheFile("products.csv").trim().split("\n")) { const [p, c] = l.split(","); this.category.set(p, c); }
        },
        map(o: number, line: string, ctx: any) { const s = parse(line); ctx.write(s.id, [s.product, this.category.get(s.product)]); },
      },
    }).waitForCompletion();
    const cat = new Map(categories.map((c) => [c.product, c.category]));
    console.log("broadcast join matches: " + same(broadcastJoin.readOutput(), sales.map((s) => [s.id, [s.product, cat.get(s.product)]])));
  `,
  md`
    ### Reduce-side join

    No table needs to fit in memory. Mappers read **both** tables and emit records keyed by the
    join key, **tagged** with their table. A secondary sort on the tag makes the product record (X,
    tag 0) arrive **before** the sales records (Y, tag 1) in each reduce call, so the reducer holds
    only X's record and streams Y's past it.
  `,
  code`
    const reduceJoin = await new MapReduceJob(spark, {
      name: "reduce-side join", input: { paths: [join(work, "products.csv"), join(work, "sales.csv")], splitSize: 2048 }, numReduceTasks: 2,
      mapper: (o: number, line: string, ctx: any) => {
        const f = line.split(",");
        if (f.length === 2) ctx.write([f[0], 0], ["X", f[1]]);         // products: tag 0
        else ctx.write([f[1], 1], ["Y", Number(f[0])]);                // sales: tag 1
      },
      partitioner: naturalKeyPartitioner,
      groupingComparator: byNaturalKey,
      reducer: (key: any[], records: any[][], ctx: any) => {
        const [tag, category] = records[0];                            // X's record comes first
        if (tag !== "X") throw new Error("secondary sort broken: " + JSON.stringify(records[0]));
        for (const [t, id] of records.slice(1)) ctx.write(id, [key[0], category]);
      },
    }).waitForCompletion();
    console.log("reduce-side join matches: " + same(reduceJoin.readOutput(), sales.map((s) => [s.id, [s.product, cat.get(s.product)]])));
    reduceJoin
  `,
  md`
    ## Top-k with in-mapper combining, and an inverted index

    **In-mapper combining**: instead of emitting every record, a mapper keeps a local aggregate in
    its own fields and emits it once in \`cleanup\` — here its local top 5, so at most 5 records per
    mapper reach the single reducer.

    **Inverted index**: for each word, the sorted list of places (here: byte offsets of lines) where
    it occurs — what a search engine builds.
  `,
  code`
    const K = 5;
    const topK = await new MapReduceJob(spark, {
      name: "top-5 sales", input: salesInput, numReduceTasks: 1,
      mapper: {
        top: [] as number[][],
        map(o: number, line: string) { const s = parse(line); this.top.push([s.price, s.id]); this.top.sort((a: number[], b: number[]) => b[0] - a[0] || a[1] - b[1]); this.top.length = Math.min(this.top.length, K); },
        cleanup(ctx: any) { for (const t of this.top) ctx.write(null, t); },
      },
      reducer: (k: null, all: number[][], ctx: any) => { for (const [price, id] of all.sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, K)) ctx.write(id, price); },
    }).waitForCompletion();
    const topRef = [...sales].sort((a, b) => b.price - a.price || a.id - b.id).slice(0, K).map((s) => [s.id, s.price]);
    console.log("top-5 correct: " + (JSON.stringify(topK.readOutput()) === JSON.stringify(topRef)), " map output records:", topK.counters.get("MAP_OUTPUT_RECORDS"), "for", sales.length, "sales");

    const docsText = ["the quick brown fox", "the lazy dog", "a quick dog", "brown dog brown fox"];
    writeFileSync(join(work, "docs.txt"), docsText.join("\n") + "\n");
    const index = await new MapReduceJob(spark, {
      name: "inverted index", input: { paths: join(work, "docs.txt"), splitSize: 20 }, numReduceTasks: 2,
      mapper: (offset: number, line: string, ctx: any) => { for (const w of new Set(line.split(" "))) ctx.write(w, offset); },
      reducer: (w: string, offsets: number[], ctx: any) => ctx.write(w, [...offsets].sort((a, b) => a - b)),
    }).waitForCompletion();
    for (const [w, postings] of [...index.readOutput()].sort()) console.log(String(w).padEnd(6), JSON.stringify(postings));
  `,
  md`
    ## Finding similar documents

    1. **Shingling**: a document becomes the *set* of its k-shingles (k consecutive characters or words).
    2. **Jaccard similarity** of two sets: $\text{sim}(C_1, C_2) = |C_1 \cap C_2| / |C_1 \cup C_2|$.
    3. **MinHash**: hash every shingle with a hash function $h$ and keep the **minimum**. The
       probability that two documents have the same min-hash **equals** their Jaccard similarity,
       so with $n$ hash functions the fraction of equal rows in their **signatures** estimates it.
    4. **LSH**: cut signatures into $b$ bands of $r$ rows; documents that agree on a whole band land
       in the same bucket and become a **candidate pair**. A pair with similarity $s$ becomes a
       candidate with probability $1 - (1 - s^r)^b$ — the S-curve.
  `,
  code`
    const d1 = "the cat is glad", d2 = "the cat is sad", d3 = "a dog is glad";
    for (const d of [d1, d2, d3]) console.log(JSON.stringify(d), "->", JSON.stringify([...shingles(d, 2, { unit: "word" })]));
    console.log("J(d1, d2) =", jaccard(shingles(d1, 2, { unit: "word" }), shingles(d2, 2, { unit: "word" })));
    console.log("J(d1, d3) =", jaccard(shingles(d1, 2, { unit: "word" }), shingles(d3, 2, { unit: "word" })));

    // The signature matrix: one row per hash function, one column per document.
    const mh = new MinHash(6, 1);
    const matrix = mh.signatureMatrix([d1, d2, d3].map((d) => shingles(d, 2, { unit: "word" })));
    console.table(matrix.map((row, i) => ({ hash: "h" + (i + 1), D1: row[0], D2: row[1], D3: row[2] })));
  `,
  md`
    How good is the estimate? For pairs of random sets with known Jaccard similarity, compare the
    MinHash estimate with 200 hash functions to the exact value. The standard deviation of the
    estimate is $\sqrt{s(1-s)/n}$.
  `,
  code`
    const rnd = seededRandom(7);
    const mh200 = new MinHash(200, 3);
    const rows: Array<{ exact: number; estimate: number }> = [];
    for (let t = 0; t < 12; t++) {
      const a = new Set<number>(), b = new Set<number>();
      const overlap = t / 12;
      for (let i = 0; i < 300; i++) { const x = Math.floor(rnd() * 1e6); a.add(x); if (rnd() < overlap) b.add(x); else b.add(Math.floor(rnd() * 1e6)); }
      rows.push({ exact: Math.round(jaccard(a, b) * 1000) / 1000, estimate: MinHash.estimate(mh200.signature(a), mh200.signature(b)) });
    }
    const within = rows.filter((r) => Math.abs(r.exact - r.estimate) <= 4 * Math.sqrt(Math.max(r.exact * (1 - r.exact), 0.0025) / 200)).length;
    console.table(rows);
    console.log("estimates within 4 standard deviations: " + within + " of " + rows.length);
  `,
  md`
    ### The S-curve, predicted and measured

    With $b = 10$ bands of $r = 4$ rows, plot $1 - (1 - s^4)^{10}$ and the fraction of pairs of
    similarity $s$ that actually became candidates (each with its own random hash functions).
  `,
  code`
    const lsh = new MinHashLSH(10, 4);
    const measured: Array<{ s: number; rate: number }> = [];
    const r2 = seededRandom(11);
    for (let s10 = 1; s10 <= 9; s10++) {
      const s = s10 / 10;
      let hits = 0;
      for (let t = 0; t < 60; t++) {
        const h = new MinHash(lsh.numHashes, 100 * s10 + t);
        const shared = Math.round((200 * 2 * s) / (1 + s));
        const common = Array.from({ length: shared }, () => r2());
        const a = [...common, ...Array.from({ length: 200 - shared }, () => r2())];
        const b = [...common, ...Array.from({ length: 200 - shared }, () => r2())];
        if (lsh.candidatePairs([h.signature(a), h.signature(b)]).length) hits++;
      }
      measured.push({ s, rate: hits / 60 });
    }
    const curve = Array.from({ length: 101 }, (_, i) => ({ s: i / 100, p: lsh.probability(i / 100) }));
    const spec = {
      $schema: "https://vega.github.io/schema/vega-lite/v5.json", width: 360, height: 220,
      layer: [
        { data: { values: curve }, mark: "line", encoding: { x: { field: "s", type: "quantitative", title: "Jaccard similarity s" }, y: { field: "p", type: "quantitative", title: "P(candidate)" } } },
        { data: { values: measured }, mark: { type: "point", color: "firebrick", filled: true }, encoding: { x: { field: "s", type: "quantitative" }, y: { field: "rate", type: "quantitative" } } },
      ],
    };
    await display.bundle({ "image/svg+xml": await viz.vegaLiteToSvg(spec as any), "text/plain": "S-curve b=10, r=4 (line) and measured candidate rates (points)" });
    console.log("threshold (1/b)^(1/r) =", lsh.threshold().toFixed(3));
    console.table(measured.map((m) => ({ s: m.s, predicted: lsh.probability(m.s).toFixed(3), measured: m.rate.toFixed(3) })));
  `,
  md`
    ### Near-duplicate detection over a corpus

    A corpus of 30 random documents plus 6 near-copies (2 words changed). LSH finds candidate pairs
    without comparing all pairs; we count **false positives** (candidates below the threshold) and
    **false negatives** (similar pairs that were missed). First as **RDD jobs**, then as a
    **MapReduce job** (map: emit (band bucket, doc id); reduce: emit the pairs in each bucket).
  `,
  code`
    const r3 = seededRandom(21);
    const vocab = Array.from({ length: 300 }, (_, i) => "w" + i);
    const base = Array.from({ length: 30 }, () => Array.from({ length: 40 }, () => vocab[Math.floor(r3() * vocab.length)]).join(" "));
    const corpus: Array<[string, string]> = [
      ...base.map((t, i) => ["d" + i, t] as [string, string]),
      ...base.slice(0, 6).map((t, i) => { const ws = t.split(" "); ws[3] = "changed"; ws[17] = "changed"; return ["dup" + i, ws.join(" ")] as [string, string]; }),
    ];
    const viaRdd = await nearDuplicatesRDD(sc.parallelize(corpus, 3), { k: 3, unit: "word", bands: 10, rows: 4, seed: 5 });
    console.table(viaRdd.slice(0, 8).map((p) => ({ a: p.a, b: p.b, estimate: p.estimate, jaccard: p.jaccard.toFixed(3) })));
    const ids = corpus.map(([id]) => id);
    const quality = evaluateCandidates(corpus.map(([, t]) => shingles(t, 3, { unit: "word" })), viaRdd.map((p) => [ids.indexOf(p.a), ids.indexOf(p.b)] as [number, number]), 0.5);
    console.log("pairs with J >= 0.5:", quality.similarPairs, " found:", quality.truePositives, " false positives:", quality.falsePositives, " false negatives:", quality.falseNegatives);

    const lshMR = new MinHash(40, 5);
    const buckets = await new MapReduceJob(spark, {
      name: "LSH candidate pairs", input: { data: corpus, numSplits: 3, keyValue: true }, numReduceTasks: 2,
      conf: { a: lshMR.a, b: lshMR.b, bands: 10, rows: 4 },
      mapper: (id: string, text: string, ctx: any) => {
        const c = ctx.getConfiguration();
        const sig = minhashSignature(c.a, c.b, shingles(text, 3, { unit: "word" }));
        for (let band = 0; band < c.bands; band++) ctx.write(band + ":" + sig.slice(band * c.rows, (band + 1) * c.rows).join(","), id);
      },
      reducer: (bucket: string, members: string[], ctx: any) => {
        const m = [...new Set(members)].sort();
        for (let x = 0; x < m.length; x++) for (let y = x + 1; y < m.length; y++) ctx.write(m[x] + "|" + m[y], null);
      },
    }).waitForCompletion();
    const mrPairs = [...new Set(buckets.readOutput().map(([k]) => String(k)))].sort();
    console.log("MapReduce candidates = RDD candidates: " + same(mrPairs, viaRdd.map((p) => [p.a, p.b].sort().join("|"))));
  `,
  md`
    ### The same with Spark ML: \`MinHashLSH\` on DataFrames

    Spark ships LSH as an ML estimator (\`pyspark.ml.feature.MinHashLSH\`, here \`ml.MinHashLSH\`).
    Each row holds its shingle set as a sparse 0/1 vector; \`fit\` draws \`numHashTables\` hash
    functions h(i) = ((1 + i)·a + b) mod p; \`approxSimilarityJoin\` joins two DataFrames on **any
    equal hash** (one "band" of one row per table, i.e. r = 1 and b = numHashTables) and keeps the
    pairs whose exact Jaccard **distance** 1 − J is below a threshold. It is a DataFrame job: see
    the join in its plan.
  `,
  code`
    const shingleIds = new Map<string, number>();
    const asVector = (text: string) => {
      const ids = [...shingles(text, 3, { unit: "word" })].map((sh) => { if (!shingleIds.has(sh)) shingleIds.set(sh, shingleIds.size); return shingleIds.get(sh)!; });
      return [...new Set(ids)].sort((x, y) => x - y);
    };
    const sets = corpus.map(([id, t]) => ({ id, idx: asVector(t) }));
    const docs = spark.createDataFrame(sets.map(({ id, idx }) => ({ id, features: Vectors.sparse(1 << 16, idx, idx.map(() => 1)) })), "id string, features vector");
    const mh = await new ml.MinHashLSH({ inputCol: "features", outputCol: "hashes", numHashTables: 8, seed: 5 }).fit(docs);
    const close = mh.approxSimilarityJoin(docs, docs, 0.5, "distance")
      .selectExpr("datasetA.id AS a", "datasetB.id AS b", "distance").where("a < b").orderBy("distance", "a");
    await close.show(10);
    const sparkPairs = (await close.collect()).map((r: any) => [r.a, r.b].join("|")).sort();
    // every pair it returns is really below the distance threshold (exact Jaccard, computed here)
    const J = (a: string, b: string) => jaccard(shingles(corpus.find(([i]) => i === a)![1], 3, { unit: "word" }), shingles(corpus.find(([i]) => i === b)![1], 3, { unit: "word" }));
    console.log("every Spark ML pair has J > 0.5: " + sparkPairs.every((p) => J(...(p.split("|") as [string, string])) > 0.5));
    console.log("Spark ML pairs found (of 6 near-copies):", sparkPairs.length);
    const nearest = await mh.approxNearestNeighbors(docs, Vectors.sparse(1 << 16, sets[0]!.idx, sets[0]!.idx.map(() => 1)), 2, "distance").select("id", "distance").collect();
    console.log("nearest to d0:", nearest.map((r: any) => r.id + " (" + r.distance.toFixed(3) + ")").join(", "));
  `,
  md`
    ### Your turn 2

    What is the Jaccard similarity of the **character 3-shingle** sets of \`"banana"\` and
    \`"bandana"\`? Work it out by hand (list the shingles), then write it as a fraction.
  `,
  code`
    const myJaccard: number | undefined = undefined; // TODO: e.g. 2 / 7
    check("J(banana, bandana) with k = 3", myJaccard === undefined ? undefined : Math.round(myJaccard * 1e6), Math.round(jaccard(shingles("banana", 3), shingles("bandana", 3)) * 1e6));
  `,
  md`
    ## k-means on MapReduce

    1. Initialise: pick K centres (here with **k-means++**: each next centre far from the chosen ones).
    2. Repeat: assign each point to its nearest centre; move each centre to the mean of its points;
       stop when no centre moves more than a tolerance.

    One iteration is one MapReduce job. The mapper loads the centres (\`Configure\`), finds each
    point's nearest centre and **extends** the point with a count of 1.

    * **V1** emits \`(clusterId, extended point)\` for **every** point: $O(n)$ shuffle records.
    * **V2** uses **in-mapper combining**: a running sum $H\{n\}$ per centre, emitted in \`Close()\`:
      at most $k$ records per mapper.

    The reducer sums the extended points and divides by the count. Both must reach the same
    centres as a plain Lloyd's iteration from the same start.
  `,
  code`
    const r4 = seededRandom(4);
    const blobs = [[0, 0], [5, 5], [0, 7], [8, 0]];
    const points = Array.from({ length: 2000 }, (_, i) => { const c = blobs[i % 4]; return [c[0] + r4() * 3 - 1.5, c[1] + r4() * 3 - 1.5]; });
    const initial = kmeansPlusPlus(points, 4, 3);
    const refKm = lloyd(points, initial, { tolerance: 1e-9 });
    const v1 = await kmeansMapReduce(spark, points, { initial, version: "V1", tolerance: 1e-9, numSplits: 4 });
    const v2 = await kmeansMapReduce(spark, points, { initial, version: "V2", tolerance: 1e-9, numSplits: 4 });
    const close = (a: number[][], b: number[][]) => a.every((c, i) => c.every((x, j) => Math.abs(x - b[i][j]) < 1e-9));
    console.log("iterations: Lloyd", refKm.iterations, " V1", v1.iterations, " V2", v2.iterations);
    console.log("V1 centres = Lloyd: " + close(v1.centres, refKm.centres) + ", V2 centres = Lloyd: " + close(v2.centres, refKm.centres));
    console.table([
      { version: "V1", MAP_OUTPUT_RECORDS: v1.history[0].mapOutputRecords, MAP_OUTPUT_BYTES: v1.history[0].mapOutputBytes, REDUCE_SHUFFLE_BYTES: v1.history[0].reduceShuffleBytes },
      { version: "V2", MAP_OUTPUT_RECORDS: v2.history[0].mapOutputRecords, MAP_OUTPUT_BYTES: v2.history[0].mapOutputBytes, REDUCE_SHUFFLE_BYTES: v2.history[0].reduceShuffleBytes },
    ]);
    const kmSpec = {
      $schema: "https://vega.github.io/schema/vega-lite/v5.json", width: 300, height: 300,
      layer: [
        { data: { values: points.map(([x, y]) => ({ x, y })) }, mark: { type: "point", size: 8, opacity: 0.4 }, encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } } },
        { data: { values: v2.centres.map(([x, y]) => ({ x, y })) }, mark: { type: "point", shape: "cross", size: 200, color: "firebrick", filled: true }, encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } } },
      ],
    };
    await display.bundle({ "image/svg+xml": await viz.vegaLiteToSvg(kmSpec as any), "text/plain": "points and the k-means centres" });
  `,
  md`
    ### Your turn 3

    In V1, how many records does the map phase emit **per iteration** for these 2000 points? And in
    V2 with 4 map tasks and k = 4, what is the **largest** number it can emit?
  `,
  code`
    const v1Records: number | undefined = undefined;   // TODO
    const v2MaxRecords: number | undefined = undefined; // TODO
    check("V1 map output records per iteration", v1Records, v1.history[0].mapOutputRecords);
    check("V2 largest map output records", v2MaxRecords, 4 * 4);
  `,
  md`
    ## Summary

    * Projection and selection are map-only; group-by needs the shuffle, and a combiner must emit
      values that can be combined again (sum and count, not averages).
    * Secondary sort = composite key + natural-key partitioner + grouping comparator; the
      reduce-side join uses it to see one table's record before the other's.
    * Broadcast joins trade memory on every mapper for no shuffle at all.
    * MinHash turns big shingle sets into short signatures whose agreement estimates Jaccard; LSH
      turns signatures into candidate pairs with the S-curve $1 - (1 - s^r)^b$.
    * k-means iterates one MapReduce job per step; in-mapper combining (V2) shrinks the shuffle from
      $n$ records to at most $k$ per mapper.

    <details><summary>▸ Solutions to "Your turn" (click to open)</summary>

    1. Mapper: \`const s = parse(line); ctx.write(s.store, s.price);\`; reducer:
       \`ctx.write(store, xs.reduce((a, b) => a + b, 0));\`. A sum of partial sums is the sum.
    2. banana: {ban, ana, nan}; bandana: {ban, and, nda, dan, ana}; intersection {ban, ana} = 2,
       union = 6, so J = 2/6 = 1/3.
    3. V1 emits one record per point: 2000. V2 emits at most one per centre per mapper: 4 × 4 = 16.

    </details>
  `,
], { embeddedOnly: "The MapReduce patterns and the mining algorithms run as MapReduce jobs and RDD programs on the embedded cluster." });

/** Model answers for the "Your turn" cells, as text edits of the committed cells. */
export const L03_SOLUTIONS: Array<{ find: string; replace: string }> = [
  { find: "    // TODO: emit (store, price)", replace: "    const s = parse(line); ctx.write(s.store, s.price);" },
  { find: "    // TODO: emit (store, total)", replace: "    ctx.write(store, xs.reduce((a, b) => a + b, 0));" },
  { find: "const myJaccard: number | undefined = undefined; // TODO: e.g. 2 / 7", replace: "const myJaccard: number | undefined = 2 / 6;" },
  { find: "const v1Records: number | undefined = undefined;   // TODO", replace: "const v1Records: number | undefined = 2000;" },
  { find: "const v2MaxRecords: number | undefined = undefined; // TODO", replace: "const v2MaxRecords: number | undefined = 16;" },
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await emit(fileURLToPath(new URL("../L03-mapreduce-patterns-and-mining.ipynb", import.meta.url)), L03);
}
