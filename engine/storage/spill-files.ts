// Naming and cleanup of temporary files (spill runs, half-written outputs) in a worker's local
// directory. Names carry the process id and a random part so concurrent tasks never collide.

import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";

/** Create the directory if needed (one cheap syscall; not cached, as a test or cleanup may remove it). */
export function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
}

/** A fresh path in dir: `<prefix>-<pid>-<random><suffix>`. */
export function tempPath(dir: string, prefix: string, suffix = ".tmp"): string {
  ensureDir(dir);
  return join(dir, `${prefix}-${process.pid}-${randomBytes(6).toString("hex")}${suffix}`);
}

/** Delete a file if it exists; never throws (cleanup must not mask the real error). */
export function removeQuietly(path: string): void {
  try { rmSync(path, { force: true }); } catch { /* best effort */ }
}
