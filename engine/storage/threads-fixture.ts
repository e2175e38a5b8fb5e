// Run as a worker_thread by threads.test.ts: one "task slot" that writes a map output into the
// shared worker directory, as the executor's task threads do, and posts its MapStatus back.

import { parentPort, workerData } from "node:worker_threads";
import { partitionForKey } from "../common/keys";
import { writeShuffleOutput } from "./shuffle-writer";

const { dir, shuffleId, mapId, n, numPartitions } = workerData as { dir: string; shuffleId: number; mapId: number; n: number; numPartitions: number };
function* records(): Generator<[unknown, unknown]> {
  for (let i = 0; i < n; i++) yield [`k${(i * 13 + mapId) % 500}`, mapId * 1_000_000 + i];
}
const st = writeShuffleOutput({ dir, shuffleId, mapId, numPartitions, records: records(), partition: (k) => partitionForKey(k, numPartitions), memoryLimitBytes: 32 * 1024 });
parentPort!.postMessage(st);
