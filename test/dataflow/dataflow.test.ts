// The dataflow engine on real workers (local[2]): results compared with plain JS computations.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CollectSink, DataGeneratorSource, OutputTag, SlidingEventTimeWindows, StreamExecutionEnvironment, TumblingEventTimeWindows,
  ValueStateDescriptor, ListStateDescriptor, MapStateDescriptor, WatermarkStrategy, type SparkSession,
} from "../../engine/index";
import { sorted, startSession } from "../engine/helpers";

let spark: SparkSession;
beforeAll(async () => { ({ spark } = await startSession("local[2]")); }, 60_000);
afterAll(async () => { await spark?.stop(); });

// out-of-order events: [key, ts, value]
const N = 3000;
const events: Array<[string, number, number]> = Array.from({ length: N }, (_, i) => {
  const jitter = ((i * 7919) % 13) * 37; // up to 444 ms out of order
  return [`k${i % 5}`, i * 10 + 500 - jitter, i % 11];
});

function windowRef(size: number, slide: number): Array<[string, number, number]> {
  const m = new Map<string, number>();
  for (const [k, ts, v] of events) {
    for (let s = ts - (((ts % slide) + slide) % slide); s > ts - size; s -= slide) {
      const id = `${k}|${s}`;
      m.set(id, (m.get(id) ?? 0) + v);
    }
  }
  return [...m.entries()].map(([id, v]) => { const [k, s] = id.split("|"); return [k, Number(s), v] as [string, number, number]; });
}

describe("DataStream API on task slots", () => {
  it("map / flatMap / filter / keyBy reduce equal plain JS", async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment(spark).setBufferTimeout(5);
    const lines = Array.from({ length: 500 }, (_, i) => `a${i % 7} b${i % 3} c`);
    const out = await env.fromCollection(lines)
      .flatMap((l: string) => l.split(" "))
      .filter((w: string) => w !== "c")
      .map((w: string) => [w, 1] as [string, number])
      .keyBy((p: [string, number]) => p[0])
      .reduce((a: [string, number], b: [string, number]) => [a[0], a[1] + b[1]] as [string, number])
      .executeAndCollect("wordcount");
    const finals = new Map<string, number>();
    for (const [w, c] of out) finals.set(w, Math.max(finals.get(w) ?? 0, c));
    const ref = new Map<string, number>();
    for (const l of lines) for (const w of l.split(" ")) if (w !== "c") ref.set(w, (ref.get(w) ?? 0) + 1);
    expect(finals).toEqual(ref);
    expect(out.length).toBe([...ref.values()].reduce((a, b) => a + b, 0));
  }, 60_000);

  it("tumbling and sliding event-time windows with out-of-order input equal the batch result", async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment(spark).setBufferTimeout(5);
    const src = env.fromCollection(events).assignTimestampsAndWatermarks(
      WatermarkStrategy.forBoundedOutOfOrderness(500).withTimestampAssigner((e: [string, number, number]) => e[1]));
    const tumbling = new CollectSink<[string, number, number]>();
    const sliding = new CollectSink<[string, number, number]>();
    src.keyBy((e: [string, number, number]) => e[0]).window(TumblingEventTimeWindows.of(1000))
      .process((key: any, ctx: any, els: Array<[string, number, number]>, out: any) => out.collect([key, ctx.window.start, els.reduce((s, e) => s + e[2], 0)]))
      .sinkTo(tumbling);
    src.keyBy((e: [string, number, number]) => e[0]).window(SlidingEventTimeWindows.of(1000, 250))
      .aggregate({ createAccumulator: () => [null, 0, 0], add: (e: any, a: any) => [e[0], 0, a[2] + e[2]], getResult: (a: any) => a, merge: (a: any, b: any) => [a[0], 0, a[2] + b[2]] })
      .sinkTo(sliding);
    const job = await env.execute("windows");
    await job.getJobExecutionResult();
    expect(sorted(tumbling.values)).toEqual(sorted(windowRef(1000, 1000)));
    // aggregate results carry no window start: compare per-key multisets of sums
    const ref = windowRef(1000, 250).map(([k, , v]) => [k, v]);
    expect(sorted(sliding.values.map(([k, , v]) => [k, v]))).toEqual(sorted(ref));
  }, 60_000);

  it("late data: allowed lateness makes late firings, later records go to the side output", async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment(spark).setParallelism(1);
    // monotonous watermarks; then records late by 300 ms (within lateness 500) and by 5000 ms (dropped to side output)
    const data: Array<[string, number]> = [["a", 100], ["a", 900], ["a", 1500], ["a", 2200], ["a", 1700], ["a", 400], ["a", 3500], ["b", 3600]];
    const late = new OutputTag<[string, number]>("late");
    const win = env.fromCollection(data)
      .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps().withTimestampAssigner((e: [string, number]) => e[1]))
      .keyBy((e: [string, number]) => e[0]).window(TumblingEventTimeWindows.of(1000))
      .allowedLateness(500).sideOutputLateData(late)
      .process((k: any, ctx: any, els: any[], out: any) => out.collect(`${k}@${ctx.window.start}:${els.length}`));
    env.getConfig().setAutoWatermarkInterval(0);
    const main = new CollectSink<string>();
    const side = new CollectSink<[string, number]>();
    win.sinkTo(main);
    win.getSideOutput(late).sinkTo(side);
    await (await env.execute("late")).getJobExecutionResult();
    // [1000,2000) fires when 2200 arrives (wm 2199) with 1 element; 1700 is late within the lateness -> late firing
    // with 2; 400 is later than [0,1000)'s end + lateness (1499 <= 2199) -> side output
    expect(main.values).toEqual(["a@0:2", "a@1000:1", "a@1000:2", "a@2000:1", "a@3000:1", "b@3000:1"]);
    expect(side.values).toEqual([["a", 400]]);
  }, 60_000);

  it("keyed state (ValueState, ListState, MapState) in a KeyedProcessFunction with event-time timers", async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment(spark);
    const out = await env.fromCollection(events)
      .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness(500).withTimestampAssigner((e: [string, number, number]) => e[1]))
      .keyBy((e: [string, number, number]) => e[0])
      .process<[string, number, number, number]>({
        count: null as any, last: null as any, byV: null as any,
        open(ctx: any) {
          this.count = ctx.getState(new ValueStateDescriptor("count", 0));
          this.last = ctx.getListState(new ListStateDescriptor("recent"));
          this.byV = ctx.getMapState(new MapStateDescriptor("byValue"));
        },
        processElement(e: [string, number, number], ctx: any, _out: any) {
          this.count.update(this.count.value() + 1);
          this.last.add(e[2]);
          this.byV.put(e[2], (this.byV.get(e[2]) ?? 0) + 1);
          ctx.timerService().registerEventTimeTimer(100_000_000);
        },
        onTimer(_ts: number, ctx: any, out: any) {
          out.collect([ctx.getCurrentKey(), this.count.value(), this.last.get().reduce((a: number, b: number) => a + b, 0), this.byV.get(3) ?? 0]);
        },
      } as any)
      .executeAndCollect("keyed state");
    const ref = new Map<string, [string, number, number, number]>();
    for (const [k, , v] of events) {
      const r = ref.get(k) ?? [k, 0, 0, 0];
      ref.set(k, [k, r[1] + 1, r[2] + v, r[3] + (v === 3 ? 1 : 0)]);
    }
    expect(sorted(out)).toEqual(sorted([...ref.values()]));
  }, 60_000);

  it("a generated stream with union and rebalance; watermark is the min over inputs", async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment(spark);
    const ws = WatermarkStrategy.forBoundedOutOfOrderness(0).withTimestampAssigner((x: number) => x);
    const a = env.fromSource(new DataGeneratorSource((i: number) => i * 2, 400), ws, "evens");
    const b = env.fromSource(new DataGeneratorSource((i: number) => i * 2 + 1, 400), ws, "odds");
    const out = await a.union(b).rebalance().map((x: number) => x % 10).keyBy((x: number) => x)
      .window(TumblingEventTimeWindows.of(100)).reduce((x: number, y: number) => x + y)
      .executeAndCollect("union");
    const ref = new Map<string, number>();
    for (let x = 0; x < 800; x++) { const k = `${x % 10}|${Math.floor(x / 100)}`; ref.set(k, (ref.get(k) ?? 0) + (x % 10)); }
    expect(sorted(out)).toEqual(sorted([...ref.values()]));
  }, 60_000);
});
