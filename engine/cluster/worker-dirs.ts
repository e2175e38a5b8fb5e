// Scratch directories of worker processes (shuffle files, spills, disk-cached blocks). A worker
// removes its own on a clean shutdown; one killed with SIGKILL cannot, so each directory carries
// an owner file with its process id and every worker start sweeps the directories whose owner is
// gone, as Spark's external shuffle service cleans up after dead executors.

import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PREFIX = "bigdata-";
const OWNER_FILE = ".owner-pid";
/** Directories of workers from before owner files existed are swept once this old. */
const LEGACY_AGE_MS = 24 * 3600 * 1000;

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === "EPERM"; }
}

/** Remove the scratch directories under `root` left by worker processes that no longer run. Returns what it removed. */
export function sweepStaleWorkerDirs(root = tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[];
  try { names = readdirSync(root); } catch { return removed; }
  const uid = process.getuid?.();
  for (const name of names) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = join(root, name);
    try {
      const st = statSync(dir);
      if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) continue;
      let stale: boolean;
      try {
        const pid = Number(readFileSync(join(dir, OWNER_FILE), "utf8").trim());
        stale = Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && !alive(pid);
      } catch {
        stale = /^bigdata-worker-.*-\d{13}$/.test(name) && Date.now() - st.mtimeMs > LEGACY_AGE_MS;
      }
      if (stale) {
        rmSync(dir, { recursive: true, force: true });
        removed.push(dir);
      }
    } catch { /* raced with another sweeper or its owner: leave it */ }
  }
  return removed;
}

/** Create this worker's scratch directory, marked with this process id, after sweeping stale ones. */
export function createWorkerDir(workerId: string, dir?: string): string {
  sweepStaleWorkerDirs();
  const path = dir ?? join(tmpdir(), `${PREFIX}${workerId.replace(/[^\w.-]/g, "_")}-${Date.now()}`);
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, OWNER_FILE), String(process.pid));
  return path;
}
