import { describe, expect, it } from "vitest";
import { decode, encode } from "./codec";

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
