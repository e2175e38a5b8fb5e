import { describe, expect, it } from "vitest";
import { decode, decodeRecords, encode, encodeRecords } from "./codec";

describe("codec", () => {
  it("round-trips the value kinds the engine ships", () => {
    const v = {
      n: 1.5, i: 7, s: "x", b: true, nil: null, u: undefined,
      big: 2n ** 70n, small: 5n,
      m: new Map<unknown, unknown>([[1, "one"], ["k", [1, 2]]]),
      set: new Set([1, "a"]), d: new Date(12345), bytes: new Uint8Array([1, 2, 3]),
      nested: [["w", 1], ["v", { deep: [null] }]],
    };
    const r = decode<typeof v>(encode(v));
    expect(r).toEqual(v);
    expect(r.m).toBeInstanceOf(Map);
    expect(r.set).toBeInstanceOf(Set);
    expect(typeof r.small).toBe("bigint");
    expect(r.d).toBeInstanceOf(Date);
    expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
  });
});

describe("codec across processes", () => {
  it("decodes each message alone, in any order, with a fresh decoder state", async () => {
    const m1 = encode({ x: 1, y: "a" });
    const m2 = encode([{ x: 2, y: "b" }, { z: [1] }]);
    const { Packr } = await import("msgpackr");
    const fresh = new Packr({ useRecords: true, moreTypes: true, mapsAsObjects: false, int64AsType: "bigint" });
    expect(fresh.unpack(m2)).toEqual([{ x: 2, y: "b" }, { z: [1] }]);
    expect(fresh.unpack(m1)).toEqual({ x: 1, y: "a" });
  });
});

describe("partitions of numeric tuples (encodeRecords)", () => {
  const roundTrip = (values: unknown[]): unknown[] => decodeRecords(Buffer.from(encodeRecords(values)));

  it("writes arrays of the same few numbers column by column and reads back the same records", () => {
    const pairs = Array.from({ length: 1000 }, (_, i) => [i, i * 7 - 3000]);
    const buf = encodeRecords(pairs);
    expect(buf[0]).toBe(0xc1); // the tuple-columns frame, not msgpack
    expect(buf.length).toBeLessThan(1000 * 2 * 4 + 64);
    expect(roundTrip(pairs)).toEqual(pairs);
    // Doubles, integers past 32 bits, -0, NaN and infinities keep their exact values, per field.
    const mixed = [[1.5, 2 ** 40, -0, 1, 0, 7], [Number.NaN, -(2 ** 31), 3, Infinity, -Infinity, 2 ** 31 - 1], [0.1, 5, 4, 2, 1e300, -1]];
    const back = roundTrip(mixed) as number[][];
    expect(back).toEqual(mixed);
    expect(Object.is(back[0]![2], -0)).toBe(true);
    for (const k of [1, 3, 8]) {
      const rows = Array.from({ length: 50 }, (_, i) => Array.from({ length: k }, (_, j) => i * 10 + j + (j % 2 ? 0.25 : 0)));
      expect(roundTrip(rows)).toEqual(rows);
    }
  });

  it("frames at any byte offset decode (typed arrays need aligned memory)", () => {
    const rows = [[1.25, 2], [3.5, 4]];
    const inner = encodeRecords(rows);
    const shifted = Buffer.alloc(inner.length + 3);
    inner.copy(shifted, 3);
    expect(decodeRecords(shifted.subarray(3))).toEqual(rows);
  });

  it("anything else goes through msgpack unchanged: mixed lengths, non-numbers, holes, objects, empty", () => {
    const cases: unknown[][] = [
      [[1, 2], [3]], [[1, "a"]], [[1, 2n]], [[1, null]], [{ a: 1 }], [], [[]], ["x", 1],
      // eslint-disable-next-line no-sparse-arrays
      [[1, , 3]], [Array.from({ length: 9 }, (_, i) => i)], [[1, 2], [3, undefined]],
    ];
    for (const c of cases) {
      const buf = encodeRecords(c);
      expect(buf[0]).not.toBe(0xc1);
      expect(decodeRecords(buf)).toEqual(decode(encode(c)));
    }
  });
});
