// The columnar scan's RLE / bit-packed hybrid decoder (engine/sql/datasources/rle-hybrid.ts)
// against hyparquet's, the reference, on runs of every kind and every width it takes: random
// mixes of repeated-value runs and bit-packed groups, a last group padded past the values, and
// output shorter than the encoded runs.
import { describe, expect, it } from "vitest";
import { readRleBitPackedHybrid } from "hyparquet/src/encoding.js";
import { MAX_RLE_WIDTH, readRleHybrid, readRleHybridDict, rleAllOnes } from "../../engine/sql/datasources/rle-hybrid";

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 2 ** 32; };
}

function uleb(out: number[], v: number): void {
  do { let b = v % 128; v = Math.floor(v / 128); if (v > 0) b |= 0x80; out.push(b); } while (v > 0);
}

/** Encode `values` as runs chosen at random: repeated-value runs where values repeat, bit-packed groups of 8 elsewhere. */
function encode(values: number[], width: number, r: () => number): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < values.length) {
    let j = i;
    while (j < values.length && values[j] === values[i]) j++;
    if (j - i >= 8 || (r() < 0.3 && j - i >= 2)) {
      uleb(out, (j - i) * 2);
      for (let b = 0; b < ((width + 7) >> 3); b++) out.push(Math.floor(values[i]! / 2 ** (8 * b)) & 0xff);
      i = j;
      continue;
    }
    const groups = 1 + Math.floor(r() * 3);
    const take = values.slice(i, i + groups * 8);
    uleb(out, groups * 2 + 1);
    // Little-endian bit stream, padded with zeros to whole groups.
    let acc = 0n, bits = 0n;
    for (let k = 0; k < groups * 8; k++) { acc |= BigInt(take[k] ?? 0) << bits; bits += BigInt(width); }
    for (let b = 0; b < groups * width; b++) out.push(Number((acc >> BigInt(8 * b)) & 0xffn));
    i += take.length;
  }
  return Uint8Array.from(out);
}

describe("RLE / bit-packed hybrid decoding", () => {
  for (let width = 1; width <= MAX_RLE_WIDTH; width++) {
    it(`width ${width}: the same values as hyparquet's decoder`, () => {
      const r = rng(width * 7919);
      const n = 1 + Math.floor(r() * 3000);
      const values = Array.from({ length: n }, () => (r() < 0.4 ? 1 : Math.floor(r() * 2 ** width)) % 2 ** width);
      const bytes = encode(values, width, r);
      const ours = new Int32Array(n);
      expect(readRleHybrid(bytes, 0, bytes.length, width, ours, n)).toBe(true);
      const ref = new Int32Array(n);
      readRleBitPackedHybrid({ view: new DataView(bytes.buffer), offset: 0 }, width, ref, bytes.length);
      expect(Array.from(ours)).toEqual(values);
      expect(Array.from(ours)).toEqual(Array.from(ref));
      // Fewer values wanted than encoded: the first ones, the rest of the runs skipped.
      const some = new Uint8Array(Math.min(n, 5));
      if (width <= 8) {
        expect(readRleHybrid(bytes, 0, bytes.length, width, some, some.length)).toBe(true);
        expect(Array.from(some)).toEqual(values.slice(0, some.length));
      }
      // Through a dictionary, straight into a Float64Array at an offset (both dictionary types).
      const dictF = Float64Array.from({ length: 2 ** width > 4096 ? 4096 : 2 ** width }, (_, i) => i * 1.5 - 7);
      const dictI = Int32Array.from(dictF, (x) => Math.floor(x));
      const small = values.map((v) => v % dictF.length);
      const enc = encode(small, width, rng(width));
      for (const dict of [dictF, dictI]) {
        const out = new Float64Array(n + 3).fill(-1);
        expect(readRleHybridDict(enc, 0, enc.length, width, dict, out, 3, n)).toBe(true);
        expect(Array.from(out.subarray(3))).toEqual(small.map((v) => dict[v]));
        expect(Array.from(out.subarray(0, 3))).toEqual([-1, -1, -1]);
      }
      // Truncated input: reported, not invented.
      if (n > 16) expect(readRleHybrid(bytes, 0, 2, width, new Int32Array(n), n)).toBe(false);
    });
  }

  it("definition levels with no null are recognised from the run headers alone, and only those", () => {
    const r = rng(42);
    for (let t = 0; t < 300; t++) {
      const n = 1 + Math.floor(r() * 2000);
      // All 1s, or 1s with a 0 somewhere (a null), encoded as random runs.
      const levels = Array.from({ length: n }, () => 1);
      if (t % 2 === 1) levels[Math.floor(r() * n)] = 0;
      const bytes = encode(levels, 1, r);
      const decoded = new Uint8Array(n);
      expect(readRleHybrid(bytes, 0, bytes.length, 1, decoded, n)).toBe(true);
      const allOnes = decoded.every((x) => x === 1);
      // True only when every level is 1; when the encoder chose RLE runs only, always recognised.
      if (rleAllOnes(bytes, 0, bytes.length, n)) expect(allOnes).toBe(true);
      if (allOnes && n >= 8 && t % 4 === 0) {
        const runs: number[] = [];
        uleb(runs, n * 2); runs.push(1);
        expect(rleAllOnes(Uint8Array.from(runs), 0, runs.length, n)).toBe(true);
      }
    }
    // Two runs of 1s covering the page; a run of 0s; a bit-packed run; runs that end too soon.
    expect(rleAllOnes(Uint8Array.from([10, 1, 12, 1]), 0, 4, 11)).toBe(true);
    expect(rleAllOnes(Uint8Array.from([10, 1, 12, 0]), 0, 4, 11)).toBe(false);
    expect(rleAllOnes(Uint8Array.from([3, 0xff]), 0, 2, 8)).toBe(false);
    expect(rleAllOnes(Uint8Array.from([10, 1]), 0, 2, 6)).toBe(false);
  });
});
