// Property test: any captured data value (fast-check's `anything`, plus Maps, Sets, Dates,
// bigints, typed arrays, shared references) comes back deep-equal after serialize -> codec ->
// deserialize, and each rebuild is a fresh copy.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decode, encode } from "../codec";
import { deserializeFunction, serializeFunction, type SerializedFunction } from "./index";

const leaf = fc.oneof(
  fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withTypedArray: true, withSparseArray: true, withBoxedValues: false, withObjectString: false }),
  fc.double(),
  fc.bigInt(),
);

function ship(v: unknown): unknown {
  const s = serializeFunction(() => v, "map");
  return deserializeFunction<() => unknown>(decode<SerializedFunction>(encode(s)))();
}

describe("captured data round trip (property)", () => {
  it("any data value comes back deep-equal, as a copy", () => {
    fc.assert(
      fc.property(leaf, (v) => {
        const back = ship(v);
        expect(back).toStrictEqual(v);
        if (typeof v === "object" && v !== null) expect(back).not.toBe(v);
      }),
      { numRuns: 300 },
    );
  });

  it("sharing between captured values is preserved", () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 5 }), fc.nat(3), (xs, n) => {
        const shared = { xs };
        const holder = Array.from({ length: n + 1 }, () => shared);
        const back = ship(holder) as { xs: number[] }[];
        expect(back).toEqual(holder);
        for (const b of back) expect(b).toBe(back[0]);
      }),
      { numRuns: 50 },
    );
  });
});
