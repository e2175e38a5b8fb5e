import { existsSync, readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { canonical, KeyMap, partitionForKey } from "../common/keys";
import type { Aggregator } from "./aggregator";
import { decodeShuffleBlock, readLocalShuffleBlock, removeShuffle, shuffleDataPath, shuffleIndexPath } from "./shuffle-files";
import { writeShuffleOutput } from "./shuffle-writer";
import { FetchFailedError } from "./fetch-failed-error";
import { removeTempDirs, tempDir } from "../../test/fixtures/storage/test-dirs";

afterAll(removeTempDirs);

type Pair = [unknown, unknown];
const sum: Aggregator<unknown, unknown> = {
  createCombiner: (v) => v, mergeValue: (c, v) => (c as number) + (v as number), mergeCombiners: (a, b) => (a as number) + (b as number),
};
const list: Aggregator<unknown, unknown> = {
  createCombiner: (v) => [v], mergeValue: (c, v) => [...(c as unknown[]), v], mergeCombiners: (a, b) => [...(a as unknown[]), ...(b as unknown[])],
};

const keyArb = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom("a", "b", "c", ""),
  fc.tuple(fc.constantFrom("a", "b"), fc.integer({ min: 0, max: 2 })),   // compound keys combine by value
  fc.constant(null),
);
const pairsArb = fc.array(fc.tuple(keyArb, fc.integer({ min: -100, max: 100 })), { maxLength: 300 });

/** Split records over `maps` map tasks, write each, read every block back; returns records per reduce partition. */
function shuffle(dir: string, shuffleId: number, records: Pair[], maps: number, numPartitions: number,
  aggregator?: Aggregator<unknown, unknown>, memoryLimitBytes?: number) {
  const statuses = [];
  for (let m = 0; m < maps; m++) {
    const mine = records.filter((_, i) => i % maps === m);
    statuses.push(writeShuffleOutput({
      dir, shuffleId, mapId: m, numPartitions, records: mine,
      partition: (k) => partitionForKey(k, numPartitions), aggregator, memoryLimitBytes,
    }));
  }
  const out: Pair[][] = [];
  for (let r = 0; r < numPartitions; r++) {
    const got: Pair[] = [];
    for (let m = 0; m < maps; m++) {
      const buf = readLocalShuffleBlock(dir, shuffleId, m, r);
      expect(buf.length).toBe(statuses[m]!.sizes[r]);
      const recs = decodeShuffleBlock(buf);
      expect(recs.length).toBe(statuses[m]!.records[r]);
      got.push(...recs);
    }
    out.push(got);
  }
  return { out, statuses };
}

const sortPairs = (ps: Pair[]) => ps.map((p) => canonical(p)).sort();

describe("writeShuffleOutput / readLocalShuffleBlock", () => {
  it("without aggregator: every record lands, once, in its key's partition", () => {
    const dir = tempDir();
    let sid = 0;
    fc.assert(fc.property(pairsArb, fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 3 }), fc.boolean(),
      (records, n, maps, tiny) => {
        const { out } = shuffle(dir, sid++, records, maps, n, undefined, tiny ? 300 : undefined);
        for (let r = 0; r < n; r++) {
          expect(sortPairs(out[r]!)).toEqual(sortPairs(records.filter(([k]) => partitionForKey(k, n) === r)));
        }
      }), { numRuns: 60 });
  });

  for (const [name, agg] of [["sum", sum], ["list", list]] as const) {
    it(`with aggregator (${name}): reduce-side merge of all blocks equals the plain-array model`, () => {
      const dir = tempDir();
      let sid = 0;
      fc.assert(fc.property(pairsArb, fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 3 }), fc.boolean(),
        (records, n, maps, tiny) => {
          const { out, statuses } = shuffle(dir, sid++, records, maps, n, agg, tiny ? 200 : undefined);
          for (let r = 0; r < n; r++) {
            // Within one map output a key appears once (map-side combine), even after spills.
            for (let m = 0; m < maps; m++) {
              const keys = decodeShuffleBlock(readLocalShuffleBlock(dir, sid - 1, m, r)).map(([k]) => canonical(k));
              expect(new Set(keys).size).toBe(keys.length);
            }
            const merged = new KeyMap<unknown>();
            for (const [k, c] of out[r]!) merged.set(k, merged.has(k) ? agg.mergeCombiners(merged.get(k), c) : c);
            // Model: group the plain array by canonical key text.
            const model = new Map<string, Pair>();
            for (const [k, v] of records) {
              if (partitionForKey(k, n) !== r) continue;
              const e = model.get(canonical(k));
              model.set(canonical(k), e ? [k, name === "sum" ? (e[1] as number) + v : [...(e[1] as number[]), v]] : [k, name === "sum" ? v : [v]]);
            }
            const norm = (c: unknown) => (Array.isArray(c) ? [...c].sort((a, b) => a - b) : c);
            const got = [...merged].map(([k, c]) => [canonical(k), norm(c)] as const).sort((a, b) => (a[0] < b[0] ? -1 : 1));
            const want = [...model.values()].map(([k, c]) => [canonical(k), norm(c)] as const).sort((a, b) => (a[0] < b[0] ? -1 : 1));
            expect(got).toEqual(want);
          }
          if (tiny && records.length > 50) expect(statuses.some((s) => s.spillBytes > 0)).toBe(true);
        }), { numRuns: 60 });
    });
  }

  it("combines array keys by value", () => {
    const dir = tempDir();
    const st = writeShuffleOutput({
      dir, shuffleId: 1, mapId: 0, numPartitions: 2, aggregator: sum,
      records: [[["a", 1], 1], [["a", 1], 2], [["a", 2], 5], [["a", 1], 3]],
      partition: (k) => partitionForKey(k, 2),
    });
    const all = [0, 1].flatMap((r) => decodeShuffleBlock(readLocalShuffleBlock(dir, 1, 0, r)));
    expect(all.map(([k, v]) => [canonical(k), v]).sort()).toEqual([[canonical(["a", 1]), 6], [canonical(["a", 2]), 5]].sort());
    expect(st.records.reduce((a, b) => a + b, 0)).toBe(2);
  });

  it("spills a large map output under a small limit and still reads back everything", () => {
    const dir = tempDir();
    const N = 50_000;
    const recs: Pair[] = Array.from({ length: N }, (_, i) => [`k${i % 5000}`, i]);
    const plain = writeShuffleOutput({ dir, shuffleId: 2, mapId: 0, numPartitions: 4, records: recs,
      partition: (k) => partitionForKey(k, 4), memoryLimitBytes: 64 * 1024 });
    expect(plain.spillBytes).toBeGreaterThan(0);
    expect(plain.records.reduce((a, b) => a + b, 0)).toBe(N);
    const comb = writeShuffleOutput({ dir, shuffleId: 2, mapId: 1, numPartitions: 4, records: recs, aggregator: sum,
      partition: (k) => partitionForKey(k, 4), memoryLimitBytes: 64 * 1024 });
    expect(comb.spillBytes).toBeGreaterThan(0);
    expect(comb.records.reduce((a, b) => a + b, 0)).toBe(5000);
    expect(comb.inputRecords).toBe(N);
    expect(plain.inputRecords).toBe(N);
    let total = 0;
    for (let r = 0; r < 4; r++) for (const [, v] of decodeShuffleBlock(readLocalShuffleBlock(dir, 2, 1, r))) total += v as number;
    expect(total).toBe((N * (N - 1)) / 2);
    // Spill files are gone; only the committed outputs remain.
    expect(readdirSync(dir).sort()).toEqual(["shuffle_2_0.data", "shuffle_2_0.index", "shuffle_2_1.data", "shuffle_2_1.index"]);
  });

  it("a pathologically small limit (a spill per record) folds spill files and stays correct", () => {
    const dir = tempDir();
    const recs: Pair[] = Array.from({ length: 1500 }, (_, i) => [i % 37, i]);
    const st = writeShuffleOutput({ dir, shuffleId: 6, mapId: 0, numPartitions: 3, records: recs, partition: (k) => partitionForKey(k, 3), memoryLimitBytes: 1 });
    expect(st.spillBytes).toBeGreaterThan(0);
    for (let r = 0; r < 3; r++) {
      const got = decodeShuffleBlock(readLocalShuffleBlock(dir, 6, 0, r));
      // Spilled segments are concatenated in spill order, so each partition keeps input order.
      expect(got).toEqual(recs.filter(([k]) => partitionForKey(k, 3) === r));
    }
    expect(readdirSync(dir).sort()).toEqual(["shuffle_6_0.data", "shuffle_6_0.index"]);
  });

  it("empty partitions have size 0 and decode to nothing", () => {
    const dir = tempDir();
    const st = writeShuffleOutput({ dir, shuffleId: 3, mapId: 0, numPartitions: 3, records: [["x", 1]], partition: () => 2 });
    expect(st.sizes[0]).toBe(0);
    expect(st.sizes[1]).toBe(0);
    expect(st.sizes[2]).toBeGreaterThan(0);
    expect(decodeShuffleBlock(readLocalShuffleBlock(dir, 3, 0, 0))).toEqual([]);
    expect(decodeShuffleBlock(readLocalShuffleBlock(dir, 3, 0, 2))).toEqual([["x", 1]]);
  });

  it("a failing task leaves no committed or temp files; a bad partition id is a typed error", () => {
    const dir = tempDir();
    function* boom(): Generator<Pair> { yield ["a", 1]; throw new Error("user code failed"); }
    expect(() => writeShuffleOutput({ dir, shuffleId: 4, mapId: 0, numPartitions: 2, records: boom(), partition: () => 0 })).toThrow("user code failed");
    expect(() => writeShuffleOutput({ dir, shuffleId: 4, mapId: 1, numPartitions: 2, records: [["a", 1]], partition: () => 5 })).toThrow(/INVALID_PARTITION_ID/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a second attempt keeps the first committed output; removeShuffle deletes only that shuffle", () => {
    const dir = tempDir();
    const a = writeShuffleOutput({ dir, shuffleId: 5, mapId: 0, numPartitions: 2, records: [["a", 1], ["b", 2]], partition: (k) => (k === "a" ? 0 : 1) });
    const b = writeShuffleOutput({ dir, shuffleId: 5, mapId: 0, numPartitions: 2, records: [["a", 1], ["b", 2]], partition: (k) => (k === "a" ? 0 : 1) });
    expect(b.sizes).toEqual(a.sizes);
    writeShuffleOutput({ dir, shuffleId: 50, mapId: 0, numPartitions: 1, records: [["z", 1]], partition: () => 0 });
    removeShuffle(dir, 5);
    expect(existsSync(shuffleDataPath(dir, 5, 0))).toBe(false);
    expect(existsSync(shuffleIndexPath(dir, 5, 0))).toBe(false);
    expect(existsSync(shuffleDataPath(dir, 50, 0))).toBe(true);
    try {
      readLocalShuffleBlock(dir, 5, 0, 1);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(FetchFailedError);
      expect(e).toMatchObject({ shuffleId: 5, mapId: 0, reduceId: 1, reason: "missing", condition: "FETCH_FAILED" });
    }
  });

  it("records pushed by a function give the same files and status as the same records iterated", () => {
    const dir = tempDir();
    // Repeated keys (combined), unique keys past the combine probe (streamed), and a tiny limit (spills).
    const cases: Array<{ recs: Pair[]; agg?: Aggregator<unknown, unknown>; limit?: number }> = [
      { recs: Array.from({ length: 20_000 }, (_, i): Pair => [`k${i % 300}`, i]), agg: sum },
      { recs: Array.from({ length: 80_000 }, (_, i): Pair => [i, 1]), agg: sum },
      { recs: Array.from({ length: 30_000 }, (_, i): Pair => [[i % 50, "x"], i]) },
      { recs: Array.from({ length: 30_000 }, (_, i): Pair => [i % 977, i]), agg: list, limit: 64 << 10 },
    ];
    let sid = 100;
    for (const c of cases) {
      const base = { dir, mapId: 0, numPartitions: 3, partition: (k: unknown) => partitionForKey(k, 3), aggregator: c.agg, memoryLimitBytes: c.limit };
      const a = writeShuffleOutput({ ...base, shuffleId: sid, records: c.recs });
      const b = writeShuffleOutput({ ...base, shuffleId: sid + 1, records: (each) => { for (const r of c.recs) each(r); } });
      expect({ ...b, shuffleId: 0, writeTimeMs: 0, writerMs: 0 }).toEqual({ ...a, shuffleId: 0, writeTimeMs: 0, writerMs: 0 });
      expect(a.inputRecords).toBe(c.recs.length);
      expect(readFileSync(shuffleDataPath(dir, sid + 1, 0)).equals(readFileSync(shuffleDataPath(dir, sid, 0)))).toBe(true);
      sid += 2;
    }
  });
});
