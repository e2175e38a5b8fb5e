// Connected streams, keyed min/max, processing-time windows, triggers (count, continuous event time),
// count windows and idle inputs, on real workers (local[2]); each result against a reference
// computed here in plain JS.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CollectSink, ControlledSource, ContinuousEventTimeTrigger, StateTtlConfig, CountTrigger, DataGeneratorSource, StreamExecutionEnvironment, TumblingEventTimeWindows,
  TumblingProcessingTimeWindows, ValueStateDescriptor, WatermarkStrategy, KeyedProcessFunction, RichMapFunction, type SparkSession,
  type Collector, type ProcessContext, type ValueState,
} from "../../engine/index";
import { sorted, startSession, waitFor } from "../engine/helpers";

let spark: SparkSession;
beforeAll(async () => { ({ spark } = await startSession("local[2]")); }, 60_000);
afterAll(async () => { await spark?.stop(); });

describe("connected streams", () => {
  it("CoMap sees which input each record came from", async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment(spark).setBufferTimeout(5);
    const nums = env.fromSequence(1, 300);
    const words = env.fromCollection(Array.from({ length: 200 }, (_, i) => `w${i}`));
    const out = await nums.connect(words).map({ map1: (n: number) => `n:${n}`, map2: (w: string) => `s:${w}` }).executeAndCollect("comap");
    const ref = [...Array.from({ length: 300 }, (_, i) => `n:${i + 1}`), ...Array.from({ length: 200 }, (_, i) => `s:w${i}`)];
    expect([...out].sort()).toEqual(ref.sort());
  }, 60_000);

  it("keyed connect + CoProcessFunction shares keyed state between both inputs (control stream pattern)", async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment(spark).setBufferTimeout(5);
    const blocked = ["b", "d"];
    const words = Array.from({ length: 1000 }, (_, i) => "abcde"[(i * 7) % 5]);
    // per key: [key, words seen, blocked?] when the input ends (an event-time timer at the end watermark)
    const out = await env.fromCollection(blocked).connect(env.fromCollection(words))
      .keyBy((k: string) => k, (w: string) => w)
      .process<[string, number, boolean]>({
        isBlocked: null as any, seen: null as any,
        open(ctx: any) { this.isBlocked = ctx.getState(new ValueStateDescriptor("blocked", false)); this.seen = ctx.getState(new ValueStateDescriptor("seen", 0)); },
        processElement1(_k: string, ctx: any) { this.isBlocked.update(true); ctx.timerService().registerEventTimeTimer(1e15); },
        processElement2(_w: string, ctx: any) { this.seen.update(this.seen.value() + 1); ctx.timerService().registerEventTimeTimer(1e15); },
        onTimer(_t: number, ctx: any, o: any) { o.collect([ctx.getCurrentKey(), this.seen.value(), this.isBlocked.value()]); },
      } as any)
      .executeAndCollect("control");
    const ref = [..."abcde"].map((k) => [k, words.filter((w) => w === k).length, blocked.includes(k)]);
    expect(sorted(out)).toEqual(sorted(ref));
  }, 60_000);
});

describe("keyed aggregations", () => {
  it("min / max / minBy / maxBy keep Flink's field semantics", async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment(spark).setParallelism(1);
    const data = [{ k: "a", v: 5, tag: "x" }, { k: "a", v: 2, tag: "y" }, { k: "a", v: 9, tag: "z" }, { k: "b", v: 1, tag: "p" }, { k: "b", v: 1, tag: "q" }];
    const keyed = () => env.fromCollection(data).keyBy("k");
    const sinks = { min: new CollectSink<any>(), max: new CollectSink<any>(), minBy: new CollectSink<any>(), maxBy: new CollectSink<any>() };
    keyed().min("v").sinkTo(sinks.min);
    keyed().max("v").sinkTo(sinks.max);
    keyed().minBy("v").sinkTo(sinks.minBy);
    keyed().maxBy("v").sinkTo(sinks.maxBy);
    await (await env.execute("min max")).getJobExecutionResult();
    const last = (s: CollectSink<any>, k: string) => s.values.filter((x) => x.k === k).at(-1);
    // min/max: the field's extreme, the other fields from the key's first record
    expect(last(sinks.min, "a")).toEqual({ k: "a", v: 2, tag: "x" });
    expect(last(sinks.max, "a")).toEqual({ k: "a", v: 9, tag: "x" });
    // minBy/maxBy: the whole record; on ties the first one
    expect(last(sinks.minBy, "a")).toEqual({ k: "a", v: 2, tag: "y" });
    expect(last(sinks.maxBy, "a")).toEqual({ k: "a", v: 9, tag: "z" });
    expect(last(sinks.minBy, "b")).toEqual({ k: "b", v: 1, tag: "p" });
    expect(sinks.min.values.length).toBe(data.length);
  }, 60_000);
});

describe("windows by the wall clock and custom triggers", () => {
  it("processing-time tumbling windows count every record exactly once, in wall-clock windows", async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment(spark).setBufferTimeout(5);
    const N = 1500;
    const out = await env.fromSource(new DataGeneratorSource((i: number) => `k${i % 3}`, N, 3000), undefined, "clicks")
      .keyBy((k: string) => k).window(TumblingProcessingTimeWindows.of(200))
      .process((k: any, ctx: any, els: string[], o: any) => o.collect([k, ctx.window.start, ctx.window.end, els.length]))
      .executeAndCollect("processing time");
    const perKey = new Map<string, number>();
    for (const [k, s, e, n] of out as Array<[string, number, number, number]>) {
      expect(e - s).toBe(200);
      expect(s % 200).toBe(0);
      perKey.set(k, (perKey.get(k) ?? 0) + n);
    }
    expect(Object.fromEntries(perKey)).toEqual({ k0: N / 3, k1: N / 3, k2: N / 3 });
    // half a second of input at 3000/s spreads over several 200 ms windows per key
    expect(new Set((out as Array<[string, number]>).map((r) => r[1])).size).toBeGreaterThan(1);
  }, 60_000);

  it("countWindow fires every n records of a key and drops the incomplete last one; CountTrigger fires without purging", async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment(spark).setParallelism(1);
    const data = Array.from({ length: 20 }, (_, i) => ({ k: i % 2 ? "odd" : "even", v: i }));
    const tumbling = new CollectSink<number>();
    const cumulative = new CollectSink<number>();
    env.fromCollection(data).keyBy("k").countWindow(3).reduce((a: any, b: any) => ({ k: a.k, v: a.v + b.v })).map((x: any) => x.v).sinkTo(tumbling);
    env.fromCollection(data).assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps().withTimestampAssigner((e: any) => e.v))
      .keyBy("k").window(TumblingEventTimeWindows.of(1000)).trigger(CountTrigger.of(4))
      .reduce((a: any, b: any) => ({ k: a.k, v: a.v + b.v })).map((x: any) => x.v).sinkTo(cumulative);
    await (await env.execute("count windows")).getJobExecutionResult();
    // even: 0 2 4 | 6 8 10 | 12 14 16 | (18 dropped); odd: 1 3 5 | 7 9 11 | 13 15 17 | (19 dropped)
    expect([...tumbling.values].sort((a, b) => a - b)).toEqual([6, 9, 24, 27, 42, 45]);
    // CountTrigger alone: every 4th record of a key fires the window's running sum; never at the watermark
    expect([...cumulative.values].sort((a, b) => a - b)).toEqual([12, 16, 56, 64]);
  }, 60_000);

  it("ContinuousEventTimeTrigger gives early firings and the final result at the window's end", async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment(spark).setBufferTimeout(5);
    const N = 1200;
    const out = await env.fromSource(new DataGeneratorSource((i: number) => [`k${i % 2}`, i * 5, 1], N, 4000),
      WatermarkStrategy.forMonotonousTimestamps().withTimestampAssigner((e: any) => e[1]), "events")
      .keyBy((e: any) => e[0]).window(TumblingEventTimeWindows.of(1000)).trigger(ContinuousEventTimeTrigger.of(250))
      .process((k: any, ctx: any, els: any[], o: any) => o.collect([k, ctx.window.start, els.length]))
      .executeAndCollect("early firings");
    const byWindow = new Map<string, number[]>();
    for (const [k, s, n] of out as Array<[string, number, number]>) byWindow.set(`${k}@${s}`, [...(byWindow.get(`${k}@${s}`) ?? []), n]);
    // final firing of each window = the batch count; firings only grow
    const ref = new Map<string, number>();
    for (let i = 0; i < N; i++) { const id = `k${i % 2}@${Math.floor((i * 5) / 1000) * 1000}`; ref.set(id, (ref.get(id) ?? 0) + 1); }
    expect(new Map([...byWindow].map(([id, ns]) => [id, ns.at(-1)]))).toEqual(ref);
    for (const ns of byWindow.values()) expect([...ns].sort((a, b) => a - b)).toEqual(ns);
    expect([...byWindow.values()].some((ns) => ns.length > 1)).toBe(true);
  }, 60_000);
});

describe("watermark status", () => {
  it("an input with no records holds the watermark back unless withIdleness marks it idle", async () => {
    const run = async (idleMs: number) => {
      const env = StreamExecutionEnvironment.getExecutionEnvironment(spark).setParallelism(2).setBufferTimeout(5);
      let strategy = WatermarkStrategy.forMonotonousTimestamps().withTimestampAssigner((x: number) => x * 10);
      if (idleMs) strategy = strategy.withIdleness(idleMs);
      // subtask 1 of the source produces only odd numbers, all filtered out: its assigner never sees a record
      const sink = new CollectSink<number>();
      env.fromSource(new DataGeneratorSource((i: number) => i, 4000, 2000), undefined, "numbers").filter((x: number) => x % 2 === 0)
        .assignTimestampsAndWatermarks(strategy).keyBy((x: number) => x % 4).window(TumblingEventTimeWindows.of(1000))
        .reduce((a: number, b: number) => a + b).setParallelism(1).sinkTo(sink);
      const job = await env.execute(`idle ${idleMs}`);
      const windowTask = () => job.getMetrics().tasks.find((t) => String(t.name).startsWith("Window"))!;
      await waitFor(() => Number(windowTask().recordsIn) > 400, 30_000);
      await new Promise((r) => setTimeout(r, 300));
      const wm = Number(windowTask().inputWatermark);
      await job.getJobExecutionResult();
      return { wm, total: sink.values.reduce((a, b) => a + b, 0) };
    };
    const ref = Array.from({ length: 2000 }, (_, i) => i * 2).reduce((a, b) => a + b, 0);
    const held = await run(0);
    const idle = await run(100);
    expect(held.wm).toBe(Number.MIN_SAFE_INTEGER);
    expect(idle.wm).toBeGreaterThan(0);
    expect(held.total).toBe(ref);
    expect(idle.total).toBe(ref);
  }, 90_000);
});

describe("state time-to-live", () => {
  it("an entry not written for the TTL is gone (OnCreateAndWrite); reads refresh it with OnReadAndWrite", async () => {
    const run = async (update: "OnCreateAndWrite" | "OnReadAndWrite") => {
      const src = new ControlledSource<string>();
      const env = StreamExecutionEnvironment.getExecutionEnvironment(spark).setBufferTimeout(0);
      const sink = new CollectSink<string>();
      env.fromSource(src, undefined, "events").keyBy((k: string) => k.split(":")[0]).process<string>({
        count: null as any,
        open(ctx: any) { this.count = ctx.getState(new ValueStateDescriptor("count", 0).enableTimeToLive(StateTtlConfig.newBuilder(1000).setUpdateType(update).build())); },
        processElement(e: string, _ctx: any, out: any) {
          if (e.endsWith(":peek")) { out.collect(`peek ${this.count.value()}`); return; }
          this.count.update(this.count.value() + 1);
          out.collect(`${e} ${this.count.value()}`);
        },
      } as any).sinkTo(sink);
      const job = await env.execute(`ttl ${update}`);
      const at = async (ms: number, e: string) => { await new Promise((r) => setTimeout(r, ms)); src.add(e); };
      await at(0, "a:1");
      await at(600, "a:peek"); // a read 600 ms after the write
      await at(600, "a:2");    // 1200 ms after the write, 600 ms after the read
      src.finish();
      await job.getJobExecutionResult();
      return sink.values;
    };
    // written at 0: expired at 1000, so the write at 1200 starts from the default again
    expect(await run("OnCreateAndWrite")).toEqual(["a:1 1", "peek 1", "a:2 1"]);
    // the read at 600 refreshed it until 1600: the write at 1200 still sees it
    expect(await run("OnReadAndWrite")).toEqual(["a:1 1", "peek 1", "a:2 2"]);
  }, 60_000);
});

describe("function classes", () => {
  it("subclasses of KeyedProcessFunction and RichMapFunction ship to the workers with open() and getRuntimeContext()", async () => {
    class CountPerKey extends KeyedProcessFunction<string, string, [string, number, number]> {
      private count!: ValueState<number>;
      override open(): void { this.count = this.getRuntimeContext().getState(new ValueStateDescriptor("count", 0)); }
      processElement(word: string, ctx: ProcessContext<string>, _out: Collector<[string, number, number]>): void {
        this.count.update(this.count.value() + 1);
        ctx.timerService().registerEventTimeTimer(Number.MAX_SAFE_INTEGER - 1);
      }
      override onTimer(_t: number, ctx: ProcessContext<string>, out: Collector<[string, number, number]>): void {
        out.collect([ctx.getCurrentKey(), this.count.value(), this.getRuntimeContext().getNumberOfParallelSubtasks()]);
      }
    }
    class Tag extends RichMapFunction<string, string> {
      private sub = -1;
      override open(): void { this.sub = this.getRuntimeContext().getIndexOfThisSubtask(); }
      map(w: string): string { return this.sub >= 0 ? w : "not opened"; }
    }
    const env = StreamExecutionEnvironment.getExecutionEnvironment(spark);
    const words = Array.from({ length: 60 }, (_, i) => ["x", "y", "z"][i % 3]!);
    const out = await env.fromCollection(words).map(new Tag()).keyBy((w: string) => w).process(new CountPerKey()).executeAndCollect("classes");
    expect(sorted(out)).toEqual(sorted([["x", 20, 2], ["y", 20, 2], ["z", 20, 2]]));
  }, 60_000);
});
