// The driver's record of where every shuffle's map outputs live. Only locations and sizes are
// kept here - the data stays on the workers. Outputs survive the jobs that made them, so a later
// job over the same shuffle skips the map stage; losing a worker removes its outputs.

import type { MapOutput } from "./stage";

/** Map outputs of one shuffle that are gone (their worker or file is lost). */
export interface LostOutputs {
  shuffleId: number;
  mapIds: number[];
}

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

  /** Totals of what crossed a shuffle, for DAG edge labels. */
  totals(shuffleId: number): { bytes: number; records: number } {
    let bytes = 0, records = 0;
    for (const o of this.shuffles.get(shuffleId) ?? []) {
      if (!o) continue;
      for (const s of o.sizes) bytes += s;
      for (const r of o.records) records += r;
    }
    return { bytes, records };
  }

  remove(shuffleId: number): void {
    this.shuffles.delete(shuffleId);
  }

  get shuffleIds(): number[] {
    return [...this.shuffles.keys()];
  }
}
