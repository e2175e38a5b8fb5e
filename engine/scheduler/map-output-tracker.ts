// The driver's record of where every shuffle's map outputs live. Only locations and sizes are
// kept here - the data stays on the workers. Outputs survive the jobs that made them, so a later
// job over the same shuffle skips the map stage; losing a worker removes its outputs.

import type { EdgeSample } from "./job-info";
import type { MapOutput } from "./stage";

/** Map outputs of one shuffle that are gone (their worker or file is lost). */
export interface LostOutputs {
  shuffleId: number;
  mapIds: number[];
}

/** Sampled records kept per shuffle edge. */
const MAX_EDGE_SAMPLES = 64;

export class MapOutputTracker {
  private readonly shuffles = new Map<number, Array<MapOutput | undefined>>();

  /** The (shared, mutable) output table of a shuffle, created on first use. */
  outputs(shuffleId: number, numMaps: number): Array<MapOutput | undefined> {
    let t = this.shuffles.get(shuffleId);
    if (!t) {
      t = new Array<MapOutput | undefined>(numMaps).fill(undefined);
      this.shuffles.set(shuffleId, t);
    }
    return t;
  }

  has(shuffleId: number): boolean {
    return this.shuffles.has(shuffleId);
  }

  register(shuffleId: number, out: MapOutput): void {
    const t = this.shuffles.get(shuffleId);
    if (t) t[out.mapId] = out;
  }

  /** Forget one map output (a fetch of it failed). */
  unregister(shuffleId: number, mapId: number): void {
    const t = this.shuffles.get(shuffleId);
    if (t && mapId >= 0) t[mapId] = undefined;
  }

  /** Forget every output held by a worker (or by a shuffle server address); returns what was lost, shuffle by shuffle. */
  removeOutputsOn(pred: (o: MapOutput) => boolean): LostOutputs[] {
    const lost: LostOutputs[] = [];
    for (const [shuffleId, t] of this.shuffles) {
      const mapIds: number[] = [];
      t.forEach((o, i) => { if (o && pred(o)) { t[i] = undefined; mapIds.push(i); } });
      if (mapIds.length) lost.push({ shuffleId, mapIds });
    }
    return lost;
  }

  /** The outputs known now, without registering the shuffle (a job preview reads, never writes). */
  peek(shuffleId: number, numMaps: number): Array<MapOutput | undefined> {
    return [...(this.shuffles.get(shuffleId) ?? new Array<MapOutput | undefined>(numMaps).fill(undefined))];
  }

  /**
   * What crossed a shuffle, for the DAG's edges: totals, per reducer (after any map-side combine),
   * and the map tasks' sampled records (at most MAX_EDGE_SAMPLES, spread over the map tasks).
   */
  edgeData(shuffleId: number): { bytes: number; records: number; reducerBytes: number[]; reducerRecords: number[]; samples: EdgeSample[] } {
    let bytes = 0, records = 0;
    const reducerBytes: number[] = [], reducerRecords: number[] = [];
    const outs = (this.shuffles.get(shuffleId) ?? []).filter((o): o is MapOutput => !!o);
    for (const o of outs) {
      o.sizes.forEach((b, r) => { bytes += b; reducerBytes[r] = (reducerBytes[r] ?? 0) + b; });
      o.records.forEach((n, r) => { records += n; reducerRecords[r] = (reducerRecords[r] ?? 0) + n; });
    }
    // Round-robin over the map tasks, so every task shows what it emitted before any shows more.
    const samples: EdgeSample[] = [];
    for (let k = 0; samples.length < MAX_EDGE_SAMPLES; k++) {
      let any = false;
      for (const o of outs) {
        const x = o.samples?.[k];
        if (!x) continue;
        any = true;
        samples.push(x);
        if (samples.length >= MAX_EDGE_SAMPLES) break;
      }
      if (!any) break;
    }
    return { bytes, records, reducerBytes: Array.from(reducerBytes, (x) => x ?? 0), reducerRecords: Array.from(reducerRecords, (x) => x ?? 0), samples };
  }

  remove(shuffleId: number): void {
    this.shuffles.delete(shuffleId);
  }

  get shuffleIds(): number[] {
    return [...this.shuffles.keys()];
  }
}
