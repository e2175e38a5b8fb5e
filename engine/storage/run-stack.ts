// The spilled runs of a spilling map or sorter, kept as a size-tiered stack (oldest first): when
// FAN runs of the same tier pile up at the top they are merged into one run of the next tier.
// Open files in a final merge stay below FAN per tier (a few tiers at most), and every record is
// rewritten only once per tier, instead of on every fold as with "merge everything when full".

import { removeQuietly } from "./spill-files";

export class RunStack {
  private readonly runs: string[] = [];
  private readonly tiers: number[] = [];

  /** fold merges the given runs (oldest first) into one new run file and returns its path. */
  constructor(private readonly fold: (runs: readonly string[]) => string, private readonly fan = 16) {}

  get length(): number { return this.runs.length; }
  get paths(): readonly string[] { return this.runs; }

  push(path: string): void {
    this.runs.push(path);
    this.tiers.push(0);
    for (;;) {
      const top = this.tiers[this.tiers.length - 1]!;
      let i = this.tiers.length;
      while (i > 0 && this.tiers[i - 1] === top) i--;
      if (this.tiers.length - i < this.fan) return;
      // The group is the newest contiguous run of one tier, so order (and sort stability) holds.
      const group = this.runs.splice(i);
      this.tiers.splice(i);
      const merged = this.fold(group);
      for (const r of group) removeQuietly(r);
      this.runs.push(merged);
      this.tiers.push(top + 1);
    }
  }

  /** Delete every run file. */
  clear(): void {
    for (const r of this.runs) removeQuietly(r);
    this.runs.length = 0;
    this.tiers.length = 0;
  }
}
