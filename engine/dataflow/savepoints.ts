// Restore points of a dataflow job: completed checkpoints (`<checkpointDir>/chk-N`) and savepoints
// (`<dir>/savepoint-<job>-N`) hold one snapshot file per subtask and a `_metadata` file that records
// the job graph's shape. A new job (`execution.savepoint.path`) restores from one when its program
// matches: the same tasks with the same operators, in order; a keyed task may change its parallelism
// (its state is split by key group, as Flink rescales), a source or non-keyed task may not.

import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { WorkbenchError } from "../common/errors";
import type { JobGraph } from "./types";

export interface TaskShape { id: number; name: string; parallelism: number; keyed: boolean; source: boolean; ops: string[] }
export interface RestorePointMetadata { id: number; kind: string; savepoint: boolean; jobId: string; jobName: string; maxParallelism: number; tasks: TaskShape[] }

export function graphShape(g: JobGraph): TaskShape[] {
  return g.vertices.map((v) => ({ id: v.id, name: v.name, parallelism: v.parallelism, keyed: v.keyed, source: !!v.source, ops: v.ops.map((o) => o.kind) }));
}

export function writeMetadata(dir: string, meta: RestorePointMetadata & Record<string, unknown>): void {
  writeFileSync(join(dir, "_metadata"), JSON.stringify(meta));
}

export function readMetadata(dir: string): RestorePointMetadata {
  const f = join(dir, "_metadata");
  if (!existsSync(f)) throw new WorkbenchError("SAVEPOINT_NOT_FOUND", `no completed checkpoint or savepoint at ${dir} (it has no _metadata file)`);
  return JSON.parse(readFileSync(f, "utf8")) as RestorePointMetadata;
}

/**
 * A savepoint or checkpoint directory, or a job's checkpoint directory (then its latest completed
 * `chk-N`, as when a restarted JobManager resumes from retained checkpoints).
 */
export function resolveRestorePoint(path: string): string {
  if (!existsSync(path) || !statSync(path).isDirectory()) throw new WorkbenchError("SAVEPOINT_NOT_FOUND", `savepoint path ${path} does not exist or is not a directory`);
  if (existsSync(join(path, "_metadata"))) return path;
  const done = readdirSync(path).filter((d) => /^chk-\d+$/.test(d) && existsSync(join(path, d, "_metadata")))
    .sort((a, b) => Number(b.slice(4)) - Number(a.slice(4)));
  if (!done.length) throw new WorkbenchError("SAVEPOINT_NOT_FOUND", `no completed checkpoint in ${path} (no chk-N directory with a _metadata file)`);
  return join(path, done[0]);
}

/** Refuse a restore point the job cannot take, saying which task differs and how. */
export function checkCompatible(meta: RestorePointMetadata, g: JobGraph, path: string): void {
  const now = graphShape(g);
  const fail = (why: string) => { throw new WorkbenchError("SAVEPOINT_INCOMPATIBLE", `cannot restore job '${g.name}' from ${path}: ${why}`); };
  if (meta.tasks.length !== now.length) fail(`the savepoint has ${meta.tasks.length} tasks, the job has ${now.length} (${now.map((t) => t.name).join(", ")})`);
  if (meta.maxParallelism !== g.maxParallelism) fail(`max parallelism changed from ${meta.maxParallelism} to ${g.maxParallelism} (the key groups would move)`);
  meta.tasks.forEach((old, i) => {
    const t = now[i];
    if (old.ops.join(",") !== t.ops.join(",") || old.source !== t.source) fail(`task ${i} was '${old.name}' (${old.ops.join(" -> ") || "source"}), it is now '${t.name}' (${t.ops.join(" -> ") || "source"})`);
    if (old.parallelism !== t.parallelism && (!t.keyed || t.source)) fail(`task '${t.name}' had parallelism ${old.parallelism} and has ${t.parallelism}; only keyed tasks can be rescaled`);
  });
}
