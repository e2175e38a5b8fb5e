import fc from "fast-check";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { encode } from "../common/codec";
import type { Aggregator } from "./aggregator";
import { FRAME_HEADER } from "./frame-file";
import { encodePairFrame } from "./pair-frame";
import { decodeShuffleBlock, forEachShuffleRecord, readLocalShuffleBlock } from "./shuffle-files";
import { writeShuffleOutput } from "./shuffle-writer";

const block = (pairs: Array<[unknown, unknown]>): Buffer => Buffer.concat(encodePairFrame(pairs.flat()));

/** Old-style frame (u32 length + msgpack flat array), as earlier writers produced. */
const msgpackFrame = (pairs: Array<[unknown, unknown]>): Buffer => {
  const p = encode(pairs.flat());
  const h = Buffer.alloc(FRAME_HEADER);
  h.writeUInt32LE(p.length, 0);
  return Buffer.concat([h, p]);
};

describe("pair frames", () => {
  it("round-trip typical columns exactly (ints, floats, -0, NaN, strings, constants, mixed)", () => {
    const cases: Array<Array<[unknown, unknown]>> = [
      [[1, 1], [2, 1], [3, 1]],
      [[-5, 2.5], [2147483647, -0], [-2147483648, NaN]],
      [[-0, 1], [0, 1]],
      [["a", 1], ["héllo wörld", 2], ["", 3], ["😀x", 4]],
      [["k", [1, 2]], ["k", { a: 1 }], ["k", null]],
      [[1, "x"], ["1", "x"], [[1, 2], "x"], [null, undefined]],
      [[true, true], [true, true]],
      [[2 ** 40, 1n], [1.5, new Date(3)]],
      [["only", 7]],
    ];
    for (const c of cases) {
      const got = decodeShuffleBlock(block(c));
      expect(got.length).toBe(c.length);
      got.forEach(([k, v], i) => {
        expect(Object.is(k, c[i]![0]) || JSON.stringify(k) === JSON.stringify(c[i]![0])).toBe(true);
        expect(v).toStrictEqual(c[i]![1]);
        if (typeof c[i]![0] === "number") expect(Object.is(k, c[i]![0])).toBe(true);
        if (typeof c[i]![1] === "number") expect(Object.is(v, c[i]![1])).toBe(true);
      });
    }
  });

  it("decode the same records as the msgpack codec for arbitrary batches (property)", () => {
    const value = fc.oneof(fc.integer(), fc.double(), fc.string({ unit: "grapheme" }), fc.boolean(), fc.constant(null),
      fc.array(fc.integer(), { maxLength: 3 }));
    fc.assert(fc.property(fc.array(fc.tuple(value, value), { minLength: 1, maxLength: 50 }), (pairs) => {
      const viaPairs = decodeShuffleBlock(block(pairs as Array<[unknown, unknown]>));
      const viaMsgpack = decodeShuffleBlock(msgpackFrame(pairs as Array<[unknown, unknown]>));
      // msgpack writes -0 as the integer 0; pair frames keep -0 (checked exactly above), so the
      // two agree once -0 is read as 0.
      const zero = (x: unknown): unknown => (Object.is(x, -0) ? 0 : Array.isArray(x) ? x.map(zero) : x);
      expect(zero(viaPairs)).toStrictEqual(zero(viaMsgpack));
    }), { numRuns: 300 });
  });

  it("a block may mix pair frames and msgpack frames", () => {
    const out: Array<[unknown, unknown]> = [];
    forEachShuffleRecord(Buffer.concat([block([["a", 1]]), msgpackFrame([["b", 2]]), block([[3, "c"], [4, "d"]])]), (k, v) => { out.push([k, v]); });
    expect(out).toStrictEqual([["a", 1], ["b", 2], [3, "c"], [4, "d"]]);
  });

  it("a truncated block is refused", () => {
    const b = block([["a", 1], ["b", 2]]);
    expect(() => decodeShuffleBlock(b.subarray(0, b.length - 3))).toThrow(RangeError);
  });
});

describe("map-side combine that does not pay", () => {
  const sum: Aggregator<unknown, unknown> = { createCombiner: (v) => v, mergeValue: (a, b) => (a as number) + (b as number), mergeCombiners: (a, b) => (a as number) + (b as number) };

  it("unique keys stream through without combining; counts and sums match a plain model", () => {
    const dir = mkdtempSync(join(tmpdir(), "bdw-pairs-"));
    try {
      const N = 120_000, R = 3;
      function* recs(): Generator<[unknown, unknown]> { for (let i = 0; i < N; i++) yield [i, i % 7]; }
      const st = writeShuffleOutput({ dir, shuffleId: 0, mapId: 0, numPartitions: R, records: recs(), partition: (k) => (k as number) % R, aggregator: sum });
      expect(st.inputRecords).toBe(N);
      expect(st.records.reduce((a, b) => a + b, 0)).toBe(N);
      const seen = new Map<number, number>();
      let misplaced = 0;
      for (let r = 0; r < R; r++) {
        forEachShuffleRecord(readLocalShuffleBlock(dir, 0, 0, r), (k, v) => {
          if ((k as number) % R !== r) misplaced++;
          seen.set(k as number, (seen.get(k as number) ?? 0) + (v as number));
        });
      }
      expect(misplaced).toBe(0);
      expect(seen.size).toBe(N);
      for (let i = 0; i < N; i += 997) expect(seen.get(i)).toBe(i % 7);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("repeated keys are still combined on the map side", () => {
    const dir = mkdtempSync(join(tmpdir(), "bdw-pairs-"));
    try {
      const N = 200_000, K = 1000;
      function* recs(): Generator<[unknown, unknown]> { for (let i = 0; i < N; i++) yield [`w${i % K}`, 1]; }
      const st = writeShuffleOutput({ dir, shuffleId: 1, mapId: 0, numPartitions: 2, records: recs(), partition: (k) => (k as string).length % 2, aggregator: sum });
      expect(st.inputRecords).toBe(N);
      expect(st.records.reduce((a, b) => a + b, 0)).toBe(K);
      let total = 0;
      for (let r = 0; r < 2; r++) forEachShuffleRecord(readLocalShuffleBlock(dir, 1, 0, r), (_k, v) => { total += v as number; });
      expect(total).toBe(N);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
