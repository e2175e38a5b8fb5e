// Run by low-heap.test.ts in a child process with a small --max-old-space-size: a groupByKey-like
// shuffle (map-side list combine, then reduce-side merge) over more data than the heap can hold.
// Prints one JSON line with counts that the test checks against closed-form values.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { partitionForKey } from "../common/keys";
import type { Aggregator } from "./aggregator";
import { ExternalAppendOnlyMap } from "./external-append-only-map";
import { forEachShuffleRecord, readLocalShuffleBlock } from "./shuffle-files";
import { writeShuffleOutput } from "./shuffle-writer";

const N = Number(process.argv[2] ?? 1_000_000);
const KEYS = Number(process.argv[3] ?? 200_000);
const LIMIT = Number(process.argv[4] ?? 8 << 20);
const R = 4;
const dir = mkdtempSync(join(tmpdir(), "bdw-lowheap-"));
const pad = "x".repeat(40);
function* records(): Generator<[unknown, unknown]> {
  for (let i = 0; i < N; i++) yield [`key-${(Math.floor(i / 5) * 7919) % KEYS}`, `v${i}-${pad}`];
}
const list: Aggregator<unknown, unknown[]> = {
  createCombiner: (v) => [v], mergeValue: (c, v) => (c.push(v), c), mergeCombiners: (a, b) => a.concat(b),
};
try {
  const st = writeShuffleOutput({ dir, shuffleId: 0, mapId: 0, numPartitions: R, records: records(), partition: (k) => partitionForKey(k, R), aggregator: list as Aggregator<unknown, unknown>, memoryLimitBytes: LIMIT });
  let keys = 0, values = 0, reduceSpill = 0;
  for (let r = 0; r < R; r++) {
    const m = new ExternalAppendOnlyMap(list, { dir, memoryLimitBytes: LIMIT });
    forEachShuffleRecord(readLocalShuffleBlock(dir, 0, 0, r), (k, c) => m.insertCombiner(k, c as unknown[]));
    for (const [, c] of m.entries()) { keys++; values += c.length; }
    reduceSpill += m.spillBytes;
    m.dispose();
  }
  console.log(JSON.stringify({ keys, values, mapSpill: st.spillBytes, reduceSpill }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
