// Source of notebooks/L06-spark-basics.ipynb (lecture 6, "Spark basics I"): RDDs, laziness,
// caching, the DAG with narrow and wide dependencies, fault tolerance through lineage, and a
// first DataFrame. Run `npx tsx notebooks/src/L06.ts` to regenerate; `--check` verifies it.

import { fileURLToPath } from "node:url";
import { buildNotebook, code, emit, md, type CellSpec } from "./notebook-builder";

/** The DataFrame section runs as code (the engine has DataFrames); false shows it as text only. */
export const DATAFRAMES_READY = true;

const DATAFRAME_CODE = `const people = spark.createDataFrame([
  { name: "Alice", age: 34 },
  { name: "Bob", age: 23 },
  { name: "Carol", age: 41 },
  { name: "Daniel", age: 29 },
]);
people.printSchema();
const adults = people.filter("age > 25").select("name", "age");
await adults.show();
adults.explain();   // the plan Spark chose: a scan, a filter, a projection
adults              // the last value of a cell is displayed: a table with the schema`;

function firstDataFrame(): CellSpec[] {
  const intro = md`
    ## A first DataFrame

    RDDs hold arbitrary objects, and Spark cannot see inside your functions, so it cannot optimise
    them. A **DataFrame** is a distributed collection of **rows with a schema**; operations are
    expressions Spark understands, so it builds a logical plan and optimises it before running it.
    (More in the next lecture.)
  `;
  if (DATAFRAMES_READY) return [intro, { kind: "code", text: DATAFRAME_CODE }];
  return [
    intro,
    { kind: "markdown", text: "*DataFrames arrive in the next version of the workbench; this is what the code will look like:*\n\n```typescript\n" + DATAFRAME_CODE + "\n```" },
  ];
}

export const L06 = buildNotebook("l06", [
  md`
    # Lecture 6 — Spark basics I

    This notebook is a small **real** cluster: the notebook kernel is the Spark **driver**, and it
    has started worker processes (the **executors**) on this machine. Everything you run here is
    split into tasks that travel over the network to those workers, just as on a big cluster.

    Three names are always there, without imports:

    | name | what it is |
    |---|---|
    | \`spark\` | the \`SparkSession\`, entry point for DataFrames and for looking at the cluster |
    | \`sc\` | the \`SparkContext\` (\`spark.sparkContext\`), entry point for RDDs |
    | \`display(x)\` | shows rich output: tables, DAG pictures, job summaries |

    Run the cells in order (Shift-Enter). Cells marked **Your turn** have a \`TODO\` and a check that
    tells you whether your answer is right.

    A PySpark habit that carries over: *actions* return results. Here they return **Promises**, so
    write \`await rdd.collect()\` where PySpark has \`rdd.collect()\`.
  `,
  code`
    // A tiny helper for the "Your turn" cells: compares your answer with the expected one.
    function check(what: string, answer: unknown, expected: unknown): void {
      if (answer === undefined) {
        console.log(\`… \${what}: not answered yet (replace the TODO)\`);
      } else if (JSON.stringify(answer) === JSON.stringify(expected)) {
        console.log(\`✔ \${what}: correct\`);
      } else {
        console.log(\`✘ \${what}: \${JSON.stringify(answer)} is not right yet, try again\`);
      }
    }
  `,
  md`
    ## Hadoop vs Spark

    * **Hadoop MapReduce** writes every intermediate result to disk, so an iterative algorithm (machine
      learning, graph processing) pays a full disk round trip per iteration.
    * **Spark** keeps intermediate results **in memory** (and spills to disk only when memory runs
      out), and one engine covers batch, streaming, SQL, ML and graphs.

    ## Resilient Distributed Datasets (RDDs)

    An RDD is an **immutable** collection of objects split into **partitions** that live on different
    workers. Each task works on one partition (data parallelism). *Resilient* means a lost partition
    can be rebuilt from the recipe that made it, its **lineage**, instead of from a replica.

    The lecture's first example: four names, distributed over 3 partitions.
  `,
  code`
    const dataRDD = sc.parallelize(["Alice", "Bob", "Carol", "Daniel"], 3);
    console.log(\`partitions: \${dataRDD.getNumPartitions()}\`);
    dataRDD.toDebugString()
  `,
  md`
    Which names ended up in which partition? \`mapPartitionsWithIndex\` runs a function once per
    partition and gets the partition number with an iterator over its elements.
  `,
  code`
    await dataRDD.mapPartitionsWithIndex((index, names) => [{ partition: index, names: [...names] }]).collect()
  `,
  md`
    ## Transformations are lazy, actions run jobs

    * A **transformation** (\`map\`, \`filter\`, \`flatMap\`, \`reduceByKey\`, \`join\`, ...) makes a new
      RDD from an old one. It computes **nothing**: it only records a step of the lineage. Being lazy
      lets Spark look at the whole chain before running it (and pipeline the steps).
    * An **action** (\`collect\`, \`count\`, \`take\`, \`reduce\`, \`saveAsTextFile\`, ...) needs a result,
      so it submits a **job** to the cluster.

    We can watch this: put our work in a job group and count the group's jobs with the status tracker.
  `,
  code`
    sc.setJobGroup("laziness", "transformations vs actions");
    const jobsInGroup = () => sc.statusTracker().getJobIdsForGroup("laziness").length;

    const nameLen = dataRDD.map((s) => s.length);
    const longNames = dataRDD.filter((s) => s.length > 4);
    console.log(\`after map and filter: \${jobsInGroup()} jobs\`);

    const lengths = await nameLen.collect();
    console.log(\`after collect:        \${jobsInGroup()} job  -> \${JSON.stringify(lengths)}\`);

    const howManyLong = await longNames.count();
    console.log(\`after count:          \${jobsInGroup()} jobs -> \${howManyLong} long names\`);
  `,
  md`
    Each action ran one job, split into one task per partition. \`spark.lastJob()\` is the most
    recent job; displaying it shows its stages and tasks, and which worker ran each task. (The last
    value of a cell is displayed richly; in the middle of a cell, use \`await display(x)\`.)
  `,
  code`
    spark.lastJob()
  `,
  md`
    ## Spark architecture: driver and executors

    * The **driver** (this kernel) turns your program into jobs, stages and tasks, and sends tasks out.
    * The **executors** (worker processes) run tasks on their partitions and send results back.

    These are the workers of this notebook's cluster (each is a separate operating-system process):
  `,
  code`
    for (const w of spark.cluster.workers()) {
      console.log(\`\${w.id}  pid \${w.pid}  \${w.slots} task slots  \${w.state}\`);
    }
  `,
  md`
    ### Your turn 1

    Using \`dataRDD\`, count how many names have an **even** number of letters. Use a transformation
    and then an action (remember \`await\`).
  `,
  code`
    // TODO: replace undefined with an RDD pipeline on dataRDD ending in an action, e.g. await dataRDD.....
    const evenNames: number | undefined = undefined;

    check("names with an even length", evenNames, ["Alice", "Bob", "Carol", "Daniel"].filter((s) => s.length % 2 === 0).length);
  `,
  md`
    ## Caching

    The lecture's log example. Each action recomputes its whole lineage from the source, unless an
    RDD in the chain is **cached**. \`cache()\` is itself lazy: the partitions are stored in the
    workers' memory by the **first** action that computes them, and reused by later actions.
    (\`persist(level)\` chooses memory, disk or both; \`cache()\` is \`persist(MEMORY_ONLY)\`.)

    There is no HDFS here, so we make the log lines ourselves: \`level<TAB>time<TAB>message\`.
  `,
  code`
    const levels = ["INFO", "WARN", "ERROR"];
    const services = ["mysql", "php", "hadoop", "spark"];
    const logLines = Array.from({ length: 3000 }, (_, i) =>
      \`\${levels[i % 3]}\t2024-01-01T00:00:\${String(i % 60).padStart(2, "0")}\t\${services[(i * 7) % 4]} request \${i}\`);

    const lines = sc.parallelize(logLines, 4);
    const errors = lines.filter((s) => s.startsWith("ERROR"));
    const messages = errors.map((s) => s.split("\t")[2]);
    messages.cache();
    console.log(\`storage level: \${messages.getStorageLevel()}\`);
  `,
  code`
    // Cache hits and misses of the last job's tasks (a miss computes the partition and stores it).
    function cacheUse() {
      const tasks = spark.lastJob()!.tasks();
      const sum = (f: (m: NonNullable<(typeof tasks)[number]["metrics"]>) => number) =>
        tasks.reduce((acc, t) => acc + (t.metrics ? f(t.metrics) : 0), 0);
      return { hits: sum((m) => m.cacheHits), misses: sum((m) => m.cacheMisses) };
    }

    const mysqlErrors = await messages.filter((s) => s.includes("mysql")).count();
    console.log(\`mysql errors: \${mysqlErrors}\`, cacheUse());
    const phpErrors = await messages.filter((s) => s.includes("php")).count();
    console.log(\`php errors:   \${phpErrors}\`, cacheUse());

    // The same computation on a plain array, as a reference:
    const plain = logLines.filter((s) => s.startsWith("ERROR")).map((s) => s.split("\t")[2]);
    console.log("matches plain JavaScript:",
      mysqlErrors === plain.filter((s) => s.includes("mysql")).length &&
      phpErrors === plain.filter((s) => s.includes("php")).length);
  `,
  md`
    The first count **missed** the cache on every partition (and filled it); the second one **hit**.

    Cached partitions take memory on the workers. When memory runs short, Spark **evicts** cached
    partitions in least-recently-used (LRU) order; an evicted partition is simply recomputed from
    its lineage the next time it is needed (or read back from disk with \`MEMORY_AND_DISK\`).
    You can also drop a cached RDD yourself:
  `,
  code`
    messages.unpersist();
    await messages.filter((s) => s.includes("spark")).count();
    console.log("after unpersist:", cacheUse(), \`storage level: \${messages.getStorageLevel()}\`);
  `,
  md`
    ## The DAG: narrow and wide dependencies

    The lineage of an RDD is a **DAG** (directed acyclic graph) of RDDs. Its edges are of two kinds:

    * **Narrow**: each partition of the parent is used by **at most one** partition of the child
      (\`map\`, \`flatMap\`, \`filter\`). Narrow steps are **pipelined** inside one task, no data moves.
    * **Wide** (shuffle): a child partition needs data from **many** parent partitions
      (\`reduceByKey\`, \`groupByKey\`, \`sortBy\`, \`join\`). Records are **shuffled** between workers, and
      the job is cut into **stages** there: every task of the stage before the shuffle must finish
      before the next stage starts (an implicit synchronisation).

    Word count has one wide dependency, so its job has two stages.
  `,
  code`
    const text = sc.parallelize([
      "spark keeps data in memory",
      "hadoop writes data to disk",
      "spark and hadoop both split data into partitions",
      "a shuffle moves data between workers",
    ], 2);
    const wordCounts = text
      .flatMap((line) => line.split(" "))
      .map((word): [string, number] => [word, 1])
      .reduceByKey((a, b) => a + b);

    const counted = await wordCounts.collect();
    console.log(counted.filter(([, n]) => n > 1));
    spark.lastJob()!.dag({ data: true })
  `,
  md`
    In the picture, \`flatMap\` and \`map\` sit in the same stage (narrow, pipelined), and the
    \`reduceByKey\` edge crosses into the next stage (wide, shuffled). With \`{ data: true }\` the
    edge shows its data: records each map task emitted, the reducer each went to and the
    partitioner's arithmetic (\`hash(word) mod 2\`: the same word always goes to the same reducer,
    whichever task emitted it), and how many records each reducer received. \`toDebugString()\` shows the
    same lineage as text; each indentation step is a shuffle boundary.
  `,
  code`
    console.log(wordCounts.toDebugString());
  `,
  md`
    Run another action on \`wordCounts\`: the shuffle files written by the first job are still on the
    workers, so the map stage is **skipped** and only the final stage runs.
  `,
  code`
    const distinctWords = await wordCounts.count();
    console.log(\`\${distinctWords} distinct words\`);
    for (const s of spark.lastJob()!.dag().stages) {
      console.log(\`stage \${s.stageId} (\${s.kind}) \${s.skipped ? "skipped: shuffle output reused" : "ran " + s.numTasks + " tasks"}\`);
    }
  `,
  md`
    ### Your turn 2

    For each operation, say whether it makes a \`"narrow"\` or a \`"wide"\` dependency.
  `,
  code`
    // TODO: fill in "narrow" or "wide" for each operation.
    const dependencyKind: Record<string, "narrow" | "wide" | undefined> = {
      map: undefined,
      filter: undefined,
      flatMap: undefined,
      reduceByKey: undefined,
      groupByKey: undefined,
    };

    const answered = Object.values(dependencyKind).every((v) => v !== undefined);
    check("narrow or wide", answered ? dependencyKind : undefined,
      { map: "narrow", filter: "narrow", flatMap: "narrow", reduceByKey: "wide", groupByKey: "wide" });
  `,
  md`
    ### Your turn 3

    How many **stages** does the job of \`wordCounts.map(([w, n]) => [n, w]).groupByKey().collect()\`
    have? Guess first, then run it and read the number from \`spark.lastJob()!.stages()\`. (Hint:
    count the wide dependencies, and remember that stages whose shuffle output already exists are
    skipped but still listed.)
  `,
  code`
    // TODO: put your guess here, then uncomment the two lines below to check it against the engine.
    const myStageGuess: number | undefined = undefined;
    // await wordCounts.map(([w, n]): [number, string] => [n, w]).groupByKey().collect();
    // console.log(\`the job had \${spark.lastJob()!.stages().length} stages\`);

    check("number of stages", myStageGuess, 3);
  `,
  md`
    ## Predict, then compare

    Before a job runs you can ask which stages the scheduler would make **now**: \`await
    spark.plan(rdd)\` draws them without running anything, with the stages it would **skip**
    (their shuffle output is still on the workers, or a cached RDD hides them). Predict first, then
    run the action and check the prediction against what really ran.

    A question to predict: \`reduceByKey\` after \`mapValues\`, and after \`map\`. \`mapValues\` cannot change
    a key, so Spark keeps the partitioner of \`wordCounts\`: the data is already grouped by word and
    the second \`reduceByKey\` needs **no new shuffle**. \`map\` may change keys, so Spark forgets the
    partitioning and shuffles again.
  `,
  code`
    const scaled = wordCounts.mapValues((n) => n * 10).reduceByKey((a, b) => a + b);
    const remapped = wordCounts.map(([w, n]): [string, number] => [w, n * 10]).reduceByKey((a, b) => a + b);
    const plannedScaled = await spark.plan(scaled);
    const plannedRemapped = await spark.plan(remapped);
    console.log(\`mapValues: \${plannedScaled.counts.shuffles} shuffle(s), map: \${plannedRemapped.counts.shuffles} shuffle(s)\`);
    plannedRemapped          // predicted: the first shuffle skipped (its output exists), a new one after map
  `,
  md`
    Now run it. \`compare()\` draws the prediction beside the real run; a stage that ran when it was
    predicted skipped (a lost worker took its shuffle output, an evicted cache) would be marked.
  `,
  code`
    await remapped.collect();
    plannedRemapped.compare()
  `,
  md`
    Two real runs side by side: the same word count with \`reduceByKey\` (combines on the map side
    before the shuffle) and with \`groupByKey\` (ships every pair). \`compare(a, b)\` lines them up by
    stages, tasks, shuffle bytes, records and time.
  `,
  code`
    import { compare } from "bigdata-workbench";
    const manyLines = sc.parallelize(Array.from({ length: 400 }, (_, i) => ["spark keeps data in memory", "hadoop writes data to disk"][i % 2]!), 2);
    const pairs = manyLines.flatMap((line) => line.split(" ")).map((word): [string, number] => [word, 1]);
    await pairs.reduceByKey((a, b) => a + b).collect();
    const viaReduce = spark.lastJob()!;
    await pairs.groupByKey().mapValues((ones) => [...ones].length).collect();
    const viaGroup = spark.lastJob()!;
    compare(viaReduce, viaGroup, ["reduceByKey", "groupByKey"])
  `,
  md`
    ## Fault tolerance through lineage

    Spark does not replicate data in memory (too expensive). When a worker dies, the partitions it
    held are **recomputed** from their lineage on the remaining workers. Let us kill a worker for
    real: the process is terminated, and everything cached on it is gone.

    In JupyterLab, open the **Cluster** panel on the right to watch it happen: each worker with its
    busy slots, memory, cached blocks and heartbeat; its **Kill** button does what the cell below
    does, and **Add worker** starts one more. A job's live panel has a **Cancel job** button while it
    runs (Spark's \`cancelJob\`: the job stops and its cell fails with \`JOB_CANCELLED\`), and a
    click on a stage in a finished job's summary shows its task metrics, timeline and tasks.
  `,
  code`
    const squares = sc.parallelize(Array.from({ length: 1000 }, (_, i) => i), 4).map((x) => x * x).cache();
    const before = await squares.reduce((a, b) => a + b);
    console.log(\`sum of squares: \${before}\`);
    for (const w of spark.cluster.workers()) console.log(\`  \${w.id} (pid \${w.pid}): \${w.cachedBlocks} cached blocks\`);
  `,
  code`
    const victim = spark.cluster.workers().find((w) => w.state === "ALIVE")!;
    await spark.cluster.kill(victim.id);
    console.log(\`killed \${victim.id} (pid \${victim.pid})\`);

    const after = await squares.reduce((a, b) => a + b);
    console.log(\`sum of squares again: \${after}, same answer: \${after === before}\`);
    console.log("cache use of this job:", cacheUse(), "(the misses are the partitions rebuilt from lineage)");
    for (const w of spark.cluster.workers()) console.log(\`  \${w.id}: \${w.state}\`);
  `,
  md`
    The misses were the partitions the dead worker had cached: rebuilt from lineage, the rest read
    from the cache. Now kill a worker **while a job runs**, and replay the job from its event log:
    what the lost worker took with it (its running task, its shuffle files, its cached partitions),
    which stage failed because of it, which was rerun and which partitions it recomputed. Open a
    step to see the DAG at that moment.
  `,
  code`
    while (spark.cluster.workers().filter((w) => w.state === "ALIVE").length < 2) await new Promise((r) => setTimeout(r, 100));
    const byKey = sc.parallelize(Array.from({ length: 8 }, (_, i) => i), 8).map((x): [number, number] => [x % 4, x]).reduceByKey((a, b) => a + b, 4);
    await byKey.count();                       // its map outputs now live on both workers
    const running = byKey.mapValues((v) => { const t = Date.now(); while (Date.now() - t < 300) { /* slow */ } return v; }).collect();
    await new Promise((r) => setTimeout(r, 150));
    await spark.cluster.kill(spark.cluster.workers().find((w) => w.state === "ALIVE")!.id);
    console.log("answer:", JSON.stringify((await running).sort((a, b) => a[0] - b[0])));
    spark.lastJob()!.replay()
  `,
  ...firstDataFrame(),
  md`
    ## Summary

    * RDDs are immutable, partitioned collections; **transformations** build lineage lazily and
      **actions** run jobs.
    * \`cache()\`/\`persist()\` keep partitions on the workers for reuse; they are evicted LRU and
      recomputed when needed.
    * Narrow dependencies are pipelined within a stage; wide dependencies shuffle and cut stages.
    * Lost partitions are rebuilt from lineage: that is the *R* in RDD.

    <details><summary>▸ Solutions to "Your turn" (click to open)</summary>

    1. \`const evenNames = await dataRDD.filter((s) => s.length % 2 === 0).count();\` gives 1
       (only "Daniel" has an even number of letters).
    2. map, filter, flatMap are narrow; reduceByKey and groupByKey are wide.
    3. Three stages: the \`reduceByKey\` shuffle (skipped, its output is reused), the \`groupByKey\`
       shuffle, and the final result stage.

    </details>
  `,
], { embeddedOnly: "The RDD API (sc), its lineage and the worker fault demos are not part of Spark Connect." });


/** Model answers for the "Your turn" cells, as text edits of the committed cells. The e2e test
 * applies them and checks that every exercise's own check prints ✔ on the real engine. */
export const L06_SOLUTIONS: Array<{ find: string; replace: string }> = [
  {
    find: "const evenNames: number | undefined = undefined;",
    replace: "const evenNames: number | undefined = await dataRDD.filter((s) => s.length % 2 === 0).count();",
  },
  {
    find: "  map: undefined,\n  filter: undefined,\n  flatMap: undefined,\n  reduceByKey: undefined,\n  groupByKey: undefined,",
    replace: '  map: "narrow",\n  filter: "narrow",\n  flatMap: "narrow",\n  reduceByKey: "wide",\n  groupByKey: "wide",',
  },
  {
    find: "const myStageGuess: number | undefined = undefined;\n// await",
    replace: "const myStageGuess: number | undefined = 3;\nawait",
  },
  {
    find: "// console.log(`the job had",
    replace: "console.log(`the job had",
  },
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await emit(fileURLToPath(new URL("../L06-spark-basics.ipynb", import.meta.url)), L06);
}
