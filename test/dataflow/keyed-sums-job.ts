// The job the checkpoint and savepoint tests run: keyed rolling sums (one output per input record)
// and per-key final sums from keyed state, with the check that both are exactly-once.
import { expect } from "vitest";
import { CollectSink, DataGeneratorSource, ValueStateDescriptor, type StreamExecutionEnvironment } from "../../engine/index";

export const N = 3000;
const keyOf = (i: number) => `k${(i * 31) % 7}`;
export function reference(): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < N; i++) m.set(keyOf(i), (m.get(keyOf(i)) ?? 0) + i + 1); // values are i + 1 (> 0), so rolling sums never repeat
  return m;
}

export function build(env: StreamExecutionEnvironment, rate: number, keyedParallelism?: number) {
  const rolling = new CollectSink<[string, number]>();
  const finals = new CollectSink<[string, number, number]>();
  const keyed = env.fromSource(new DataGeneratorSource((i: number): [string, number] => [`k${(i * 31) % 7}`, i + 1], N, rate), undefined, "generator")
    .keyBy((e: any) => e[0]);
  const reduced = keyed.reduce((a: [string, number], b: [string, number]) => [a[0], a[1] + b[1]] as [string, number]);
  const rollingSink = reduced.sinkTo(rolling);
  if (keyedParallelism) { reduced.setParallelism(keyedParallelism); rollingSink.setParallelism(keyedParallelism); }
  const processed = keyed.process({
    sum: null as any, n: null as any,
    open(ctx: any) { this.sum = ctx.getState(new ValueStateDescriptor("sum", 0)); this.n = ctx.getState(new ValueStateDescriptor("n", 0)); },
    processElement(e: [string, number], ctx: any) { this.sum.update(this.sum.value() + e[1]); this.n.update(this.n.value() + 1); ctx.timerService().registerEventTimeTimer(1e15); },
    onTimer(_t: number, ctx: any, out: any) { out.collect([ctx.getCurrentKey(), this.sum.value(), this.n.value()]); },
  } as any);
  const finalSink = processed.sinkTo(finals);
  if (keyedParallelism) { processed.setParallelism(keyedParallelism); finalSink.setParallelism(keyedParallelism); }
  return { rolling, finals };
}

export function checkExact(rolling: Array<[string, number]>, finals: Array<[string, number, number]>): void {
  const ref = reference();
  expect(new Map(finals.map(([k, s]) => [k, s]))).toEqual(ref);
  expect(finals.reduce((n, f) => n + f[2], 0)).toBe(N);
  // exactly-once output: one rolling update per input record, no duplicates
  expect(rolling.length).toBe(N);
  expect(new Set(rolling.map((r) => JSON.stringify(r))).size).toBe(N);
  const maxByKey = new Map<string, number>();
  for (const [k, s] of rolling) maxByKey.set(k, Math.max(maxByKey.get(k) ?? 0, s));
  expect(maxByKey).toEqual(ref);
}

