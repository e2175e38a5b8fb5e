// MapReduce jobs on real worker processes, checked against plain-JS computations: word count with
// and without a combiner, many spills, small splits (lines across split boundaries), map-only jobs,
// counters consistent with the data, output commit layout, and bad input rejected before the job.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MapReduceJob, type SparkSession } from "../../engine/index";
import { partitionForKey } from "../../engine/common/keys";
import { startSession } from "../engine/helpers";

let spark: SparkSession;
const dir = mkdtempSync(join(tmpdir(), "mr-wc-"));
const words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"];
let lines: string[] = [];

beforeAll(async () => {
  ({ spark } = await startSession("local[2]"));
  let seed = 7;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  lines = Array.from({ length: 3000 }, (_, i) => Array.from({ length: 1 + (i % 9) }, () => words[Math.floor(rnd() * words.length)]).join(" "));
  mkdirSync(join(dir, "books"));
  writeFileSync(join(dir, "books", "a.txt"), lines.slice(0, 2000).join("\n") + "\n");
  writeFileSync(join(dir, "books", "b.txt"), lines.slice(2000).join("\n"));   // no trailing newline
});
afterAll(async () => {
  await spark?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function referenceCounts(ls: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of ls) for (const w of l.split(/\W+/)) if (w) m.set(w, (m.get(w) ?? 0) + 1);
  return m;
}
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

const mapper = {
  map(_offset: number, line: string, ctx: { write(k: string, v: number): void }) {
    for (const w of line.split(/\W+/)) if (w) ctx.write(w, 1);
  },
};
const reducer = { reduce(word: string, counts: number[], ctx: { write(k: string, v: number): void }) { ctx.write(word, sum(counts)); } };

describe("MapReduce word count on real workers", () => {
  it("counts words exactly, with a combiner, over small splits; counters match the data", async () => {
    const out = join(dir, "out-wc");
    const job = new MapReduceJob(spark, {
      name: "word count", input: { paths: [join(dir, "books")], format: "text", splitSize: "8k" },
      mapper, combiner: reducer, reducer, numReduceTasks: 3, output: out,
    });
    const res = await job.waitForCompletion();
    expect(res.successful).toBe(true);
    const ref = referenceCounts(lines);
    expect(new Map(res.readOutput() as Array<[string, number]>)).toEqual(ref);
    // Each reducer's output is sorted by key.
    for (const f of res.outputFiles) {
      const keys = readFileSync(f, "utf8").trim().split("\n").filter(Boolean).map((l) => l.split("\t")[0]!);
      expect(keys).toEqual([...keys].sort());
    }
    expect(readdirSync(out).sort()).toEqual(["_SUCCESS", "part-r-00000", "part-r-00001", "part-r-00002"]);
    const c = res.counters;
    const totalWords = sum([...ref.values()]);
    expect(c.get("MAP_INPUT_RECORDS")).toBe(lines.length);
    expect(c.get("MAP_OUTPUT_RECORDS")).toBe(totalWords);
    expect(c.get("COMBINE_INPUT_RECORDS")).toBe(totalWords);
    expect(c.get("COMBINE_OUTPUT_RECORDS")).toBeLessThanOrEqual(c.get("COMBINE_INPUT_RECORDS"));
    expect(c.get("REDUCE_INPUT_RECORDS")).toBe(c.get("COMBINE_OUTPUT_RECORDS"));
    expect(c.get("REDUCE_INPUT_GROUPS")).toBe(ref.size);
    expect(c.get("REDUCE_OUTPUT_RECORDS")).toBe(ref.size);
    expect(c.get("REDUCE_SHUFFLE_BYTES")).toBeGreaterThan(0);
    expect(c.get("SPILLED_RECORDS")).toBe(c.get("COMBINE_OUTPUT_RECORDS"));   // one spill per map: spilled once
    expect(c.get("BYTES_READ")).toBeGreaterThanOrEqual(sum(lines.map((l) => Buffer.byteLength(l) + 1)) - 1);
    const outBytes = sum(res.outputFiles.map((f) => readFileSync(f).length));
    expect(c.get("BYTES_WRITTEN")).toBe(outBytes);
    expect(res.tasks.filter((t) => t.type === "map").length).toBeGreaterThan(5);
    expect(res.tasks.every((t) => t.state === "succeeded")).toBe(true);
    expect(res.report()).toContain("MAP_OUTPUT_RECORDS=" + totalWords);
    // The data view: samples and the mapper x reducer matrix add up.
    const dv = res.dataView();
    expect(sum(dv.partitionRecords.flat())).toBe(c.get("COMBINE_OUTPUT_RECORDS"));
    expect(dv.mapSamples[0]!.records.length).toBeGreaterThan(0);
    // Each sampled record's reducer is the hash partition of its key; reducers received sorted groups.
    for (const m of dv.mapSamples) for (const r of m.records) expect(r.partition).toBe(partitionForKey(r.key, 3));
    // and why: the hash partitioner's arithmetic, as the data view prints it
    for (const m of dv.mapSamples) for (const r of m.records) expect(r.how).toMatch(new RegExp(`^hash = (\\d+), \\1 mod 3 = ${r.partition}$`));
    for (const r of dv.reduceGroups) {
      const ks = r.groups.map((g) => g.key as string);
      expect(ks).toEqual([...ks].sort());
    }
    // The job view: every task with its phases, the counters and the data view.
    const html = res._repr_mimebundle_()["text/html"] as string;
    expect(html).toContain("Data view");
    expect(html).toContain("COMBINE_OUTPUT_RECORDS");
    for (const ph of ["map", "spill", "merge", "shuffle", "reduce", "commit"]) expect(html).toContain(`title="${ph}:`);
    expect(job.status()!.phase).toBe("succeeded");
    expect(res.tasks.filter((t) => t.type === "reduce").every((t) => t.phases.map((p) => p.name).join(",") === "shuffle,merge,reduce,commit")).toBe(true);
  });

  it("without a combiner, with a tiny sort buffer: many spills merged, same result", async () => {
    const res = await new MapReduceJob(spark, {
      input: { paths: join(dir, "books"), splitSize: "32k" }, mapper, reducer, numReduceTasks: 2,
      sortBufferSize: 4096, output: join(dir, "out-spill"),
    }).waitForCompletion();
    expect(new Map(res.readOutput() as Array<[string, number]>)).toEqual(referenceCounts(lines));
    const c = res.counters;
    expect(c.get("COMBINE_INPUT_RECORDS")).toBe(0);
    expect(c.get("REDUCE_INPUT_RECORDS")).toBe(c.get("MAP_OUTPUT_RECORDS"));
    // Spilled once, then once more when merged.
    expect(c.get("SPILLED_RECORDS")).toBe(2 * c.get("MAP_OUTPUT_RECORDS"));
  });

  it("with a combiner and >= 3 spills the combiner also runs during the merge", async () => {
    const res = await new MapReduceJob(spark, {
      input: { paths: join(dir, "books"), splitSize: "64k" }, mapper, combiner: reducer, reducer, numReduceTasks: 2,
      sortBufferSize: 2048, output: join(dir, "out-spill-comb"),
    }).waitForCompletion();
    expect(new Map(res.readOutput() as Array<[string, number]>)).toEqual(referenceCounts(lines));
    const c = res.counters;
    expect(c.get("COMBINE_OUTPUT_RECORDS")).toBeLessThanOrEqual(c.get("COMBINE_INPUT_RECORDS"));
    expect(c.get("COMBINE_INPUT_RECORDS")).toBeGreaterThan(c.get("MAP_OUTPUT_RECORDS"));   // merge combined again
  });

  it("every line is read by exactly one split, whatever the split size", async () => {
    for (const splitSize of [100, 977, 4096]) {
      const res = await new MapReduceJob(spark, {
        input: { paths: join(dir, "books"), splitSize },
        mapper: (off: number, line: string, ctx: { write(k: unknown, v: unknown): void }) => ctx.write(line, 1),
        reducer: (line: string, ones: number[], ctx: { write(k: unknown, v: unknown): void }) => ctx.write(line, ones.length),
        numReduceTasks: 2, output: join(dir, `out-lines-${splitSize}`),
      }).waitForCompletion();
      const ref = new Map<string, number>();
      for (const l of lines) ref.set(l, (ref.get(l) ?? 0) + 1);
      expect(new Map(res.readOutput().map(([k, v]) => [String(k), v]))).toEqual(new Map([...ref].map(([k, v]) => [String(JSON.parse(JSON.stringify(k))), v])));
      expect(res.counters.get("MAP_INPUT_RECORDS")).toBe(lines.length);
    }
  });

  it("a map-only job (numReduceTasks: 0) writes part-m files, one per split", async () => {
    const out = join(dir, "out-maponly");
    const res = await new MapReduceJob(spark, {
      input: { paths: join(dir, "books", "a.txt"), splitSize: "16k" },
      mapper: { map(_o: number, line: string, ctx: { write(k: unknown, v: unknown): void }) { if (line.startsWith("alpha")) ctx.write(line, null); } },
      numReduceTasks: 0, output: out,
    }).waitForCompletion();
    const expected = lines.slice(0, 2000).filter((l) => l.startsWith("alpha"));
    expect(res.readOutput().map(([k]) => k)).toEqual(expected);
    expect(readdirSync(out).filter((f) => f.startsWith("part-m-")).length).toBe(res.tasks.length);
    expect(existsSync(join(out, "_SUCCESS"))).toBe(true);
    expect(existsSync(join(out, "_temporary"))).toBe(false);
    expect(res.counters.get("MAP_OUTPUT_RECORDS")).toBe(expected.length);
  });

  it("array input with keyValue pairs, user counters and the configuration", async () => {
    const data = Array.from({ length: 500 }, (_, i) => [`k${i % 13}`, i] as [string, number]);
    const res = await new MapReduceJob(spark, {
      input: { data, numSplits: 4, keyValue: true },
      conf: { threshold: 100 },
      mapper: {
        map(k: string, v: number, ctx: any) {
          const t = ctx.getConfiguration().threshold as number;
          if (v >= t) ctx.write(k, v); else ctx.getCounter("Quality", "SMALL").increment(1);
        },
      },
      reducer: { reduce(k: string, vs: number[], ctx: any) { ctx.write(k, Math.max(...vs)); } },
      numReduceTasks: 2,
    }).waitForCompletion();
    const ref = new Map<string, number>();
    for (const [k, v] of data) if (v >= 100) ref.set(k, Math.max(ref.get(k) ?? -Infinity, v));
    expect(new Map(res.readOutput() as Array<[string, number]>)).toEqual(ref);
    expect(res.counters.get("Quality", "SMALL")).toBe(100);
    expect(res.counters.group("Quality")).toEqual({ SMALL: 100 });
  });
});

describe("RDD input", () => {
  it("each RDD partition is one map split; records are values (key = index) or pairs", async () => {
    const rdd = spark.sparkContext.textFile(join(dir, "books"), 3);
    const res = await new MapReduceJob(spark, { input: { rdd }, mapper, combiner: reducer, reducer, numReduceTasks: 2 }).waitForCompletion();
    expect(new Map(res.readOutput() as Array<[string, number]>)).toEqual(referenceCounts(lines));
    expect(res.tasks.filter((t) => t.type === "map").length).toBe(rdd.getNumPartitions());
    const pairs = spark.sparkContext.parallelize([["a", 1], ["b", 2], ["a", 3]] as Array<[string, number]>, 2);
    const res2 = await new MapReduceJob(spark, {
      input: { rdd: pairs, keyValue: true }, mapper: (k: string, v: number, ctx: any) => ctx.write(k, v * 10),
      reducer: (k: string, vs: number[], ctx: any) => ctx.write(k, vs.reduce((a, b) => a + b, 0)), numReduceTasks: 1,
    }).waitForCompletion();
    expect(res2.readOutput()).toEqual([["a", 40], ["b", 20]]);
  });
});

describe("bad input is refused before the job starts", () => {
  it("missing input path, existing output, non-function mapper, bad numReduceTasks", async () => {
    await expect(new MapReduceJob(spark, { input: { paths: join(dir, "nope") }, mapper, reducer }).waitForCompletion()).rejects.toThrow(/Input path does not exist/);
    mkdirSync(join(dir, "exists"));
    await expect(new MapReduceJob(spark, { input: { paths: join(dir, "books") }, mapper, reducer, output: join(dir, "exists") }).waitForCompletion()).rejects.toThrow(/already exists/);
    expect(() => new MapReduceJob(spark, { input: [1, 2], mapper: 42 as never, reducer })).toThrow(/mapper must be a function/);
    expect(() => new MapReduceJob(spark, { input: [1, 2], mapper, reducer, numReduceTasks: -1 })).toThrow(/numReduceTasks/);
  });

  it("a mapper that throws fails the job naming the task, the split and the user's message", async () => {
    const job = new MapReduceJob(spark, {
      input: { paths: join(dir, "books", "b.txt"), splitSize: "4k" },
      mapper: { map(_o: number, line: string) { if (line.split(" ").length === 9) throw new Error("bad record here"); } },
      reducer, output: join(dir, "out-fail"),
    });
    const err = await job.waitForCompletion().catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/MAPREDUCE_TASK_FAILED/);
    expect((err as Error).message).toMatch(/task_\d+_\d+_m_\d{6}/);
    expect((err as Error).message).toMatch(/b\.txt:\d+\+\d+/);
    expect((err as Error).message).toContain("bad record here");
    expect(existsSync(join(dir, "out-fail", "_SUCCESS"))).toBe(false);
    expect(job.status()!.phase).toBe("failed");
  });

  it("a reducer writing a function fails with a serialization error", async () => {
    const err = await new MapReduceJob(spark, {
      input: ["a", "b"], mapper: (_k: number, v: string, ctx: any) => ctx.write(v, 1),
      reducer: (k: string, _v: number[], ctx: any) => ctx.write(k, () => 1),
    }).waitForCompletion().catch((e: Error) => e);
    expect((err as Error).message).toMatch(/cannot be written/);
  });

  it("a serialization error is not retried: the failing task runs once", async () => {
    let failedAttempts = 0;
    const off = spark.sparkContext.addSparkListener({ onTaskEnd: (e) => { if (e.task.status === "FAILED") failedAttempts++; } });
    const err = await new MapReduceJob(spark, {
      input: ["a"], mapper: (_k: number, v: string, ctx: any) => ctx.write(v, 1), numReduceTasks: 1,
      reducer: (k: string, _v: number[], ctx: any) => ctx.write(k, () => 1),
    }).waitForCompletion().catch((e: Error) => e);
    off();
    expect((err as Error).message).toMatch(/MAPREDUCE_OUTPUT_NOT_SERIALIZABLE/);
    expect(failedAttempts).toBe(1);
  });
});
