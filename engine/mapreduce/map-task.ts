// A map task, as Hadoop's MapTask: read the split record by record and call map(); the output goes
// into an in-memory sort buffer; when the buffer passes its spill threshold it is sorted by
// (partition, key), run through the combiner, and spilled to a file on the worker's local disk;
// at the end the spills are merged (combining again with >= minSpillsForCombine spills) into ONE
// output file per map task plus an index of partition offsets, which the worker's shuffle server
// serves to the reducers. A map-only job writes part-m-NNNNN through the output committer instead.

import { appendFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ExecutionError } from "../common/errors";
import { compareKeys } from "../common/keys";
import { shuffleDataPath, shuffleIndexPath } from "../storage";
import { encodeIndex } from "../storage/shuffle-files";
import { removeQuietly, tempPath } from "../storage/spill-files";
import { addCounter, FILE_INPUT_COUNTER, FILE_OUTPUT_COUNTER, TASK_COUNTER, type CounterData } from "./counters";
import { readSplit } from "./input-splits";
import { attemptName, partName, taskName, type JobSpec, type MapTaskReport, type PhaseSpan } from "./job-spec";
import { commitTask, setupTask } from "./output-committer";
import { serializedSize } from "./record-size";
import { forEachGroup, mergeRuns, PartitionedRunWriter, readSegment } from "./sorted-runs";
import { checkShuffleValue, Context, formatLine, localizeCache, shuffleEnv, userClasses, wrapUser, type UserClasses } from "./task-runtime";

/** Where a map task's records come from: a file split, or the records of an RDD partition. */
export type MapInput =
  | { kind: "split"; mapId: number; path: string; start: number; length: number }
  | { kind: "records"; mapId: number; records: Iterator<unknown>; keyValue: boolean };

interface Spill { path: string; offsets: number[]; records: number; partRecords: number[] }

export function runMapTask(spec: JobSpec, input: MapInput, attempt: number): MapTaskReport {
  const env = shuffleEnv();
  const mapId = input.mapId;
  const attemptId = attemptName(spec.jobId, "m", mapId, attempt);
  const counters: CounterData = {};
  const cls = userClasses(spec);
  const phases: PhaseSpan[] = [];
  const splitText = input.kind === "split" ? `file:${input.path}:${input.start}+${input.length}` : `records of partition ${mapId}`;
  const ctx = new Context(counters, spec, attemptId, localizeCache(spec, env.localDir),
    input.kind === "split" ? { path: input.path, start: input.start, length: input.length, index: mapId } : undefined);
  const R = spec.numReduceTasks;
  const samples: MapTaskReport["samples"] = [];
  let outRecords = 0, outBytes = 0;
  const where = (what: string, rec?: string) => `${taskName(spec.jobId, "m", mapId)} (${attemptId}), input split ${splitText}${rec ? `, ${rec}` : ""}`;

  // ---- output side: the sort buffer (or the map-only record writer)
  let keys: unknown[] = [], vals: unknown[] = [], parts: number[] = [];
  let bufBytes = 0;
  const limit = Math.max(1, spec.sortBufferBytes * spec.spillPercent);
  const spills: Spill[] = [];
  let mapOnlyLines: string[] = [];
  let mapOnlyBytes = 0;
  let mapOnlyDir = "";
  let mapOnlyFile = "";
  if (R === 0) {
    mapOnlyDir = setupTask(spec.outputDir, attemptId);
    mapOnlyFile = join(mapOnlyDir, partName("m", mapId));
    writeFileSync(mapOnlyFile, "");
  }
  const flushMapOnly = () => {
    if (!mapOnlyLines.length) return;
    const text = mapOnlyLines.join("\n") + "\n";
    appendFileSync(mapOnlyFile, text);
    mapOnlyBytes += Buffer.byteLength(text);
    mapOnlyLines = [];
  };

  let primitiveKeys = true;   // every buffered key is a string or a number
  const spill = (): void => {
    const t0 = Date.now();
    const n = keys.length;
    const ks = keys, vs = vals, ps = parts;
    const path = tempPath(env.localDir, `mr-spill-${spec.jobId}-m${mapId}-${spills.length}`, ".spill");
    const w = new PartitionedRunWriter(path, R);
    let written = 0;
    // Write one partition's sorted run: through the combiner group by group, or as it is.
    const emitRun = (p: number, run: Array<[unknown, unknown]>): void => {
      if (cls.combiner) written += combineInto(cls, ctx, counters, run, (k, v) => w.write(p, k, v), where("combine"));
      else { for (const [k, v] of run) w.write(p, k, v); written += run.length; }
    };
    if (cls.defaultSort && primitiveKeys) {
      // Default order on primitive keys: number each distinct key of a partition once, lay the
      // values out grouped by key with a counting sort (insertion order kept), sort the distinct
      // keys only. The same run as a stable sort by (partition, key), with one map lookup per
      // record and no list per key to grow.
      const ids: Array<Map<unknown, number>> = Array.from({ length: R }, () => new Map());
      const idOf = new Int32Array(n);
      const counts: number[] = [];
      for (let i = 0; i < n; i++) {
        const m = ids[ps[i]!]!;
        let id = m.get(ks[i]);
        if (id === undefined) { id = counts.length; m.set(ks[i], id); counts.push(0); }
        counts[id]!++;
        idOf[i] = id;
      }
      const start = new Int32Array(counts.length + 1);
      for (let g = 0; g < counts.length; g++) start[g + 1] = start[g]! + counts[g]!;
      const fill = start.slice(0, counts.length);
      const grouped = new Array<unknown>(n);
      for (let i = 0; i < n; i++) grouped[fill[idOf[i]!]!++] = vs[i];
      for (let p = 0; p < R; p++) {
        const m = ids[p]!;
        if (m.size === 0) continue;
        const distinct = [...m.keys()].sort(compareKeys);
        if (cls.combiner) {
          // Each distinct key is one group: call the combiner on its values directly.
          const combiner = cls.combiner;
          const saved = ctx.sink;
          let out = 0, inRecs = 0;
          ctx.sink = (k, v) => { out++; w.write(p, k, v); };
          try {
            for (const k of distinct) {
              const id = m.get(k)!;
              inRecs += counts[id]!;
              combiner.reduce(k, grouped.slice(start[id]!, start[id + 1]!), ctx);
            }
          } catch (e) {
            if (e instanceof ExecutionError && e.condition.startsWith("MAPREDUCE_")) throw e;
            throw wrapUser(e, "combiner.reduce", where("combine"));
          } finally {
            ctx.sink = saved;
          }
          addCounter(counters, TASK_COUNTER, "COMBINE_INPUT_RECORDS", inRecs);
          addCounter(counters, TASK_COUNTER, "COMBINE_OUTPUT_RECORDS", out);
          written += out;
        } else {
          for (const k of distinct) {
            const id = m.get(k)!;
            for (let x = start[id]!; x < start[id + 1]!; x++) { w.write(p, k, grouped[x]); written++; }
          }
        }
      }
    } else {
      const idx = new Array<number>(n);
      for (let i = 0; i < n; i++) idx[i] = i;
      try {
        idx.sort((a, b) => (ps[a]! - ps[b]!) || cls.sort(ks[a], ks[b]) || a - b);
      } catch (e) {
        throw wrapUser(e, "sortComparator", where("sort"));
      }
      let i = 0;
      while (i < n) {
        const p = ps[idx[i]!]!;
        let j = i;
        while (j < n && ps[idx[j]!] === p) j++;
        const run: Array<[unknown, unknown]> = [];
        for (let x = i; x < j; x++) run.push([ks[idx[x]!], vs[idx[x]!]]);
        emitRun(p, run);
        i = j;
      }
    }
    const offs = w.close();
    spills.push({ path, offsets: offs, records: written, partRecords: Array.from({ length: R }, (_, q) => w.records[q] ?? 0) });
    addCounter(counters, TASK_COUNTER, "SPILLED_RECORDS", written);
    keys = []; vals = []; parts = []; bufBytes = 0; primitiveKeys = true;
    const t1 = Date.now();
    phases.push({ name: "spill", start: t0, end: t1 });
  };

  ctx.sink = R === 0
    ? (k, v) => {
      outRecords++;
      if (samples.length < spec.sampleRecords) samples.push([k, v, 0]);
      mapOnlyLines.push(formatLine(k, v));
      if (mapOnlyLines.length >= 4096) flushMapOnly();
    }
    : (k, v) => {
      checkShuffleValue(k, "key");
      checkShuffleValue(v, "value");
      const p = cls.partition(k, R);
      if (primitiveKeys && typeof k !== "string" && typeof k !== "number") primitiveKeys = false;
      const sz = serializedSize(k) + serializedSize(v);
      outRecords++;
      outBytes += sz;
      if (samples.length < spec.sampleRecords) samples.push([k, v, p, cls.explain(k, R)]);
      keys.push(k); vals.push(v); parts.push(p);
      bufBytes += sz + 16;   // + Hadoop's 16 bytes of metadata per record in the buffer
      if (bufBytes >= limit) spill();
    };

  // ---- read + map
  const tMap = Date.now();
  const mapper = cls.mapper;
  let inRecords = 0;
  let current = "";
  try {
    current = "setup";
    mapper.setup?.(ctx);
    current = "map";
    if (input.kind === "split") {
      const bytes = readSplit(input, spec.input.kind === "file" ? spec.input.format : "text", (k, v) => {
        inRecords++;
        current = `record at key ${JSON.stringify(k)}`;
        mapper.map(k, v, ctx);
      });
      addCounter(counters, FILE_INPUT_COUNTER, "BYTES_READ", bytes);
    } else {
      let i = 0;
      for (let r = input.records.next(); !r.done; r = input.records.next()) {
        inRecords++;
        current = `record ${i}`;
        if (input.keyValue) {
          const pair = r.value as [unknown, unknown];
          if (!Array.isArray(pair) || pair.length !== 2) throw new ExecutionError("MAPREDUCE_BAD_RECORD", `keyValue input expects [key, value] pairs, got ${JSON.stringify(r.value)}`);
          mapper.map(pair[0], pair[1], ctx);
        } else mapper.map(i, r.value, ctx);
        i++;
      }
    }
    current = "cleanup";
    mapper.cleanup?.(ctx);
  } catch (e) {
    if (e instanceof ExecutionError) throw e;
    throw wrapUser(e, `mapper.${current.startsWith("record") ? "map" : current}`, where("map", current));
  }
  const tMapEnd = Date.now();
  phases.unshift({ name: "map", start: tMap, end: tMapEnd });
  addCounter(counters, TASK_COUNTER, "MAP_INPUT_RECORDS", inRecords);
  addCounter(counters, TASK_COUNTER, "MAP_OUTPUT_RECORDS", outRecords);

  if (R === 0) {
    flushMapOnly();
    addCounter(counters, FILE_OUTPUT_COUNTER, "BYTES_WRITTEN", mapOnlyBytes);
    const committed = commitTask(spec.outputDir, attemptId, taskName(spec.jobId, "m", mapId));
    phases.push({ name: "commit", start: tMapEnd, end: Date.now() });
    return {
      kind: "map", mapId, attemptId, workerId: env.workerId, address: env.shuffleAddress, counters, phases,
      split: splitText, spills: 0, partitionBytes: [], partitionRecords: [], samples,
      outputFile: committed ? partName("m", mapId) : undefined,
    };
  }

  addCounter(counters, TASK_COUNTER, "MAP_OUTPUT_BYTES", outBytes);
  // The last (or only) spill: the buffer's remainder, sorted and combined.
  if (keys.length > 0 || spills.length === 0) spill();

  // ---- merge the spills into one file + index
  const tMerge = Date.now();
  const dataPath = shuffleDataPath(env.localDir, spec.shuffleId, mapId);
  const indexPath = shuffleIndexPath(env.localDir, spec.shuffleId, mapId);
  let offsets: number[];
  let partitionRecords: number[];
  if (spills.length === 1) {
    offsets = spills[0]!.offsets;
    partitionRecords = spills[0]!.partRecords;
    renameSync(spills[0]!.path, dataPath + ".tmp");
  } else {
    const w = new PartitionedRunWriter(dataPath + ".tmp", R);
    const combineAgain = !!cls.combiner && spills.length >= spec.minSpillsForCombine;
    let written = 0;
    for (let p = 0; p < R; p++) {
      const runs = spills.map((s) => readSegment(s.path, s.offsets[p]!, s.offsets[p + 1]!));
      let merged: Array<[unknown, unknown]>;
      try { merged = mergeRuns(runs, cls.sort); } catch (e) { throw wrapUser(e, "sortComparator", where("merge")); }
      if (combineAgain) written += combineInto(cls, ctx, counters, merged, (k, v) => w.write(p, k, v), where("combine"));
      else { for (const [k, v] of merged) w.write(p, k, v); written += merged.length; }
    }
    offsets = w.close();
    partitionRecords = w.records.slice(0, R).map((x) => x ?? 0);
    addCounter(counters, TASK_COUNTER, "SPILLED_RECORDS", written);
    for (const s of spills) removeQuietly(s.path);
  }
  // Commit the map output: data first, index last (a reader trusts only an index matching its data).
  renameSync(dataPath + ".tmp", dataPath);
  const idxTmp = indexPath + `.${process.pid}.tmp`;
  writeFileSync(idxTmp, encodeIndex(offsets));
  renameSync(idxTmp, indexPath);
  const tEnd = Date.now();
  phases.push({ name: "merge", start: tMerge, end: tEnd });
  const partitionBytes = offsets.slice(1).map((o, i) => o - offsets[i]!);
  addCounter(counters, TASK_COUNTER, "MAP_OUTPUT_MATERIALIZED_BYTES", offsets[offsets.length - 1]!);
  return {
    kind: "map", mapId, attemptId, workerId: env.workerId, address: env.shuffleAddress, counters, phases,
    split: splitText, spills: spills.length, partitionBytes, partitionRecords, samples,
  };
}

/** Run the combiner over a sorted run, group by group; returns the records it wrote. */
function combineInto(cls: UserClasses, ctx: Context, counters: CounterData, run: Array<[unknown, unknown]>,
  write: (k: unknown, v: unknown) => void, where: string): number {
  const combiner = cls.combiner!;
  let out = 0;
  const saved = ctx.sink;
  ctx.sink = (k, v) => { out++; write(k, v); };
  try {
    forEachGroup(run, cls.sort, (key, values) => {
      addCounter(counters, TASK_COUNTER, "COMBINE_INPUT_RECORDS", values.length);
      combiner.reduce(key, values, ctx);
    });
  } catch (e) {
    if (e instanceof ExecutionError && e.condition.startsWith("MAPREDUCE_")) throw e;
    throw wrapUser(e, "combiner.reduce", where);
  } finally {
    ctx.sink = saved;
  }
  addCounter(counters, TASK_COUNTER, "COMBINE_OUTPUT_RECORDS", out);
  return out;
}
