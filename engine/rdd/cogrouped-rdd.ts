// cogroup: for each key, the values from every parent. A parent already partitioned by the same
// partitioner is read through a narrow dependency (no shuffle); the others are shuffled. Joins
// are built on it, as in Spark.

import { KeyMap } from "../common/keys";
import { OneToOneDependency, ShuffleDependency, type Dependency } from "./dependency";
import { RDD } from "./rdd";
import type { Partition } from "./partition";
import type { Partitioner } from "./partitioner";
import type { RddContext } from "./rdd-context";
import { registerRddKind } from "./rdd-registry";
import { readShuffle } from "./shuffled-rdd";
import type { TaskContext } from "./task-context";

type Source = { narrow: true } | { shuffleId: number };

export class CoGroupedRDD extends RDD<[unknown, unknown[][]]> {
  readonly kind = "cogroup";
  readonly sources: Source[];
  private readonly narrowParents: RDD<[unknown, unknown]>[];

  constructor(ctx: RddContext, parents: RDD<[unknown, unknown]>[], part: Partitioner | { numPartitions: number }, worker?: { sources: Source[]; narrow: RDD<[unknown, unknown]>[] }) {
    const deps: Dependency[] = [];
    const sources: Source[] = [];
    if (worker) {
      for (const p of worker.narrow) deps.push(new OneToOneDependency(p as RDD<unknown>));
      sources.push(...worker.sources);
    } else {
      for (const p of parents) {
        if (p.partitioner && (part as Partitioner).equals?.(p.partitioner)) {
          deps.push(new OneToOneDependency(p as RDD<unknown>));
          sources.push({ narrow: true });
        } else {
          const d = new ShuffleDependency(p as RDD<unknown>, ctx.newShuffleId(), part as Partitioner);
          ctx.registerShuffle?.(d, d.shuffleId);
          deps.push(d);
          sources.push({ shuffleId: d.shuffleId });
        }
      }
    }
    super(ctx, deps, "cogroup");
    this.sources = sources;
    this.narrowParents = worker ? worker.narrow : parents.filter((_, i) => "narrow" in sources[i]!);
    this.numParts = part.numPartitions;
    if (!worker) this.partitioner = part as Partitioner;
  }
  private readonly numParts: number;

  protected getPartitions(): Partition[] {
    return Array.from({ length: this.numParts }, (_, index) => ({
      index,
      narrowSplits: this.narrowParents.map((p) => p.partitions[index]!),
    }));
  }

  shipArgs(): unknown {
    return { sources: this.sources, numPartitions: this.numParts };
  }

  override parentSplits(split: Partition): Array<[RDD<unknown>, Partition]> {
    const ns = split.narrowSplits as Partition[];
    return this.narrowParents.map((p, i) => [p as RDD<unknown>, ns[i]!]);
  }
  override async prepare(split: Partition, tc: TaskContext): Promise<void> {
    for (const s of this.sources) if ("shuffleId" in s) await tc.fetchShuffle(s.shuffleId, split.index);
  }

  compute(split: Partition, tc: TaskContext): Iterator<[unknown, unknown[][]]> {
    const n = this.sources.length;
    const groups = new KeyMap<unknown[][]>();
    const narrowSplits = split.narrowSplits as Partition[];
    let narrowIdx = 0;
    this.sources.forEach((s, i) => {
      const it = "narrow" in s
        ? this.narrowParents[narrowIdx]!.iterator(narrowSplits[narrowIdx++]!, tc)
        : readShuffle({ shuffleId: s.shuffleId, numPartitions: this.numParts, mapSideCombine: false }, split.index, tc);
      for (let r = it.next(); !r.done; r = it.next()) {
        const [k, v] = r.value as [unknown, unknown];
        let g = groups.get(k);
        if (!g) {
          g = Array.from({ length: n }, () => []);
          groups.set(k, g);
        }
        g[i]!.push(v);
      }
    });
    return groups.entries();
  }
}

registerRddKind("cogroup", (ctx, a: { sources: Source[]; numPartitions: number }, parents) =>
  new CoGroupedRDD(ctx, [], { numPartitions: a.numPartitions }, { sources: a.sources, narrow: parents as RDD<[unknown, unknown]>[] }));
