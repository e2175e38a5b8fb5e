// Sources and connections on real workers (local[2]): files (bounded and a monitored directory), a
// TCP socket, the controlled source a notebook feeds (replayed after a worker is killed), and the
// worker-to-worker data connections: records cross workers without the driver, and the hub and the
// slots' data ports refuse peers without the job's secret.
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CollectSink, ControlledSource, FileSource, StreamExecutionEnvironment, TextLineInputFormat, TumblingEventTimeWindows, type SparkSession,
} from "../../engine/index";
import { sorted, startSession, waitFor } from "../engine/helpers";

let spark: SparkSession;
beforeAll(async () => { ({ spark } = await startSession("local[2]", { "spark.network.timeout": "5s" })); }, 60_000);
afterAll(async () => { await spark?.stop(); });

const wordCounts = (lines: string[]) => {
  const m = new Map<string, number>();
  for (const l of lines) for (const w of l.split(" ").filter(Boolean)) m.set(w, (m.get(w) ?? 0) + 1);
  return m;
};
const finalCounts = (out: Array<[string, number]>) => {
  const m = new Map<string, number>();
  for (const [w, c] of out) m.set(w, Math.max(m.get(w) ?? 0, c));
  return m;
};
const countWords = (s: any) => s.flatMap((l: string) => l.split(" ").filter(Boolean).map((w) => [w, 1])).keyBy((p: any) => p[0]).sum(1);

describe("file and socket sources", () => {
  it("readTextFile over a directory reads every line of every file once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "df-files-"));
    const files = [["a.txt", "the cat\nthe dog\n"], ["b.txt", "a cat sat\n"], ["c.txt", "dog dog\nowl"]];
    for (const [f, t] of files) writeFileSync(join(dir, f), t);
    writeFileSync(join(dir, "_SUCCESS"), "");
    const env = StreamExecutionEnvironment.getExecutionEnvironment(spark).setBufferTimeout(5);
    const out = await countWords(env.readTextFile(dir)).executeAndCollect("files");
    expect(finalCounts(out)).toEqual(wordCounts(files.flatMap(([, t]) => t.split("\n"))));
    expect(() => env.readTextFile(join(dir, "missing"))).toThrow(/PATH_NOT_FOUND/);
  }, 60_000);

  it("a monitored directory picks up a file added while the job runs", async () => {
    const dir = mkdtempSync(join(tmpdir(), "df-watch-"));
    writeFileSync(join(dir, "1.txt"), "x y\n");
    const env = StreamExecutionEnvironment.getExecutionEnvironment(spark).setBufferTimeout(5).enableCheckpointing(100);
    const sink = new CollectSink<[string, number]>();
    countWords(env.fromSource(FileSource.forRecordStreamFormat(new TextLineInputFormat(), dir).monitorContinuously(50).build(), undefined, "watch")).sinkTo(sink);
    const job = await env.execute("monitor");
    await waitFor(() => finalCounts(sink.values).get("x") === 1, 30_000);
    writeFileSync(join(dir, "2.txt"), "y z\nz\n");
    await waitFor(() => finalCounts(sink.values).get("z") === 2, 30_000);
    expect(finalCounts(sink.values)).toEqual(new Map([["x", 1], ["y", 2], ["z", 2]]));
    expect(job.getJobStatus()).toBe("RUNNING"); // a monitored directory never ends
    await job.cancel();
  }, 60_000);

  it("socketTextStream reads the lines a TCP server sends", async () => {
    const lines = Array.from({ length: 300 }, (_, i) => `w${i % 7} w${i % 3}`);
    const server = createServer((sock) => { sock.end(lines.join("\n") + "\n"); });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as { port: number }).port;
    try {
      const env = StreamExecutionEnvironment.getExecutionEnvironment(spark).setBufferTimeout(5);
      const out = await countWords(env.socketTextStream("127.0.0.1", port)).executeAndCollect("socket");
      expect(finalCounts(out)).toEqual(wordCounts(lines));
    } finally { server.close(); }
  }, 60_000);
});

describe("controlled source", () => {
  it("records and watermarks fed from the notebook; replayed exactly after a worker is killed", async () => {
    const src = new ControlledSource<[string, number]>();
    const env = StreamExecutionEnvironment.getExecutionEnvironment(spark).setBufferTimeout(5).enableCheckpointing(100);
    const sink = new CollectSink<[string, number, number]>();
    env.fromSource(src, undefined, "controlled").keyBy((e: [string, number]) => e[0]).window(TumblingEventTimeWindows.of(1000))
      .process((k: any, ctx: any, els: any[], o: any) => o.collect([k, ctx.window.start, els.length])).sinkTo(sink);
    const job = await env.execute("controlled");
    const events: Array<[string, number]> = [];
    const feed = (from: number, to: number) => { for (let t = from; t < to; t += 50) { const e: [string, number] = [`k${(t / 50) % 3}`, t]; events.push(e); src.add(e, t); } };
    feed(0, 2000);
    src.emitWatermark(1999);
    // the watermark fires [0,1000) and [1000,2000) while the job runs: event time is the notebook's clock
    await waitFor(() => sink.values.length === 6, 30_000);
    await waitFor(() => (job.latestCompletedCheckpoint() ?? 0) >= 1, 30_000);
    await spark.cluster.kill(spark.cluster.workers()[0].id);
    feed(2000, 4000);
    src.finish();
    const res = await job.getJobExecutionResult();
    expect(res.restarts).toBeGreaterThanOrEqual(1);
    const ref = new Map<string, number>();
    for (const [k, t] of events) { const id = JSON.stringify([k, Math.floor(t / 1000) * 1000]); ref.set(id, (ref.get(id) ?? 0) + 1); }
    expect(sorted(sink.values)).toEqual(sorted([...ref].map(([id, n]) => [...JSON.parse(id), n])));
    for (let i = 0; i < 60 && spark.cluster.workers().length < 2; i++) await new Promise((r) => setTimeout(r, 500));
    expect(spark.cluster.workers().length).toBe(2); // the killed worker was replaced
  }, 90_000);
});

describe("worker-to-worker channels", () => {
  it("records cross workers straight from slot to slot; the hub and data ports refuse peers without the secret", async () => {
    const src = new ControlledSource<number>();
    const env = StreamExecutionEnvironment.getExecutionEnvironment(spark).setBufferTimeout(5);
    env.fromSource(src, undefined, "numbers").keyBy((x: number) => x % 10).sum().sinkTo(new CollectSink());
    const job = await env.execute("peers");
    for (let i = 0; i < 2000; i++) src.add(i);
    await waitFor(() => Object.keys(job.endpoints.slots).length === 2, 30_000);
    const refusedBy = (url: string, hello: unknown) => new Promise<number>((resolve) => {
      const ws = new WebSocket(url);
      ws.on("open", () => ws.send(JSON.stringify(hello)));
      ws.on("close", (code) => resolve(code));
      ws.on("error", () => {});
    });
    expect(await refusedBy(job.endpoints.hub, { t: "hello", slot: 0, attempt: 0, secret: "guess" })).toBe(4003);
    expect(job.refusedConnections).toBe(1);
    expect(await refusedBy(job.endpoints.slots[1], { t: "peer", secret: "guess", attempt: 0, from: 0 })).toBe(4003);
    src.finish();
    await job.getJobExecutionResult();
    // the source runs in slot 0; keys hashed to subtask 1 reach slot 1 over its data port
    const net = job.networkStats();
    expect(net.find((n) => n.slot === 1)!.buffersIn).toBeGreaterThan(0);
    expect(net.find((n) => n.slot === 1)!.refused).toBe(1);
  }, 60_000);
});
