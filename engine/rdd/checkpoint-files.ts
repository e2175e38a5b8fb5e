// Checkpoint files: one codec-encoded file per partition under <dir>/rdd-<id>/, written
// atomically (temp file + rename) so a killed task never leaves a partial partition behind.

import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { decode, encode } from "../common/codec";

export function checkpointPath(dir: string, rddId: number, index: number): string {
  return join(dir, `rdd-${rddId}`, `part-${String(index).padStart(5, "0")}`);
}

export function writeCheckpointPartition(dir: string, rddId: number, index: number, values: unknown[]): void {
  const path = checkpointPath(dir, rddId, index);
  mkdirSync(join(dir, `rdd-${rddId}`), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  writeFileSync(tmp, encode(values));
  renameSync(tmp, path);
}

export function readCheckpointPartition(dir: string, rddId: number, index: number): unknown[] {
  return decode<unknown[]>(readFileSync(checkpointPath(dir, rddId, index)));
}

export function checkpointComplete(dir: string, rddId: number, numPartitions: number): boolean {
  for (let i = 0; i < numPartitions; i++) if (!existsSync(checkpointPath(dir, rddId, i))) return false;
  return true;
}
