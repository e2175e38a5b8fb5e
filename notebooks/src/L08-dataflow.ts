// Cells of notebooks/L08-streaming.ipynb, part 2 (lecture 8's Flink half): the dataflow model, the
// job graph, task slots and network buffers (latency vs throughput), event time and watermarks as
// records, early and late firings, keyed state, stop-the-world vs barrier checkpoints, recovery
// after a worker is killed, savepoints, and one event stream through both engines. L08.ts puts
// them after part 1; the model answers of their exercises are in L08_DATAFLOW_SOLUTIONS.

import { code, md, type CellSpec } from "./notebook-builder";

export const L08_DATAFLOW_CELLS: CellSpec[] = [
  md`
    # Part 2 — Continuous dataflow (Flink)

    Structured Streaming runs a stream as a sequence of small **batch jobs**: a record waits for the
    next trigger, so latency is about one batch. **Flink** runs a stream as a **dataflow**: the
    operators are deployed once as **long-running tasks**, and records flow through them one at a
    time over **buffered network channels**. Latency is what a record takes to cross the graph.

    The workbench has such an engine on the same worker processes: Flink's DataStream API, task
    slots, buffers with credit-based flow control, watermarks that travel as records, keyed state,
    and both checkpoint algorithms of the lecture.

    | Flink (Java) | here |
    |---|---|
    | \`StreamExecutionEnvironment.getExecutionEnvironment()\` | \`StreamExecutionEnvironment.getExecutionEnvironment(spark)\` |
    | \`stream.keyBy(e -> e.user).window(TumblingEventTimeWindows.of(Time.seconds(1)))\` | \`stream.keyBy((e) => e.user).window(TumblingEventTimeWindows.of(1000))\` (milliseconds) |
    | \`env.execute("job")\` returns a JobExecutionResult | \`await env.execute("job")\` returns the JobClient (\`await job.getJobExecutionResult()\` waits) |
  `,
  code`
    import {
      StreamExecutionEnvironment, DataGeneratorSource, ControlledSource, CollectSink, OutputTag, WatermarkStrategy,
      TumblingEventTimeWindows, ContinuousEventTimeTrigger, ValueStateDescriptor,
    } from "bigdata-workbench";
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  `,
  md`
    ## The job graph, chaining and task slots

    Each call (\`flatMap\`, \`keyBy\`, \`sum\`, ...) adds an operator. \`execute\` compiles them into a
    **job graph**: operators joined by a *forward* edge with the same parallelism are **chained**
    into one task (no buffer between them); \`keyBy\` needs a **network exchange** (each record goes
    to the subtask that owns its key: key → one of 128 key groups → a subtask). Each task runs as
    \`parallelism\` subtasks; with **slot sharing**, slot *i* runs subtask *i* of every task, and the
    slots are the executor cores of the workers. The job shows live while it runs.
  `,
  code`
    const env = StreamExecutionEnvironment.getExecutionEnvironment(spark).setParallelism(2).setBufferTimeout(5);
    const lines = ["to be or not to be", "that is the question", "to see or not to see"];
    const counts = new CollectSink<[string, number]>();
    env.fromCollection(lines)
      .flatMap((line: string) => line.split(" ").map((w) => [w, 1] as [string, number]))
      .keyBy((p: [string, number]) => p[0])
      .sum(1)
      .sinkTo(counts);
    const wordJob = await env.execute("word count");
    for (const v of wordJob.graph.vertices) console.log(\`task \${v.id}: "\${v.name}" x\${v.parallelism}\`);
    console.log("task slots (executor cores):", spark.cluster.workers().map((w) => \`\${w.id}: \${w.slots}\`).join(", "));
    wordJob
  `,
  md`
    \`sum\` is a **rolling** aggregate: every record produces the key's new total. The last total of
    each word is the word count; the result equals plain JavaScript's.
  `,
  code`
    await wordJob.getJobExecutionResult();
    const finalCount = new Map<string, number>();
    for (const [w, c] of counts.values) finalCount.set(w, Math.max(finalCount.get(w) ?? 0, c));
    const jsCount = new Map<string, number>();
    for (const w of lines.join(" ").split(" ")) jsCount.set(w, (jsCount.get(w) ?? 0) + 1);
    console.log("rolling updates:", counts.values.length, "| final counts equal plain JS:", JSON.stringify([...finalCount].sort()) === JSON.stringify([...jsCount].sort()));
    console.log("buffers received straight from the other worker (not through the driver):", wordJob.networkStats().map((n) => \`slot \${n.slot}: \${n.buffersIn}\`).join(", "));
  `,
  md`
    ## Network buffers: latency against throughput

    A subtask does not send each record alone: it fills a **network buffer** and sends it when the
    buffer is full or when the **buffer timeout** expires. A short timeout gives low latency; a long
    one fills buffers and gives throughput. A consumer grants **credits** (free buffers): a producer
    without credit stops, so a slow operator **backpressures** its producers instead of letting
    buffers grow without bound.

    **Latency markers** are special records the sources emit every few milliseconds; the sink
    measures how long they took to cross the graph.
  `,
  code`
    async function runWithTimeout(bufferTimeout: number) {
      const e = StreamExecutionEnvironment.getExecutionEnvironment(spark).setBufferTimeout(bufferTimeout);
      e.getConfig().setLatencyTrackingInterval(5);
      e.fromSource(new DataGeneratorSource((i: number) => [i % 10, i], 40_000, 20_000), undefined, "events")
        .keyBy((x: number[]) => x[0]).sum(1).sinkTo(new CollectSink());
      const job = await e.execute(\`buffer timeout \${bufferTimeout} ms\`);
      await job.getJobExecutionResult();
      return job.latency();
    }
    const latencyByTimeout: Record<string, { p50: number; p99: number; count: number }> = {};
    for (const t of [1, 50]) latencyByTimeout[\`\${t} ms\`] = await runWithTimeout(t);
    console.table(latencyByTimeout);
  `,
  md`
    ## Event time: watermarks are records too

    A **watermark** *t* says "no more records with a timestamp ≤ *t* will come". In Flink it is a
    special element in the stream, sent through the same channels as the records. A subtask's
    watermark is the **minimum over its input channels**, and a window fires when the watermark
    passes its end.

    A \`ControlledSource\` lets us be the clock: \`add(value, timestamp)\` appends a record and
    \`emitWatermark(t)\` sends a watermark. Watch the window task's watermark follow ours, and the
    window [0, 1000) fire only when the watermark passes 999.
  `,
  code`
    const clicks = new ControlledSource<[string, number]>();
    const wenv = StreamExecutionEnvironment.getExecutionEnvironment(spark).setBufferTimeout(1).enableCheckpointing(50);
    const perWindow = new CollectSink<string>();
    wenv.fromSource(clicks, undefined, "clicks")
      .keyBy((c: [string, number]) => c[0]).window(TumblingEventTimeWindows.of(1000))
      .process((user: string, ctx: any, els: unknown[], out: any) => out.collect(\`\${user} [\${ctx.window.start}, \${ctx.window.end}): \${els.length} clicks\`))
      .sinkTo(perWindow);
    const wjob = await wenv.execute("watermarks");
    const windowWatermark = () => wjob.getMetrics().tasks[1].inputWatermark;
    for (const [user, t] of [["ann", 100], ["bob", 250], ["ann", 900]] as Array<[string, number]>) clicks.add([user, t], t);
    clicks.emitWatermark(500);
    await sleep(600);
    console.log("watermark 500 -> window task watermark:", windowWatermark(), "| fired:", perWindow.values);
    clicks.add(["ann", 1200], 1200);
    clicks.emitWatermark(1100);
    await sleep(600);
    console.log("watermark 1100 -> window task watermark:", windowWatermark(), "| fired:", perWindow.values);
    clicks.finish();   // the end of a stream is the watermark +infinity: every window fires
    await wjob.getJobExecutionResult();
    console.log("at the end:", perWindow.values);
  `,
  md`
    ## Early and late firings

    The lecture's Beam example fires a window **early** (partial results before the watermark) and
    **late** (again when late records arrive). In Flink a **trigger** decides: 
    \`ContinuousEventTimeTrigger.of(ms)\` fires every *ms* of event time and at the end;
    \`allowedLateness(ms)\` keeps a fired window so a late record **fires it again** with the
    updated result; records later than that go to a **side output** instead of being lost silently.
  `,
  code`
    const scores = new ControlledSource<[string, number, number]>();   // [team, points, time]
    const senv = StreamExecutionEnvironment.getExecutionEnvironment(spark).setBufferTimeout(1);
    const tooLate = new OutputTag<[string, number, number]>("too-late");
    const totals = senv.fromSource(scores, undefined, "scores")
      .keyBy((s: [string, number, number]) => s[0]).window(TumblingEventTimeWindows.of(2000))
      .trigger(ContinuousEventTimeTrigger.of(1000))
      .allowedLateness(1000).sideOutputLateData(tooLate)
      .process((team: string, ctx: any, els: Array<[string, number, number]>, out: any) =>
        out.collect(\`\${team} [\${ctx.window.start}, \${ctx.window.end}) = \${els.reduce((a, s) => a + s[1], 0)} at watermark \${ctx.currentWatermark()}\`));
    const firings = new CollectSink<string>();
    const dropped = new CollectSink<[string, number, number]>();
    totals.sinkTo(firings);
    totals.getSideOutput(tooLate).sinkTo(dropped);
    const sjob = await senv.execute("early and late firings");
    const feed: Array<[string, number, number] | number> = [
      ["red", 3, 200], ["red", 5, 800], 1000,   // watermark 1000: early firing (8)
      ["red", 1, 1500], 2500,                   // watermark 2500: the window ends: on-time firing (9)
      ["red", 4, 1900], 2800,                   // late but within the lateness: late firing (13)
      3100, ["red", 7, 100],                    // watermark past end + lateness: to the side output
    ];
    for (const f of feed) { if (typeof f === "number") scores.emitWatermark(f); else scores.add(f, f[2]); }
    scores.finish();
    await sjob.getJobExecutionResult();
    console.log(firings.values.join("\n"));
    console.log("side output (too late):", dropped.values);
  `,
  md`
    ## Keyed state

    An operator on a keyed stream has **keyed state**: \`ValueState\`, \`ListState\`, \`MapState\`,
    \`ReducingState\`, each scoped to the key of the record being processed, declared through a
    descriptor in \`open()\`. A \`KeyedProcessFunction\` can also set **timers**. The state lives
    in the subtask that owns the key, and it is what checkpoints save.

    Here: flag a user who clicks 3 times within one second (event time).
  `,
  code`
    const burstEnv = StreamExecutionEnvironment.getExecutionEnvironment(spark).setBufferTimeout(5);
    const clickTimes: Array<[string, number]> = [["ann", 0], ["ann", 300], ["bob", 400], ["ann", 700], ["bob", 2000], ["bob", 2600], ["bob", 2900], ["ann", 5000]];
    const alerts = await burstEnv.fromCollection(clickTimes)
      .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps().withTimestampAssigner((c: [string, number]) => c[1]))
      .keyBy((c: [string, number]) => c[0])
      .process<string>({
        recent: null as any,
        open(ctx: any) { this.recent = ctx.getListState("recent clicks"); },
        processElement(c: [string, number], ctx: any, out: any) {
          const within = [...this.recent.get().filter((t: number) => c[1] - t < 1000), c[1]];
          this.recent.update(within);
          if (within.length >= 3) out.collect(\`\${ctx.getCurrentKey()}: 3 clicks within 1 s at \${c[1]}\`);
        },
      } as any)
      .executeAndCollect("bursts");
    console.log(alerts);
  `,
  md`
    ## Consistent checkpoints: stop the world, or barriers

    Both algorithms of the lecture, on the same job:

    * **Stop the world**: pause the sources, wait until every in-flight record is processed, copy all
      state, resume. Simple, but the whole pipeline stands still during each checkpoint.
    * **Barriers (Chandy-Lamport)**: the coordinator asks the sources to inject **barrier n** into
      their output. A task with several inputs **aligns** them: it buffers the records of an input
      whose barrier has arrived until all barriers are in, then snapshots its state
      (asynchronously), forwards the barrier and acknowledges. The pipeline keeps flowing.
  `,
  code`
    async function checkpointed(kind: "barrier" | "stop-the-world") {
      const e = StreamExecutionEnvironment.getExecutionEnvironment(spark).setBufferTimeout(1).enableCheckpointing(100);
      e.getCheckpointConfig().setSnapshotKind(kind);
      e.getConfig().setLatencyTrackingInterval(5);
      e.fromSource(new DataGeneratorSource((i: number) => [i % 50, 1], 30_000, 15_000), undefined, "events")
        .keyBy((x: number[]) => x[0]).sum(1).sinkTo(new CollectSink());
      const job = await e.execute(\`\${kind} checkpoints\`);
      const res = await job.getJobExecutionResult();
      const done = res.checkpoints.filter((c) => c.status === "COMPLETED");
      const avg = (f: (c: (typeof done)[number]) => number) => Math.round(done.reduce((a, c) => a + f(c), 0) / Math.max(1, done.length));
      return { checkpoints: done.length, "avg duration ms": avg((c) => c.durationMs), "avg pause ms": avg((c) => c.pauseMs), "avg alignment ms": avg((c) => c.alignmentMs), "latency p99 ms": job.latency().p99 };
    }
    console.table({ "stop-the-world": await checkpointed("stop-the-world"), barrier: await checkpointed("barrier") });
  `,
  md`
    ## Recovery after a worker dies

    Kill a worker while the job runs. The coordinator notices the lost task slot, cancels every
    task and **restarts the job from the last completed checkpoint**: each subtask gets its state
    back, the sources **rewind** to the offsets in the checkpoint, and the sink's output since that
    checkpoint (never committed) is produced again. Every count is exact: **exactly once**.
  `,
  code`
    const renv = StreamExecutionEnvironment.getExecutionEnvironment(spark).setBufferTimeout(2).enableCheckpointing(100);
    const N = 6000;
    const totalsSink = new CollectSink<[number, number]>();
    renv.fromSource(new DataGeneratorSource((i: number) => [i % 7, i], N, 3000), undefined, "payments")
      .keyBy((p: number[]) => p[0]).sum(1).sinkTo(totalsSink);
    const rjob = await renv.execute("recovery");
    while (rjob.latestCompletedCheckpoint() === null) await sleep(20);
    await spark.cluster.kill(spark.cluster.workers()[0].id);
    await rjob.getJobExecutionResult();
    console.log("failovers:", rjob.failovers.map((f) => \`\${f.reason}; restored from checkpoint \${f.restoredFrom}\`));
    const lastTotal = new Map<number, number>();
    for (const [k, s] of totalsSink.values) lastTotal.set(k, Math.max(lastTotal.get(k) ?? 0, s));
    const expectTotal = new Map<number, number>();
    for (let i = 0; i < N; i++) expectTotal.set(i % 7, (expectTotal.get(i % 7) ?? 0) + i);
    console.log("one output per input record:", totalsSink.values.length === N, "| totals exact:", JSON.stringify([...lastTotal].sort()) === JSON.stringify([...expectTotal].sort()));
    rjob
  `,
  md`
    ## Savepoints

    A **savepoint** is a checkpoint you take on purpose: \`stopWithSavepoint()\` stops a job after a
    consistent snapshot, and a new job started with \`execution.savepoint.path\` resumes from it
    (after an upgrade, or with more subtasks: keyed state is split again by key group).
  `,
  code`
    const first = StreamExecutionEnvironment.getExecutionEnvironment(spark).setBufferTimeout(2);
    const build = (e: StreamExecutionEnvironment, sink: CollectSink<[number, number]>) =>
      e.fromSource(new DataGeneratorSource((i: number) => [i % 3, 1], 3000, 3000), undefined, "ticks").keyBy((x: number[]) => x[0]).sum(1).sinkTo(sink);
    const before = new CollectSink<[number, number]>();
    build(first, before);
    const firstJob = await first.execute("before the savepoint");
    await sleep(300);
    const savepoint = await firstJob.stopWithSavepoint();
    const second = StreamExecutionEnvironment.getExecutionEnvironment(spark, { "execution.savepoint.path": savepoint }).setBufferTimeout(2);
    const after = new CollectSink<[number, number]>();
    build(second, after);
    const secondJob = await second.execute("after the savepoint");
    await secondJob.getJobExecutionResult();
    const finalTicks = new Map<number, number>();
    for (const [k, n] of [...before.values, ...after.values]) finalTicks.set(k, Math.max(finalTicks.get(k) ?? 0, n));
    console.log("resumed from", savepoint.split("/").slice(-1)[0]);
    console.log(\`updates before: \${before.values.length}, after: \${after.values.length}, together: \${before.values.length + after.values.length} (3000 records)\`);
    console.log("final counts:", Object.fromEntries(finalTicks));
  `,
  md`
    ## One stream, two engines

    The same events (2,000 per second) through Structured Streaming's micro-batches and through the
    dataflow. In the micro-batch engine a record waits for its batch to be planned, run and
    written; in the dataflow it crosses the running tasks in a few milliseconds.
  `,
  code`
    const RATE = 2000, SECONDS = 3;
    // micro-batches: the rate source stamps each row with its generation time
    const mbLatency: number[] = [];
    const mbQuery = spark.readStream.format("rate").option("rowsPerSecond", RATE).load()
      .writeStream.foreachBatch(async (df: any) => {
        const rows = await df.select("timestamp").collect();
        const now = Date.now();
        for (const r of rows) mbLatency.push(now - r.timestamp.getTime());
      }).start();
    await sleep(SECONDS * 1000);
    await mbQuery.stop();
    // the dataflow: latency markers from the source to the sink
    const denv = StreamExecutionEnvironment.getExecutionEnvironment(spark).setBufferTimeout(1);
    denv.getConfig().setLatencyTrackingInterval(5);
    denv.fromSource(new DataGeneratorSource((i: number) => i, RATE * SECONDS, RATE), undefined, "events").keyBy((i: number) => i % 10).sum().sinkTo(new CollectSink());
    const djob = await denv.execute("same stream");
    await djob.getJobExecutionResult();
    const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
    const dl = djob.latency();
    console.table({
      "micro-batch (ms)": { p50: q(mbLatency, 0.5), p90: q(mbLatency, 0.9), p99: q(mbLatency, 0.99), samples: mbLatency.length },
      "dataflow (ms)": { p50: dl.p50, p90: "-", p99: dl.p99, samples: dl.count },
    });
    console.log("dataflow p99 below the micro-batch p50:", dl.p99 < q(mbLatency, 0.5));
  `,
  md`
    ### Your turn 4

    How many **tasks** (vertices of the job graph) does this program have with parallelism 2?
    \`env.fromSequence(1, 100).map((x) => x * 2).filter((x) => x > 10).keyBy((x) => x % 3).reduce((a, b) => a + b).print()\`
    Think about chaining first, then check with \`job.graph.vertices.length\`.
  `,
  code`
    // TODO: replace undefined by the number of tasks.
    const numberOfTasks: number | undefined = undefined;
    check("tasks after chaining", numberOfTasks, 2);
  `,
  md`
    ### Your turn 5

    A tumbling 1-second event-time window with \`allowedLateness(500)\`; the watermark is at 1300.
    What happens to a record with timestamp 400, and to one with timestamp 1200? Answer each with
    \`"late firing"\`, \`"side output"\` or \`"on time"\` (try it with a \`ControlledSource\`).
  `,
  code`
    // TODO: what happens to the records at 400 and at 1200.
    const at400: string | undefined = undefined;
    const at1200: string | undefined = undefined;
    check("late data", at400 === undefined ? undefined : [at400, at1200], ["late firing", "on time"]);
  `,
  md`
    ### Your turn 6

    Count the purchases per customer with **keyed state**: write a KeyedProcessFunction object whose
    \`open\` gets a \`ValueState\` (\`new ValueStateDescriptor("count", 0)\`), whose
    \`processElement\` adds one and registers an event-time timer at \`Number.MAX_SAFE_INTEGER - 1\`,
    and whose \`onTimer\` emits \`[customer, count]\` (the timer fires when the input ends).
  `,
  code`
    const purchases = ["ann", "bob", "ann", "cy", "ann", "bob"];

    // TODO: { count: null, open(ctx) {...}, processElement(customer, ctx, out) {...}, onTimer(t, ctx, out) {...} }
    const countFn: any = undefined;

    let perCustomer: Array<[string, number]> | undefined;
    if (countFn) {
      const penv = StreamExecutionEnvironment.getExecutionEnvironment(spark);
      perCustomer = await penv.fromCollection(purchases).keyBy((c: string) => c).process<[string, number]>(countFn).executeAndCollect("per customer");
    }
    const jsPerCustomer = new Map<string, number>();
    for (const c of purchases) jsPerCustomer.set(c, (jsPerCustomer.get(c) ?? 0) + 1);
    check("per-customer counts", perCustomer && [...perCustomer].sort(), [...jsPerCustomer].sort());
  `,
];

/** Model answers for part 2's "Your turn" cells (text edits of the committed cells), applied by the e2e test. */
export const L08_DATAFLOW_SOLUTIONS: Array<{ find: string; replace: string }> = [
  { find: "const numberOfTasks: number | undefined = undefined;", replace: "const numberOfTasks: number | undefined = 2;" },
  {
    find: "const at400: string | undefined = undefined;\nconst at1200: string | undefined = undefined;",
    replace: 'const at400: string | undefined = "late firing";\nconst at1200: string | undefined = "on time";',
  },
  {
    find: "const countFn: any = undefined;",
    replace: 'const countFn: any = { count: null, open(ctx: any) { this.count = ctx.getState(new ValueStateDescriptor("count", 0)); }, processElement(c: string, ctx: any) { this.count.update(this.count.value() + 1); ctx.timerService().registerEventTimeTimer(Number.MAX_SAFE_INTEGER - 1); }, onTimer(_t: number, ctx: any, out: any) { out.collect([ctx.getCurrentKey(), this.count.value()]); } };',
  },
];
