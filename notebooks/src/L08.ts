// Source of notebooks/L08-streaming.ipynb (lecture 8, part 1: Spark Structured Streaming): the
// unbounded input table, micro-batches as real jobs, event-time windows (tumbling and sliding),
// watermarks and late data (the Structured Streaming guide's example), output modes side by side,
// exactly-once recovery from a checkpoint, state partitions on the workers and session windows;
// part 2 (the Flink half, continuous dataflow) is in L08-dataflow.ts.
// Run `npx tsx notebooks/src/L08.ts` to regenerate; `--check` verifies it.

import { fileURLToPath } from "node:url";
import { buildNotebook, code, embeddedOnly, emit, md } from "./notebook-builder";
import { L08_DATAFLOW_CELLS, L08_DATAFLOW_SOLUTIONS } from "./L08-dataflow";

export const L08 = buildNotebook("l08", [
  md`
    # Lecture 8 — Streams: Spark Structured Streaming and Flink's continuous dataflow

    Data that arrives over time (clicks, sensor readings, payments) cannot be collected first and
    processed later. **Structured Streaming** treats a stream as an **unbounded input table**: new
    events are new rows. You write an ordinary DataFrame query against that table; Spark runs it
    **incrementally**, one **micro-batch** per trigger, over the rows that arrived since the last
    trigger, and updates a **result table**.

    Everything below runs on this notebook's real cluster: every micro-batch is planned as a job and
    runs on the worker processes; stateful operators keep their state in a versioned **state
    store** whose files live in the query's **checkpoint** directory.

    | PySpark | here |
    |---|---|
    | \`spark.readStream.format("rate").load()\` | the same |
    | \`MemoryStream\` (Scala test source) | \`new MemoryStream(spark, "word STRING, ts TIMESTAMP")\` |
    | \`df.writeStream.outputMode("update").format("memory").queryName("q").start()\` | the same |
    | \`query.processAllAvailable()\` | \`await query.processAllAvailable()\` |
  `,
  code`
    import { F, MemoryStream } from "bigdata-workbench";

    // A helper for the "Your turn" cells: compares your answer with the expected one.
    function check(what: string, answer: unknown, expected: unknown): void {
      if (answer === undefined) console.log(\`… \${what}: not answered yet (replace the TODO)\`);
      else if (JSON.stringify(answer) === JSON.stringify(expected)) console.log(\`✔ \${what}: correct\`);
      else console.log(\`✘ \${what}: \${JSON.stringify(answer)} is not right yet, try again\`);
    }
    // Event times of the guide's example, on an arbitrary day.
    const at = (hhmm: string) => new Date(\`2026-01-01T\${hhmm}:00Z\`);
    const hm = (d: Date) => d.toISOString().slice(11, 16);
  `,
  md`
    ## The unbounded input table

    A \`MemoryStream\` is a source we feed by hand: \`addData(rows)\` appends rows to the input table.
    The query below is stateless (a filter and a projection), so each micro-batch only looks at its
    own new rows, and in **append** mode each output row is written once. The **memory sink** keeps
    the result table in the driver as a temporary view named after the query.
  `,
  embeddedOnly(code`
    const lines = new MemoryStream(spark, "line STRING, n INT");
    const linesDf = lines.toDF();
    console.log("isStreaming:", linesDf.isStreaming);

    const words = linesDf.where("n > 0").select(F.explode(F.split(F.col("line"), " ")).alias("word"));
    const wordsQuery = words.writeStream.format("memory").queryName("words").outputMode("append").start();

    lines.addData([{ line: "the quick brown fox", n: 1 }, { line: "ignored line", n: 0 }]);
    await wordsQuery.processAllAvailable();        // wait until this trigger's batch is done
    lines.addData([{ line: "jumps over the lazy dog", n: 2 }]);
    await wordsQuery.processAllAvailable();

    const seen = (await spark.sql("SELECT word FROM words").collect()).map((r) => r.word);
    console.log(seen.join(" "));
    console.log("matches plain JavaScript:", seen.join(" ") === "the quick brown fox jumps over the lazy dog");
    wordsQuery            // a query shows as a live panel: batches, rates, result table
  `),
  md`
    Each trigger appended a batch; \`recentProgress\` has one record per batch with Spark's field names
    (\`numInputRows\`, \`durationMs\`, \`sources\`, \`sink\`, ...). Trying to \`count()\` a streaming
    DataFrame is refused, as in Spark: a stream has no end to count to.
  `,
  embeddedOnly(code`
    await wordsQuery.stop();
    display(wordsQuery.lastProgress);
    try { await linesDf.count(); } catch (e) { console.log((e as Error).message); }
  `),
  md`
    ### A source every Spark has: \`rate\`

    \`MemoryStream\` lives in this notebook's driver. The **rate** source generates rows
    (\`timestamp\`, \`value\`) by itself at a set speed, so it runs anywhere, also on a Spark cluster
    through Spark Connect (\`workbench start --remote sc://...\`). Here it feeds a **complete**-mode
    count: every trigger rewrites the whole result table.
  `,
  code`
    const rate = spark.readStream.format("rate").option("rowsPerSecond", 50).load();
    const kinds = rate.select(F.when(F.col("value").mod(2).equalTo(0), "even").otherwise("odd").alias("kind")).groupBy("kind").count();
    const rateQuery = kinds.writeStream.outputMode("complete").format("memory").queryName("rate_kinds").start();
    await new Promise((r) => setTimeout(r, 2500));   // let the source produce for a while
    await rateQuery.processAllAvailable();
    await rateQuery.stop();
    const kindRows = await spark.sql("SELECT kind, count FROM rate_kinds ORDER BY kind").collect();
    console.log(kindRows.map((r) => \`\${r.kind}: \${r.count}\`).join(", "));
    const [even, odd] = kindRows.map((r) => Number(r.count));
    console.log("values 0, 1, 2, ... alternate, so the counts differ by at most one:", Math.abs(even! - odd!) <= 1);
  `,
  md`
    ## Event-time windows

    Events carry the time they happened (**event time**), which is not the time they arrive.
    \`F.window(col, "10 minutes")\` groups by **tumbling** (disjoint) windows;
    \`F.window(col, "10 minutes", "5 minutes")\` by **sliding** windows, which overlap, so **an event
    lands in every window that covers it** (here: two windows per event).
  `,
  code`
    const events = spark.createDataFrame([{ word: "dog", ts: at("12:07") }, { word: "owl", ts: at("12:08") }], "word STRING, ts TIMESTAMP");
    const show = async (df: any) => (await df.collect()).map((r: any) => \`[\${hm(r.window.start)}, \${hm(r.window.end)}) \${r.word}\`).sort();
    console.log("tumbling:", await show(events.select(F.window("ts", "10 minutes"), "word")));
    console.log("sliding: ", await show(events.select(F.window("ts", "10 minutes", "5 minutes"), "word")));
  `,
  md`
    ## The guide's word count with windows, trigger by trigger

    The Structured Streaming Programming Guide counts words in 10-minute windows sliding every 5
    minutes, with a **watermark** of 10 minutes. Events arrive in four triggers; two are out of
    order: \`(12:09, cat)\` arrives in the second trigger (late, but still counted) and
    \`(12:04, donkey)\` in the last one (too late: dropped).

    The **watermark** of a batch is the largest event time seen in *earlier* batches minus the delay.
    A (window, word) group whose window ended at or before the watermark is dropped, and its state
    is evicted, so state does not grow forever. In **update** mode every batch writes the groups it
    changed.
  `,
  embeddedOnly(code`
    const FEED: Array<Array<[string, string]>> = [
      [["dog", "12:07"], ["owl", "12:08"]],
      [["dog", "12:14"], ["cat", "12:09"]],
      [["cat", "12:15"], ["dog", "12:08"], ["owl", "12:13"], ["owl", "12:21"]],
      [["owl", "12:17"], ["donkey", "12:04"]],
    ];

    /** Feed the guide's events in four triggers; return what each batch wrote (via foreachBatch). */
    async function runGuide(mode: string): Promise<{ out: string[][]; query: any }> {
      const input = new MemoryStream(spark, "word STRING, ts TIMESTAMP");
      const counts = input.toDF().withWatermark("ts", "10 minutes")
        .groupBy(F.window("ts", "10 minutes", "5 minutes"), "word").count();
      const out: string[][] = [];
      const query = counts.writeStream.outputMode(mode).foreachBatch(async (batch: any, batchId: number) => {
        out[batchId] = (await batch.collect()).map((r: any) => \`\${hm(r.window.start)}-\${hm(r.window.end)} \${r.word}: \${r.count}\`).sort();
      }).start();
      for (const trigger of FEED) {
        input.addData(trigger.map(([word, t]) => ({ word, ts: at(t) })));
        await query.processAllAvailable();
      }
      await query.stop();
      return { out, query };
    }

    const update = await runGuide("update");
    update.out.forEach((rows, i) => console.log(\`batch \${i} (watermark \${hm(new Date(update.query.recentProgress[i].eventTime.watermark))}): \${rows.join(", ") || "-"}\`));
  `),
  md`
    Batches 1, 3 and 5 carry no data: Spark runs such a batch when the watermark has moved, so that
    state can be evicted (and, in append mode, finished windows written). In the last trigger the
    watermark is 12:21 − 10 min = **12:11**: donkey's windows (11:55–12:05 and 12:00–12:10) ended
    before it, so donkey is dropped and counted in \`numRowsDroppedByWatermark\`.
  `,
  embeddedOnly(code`
    const lastUpdate = update.query.lastProgress;
    console.log("watermark:", lastUpdate.eventTime.watermark, "dropped (window, word) groups:", lastUpdate.stateOperators[0].numRowsDroppedByWatermark);
    const catCounted = update.out[2].includes("12:00-12:10 cat: 1");
    const donkeyDropped = !update.out.flat().some((r) => r.includes("donkey"));
    console.log("matches the guide: (12:09, cat) counted:", catCounted, "/ (12:04, donkey) dropped:", donkeyDropped);
    display(update.query.lastProgress);
  `),
  md`
    ## Output modes side by side

    * **complete**: the whole result table after every batch (watermarks drop nothing; state is kept).
    * **update**: only the rows that changed in this batch.
    * **append**: only rows that will never change again — for a windowed count, a window is written
      **once**, when the watermark passes its end. Append needs a watermark on the window.
  `,
  embeddedOnly(code`
    const complete = await runGuide("complete");
    const append = await runGuide("append");
    for (let b = 0; b < update.out.length; b++) {
      console.log(\`--- batch \${b}\`);
      console.log("  complete:", (complete.out[b] ?? ["(no batch)"]).length, "rows");
      console.log("  update:  ", (update.out[b] ?? []).join(", ") || "-");
      console.log("  append:  ", (append.out[b] ?? []).join(", ") || "-");
    }
  `),
  md`
    The state held by the aggregation grows with new windows and shrinks when the watermark evicts
    old ones: the panel below charts input rate, batch duration, watermark and state rows per batch.
  `,
  embeddedOnly(code`
    console.log("state rows per batch:", update.query.recentProgress.map((p: any) => p.stateOperators[0].numRowsTotal).join(" "));
    update.query
  `),
  md`
    ## Exactly-once recovery from a checkpoint

    Before a batch runs, its offset range is written to \`offsets/N\` in the checkpoint directory;
    after the sink has committed, \`commits/N\`. Restart a query on the same checkpoint and it
    resumes after the last committed batch (re-running an uncommitted one with the same offsets), with
    its state reloaded from the state store files. Stop a running query, start it again, and the
    counts go on from where they were.
  `,
  embeddedOnly(code`
    const { mkdtempSync, readdirSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const checkpoint = mkdtempSync(join(tmpdir(), "l08-checkpoint-"));
    const clicks = new MemoryStream(spark, "page STRING, ts TIMESTAMP");
    const startClicks = () => clicks.toDF().groupBy("page").count()
      .writeStream.outputMode("complete").format("memory").queryName("clicks")
      .option("checkpointLocation", checkpoint).start();

    let clickQuery = startClicks();
    clicks.addData([{ page: "home", ts: at("12:00") }, { page: "cart", ts: at("12:01") }, { page: "home", ts: at("12:02") }]);
    await clickQuery.processAllAvailable();
    await clickQuery.stop();
    console.log("checkpoint:", readdirSync(checkpoint).sort().join(", "), "| offsets:", readdirSync(join(checkpoint, "offsets")).join(","), "| commits:", readdirSync(join(checkpoint, "commits")).join(","));

    clickQuery = startClicks();                 // same checkpoint: resumes after batch 0
    clicks.addData([{ page: "home", ts: at("12:03") }]);
    await clickQuery.processAllAvailable();
    await clickQuery.stop();
    const afterRestart = Object.fromEntries((await spark.table("clicks").collect()).map((r) => [r.page, r.count]));
    console.log("after restart:", afterRestart, "| batch id:", clickQuery.lastProgress!.batchId);
    console.log("state survived the restart:", afterRestart.home === 3 && afterRestart.cart === 1);
    clickQuery                                  // its panel says what the restart restored from the checkpoint
  `),
  md`
    ## Where the state lives: state partitions on the workers

    The state store is split into \`spark.sql.shuffle.partitions\` **state partitions** (fixed when
    the checkpoint is created). Every batch shuffles its rows by key into those partitions and runs
    **one state task per partition on the workers** (Spark's StateStoreRDD): the task loads version
    N of its partition, merges the batch, emits, evicts, and writes version N+1 as a **delta file**
    (every 10 versions also a full **snapshot**). The driver holds no state: a lost worker's
    partitions are simply reloaded from these files by the next task.
  `,
  embeddedOnly(code`
    const stateDir = join(checkpoint, "state", "0");
    for (const part of readdirSync(stateDir).sort()) console.log(\`partition \${part}:\`, readdirSync(join(stateDir, part)).sort().join(", "));
    const stateStages: string[] = [];
    const stopListening = spark.sparkContext.addSparkListener({ onStageSubmitted: (e: any) => { if (/StateStoreRDD/.test(e.stage.name)) stateStages.push(\`\${e.stage.name}: \${e.stage.numTasks} tasks\`); } });
    clickQuery = startClicks();
    clicks.addData([{ page: "cart", ts: at("12:04") }]);
    await clickQuery.processAllAvailable();
    await clickQuery.stop();
    stopListening();
    console.log(stateStages.join("\n"));
  `),
  md`
    ## Session windows

    A **session window** has no fixed length: it groups a key's events that are less than a
    **gap** apart (\`F.session_window("ts", "5 minutes")\`). Each event opens the session
    [ts, ts + gap); sessions that overlap or touch merge, so a late-arriving event can **bridge**
    two sessions into one. On a stream the state of a key is its open sessions; in append mode a
    session is written once the watermark passes its end. (Spark refuses update mode for session
    windows.)
  `,
  embeddedOnly(code`
    const visits = new MemoryStream(spark, "user STRING, ts TIMESTAMP");
    const sessionsQuery = visits.toDF().withWatermark("ts", "5 minutes")
      .groupBy(F.session_window("ts", "5 minutes"), "user").count()
      .writeStream.outputMode("append").format("memory").queryName("sessions").start();
    const sessionTriggers: Array<Array<[string, string]>> = [
      [["ann", "12:00"], ["ann", "12:03"], ["bob", "12:01"]],
      [["ann", "12:12"], ["ann", "12:08"]],   // 12:08 bridges 12:03-12:08 and 12:12: one session
      [["bob", "12:30"], ["ann", "12:40"]],   // moves the watermark past the first sessions
    ];
    for (const t of sessionTriggers) {
      visits.addData(t.map(([user, time]) => ({ user, ts: at(time) })));
      await sessionsQuery.processAllAvailable();
    }
    await sessionsQuery.stop();
    const sessionRows = (await spark.table("sessions").collect()).map((r: any) => \`\${r.user} \${hm(r.session_window.start)}-\${hm(r.session_window.end)} \${r.count} events\`).sort();
    console.log(sessionRows.join("\n"));
  `),
  md`
    ### Your turn 1

    An event at 12:07 is counted with \`F.window("ts", "10 minutes", "5 minutes")\`. In how many windows
    does it land? (Run a one-row DataFrame through \`F.window\` to see them.)
  `,
  code`
    // TODO: replace undefined by the number of windows.
    const windowsPerEvent: number | undefined = undefined;
    check("windows per event", windowsPerEvent, 2);
  `,
  md`
    ### Your turn 2

    With \`withWatermark("ts", "10 minutes")\`, the batches so far have seen events up to 12:21. What
    is the watermark of the next batch, as "HH:MM"? Would an event at 12:12 for the window
    12:05–12:15 still be counted?
  `,
  code`
    // TODO: the watermark as "HH:MM", and whether the 12:05-12:15 window still accepts events.
    const nextWatermark: string | undefined = undefined;
    const window1205StillOpen: boolean | undefined = undefined;
    check("watermark and late window", nextWatermark === undefined ? undefined : [nextWatermark, window1205StillOpen], ["12:11", true]);
  `,
  md`
    ### Your turn 3

    Write a streaming query over \`sensor\` that counts readings per \`id\` in **tumbling 5-minute
    windows**, in **complete** mode, to a memory sink named \`"sensor_counts"\`. Feed the two triggers
    and check the final table against a plain JavaScript count.
  `,
  embeddedOnly(code`
    const sensor = new MemoryStream(spark, "id STRING, ts TIMESTAMP");
    const readings: Array<[string, string]> = [["a", "12:01"], ["b", "12:02"], ["a", "12:04"], ["a", "12:06"], ["b", "12:09"], ["b", "12:11"]];

    // TODO: build the query: sensor.toDF().groupBy(F.window(...), "id").count() ... .start()
    const sensorQuery: any = undefined;

    if (sensorQuery) {
      sensor.addData(readings.slice(0, 3).map(([id, t]) => ({ id, ts: at(t) })));
      await sensorQuery.processAllAvailable();
      sensor.addData(readings.slice(3).map(([id, t]) => ({ id, ts: at(t) })));
      await sensorQuery.processAllAvailable();
      await sensorQuery.stop();
    }
    // The reference, in plain JavaScript: 5-minute buckets per id.
    const expected: Record<string, number> = {};
    for (const [id, t] of readings) {
      const d = at(t).getTime();
      const key = \`\${hm(new Date(d - (d % 300000)))} \${id}\`;
      expected[key] = (expected[key] ?? 0) + 1;
    }
    const got = sensorQuery ? Object.fromEntries((await spark.table("sensor_counts").collect()).map((r: any) => [\`\${hm(r.window.start)} \${r.id}\`, r.count])) : undefined;
    const sortKeys = (o: Record<string, unknown> | undefined) => o && Object.fromEntries(Object.entries(o).sort());
    check("tumbling-window counts", sortKeys(got), sortKeys(expected));
  `),
  ...L08_DATAFLOW_CELLS.map((c) => (c.kind === "code" ? embeddedOnly(c) : c)),  // the dataflow engine runs on the embedded workers
  md`
    ## Summary

    * A stream is an **unbounded table**; a streaming query is a DataFrame query run **incrementally**,
      one **micro-batch** (a real job) per trigger.
    * **Event-time windows**: tumbling windows are disjoint; sliding windows overlap and an event
      lands in each window covering it.
    * **Watermark** = max event time seen − delay: older windows are dropped from the input and
      evicted from state; append mode writes a window once the watermark passes its end.
    * **Output modes**: complete (whole table), update (changed rows), append (final rows only).
    * **Exactly once**: offsets logged before a batch, commits after the sink; a restart resumes from
      the checkpoint and replays an uncommitted batch with the same offsets.
    * **State** lives in state partitions on the workers, one state task per partition per batch,
      versioned as delta and snapshot files in the checkpoint.
    * **Session windows** merge a key's events less than a gap apart; late events can bridge sessions.
    * **Continuous dataflow** (Flink): operators run as long-running tasks in task slots; records flow
      one at a time through buffered channels (buffer timeout: latency against throughput; credits:
      backpressure); chained operators share a task.
    * **Watermarks are records**; an operator's watermark is the minimum over its inputs; triggers
      give early firings, allowed lateness late firings, and later records go to a side output.
    * **Checkpoints**: stop the world (pause, drain, snapshot) or barriers (Chandy-Lamport: align,
      snapshot asynchronously, forward); recovery restores the last checkpoint and rewinds the
      sources, so state and output are exactly once; savepoints are checkpoints taken on purpose.

    <details><summary>Solutions to "Your turn"</summary>

    1. Two windows: [12:00, 12:10) and [12:05, 12:15).
    2. The watermark is 12:21 − 10 min = 12:11; the window 12:05–12:15 ends after 12:11, so an event
       at 12:12 is still counted.
    3. \`sensor.toDF().groupBy(F.window("ts", "5 minutes"), "id").count().writeStream.outputMode("complete").format("memory").queryName("sensor_counts").start()\`
    4. Two: the source, \`map\` and \`filter\` are chained into one task; \`keyBy\` starts a second task
       (the reduce, with the print sink chained to it).
    5. 400 belongs to [0, 1000), which fired at watermark 999 but is kept until 999 + 500 = 1499 > 1300:
       a late firing. 1200 belongs to [1000, 2000), which has not fired yet: on time.
    6. \`{ count: null, open(ctx) { this.count = ctx.getState(new ValueStateDescriptor("count", 0)); }, processElement(c, ctx) { this.count.update(this.count.value() + 1); ctx.timerService().registerEventTimeTimer(Number.MAX_SAFE_INTEGER - 1); }, onTimer(t, ctx, out) { out.collect([ctx.getCurrentKey(), this.count.value()]); } }\`

    </details>
  `,
]);

/** Model answers for the "Your turn" cells (text edits of the committed cells), applied by the e2e test. */
export const L08_SOLUTIONS: Array<{ find: string; replace: string }> = [
  ...L08_DATAFLOW_SOLUTIONS,
  { find: "const windowsPerEvent: number | undefined = undefined;", replace: "const windowsPerEvent: number | undefined = 2;" },
  {
    find: "const nextWatermark: string | undefined = undefined;\nconst window1205StillOpen: boolean | undefined = undefined;",
    replace: 'const nextWatermark: string | undefined = "12:11";\nconst window1205StillOpen: boolean | undefined = true;',
  },
  {
    find: "const sensorQuery: any = undefined;",
    replace: 'const sensorQuery: any = sensor.toDF().groupBy(F.window("ts", "5 minutes"), "id").count().writeStream.outputMode("complete").format("memory").queryName("sensor_counts").start();',
  },
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await emit(fileURLToPath(new URL("../L08-streaming.ipynb", import.meta.url)), L08);
}
