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
