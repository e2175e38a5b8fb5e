import { describe, expect, it } from "vitest";
import { canonical, keysEqual, normalizeKey } from "./keys";
import { Decimal } from "./decimal";

// keysEqual compares dates, arrays and plain-object structs in place; it must decide exactly as
// comparing canonical texts (what normalizeKey, and so every hash map of keys, decides).
describe("keysEqual", () => {
  const values: unknown[] = [
    0, -0, 1, 1.5, NaN, Infinity, "1", "", "a", true, false, null, undefined, 1n, 2n,
    new Date(0), new Date(0), new Date(1000), new Date(NaN), new Date(NaN),
    [1, 2], [1, 2], [2, 1], [1, "2"], [], [null], [undefined], [[1], [2]], [[1], [2]], [new Date(5)], [new Date(5)],
    { start: new Date(0), end: new Date(1000) }, { end: new Date(1000), start: new Date(0) }, { start: new Date(0), end: new Date(2000) },
    { a: 1 }, { a: 1, b: undefined }, { b: 1 }, { a: [1, { c: "x" }] }, { a: [1, { c: "x" }] }, { a: -0 }, { a: 0 }, {},
    Object.assign(Object.create(null), { a: 1 }), new Map([[1, 2]]), new Map([[1, 2]]), new Set([1]), new Uint8Array([1, 2]), new Uint8Array([1, 2]),
    new Decimal(15n, 1), new Decimal(150n, 2),
  ];

  it("agrees with canonical text equality on every pair", () => {
    const wrong: string[] = [];
    for (const a of values) for (const b of values) {
      const byText = a === b || normalizeKey(a) === normalizeKey(b) || (typeof a === "number" && typeof b === "number" && Number.isNaN(a) && Number.isNaN(b));
      if (keysEqual(a, b) !== byText) wrong.push(`${canonical(a)} vs ${canonical(b)}`);
    }
    expect(wrong).toEqual([]);
  });

  it("treats structs with the same fields in another order as one key", () => {
    expect(keysEqual({ start: new Date(0), end: new Date(1) }, { end: new Date(1), start: new Date(0) })).toBe(true);
    expect(keysEqual([new Date(3), "x"], [new Date(3), "y"])).toBe(false);
  });
});
