// Source of notebooks/L02-mapreduce.ipynb (lecture 2, "Map reduce"): a Hadoop-style job on the
// workbench's workers, phase by phase: submit, splits, map, partition + sort + spill, combiner,
// remote read (shuffle), merge, reduce, committed output; counters, the data-level view and a
// worker killed mid-job. Run `npx tsx notebooks/src/L02.ts` to regenerate; `--check` verifies it.

import { fileURLToPath } from "node:url";
import { buildNotebook, code, emit, md } from "./notebook-builder";

export const L02 = buildNotebook("l02", [
  md`
    # Lecture 2 — MapReduce

    A MapReduce program has two functions you write and one the framework does for you:

    * **Map**: extract something of interest from each record and emit key/value pairs,
      $\text{map}(k, v) \rightarrow \text{list}(k', v')$.
    * **Shuffle**: the framework groups the intermediate pairs by key and moves them to the reducers.
    * **Reduce**: aggregate all the values of one key, $\text{reduce}(k', \text{list}(v')) \rightarrow \text{list}(k'', v'')$.

    This notebook runs **real** Hadoop-style jobs on the workbench's worker processes, and lets you
    watch every step of the lecture's list:

    1. **Submit** the program and its configuration to the master (here: the notebook's driver).
    2. **Schedule** map and reduce tasks on the workers (the master never touches the data).
    3. **Read**: the input is cut into **splits** (128 MB in Hadoop; tiny here); one map task per split.
    4. **Map phase**: each map task calls \`map\` on every record of its split.
    5. **Local write**: map output is **partitioned** by key (one partition per reducer), **sorted**
       in memory, and **spilled** to the worker's local disk.
    6. **Remote read**: each reducer fetches its partition from **every** mapper's disk, merges the
       sorted pieces and calls \`reduce\` once per key.
    7. **Write**: reduce output goes to the output directory (\`part-r-00000\`, ...), then \`_SUCCESS\`.

    Cells marked **Your turn** have a \`TODO\` and a check that says whether your answer is right.
  `,
  code`
    import { MapReduceJob, readOutputDir } from "bigdata-workbench";
    import { mkdtempSync, writeFileSync, readdirSync, readFileSync, mkdirSync } from "node:fs";
    import { tmpdir } from "node:os";
    import { join } from "node:path";

    function check(what: string, answer: unknown, expected: unknown): void {
      if (answer === undefined) console.log("… " + what + ": not answered yet (replace the TODO)");
      else if (JSON.stringify(answer) === JSON.stringify(expected)) console.log("✔ " + what + ": correct");
      else console.log("✘ " + what + ": " + JSON.stringify(answer) + " is not right yet, try again");
    }

    // A small corpus: three "books" of generated text, in a fresh working directory.
    const work = mkdtempSync(join(tmpdir(), "l02-"));
    const vocabulary = "the cat sat on a mat and the dog ate my homework while big data systems shuffle keys to reducers".split(" ");
    let seed = 42;
    const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    mkdirSync(join(work, "books"));
    for (const book of ["a", "b", "c"]) {
      const lines = Array.from({ length: 400 }, () => Array.from({ length: 3 + Math.floor(rand() * 8) }, () => vocabulary[Math.floor(rand() * vocabulary.length)]).join(" "));
      writeFileSync(join(work, "books", book + ".txt"), lines.join("\n") + "\n");
    }
    console.log(readdirSync(join(work, "books")).map((f) => f + ": " + readFileSync(join(work, "books", f)).length + " bytes").join("\n"));
  `,
  md`
    ## Word count, the "hello world" of MapReduce

    A job is configured the way Hadoop's \`Job\` is: an input (paths, format, split size), a
    **mapper** (\`setup\`, \`map\`, \`cleanup\`), an optional **combiner**, a **reducer**, the number of
    reduce tasks and an output directory. \`ctx.write(key, value)\` emits a pair.

    \`waitForCompletion({ display })\` submits the job and shows a **live job view**: every map and
    reduce task, the worker it ran on, and its phases on a time axis (map, spill, merge; shuffle,
    merge, reduce, commit).
  `,
  code`
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

    const wordCount = new MapReduceJob(spark, {
      name: "word count",
      input: { paths: [join(work, "books")], format: "text", splitSize: "4k" },
      mapper: {
        map(offset: number, line: string, ctx: any) {
          for (const w of line.split(/\W+/)) if (w) ctx.write(w, 1);
        },
      },
      combiner: { reduce(word: string, counts: number[], ctx: any) { ctx.write(word, sum(counts)); } },
      reducer: { reduce(word: string, counts: number[], ctx: any) { ctx.write(word, sum(counts)); } },
      numReduceTasks: 2,
      output: join(work, "out-wc"),
    });
    const wc = await wordCount.waitForCompletion({ display });
  `,
  md`
    The result of a job is displayed with its tasks, **counters** and a **data view** (open the
    *Data view* section). Let us check the answer against a plain JavaScript loop over the same files.
  `,
  code`
    const plain = new Map<string, number>();
    for (const f of readdirSync(join(work, "books"))) {
      for (const line of readFileSync(join(work, "books", f), "utf8").split("\n")) {
        for (const w of line.split(/\W+/)) if (w) plain.set(w, (plain.get(w) ?? 0) + 1);
      }
    }
    const fromJob = new Map(wc.readOutput() as Array<[string, number]>);
    console.log("distinct words:", fromJob.size);
    console.log("matches plain JavaScript: " + (JSON.stringify([...fromJob].sort()) === JSON.stringify([...plain].sort())));
    wc
  `,
  md`
    ## Step 3: input splits

    The input was cut into splits of \`splitSize\` bytes. A split boundary usually falls in the
    middle of a line; Hadoop's rule is that **a line belongs to the split where it starts**: the
    reader of the next split skips the partial line, and the reader of a split reads past its end to
    finish its last line. So every line is read exactly once. One map task ran per split:
  `,
  code`
    for (const t of wc.tasks.filter((t) => t.type === "map")) console.log(t.id, "on", t.workerId, "reads", t.input);
    console.log("MAP_INPUT_RECORDS =", wc.counters.get("MAP_INPUT_RECORDS"), " lines in the files =", 3 * 400);
  `,
  md`
    ## Steps 4–5: map, partition, sort, spill — and the combiner

    Each map output pair goes into an in-memory **sort buffer** with its partition number
    (\`hash(key) mod numReduceTasks\`, Hadoop's \`HashPartitioner\`). When the buffer is 80% full it is
    **sorted by (partition, key)**, passed through the **combiner** (a mini-reduce on the map side),
    and **spilled** to a file on the worker's local disk. At the end the spills are merged into one
    file per map task with an index of where each partition starts.

    The counters tell the story: compare map output records with what the combiner left.
  `,
  code`
    const c = wc.counters;
    for (const name of ["MAP_INPUT_RECORDS", "MAP_OUTPUT_RECORDS", "MAP_OUTPUT_BYTES", "COMBINE_INPUT_RECORDS", "COMBINE_OUTPUT_RECORDS",
      "SPILLED_RECORDS", "REDUCE_SHUFFLE_BYTES", "REDUCE_INPUT_GROUPS", "REDUCE_INPUT_RECORDS", "REDUCE_OUTPUT_RECORDS"]) {
      console.log(name.padEnd(24), c.get(name));
    }
    console.log("words emitted = MAP_OUTPUT_RECORDS: " + (sum([...plain.values()]) === c.get("MAP_OUTPUT_RECORDS")));
  `,
  md`
    Now the same job **without a combiner** and with a **tiny sort buffer** (2 KB instead of
    Hadoop's 100 MB), so every map task spills several times and has to merge its spills. Compare
    the shuffle bytes and the spilled records.
  `,
  code`
    const noCombiner = await new MapReduceJob(spark, {
      name: "word count, no combiner, tiny sort buffer",
      input: { paths: [join(work, "books")], splitSize: "4k" },
      mapper: { map(offset: number, line: string, ctx: any) { for (const w of line.split(/\W+/)) if (w) ctx.write(w, 1); } },
      reducer: { reduce(word: string, counts: number[], ctx: any) { ctx.write(word, sum(counts)); } },
      numReduceTasks: 2, sortBufferSize: 2048,
    }).waitForCompletion();
    console.log("same answer: " + (JSON.stringify(noCombiner.readOutput().sort()) === JSON.stringify(wc.readOutput().sort())));
    console.table([
      { job: "with combiner", REDUCE_SHUFFLE_BYTES: wc.counters.get("REDUCE_SHUFFLE_BYTES"), SPILLED_RECORDS: wc.counters.get("SPILLED_RECORDS"), REDUCE_INPUT_RECORDS: wc.counters.get("REDUCE_INPUT_RECORDS") },
      { job: "no combiner, 2 KB buffer", REDUCE_SHUFFLE_BYTES: noCombiner.counters.get("REDUCE_SHUFFLE_BYTES"), SPILLED_RECORDS: noCombiner.counters.get("SPILLED_RECORDS"), REDUCE_INPUT_RECORDS: noCombiner.counters.get("REDUCE_INPUT_RECORDS") },
    ]);
    console.log("spills per map task:", noCombiner.tasks.filter((t) => t.type === "map").map((t) => t.phases.filter((p) => p.name === "spill").length).join(" "));
  `,
  md`
    ## Step 6: remote read, merge, reduce — the part Hadoop never shows you

    Each reducer fetched its partition **from every map task's worker** (through that worker's
    shuffle server), merged the sorted pieces, and called \`reduce\` once per key with all its values.
    The data view shows it: what some mappers emitted (and which reducer each key goes to), how many
    records went from each mapper to each reducer, and what each reducer received, grouped and sorted.
  `,
  code`
    const dv = wc.dataView();
    console.log("first records emitted by map task 0:");
    for (const r of dv.mapSamples[0].records.slice(0, 6)) console.log("  ", JSON.stringify(r.key), "->", r.value, " goes to reducer", r.partition);
    console.log("records from each map task (rows) to each reducer (columns), after the combiner:");
    dv.partitionRecords.forEach((row, m) => console.log("  map " + m + ": " + row.join("  ")));
    console.log("reducer 0 received (key: values in sort order):");
    for (const g of dv.reduceGroups[0].groups.slice(0, 5)) console.log("  ", g.key, JSON.stringify(g.values));
  `,
  md`
    ## Step 7: the output directory and the commit protocol

    Every reduce task writes into its own *attempt* directory under \`_temporary\`; when the task
    succeeds the directory is renamed (an atomic step) to the task's committed directory, and when
    the whole job succeeds the files move to the output directory and \`_SUCCESS\` is written last.
    A failed or duplicate attempt leaves nothing behind, so a reader that sees \`_SUCCESS\` sees the
    complete output. Each reducer's file is sorted by key.
  `,
  code`
    console.log(readdirSync(wc.outputDir));
    console.log(readFileSync(join(wc.outputDir, "part-r-00000"), "utf8").split("\n").slice(0, 5).join("\n"));
  `,
  md`
    ### Your turn 1

    Write a job that counts **how many words start with each letter** (key: the first letter, value:
    the count). Fill in the mapper and the reducer; keep the combiner (why is it correct here?).
  `,
  code`
    const letters = await new MapReduceJob(spark, {
      name: "words by first letter",
      input: { paths: [join(work, "books")], splitSize: "8k" },
      mapper: {
        map(offset: number, line: string, ctx: any) {
          // TODO: emit (first letter, 1) for every word of the line
        },
      },
      combiner: { reduce(letter: string, counts: number[], ctx: any) { ctx.write(letter, sum(counts)); } },
      reducer: {
        reduce(letter: string, counts: number[], ctx: any) {
          // TODO: emit (letter, total)
        },
      },
      numReduceTasks: 2,
    }).waitForCompletion();
    const byLetter = new Map<string, number>();
    for (const [w, n] of plain) byLetter.set(w[0], (byLetter.get(w[0]) ?? 0) + n);
    const yours = letters.readOutput();
    check("words by first letter", yours.length ? Object.fromEntries([...yours].sort()) : undefined, Object.fromEntries([...byLetter].sort()));
  `,
  md`
    ### Your turn 2

    A job reads a 10 000-byte file with \`splitSize: 3000\`. How many **map tasks** does it run?
    (Hadoop cuts splits of \`splitSize\` while more than 1.1 × \`splitSize\` bytes remain; the rest is
    the last split.) Run a map-only job to see it: with \`numReduceTasks: 0\` the mappers write
    \`part-m-NNNNN\` files directly and there is no shuffle at all.
  `,
  code`
    const myMapTasks: number | undefined = undefined; // TODO: your answer
    writeFileSync(join(work, "ten-k.txt"), ("x".repeat(99) + "\n").repeat(100));
    const mapOnly = await new MapReduceJob(spark, {
      name: "map only", input: { paths: join(work, "ten-k.txt"), splitSize: 3000 },
      mapper: (offset: number, line: string, ctx: any) => ctx.write(offset, line.length),
      numReduceTasks: 0,
    }).waitForCompletion();
    check("map tasks for 10 000 bytes in 3 000-byte splits", myMapTasks, mapOnly.tasks.length);
    console.log(readdirSync(mapOnly.outputDir).join(" "));
  `,
  md`
    ## Fault tolerance: kill a worker in the middle of a job

    The master notices a lost worker. Its **running** tasks are scheduled again on another worker,
    and the map outputs it had already written are **lost with its disk**: when a reducer cannot
    fetch them, the master re-runs those map tasks, then the reducer. The output is the same.
  `,
  code`
    const slowMapper = {
      map(offset: number, line: string, ctx: any) {
        const until = Date.now() + 5; while (Date.now() < until) { /* pretend to work */ }
        for (const w of line.split(/\W+/)) if (w) ctx.write(w, 1);
      },
    };
    const victimJob = new MapReduceJob(spark, {
      name: "word count with a worker killed",
      input: { paths: [join(work, "books")], splitSize: "4k" },
      mapper: slowMapper,
      reducer: { reduce(word: string, counts: number[], ctx: any) { ctx.write(word, sum(counts)); } },
      numReduceTasks: 2,
    });
    let killed = "";
    const stopListening = sc.addSparkListener({
      onTaskStart: (e) => {
        if (!killed && victimJob.status()?.tasks.some((t) => t.state === "succeeded")) { killed = e.task.workerId; void spark.cluster.kill(killed); }
      },
    });
    const survived = await victimJob.waitForCompletion({ display });
    stopListening();
    console.log("killed " + killed + "; same answer: " + (JSON.stringify(survived.readOutput().sort()) === JSON.stringify(wc.readOutput().sort())));
    console.log("map tasks launched:", survived.counters.get("TOTAL_LAUNCHED_MAPS"), "for", survived.tasks.filter((t) => t.type === "map").length, "splits");
  `,
  md`
    ## Mistakes are caught early

    A missing input path, an output directory that already exists, or a mapper that is not a
    function are refused **before** any task runs. A mapper that throws fails its task; the task is
    retried, and then the job fails naming the task, its input split and your error message.
  `,
  code`
    try {
      await new MapReduceJob(spark, { input: { paths: join(work, "books") }, mapper: slowMapper, output: wc.outputDir }).waitForCompletion();
    } catch (e) { console.log((e as Error).message); }
    try {
      await new MapReduceJob(spark, {
        input: { paths: join(work, "books", "a.txt") },
        mapper: (offset: number, line: string) => { if (line.includes("homework")) throw new Error("the dog ate it"); },
      }).waitForCompletion();
    } catch (e) { console.log((e as Error).message.split("\n")[0]); }
  `,
  md`
    ## Summary

    * You write \`map\` and \`reduce\`; the framework splits the input, schedules tasks, partitions,
      sorts, spills, shuffles, merges, groups and commits.
    * The **combiner** runs on the map side on each spill: fewer records cross the network.
    * Intermediate data goes to **local disk** and every reducer reads from every mapper.
    * Counters (\`MAP_OUTPUT_RECORDS\`, \`REDUCE_SHUFFLE_BYTES\`, ...) show what the job really did.
    * Lost workers cost re-execution, not correctness.

    <details><summary>▸ Solutions to "Your turn" (click to open)</summary>

    1. Mapper: \`for (const w of line.split(/\\W+/)) if (w) ctx.write(w[0], 1);\`; reducer:
       \`ctx.write(letter, sum(counts));\`. The combiner is correct because addition is associative
       and commutative, and the combiner's output has the same type as the map output.
    2. Four: splits of 3000, 3000, 3000 and the last 1000 bytes (4000 > 3300, so a 4th split is cut).

    </details>
  `,
], { embeddedOnly: "MapReduce jobs run on the embedded cluster's workers (the workbench's MapReduce engine); a Spark Connect server has no MapReduce." });

/** Model answers for the "Your turn" cells, as text edits of the committed cells. */
export const L02_SOLUTIONS: Array<{ find: string; replace: string }> = [
  { find: "      // TODO: emit (first letter, 1) for every word of the line", replace: "      for (const w of line.split(/\\W+/)) if (w) ctx.write(w[0], 1);" },
  { find: "      // TODO: emit (letter, total)", replace: "      ctx.write(letter, sum(counts));" },
  { find: "const myMapTasks: number | undefined = undefined; // TODO: your answer", replace: "const myMapTasks: number | undefined = 4;" },
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await emit(fileURLToPath(new URL("../L02-mapreduce.ipynb", import.meta.url)), L02);
}
