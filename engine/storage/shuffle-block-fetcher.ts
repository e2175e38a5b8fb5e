// Streaming variant of fetchShuffleBlocks for reducers that must bound memory (Spark's
// ShuffleBlockFetcherIterator): blocks are yielded as they arrive, remote requests are split into
// small groups of map ids, and only a few groups are in flight at once, so at most
// maxRequestsInFlight * mapIdsPerRequest blocks are held before the reducer consumes them.

import { readLocalShuffleBlock } from "./shuffle-files";
import { requestWithRetry, type FetchedBlock, type FetchMetrics, type FetchOptions, type FetchRequestSpec } from "./shuffle-fetch";

export interface StreamingFetchOptions extends FetchOptions {
  /** Remote request groups outstanding at once (default 4). */
  maxRequestsInFlight?: number;
  /** Map ids per remote request (default 4). */
  mapIdsPerRequest?: number;
}

type Outcome = { ok: true; spec: FetchRequestSpec; blocks: Map<number, Buffer> } | { ok: false; error: unknown };

export class ShuffleBlockFetcher implements AsyncIterable<FetchedBlock> {
  /** Filled in as blocks arrive; fetchWaitMs counts only the time the consumer was blocked. */
  readonly metrics: FetchMetrics = { localBytes: 0, remoteBytes: 0, localBlocks: 0, remoteBlocks: 0, fetchWaitMs: 0 };

  constructor(private readonly opts: StreamingFetchOptions) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<FetchedBlock, void, undefined> {
    const o = this.opts;
    const per = Math.max(1, o.mapIdsPerRequest ?? 4);
    const local: FetchRequestSpec[] = [];
    const remote: FetchRequestSpec[] = [];
    for (const r of o.requests) {
      if (r.address === o.localAddress && o.localAddress !== "") local.push(r);
      else for (let i = 0; i < r.mapIds.length; i += per) remote.push({ ...r, mapIds: r.mapIds.slice(i, i + per) });
    }
    const timeoutMs = o.timeoutMs ?? 120_000;
    const inflight = new Map<number, Promise<[number, Outcome]>>();
    let next = 0;
    const issue = () => {
      while (next < remote.length && inflight.size < Math.max(1, o.maxRequestsInFlight ?? 4)) {
        const id = next++;
        const spec = remote[id]!;
        const p = requestWithRetry(spec, { ...o, timeoutMs })
          .then((blocks): [number, Outcome] => [id, { ok: true, spec, blocks }], (error: unknown): [number, Outcome] => [id, { ok: false, error }]);
        inflight.set(id, p);
      }
    };
    issue();   // remote transfers overlap with the local reads below
    for (const r of local) {
      for (const mapId of r.mapIds) {
        const data = readLocalShuffleBlock(o.localDir, r.shuffleId, mapId, r.reduceId, r.address);
        this.metrics.localBytes += data.length;
        this.metrics.localBlocks++;
        yield { mapId, data, shuffleId: r.shuffleId, reduceId: r.reduceId, address: r.address };
      }
    }
    while (inflight.size > 0) {
      const t0 = performance.now();
      const [id, out] = await Promise.race(inflight.values());
      this.metrics.fetchWaitMs += performance.now() - t0;
      inflight.delete(id);
      if (!out.ok) throw out.error;
      issue();
      for (const mapId of out.spec.mapIds) {
        const data = out.blocks.get(mapId)!;
        this.metrics.remoteBytes += data.length;
        this.metrics.remoteBlocks++;
        yield { mapId, data, shuffleId: out.spec.shuffleId, reduceId: out.spec.reduceId, address: out.spec.address };
      }
    }
  }
}
