// Temporary directories for this folder's tests (real files, removed after each test file).

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const made: string[] = [];

export function tempDir(tag = "storage"): string {
  const d = mkdtempSync(join(tmpdir(), `bdw-${tag}-`));
  made.push(d);
  return d;
}

export function removeTempDirs(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}
