// The snappy decoder of Parquet pages against hysnappy (hyparquet-compressors' decoder) on streams
// written by hyparquet-writer's snappy compressor: incompressible, repetitive and mixed bytes, and
// hand-written streams for the element kinds a compressor rarely emits (long literals, 4-byte
// offsets, overlapping copies); malformed streams throw SnappyError.
import { describe, expect, it } from "vitest";
import { compressors } from "hyparquet-compressors";
import { snappyCompress } from "hyparquet-writer/src/snappy.js";
import { SnappyError, snappyUncompress } from "./snappy";

/** hysnappy, as hyparquet-compressors hands it to hyparquet. */
const hysnappy = (input: Uint8Array, n: number): Uint8Array => compressors.SNAPPY!(input, n);

/** Deterministic pseudo-random bytes (xorshift). */
function noise(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed | 1;
  for (let i = 0; i < n; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; out[i] = x & 0xff; }
  return out;
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) { out.push((n & 0x7f) | 0x80); n >>>= 7; }
  out.push(n);
  return out;
}

const inputs: [string, Uint8Array][] = [
  ["empty", new Uint8Array(0)],
  ["incompressible 300 KB (64 KB literals)", noise(300_000, 7)],
  ["one repeated byte", new Uint8Array(100_000).fill(42)],
  ["a short repeating pattern (overlapping copies)", Uint8Array.from({ length: 70_000 }, (_, i) => "abcab"[i % 5]!.charCodeAt(0))],
  ["mixed: noise with repeated stretches far apart", (() => {
    const a = noise(200_000, 3);
    a.copyWithin(150_000, 10_000, 40_000); // a 30 KB repeat 140 KB back (a 4-byte-offset copy)
    a.fill(9, 60_000, 61_000);
    return a;
  })()],
  ["little-endian int32 dictionary indices", new Uint8Array(Int32Array.from({ length: 50_000 }, (_, i) => (i * 31) % 1000).buffer)],
];

describe("snappyUncompress", () => {
  for (const [name, data] of inputs) {
    it(`round-trips ${name} as hysnappy does`, () => {
      const packed = snappyCompress(data);
      const got = snappyUncompress(packed, data.length);
      expect(Buffer.from(got).equals(Buffer.from(data))).toBe(true);
      expect(Buffer.from(got).equals(Buffer.from(hysnappy(packed, data.length)))).toBe(true);
    });
  }

  it("writes into a given buffer without clearing it first, and returns its first bytes", () => {
    const data = inputs[4]![1];
    const into = new Uint8Array(data.length + 100).fill(0xee);
    const got = snappyUncompress(snappyCompress(data), data.length, into);
    expect(got.buffer).toBe(into.buffer);
    expect(got.length).toBe(data.length);
    expect(Buffer.from(got).equals(Buffer.from(data))).toBe(true);
    expect(into[data.length]).toBe(0xee);
    // Too small a buffer: a new array.
    const small = new Uint8Array(10);
    expect(snappyUncompress(snappyCompress(data), data.length, small).buffer).not.toBe(small.buffer);
  });

  it("decodes every element kind: 1-4 byte literal lengths, 1/2/4-byte offsets, overlapping copies", () => {
    const lit = noise(70_000, 11);
    const stream = [
      // a literal with a 3-byte length (70,000 bytes)
      (62 << 2) | 0, ...[69_999 & 0xff, (69_999 >> 8) & 0xff, 69_999 >> 16], ...lit,
      // copy, 1-byte offset: 11 bytes from 2,000 back (len 4..11 in 3 bits, offset's high 3 bits in the tag)
      (1 | ((11 - 4) << 2) | ((2000 >> 8) << 5)), 2000 & 0xff,
      // copy, 2-byte offset: 64 bytes from 65,000 back
      (2 | ((64 - 1) << 2)), 65_000 & 0xff, 65_000 >> 8,
      // copy, 4-byte offset: 40 bytes from 70,000 back
      (3 | ((40 - 1) << 2)), 70_000 & 0xff, (70_000 >> 8) & 0xff, (70_000 >> 16) & 0xff, 0,
      // overlapping copy: 30 bytes from 3 back
      (2 | ((30 - 1) << 2)), 3, 0,
      // a literal with a 1-byte length in the tag (5 bytes)
      (4 << 2), 1, 2, 3, 4, 5,
    ];
    const want: number[] = [...lit];
    const copy = (back: number, len: number) => { for (let i = 0; i < len; i++) want.push(want[want.length - back]!); };
    copy(2000, 11); copy(65_000, 64); copy(70_000, 40); copy(3, 30);
    want.push(1, 2, 3, 4, 5);
    const input = Uint8Array.from([...varint(want.length), ...stream]);
    expect([...snappyUncompress(input, want.length)]).toEqual(want);
    expect([...hysnappy(input, want.length)]).toEqual(want);
  });

  it("malformed streams throw SnappyError saying what and where", () => {
    const good = snappyCompress(noise(1000, 5));
    const cases: [string, Uint8Array, number, RegExp][] = [
      ["length header disagrees with the page", good, 999, /length header says 1000 bytes, the page 999/],
      ["cut in the middle of a literal", good.subarray(0, 500), 1000, /runs past the input's end/],
      ["ends before the promised length", Uint8Array.from([...varint(10), 4 << 2, 1, 2, 3, 4, 5]), 10, /ends after 5 of 10 bytes/],
      ["copy from before the output's start", Uint8Array.from([...varint(9), 0, 7, 2 | (7 << 2), 5, 0]), 9, /before the output's start/],
      ["copy past the output's end", Uint8Array.from([...varint(4), 0, 7, 2 | (7 << 2), 1, 0]), 4, /writes past the 4-byte output/],
      ["copy cut off", Uint8Array.from([...varint(4), 0, 7, 2]), 4, /copy cut off/],
      ["no length header", new Uint8Array(0), 0, /invalid snappy length header/],
    ];
    for (const [what, input, n, message] of cases) {
      let err: unknown;
      try { snappyUncompress(input, n); } catch (e) { err = e; }
      expect(err, what).toBeInstanceOf(SnappyError);
      expect((err as Error).message, what).toMatch(message);
    }
  });
});
