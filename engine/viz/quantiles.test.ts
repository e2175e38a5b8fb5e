// Spark's nearest-rank quantiles checked against known values and a selection model that never sorts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sparkQuantiles } from "./quantiles";

/** The k-th smallest (0-based) by counting: x with #(< x) <= k < #(<= x). */
function kthByCounting(values: number[], k: number): number {
  return values.find((x) => values.filter((v) => v < x).length <= k && k < values.filter((v) => v <= x).length)!;
}

describe("sparkQuantiles", () => {
  it("matches known values (upper median for even counts)", () => {
    expect(sparkQuantiles([4, 1, 3, 2])).toEqual([1, 2, 3, 4, 4]);
    expect(sparkQuantiles([5, 1, 4, 2, 3])).toEqual([1, 2, 3, 4, 5]);
    expect(sparkQuantiles([7])).toEqual([7, 7, 7, 7, 7]);
    expect(sparkQuantiles([])).toEqual([]);
    expect(sparkQuantiles([10, 20, 30, 40, 50, 60, 70, 80, 90, 100])).toEqual([10, 30, 60, 80, 100]);
  });

  it("agrees with a counting model for any data and probability", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 40 }), fc.double({ min: 0, max: 1, noNaN: true }), (vals, q) => {
        const k = Math.min(Math.floor(q * vals.length), vals.length - 1);
        expect(sparkQuantiles(vals, [q])).toEqual([kthByCounting(vals, k)]);
      }),
    );
  });
});
