// A reduce task, as Hadoop's ReduceTask: shuffle (fetch this partition's segment of every map
// output straight from the worker holding it, through that worker's shuffle server; local ones
// from disk), merge the sorted segments, group consecutive keys with the grouping comparator,
// call reduce() once per group with the values in sort order, and write part-r-NNNNN through the
// output committer. A map output that cannot be fetched is reported to the driver, which reruns
// the lost map tasks and this reduce.

import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ExecutionError } from "../common/errors";
import { FetchFailedError, fetchShuffleBlocks, forEachShuffleRecord } from "../storage";
import { addCounter, FILE_OUTPUT_COUNTER, TASK_COUNTER, type CounterData } from "./counters";
import { attemptName, partName, taskName, type FetchFailureReport, type JobSpec, type PhaseSpan, type ReduceDesc, type ReduceTaskReport } from "./job-spec";
import { commitTask, setupTask } from "./output-committer";
import { forEachGroup, mergeRuns } from "./sorted-runs";
import { Context, formatLine, localizeCache, shuffleEnv, userClasses, wrapUser } from "./task-runtime";

const SAMPLE_VALUES = 8;

export async function runReduceTask(spec: JobSpec, desc: ReduceDesc, attempt: number): Promise<ReduceTaskReport | FetchFailureReport> {
  const env = shuffleEnv();
  const r = desc.reduceId;
  const attemptId = attemptName(spec.jobId, "r", r, attempt);
  const counters: CounterData = {};
  const phases: PhaseSpan[] = [];
  const cls = userClasses(spec);
  const reducer = cls.reducer!;

  // ---- shuffle: fetch this partition from every map output
  const t0 = Date.now();
  const byAddress = new Map<string, number[]>();
  let emptyBlocks = 0;
  for (const s of desc.sources) {
    if (s.bytes === 0) { emptyBlocks++; continue; }
    const ids = byAddress.get(s.address) ?? [];
    ids.push(s.mapId);
    byAddress.set(s.address, ids);
  }
  let blocks: Array<{ mapId: number; data: Buffer }>;
  try {
    const res = await fetchShuffleBlocks({
      token: env.token, localAddress: env.shuffleAddress, localDir: env.localDir,
      requests: [...byAddress].map(([address, mapIds]) => ({ address, shuffleId: spec.shuffleId, mapIds, reduceId: r })),
      maxRetries: 1, retryWaitMs: 200,
    });
    blocks = res.blocks;
    addCounter(counters, TASK_COUNTER, "REDUCE_SHUFFLE_BYTES", res.metrics.localBytes + res.metrics.remoteBytes);
    addCounter(counters, TASK_COUNTER, "SHUFFLED_MAPS", res.blocks.length + emptyBlocks);
  } catch (e) {
    if (e instanceof FetchFailedError && e.reason !== "unauthorized") {
      return { kind: "fetchFailed", reduceId: r, mapId: e.mapId ?? -1, address: e.address, detail: e.message };
    }
    throw e;
  }
  const t1 = Date.now();
  phases.push({ name: "shuffle", start: t0, end: t1 });

  // ---- merge the sorted segments (one run per map output, in map order)
  blocks.sort((a, b) => a.mapId - b.mapId);
  const runs = blocks.map((b) => {
    const run: Array<[unknown, unknown]> = [];
    forEachShuffleRecord(b.data, (k, v) => { run.push([k, v]); });
    return run;
  });
  let merged: Array<[unknown, unknown]>;
  try { merged = mergeRuns(runs, cls.sort); } catch (e) { throw wrapUser(e, "sortComparator", `${taskName(spec.jobId, "r", r)} (${attemptId}), merge`); }
  const t2 = Date.now();
  phases.push({ name: "merge", start: t1, end: t2 });

  // ---- reduce, writing through the committer
  const dir = setupTask(spec.outputDir, attemptId);
  const file = join(dir, partName("r", r));
  writeFileSync(file, "");
  const ctx = new Context(counters, spec, attemptId, localizeCache(spec, env.localDir));
  let lines: string[] = [];
  let bytes = 0, outRecords = 0;
  const flush = () => {
    if (!lines.length) return;
    const text = lines.join("\n") + "\n";
    appendFileSync(file, text);
    bytes += Buffer.byteLength(text);
    lines = [];
  };
  ctx.sink = (k, v) => {
    outRecords++;
    lines.push(formatLine(k, v));
    if (lines.length >= 4096) flush();
  };
  const groups: ReduceTaskReport["groups"] = [];
  let current: unknown;
  let groupCount = 0;
  try {
    reducer.setup?.(ctx);
    groupCount = forEachGroup(merged, cls.group, (key, values) => {
      current = key;
      if (groups.length < spec.sampleRecords) groups.push({ key, values: values.slice(0, SAMPLE_VALUES), more: Math.max(0, values.length - SAMPLE_VALUES) });
      reducer.reduce(key, values, ctx);
    });
    current = undefined;
    reducer.cleanup?.(ctx);
  } catch (e) {
    if (e instanceof ExecutionError) throw e;
    throw wrapUser(e, current === undefined ? "reducer" : "reducer.reduce",
      `${taskName(spec.jobId, "r", r)} (${attemptId})${current === undefined ? "" : `, group with key ${JSON.stringify(current)}`}`);
  }
  flush();
  addCounter(counters, TASK_COUNTER, "REDUCE_INPUT_GROUPS", groupCount);
  addCounter(counters, TASK_COUNTER, "REDUCE_INPUT_RECORDS", merged.length);
  addCounter(counters, TASK_COUNTER, "REDUCE_OUTPUT_RECORDS", outRecords);
  addCounter(counters, FILE_OUTPUT_COUNTER, "BYTES_WRITTEN", bytes);
  const t3 = Date.now();
  phases.push({ name: "reduce", start: t2, end: t3 });
  commitTask(spec.outputDir, attemptId, taskName(spec.jobId, "r", r));
  phases.push({ name: "commit", start: t3, end: Date.now() });
  return { kind: "reduce", reduceId: r, attemptId, workerId: env.workerId, counters, phases, groups, outputFile: partName("r", r) };
}
