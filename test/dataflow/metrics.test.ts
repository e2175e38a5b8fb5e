// Metrics and flow control: under a slow consumer, credit-based flow control keeps the records held in
// buffers and queues bounded (the source is backpressured instead); latency markers reach the sink.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CollectSink, StreamExecutionEnvironment, type SparkSession } from "../../engine/index";
import { startSession } from "../engine/helpers";

let spark: SparkSession;
beforeAll(async () => { ({ spark } = await startSession("local[2]")); }, 60_000);
afterAll(async () => { await spark?.stop(); });

describe("dataflow metrics and backpressure", () => {
  it("a slow keyed operator backpressures the source; buffered records stay bounded; latency is measured", async () => {
    const N = 4000, perBuffer = 16, credits = 2;
    const env = StreamExecutionEnvironment.getExecutionEnvironment(spark).setBufferTimeout(2).setNetworkBuffers(perBuffer, credits);
    env.getConfig().setLatencyTrackingInterval(20);
    const sink = new CollectSink<number>();
    env.fromSequence(1, N).keyBy((x: number) => x % 4)
      .map((x: number) => { const end = Date.now() + 1; while (Date.now() < end) { /* slow */ } return x; })
      .sinkTo(sink);
    const job = await env.execute("slow consumer");
    // the live view a notebook cell gets: re-rendered in place while the job runs, and at its end
    const views: string[] = [];
    const stopLive = (job as any)[Symbol.for("bigdata-workbench.liveDisplay")]((b: Record<string, unknown>) => views.push(String(b["text/html"])));
    let maxHeld = 0;
    const off = job.onChange(() => {
      for (const s of job.subtaskMetrics()) maxHeld = Math.max(maxHeld, s.queued + s.outHeld);
    });
    await job.getJobExecutionResult();
    off();
    expect([...sink.values].sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    // per subtask: at most (credits + 1) buffers per channel, 2 channels per side
    expect(maxHeld).toBeLessThanOrEqual(2 * (credits + 2) * perBuffer);
    const m = job.getMetrics();
    const src = m.tasks[0];
    expect(src.recordsOut).toBe(N);
    // per operator of a chain: the keyed task runs map -> sink
    expect(m.tasks[1].operators).toEqual([{ name: "Map", recordsIn: N, recordsOut: N }, { name: "Sink", recordsIn: N, recordsOut: 0 }]);
    expect(Number(src.backpressured)).toBeGreaterThan(0);
    expect(m.latency.count).toBeGreaterThan(0);
    expect(m.latency.p99).toBeGreaterThanOrEqual(m.latency.p50);
    expect(String(job._repr_mimebundle_()["text/html"])).toContain("<svg");
    stopLive();
    expect(views.length).toBeGreaterThan(1);
    expect(views[0]).toContain("RUNNING");
    expect(views.at(-1)).toContain("FINISHED");
    expect(views.at(-1)).toContain(`${N} committed`);
    expect(views.some((v) => /out \d+ \/ in \d+/.test(v))).toBe(true);
  }, 90_000);
});
