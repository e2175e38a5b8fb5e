// Assignment A1 (MapReduce and mining), the instructor notebook: top-k words with a combiner, a
// reduce-side join, MinHash near-duplicates. `npx tsx notebooks/src/assignments/A1.ts` regenerates
// notebooks/assignments/A1-mapreduce-and-mining.ipynb; `workbench assign` builds the student copy.

import { fileURLToPath } from "node:url";
import { buildNotebook, code, emit, md } from "../notebook-builder";
import { beforeYouSubmit, locked, solution, tests } from "../assignment-cells";

export const A1 = buildNotebook("a1", [
  md`
    # A1: MapReduce and mining (10 points)

    Three questions on the systems of lectures 2 and 3, on the workbench's MapReduce engine:

    | question | topic | points |
    |---|---|---|
    | q1 | word count with a **combiner**, then the top k words | 4 |
    | q2 | a **reduce-side join** with a secondary sort | 3 |
    | q3 | **MinHash** estimates of Jaccard similarity, near-duplicate pairs | 3 |

    Write your code where a cell says \`TODO\`. After each answer, the test cell below it runs
    \`check("qN")\`: it shows each **public** test as pass or fail with what was expected and what
    your code gave. The grader runs more tests than these (hidden tests), so passing the public
    tests is a good sign, not a guarantee. Do not edit the test cells or the setup cell: the grader
    restores them.
  `,
  locked("a1-setup", code`
    import { MapReduceJob, shingles, jaccard, MinHash } from "bigdata-workbench";
    import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
    import { tmpdir } from "node:os";
    import { join } from "node:path";

    // The data every question uses, generated the same way every time.
    const work = mkdtempSync(join(tmpdir(), "a1-"));
    let seed = 7;
    const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    const vocabulary = "map reduce shuffle sort key value split task worker driver spill merge combiner partition job".split(" ");
    mkdirSync(join(work, "books"));
    for (const book of ["b1", "b2", "b3"]) {
      const lines = Array.from({ length: 300 }, () => Array.from({ length: 2 + Math.floor(rand() * 7) }, () => vocabulary[Math.floor(rand() ** 1.7 * vocabulary.length)]).join(" "));
      writeFileSync(join(work, "books", book + ".txt"), lines.join("\n") + "\n");
    }
    const customers = Array.from({ length: 40 }, (_, i) => ({ id: "c" + i, name: "customer-" + String.fromCharCode(97 + (i % 26)) + i }));
    const orders = Array.from({ length: 300 }, (_, i) => ({ id: i, customer: "c" + Math.floor(rand() * 45), amount: Math.round(rand() * 1000) / 10 }));
    writeFileSync(join(work, "customers.csv"), customers.map((c) => c.id + "," + c.name).join("\n") + "\n");
    writeFileSync(join(work, "orders.csv"), orders.map((o) => [o.id, o.customer, o.amount].join(",")).join("\n") + "\n");
    const base = Array.from({ length: 8 }, (_, d) => Array.from({ length: 40 }, () => vocabulary[Math.floor(rand() * vocabulary.length)] + (d % 3)).join(" "));
    const docs: Record<string, string> = {};
    base.forEach((text, d) => { docs["d" + d] = text; });
    // Near-copies: d0 with a few words changed, d3 with its first words dropped.
    docs.x0 = base[0].split(" ").map((w, i) => (i % 13 === 5 ? "edit" : w)).join(" ");
    docs.x3 = base[3].split(" ").slice(4).join(" ");
    console.log("books:", ["b1", "b2", "b3"].join(", "), "| customers:", customers.length, "| orders:", orders.length, "| documents:", Object.keys(docs).length);
  `),
  md`
    ## q1: word count with a combiner, then the top k (4 points)

    Write \`wordCount()\`: a \`MapReduceJob\` over \`join(work, "books")\` (text input) that counts every
    word (split lines on whitespace), **with a combiner**, with 2 reduce tasks, writing to a fresh
    output directory. Return the completed job (\`await job.waitForCompletion()\`).

    Then write \`topK(counts, k)\`: the k most frequent words as \`[word, count]\` pairs, highest count
    first, ties broken by the word in alphabetical order.
  `,
  solution("q1-answer", code`
    async function wordCount() {
      // BEGIN SOLUTION: a MapReduceJob over the books with a mapper, a combiner and a reducer
      const add = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      return new MapReduceJob(spark, {
        name: "A1 word count",
        input: { paths: [join(work, "books")], format: "text" },
        mapper: (offset: number, line: string, ctx: any) => { for (const w of line.split(/\s+/)) if (w) ctx.write(w, 1); },
        combiner: (w: string, counts: number[], ctx: any) => ctx.write(w, add(counts)),
        reducer: (w: string, counts: number[], ctx: any) => ctx.write(w, add(counts)),
        numReduceTasks: 2,
        output: mkdtempSync(join(work, "wc-")) + "/out",
      }).waitForCompletion();
      // END SOLUTION
    }

    function topK(counts: Array<[string, number]>, k: number): Array<[string, number]> {
      // BEGIN SOLUTION: sort by count (descending), then word, and keep k
      return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, k);
      // END SOLUTION
    }

    const wc = await wordCount();
    topK(wc.readOutput() as Array<[string, number]>, 5)
  `),
  tests("q1", 4, code`
    // The reference: the same count in plain JavaScript.
    const q1Reference = (() => {
      const m = new Map<string, number>();
      for (const f of ["b1", "b2", "b3"]) for (const w of readFileSync(join(work, "books", f + ".txt"), "utf8").split(/\s+/)) if (w) m.set(w, (m.get(w) ?? 0) + 1);
      return [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    })();
    test("q1", "the job counts every word", async () => {
      const job = await wordCount();
      expect(new Map(job.readOutput() as Array<[string, number]>), "compare with a plain JavaScript count").toEqual(new Map(q1Reference));
    }, { points: 2 });
    test("q1", "the top 3 words", () => expect(topK(q1Reference, 3)).toEqual(q1Reference.slice(0, 3)));
    // BEGIN HIDDEN TESTS
    test("q1", "the job has a combiner that combines", async () => {
      const job = await wordCount();
      expect(job.counters.get("COMBINE_INPUT_RECORDS"), "add a combiner").toBeGreaterThan(0);
      expect(job.counters.get("COMBINE_OUTPUT_RECORDS") < job.counters.get("COMBINE_INPUT_RECORDS"), "the combiner should sum counts").toBe(true);
    }, { points: 2 });
    test("q1", "ties are broken alphabetically", () => {
      expect(topK([["b", 2], ["a", 2], ["c", 3], ["d", 1]], 3)).toEqual([["c", 3], ["a", 2], ["b", 2]]);
    });
    test("q1", "k larger than the vocabulary", () => expect(topK([["a", 1]], 5)).toEqual([["a", 1]]));
    // END HIDDEN TESTS
    check("q1")
  `),
  md`
    ## q2: reduce-side join (3 points)

    \`customers.csv\` has lines \`id,name\`; \`orders.csv\` has lines \`orderId,customerId,amount\`.
    Write \`joinOrders()\`: a MapReduce job that reads **both** files and writes one record
    \`(orderId, [customerName, amount])\` for every order whose customer exists (an inner join;
    some orders name customers that do not exist). Use the reduce-side pattern: tag records with
    their table and key them by customer id. Return the pairs the job wrote
    (\`job.readOutput()\`).
  `,
  solution("q2-answer", code`
    async function joinOrders(): Promise<Array<[number, [string, number]]>> {
      // BEGIN SOLUTION: tag each record with its table, key by customer id, join in the reducer
      const job = await new MapReduceJob(spark, {
        name: "A1 join",
        input: { paths: [join(work, "customers.csv"), join(work, "orders.csv")], format: "text" },
        mapper: (o: number, line: string, ctx: any) => {
          const f = line.split(",");
          if (f.length === 2) ctx.write(f[0], ["C", f[1]]);
          else if (f.length === 3) ctx.write(f[1], ["O", Number(f[0]), Number(f[2])]);
        },
        reducer: (customer: string, records: any[][], ctx: any) => {
          const name = records.find((r) => r[0] === "C")?.[1];
          if (name === undefined) return;
          for (const r of records) if (r[0] === "O") ctx.write(r[1], [name, r[2]]);
        },
        numReduceTasks: 2,
        output: mkdtempSync(join(work, "join-")) + "/out",
      }).waitForCompletion();
      return job.readOutput() as Array<[number, [string, number]]>;
      // END SOLUTION
    }
    const joined = await joinOrders();
    joined.slice(0, 5)
  `),
  tests("q2", 3, code`
    const q2Names = new Map(customers.map((c) => [c.id, c.name]));
    const q2Reference = orders.filter((o) => q2Names.has(o.customer)).map((o) => [o.id, [q2Names.get(o.customer), o.amount]]);
    test("q2", "one record per order with a known customer", async () => {
      expect(await joinOrders(), "an inner join: orders of unknown customers are dropped").toEqualUnordered(q2Reference);
    }, { points: 2 });
    // BEGIN HIDDEN TESTS
    test("q2", "no order of an unknown customer", async () => {
      const ids = new Set((await joinOrders()).map((r) => r[0]));
      for (const o of orders) if (!q2Names.has(o.customer)) expect(ids.has(o.id), "order " + o.id + " has no customer").toBe(false);
    });
    // END HIDDEN TESTS
    check("q2")
  `),
  md`
    ## q3: MinHash and near-duplicates (3 points)

    Write \`similarPairs(threshold)\`: with word 2-shingles (\`shingles(text, 2, { unit: "word" })\`) of
    every document in \`docs\` and a \`new MinHash(200, 1)\`, estimate the Jaccard similarity of every
    pair of documents from their signatures (\`MinHash.estimate\`) and return the pairs
    \`[a, b]\` (names with \`a < b\`) whose **estimate** is at least \`threshold\`, sorted.
  `,
  solution("q3-answer", code`
    function similarPairs(threshold: number): Array<[string, string]> {
      // BEGIN SOLUTION: signatures of every document, then every pair's estimate
      const mh = new MinHash(200, 1);
      const names = Object.keys(docs).sort();
      const sig = new Map(names.map((n) => [n, mh.signature(shingles(docs[n], 2, { unit: "word" }))]));
      const out: Array<[string, string]> = [];
      for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length; j++) {
        if (MinHash.estimate(sig.get(names[i])!, sig.get(names[j])!) >= threshold) out.push([names[i], names[j]]);
      }
      return out;
      // END SOLUTION
    }
    similarPairs(0.5)
  `),
  tests("q3", 3, code`
    test("q3", "finds the two planted near-copies at 0.5", () => expect(similarPairs(0.5)).toEqual([["d0", "x0"], ["d3", "x3"]]));
    // BEGIN HIDDEN TESTS
    test("q3", "estimates follow the exact Jaccard similarity", () => {
      const exact = jaccard(shingles(docs.d0, 2, { unit: "word" }), shingles(docs.x0, 2, { unit: "word" }));
      const above = similarPairs(exact + 0.15).some((p) => p[0] === "d0" && p[1] === "x0");
      const below = similarPairs(exact - 0.15).some((p) => p[0] === "d0" && p[1] === "x0");
      expect([above, below], "the estimate should be close to " + exact.toFixed(3)).toEqual([false, true]);
    });
    test("q3", "a threshold of 0 keeps every pair", () => expect(similarPairs(0)).toHaveLength(45));
    // END HIDDEN TESTS
    check("q3")
  `),
  beforeYouSubmit(),
]);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await emit(fileURLToPath(new URL("../../assignments/A1-mapreduce-and-mining.ipynb", import.meta.url)), A1);
}
