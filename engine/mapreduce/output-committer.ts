// FileOutputCommitter (algorithm 1), as Hadoop: a task attempt writes into its own directory
// <out>/_temporary/0/_temporary/<attempt>/; task commit renames that directory to
// <out>/_temporary/0/<task>/ (the first attempt to commit wins; a later duplicate is discarded);
// job commit moves every committed task's files into <out>, deletes _temporary and writes
// _SUCCESS last. A reader that sees _SUCCESS sees the whole output.

import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export function attemptDir(outputDir: string, attemptId: string): string {
  return join(outputDir, "_temporary", "0", "_temporary", attemptId);
}

export function committedTaskDir(outputDir: string, taskId: string): string {
  return join(outputDir, "_temporary", "0", taskId);
}

export function setupTask(outputDir: string, attemptId: string): string {
  const d = attemptDir(outputDir, attemptId);
  rmSync(d, { recursive: true, force: true });
  mkdirSync(d, { recursive: true });
  return d;
}

/** Commit a task attempt; false if another attempt of the task committed first (ours is discarded). */
export function commitTask(outputDir: string, attemptId: string, taskId: string): boolean {
  const from = attemptDir(outputDir, attemptId);
  const to = committedTaskDir(outputDir, taskId);
  try {
    if (existsSync(to)) throw Object.assign(new Error("exists"), { code: "EEXIST" });
    renameSync(from, to);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST" || code === "ENOTEMPTY") {
      rmSync(from, { recursive: true, force: true });
      return false;
    }
    throw e;
  }
}

/** Driver: set up the job's output directory (_temporary). */
export function setupJob(outputDir: string): void {
  mkdirSync(join(outputDir, "_temporary", "0", "_temporary"), { recursive: true });
}

/** Driver: move committed task outputs into place, clean up, write _SUCCESS last. Returns the part files. */
export function commitJob(outputDir: string): string[] {
  const base = join(outputDir, "_temporary", "0");
  const parts: string[] = [];
  for (const t of readdirSync(base).sort()) {
    if (t === "_temporary") continue;
    for (const f of readdirSync(join(base, t)).sort()) {
      renameSync(join(base, t, f), join(outputDir, f));
      parts.push(join(outputDir, f));
    }
  }
  rmSync(join(outputDir, "_temporary"), { recursive: true, force: true });
  writeFileSync(join(outputDir, "_SUCCESS"), "");
  return parts.sort();
}

/** Driver: a failed job leaves no partial output behind but the directory (as Hadoop's abortJob). */
export function abortJob(outputDir: string): void {
  rmSync(join(outputDir, "_temporary"), { recursive: true, force: true });
}
