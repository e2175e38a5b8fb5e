// Row-group skipping must never drop a matching row: random tables (small row groups, nulls,
// NaN-free doubles, strings) and random pushed filters, checked against a plain predicate model.
import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { join } from "node:path";
import { readLocal, writeLocal, type PushedFilter } from "../../engine/sql/datasources";
import { StructType, type DataType } from "../../engine/sql/types";
import { cleanupTemp, tempDir } from "./helpers";

afterAll(cleanupTemp);
const T = (type: string) => ({ type }) as DataType;
const schema = new StructType().add("i", T("integer")).add("s", T("string")).add("d", T("double"));

type R = { i: number | null; s: string | null; d: number | null };

/** Independent model of SQL filter semantics (null -> unknown -> row not selected). */
function model(f: PushedFilter, r: R): boolean | null {
  const get = (a: string) => (r as Record<string, unknown>)[a] as number | string | null;
  switch (f.type) {
    case "And": { const a = model(f.left, r), b = model(f.right, r); return a === false || b === false ? false : a === null || b === null ? null : true; }
    case "Or": { const a = model(f.left, r), b = model(f.right, r); return a === true || b === true ? true : a === null || b === null ? null : false; }
    case "Not": { const a = model(f.child, r); return a === null ? null : !a; }
    case "IsNull": return get(f.attribute) === null;
    case "IsNotNull": return get(f.attribute) !== null;
    case "In": { const v = get(f.attribute); return v === null ? null : f.values.includes(v); }
    case "StringStartsWith": { const v = get(f.attribute); return v === null ? null : String(v).startsWith(f.value); }
    case "EqualNullSafe": return get(f.attribute) === f.value;
    default: {
      const v = get(f.attribute);
      if (v === null || f.value === null) return null;
      const x = f.value as number | string;
      switch (f.type) {
        case "EqualTo": return v === x;
        case "LessThan": return v < x;
        case "LessThanOrEqual": return v <= x;
        case "GreaterThan": return v > x;
        case "GreaterThanOrEqual": return v >= x;
      }
    }
  }
}

const str = fc.string({ unit: fc.constantFrom("a", "b", "c", "é"), maxLength: 4 });
const row = fc.record({
  i: fc.option(fc.integer({ min: -20, max: 20 }), { nil: null, freq: 5 }),
  s: fc.option(str, { nil: null, freq: 5 }),
  d: fc.option(fc.double({ min: -10, max: 10, noNaN: true }).map((x) => (Object.is(x, -0) ? 0 : x)), { nil: null, freq: 5 }),
});
const leaf: fc.Arbitrary<PushedFilter> = fc.oneof(
  fc.record({ type: fc.constantFrom("EqualTo", "LessThan", "LessThanOrEqual", "GreaterThan", "GreaterThanOrEqual", "EqualNullSafe") as fc.Arbitrary<"EqualTo">, attribute: fc.constant("i"), value: fc.integer({ min: -25, max: 25 }) }),
  fc.record({ type: fc.constantFrom("EqualTo", "LessThan", "GreaterThanOrEqual") as fc.Arbitrary<"EqualTo">, attribute: fc.constant("s"), value: str }),
  fc.record({ type: fc.constantFrom("LessThan", "GreaterThan") as fc.Arbitrary<"LessThan">, attribute: fc.constant("d"), value: fc.double({ min: -12, max: 12, noNaN: true }) }),
  fc.record({ type: fc.constant("In" as const), attribute: fc.constant("i"), values: fc.array(fc.integer({ min: -25, max: 25 }), { maxLength: 3 }) }),
  fc.record({ type: fc.constantFrom("IsNull", "IsNotNull") as fc.Arbitrary<"IsNull">, attribute: fc.constantFrom("i", "s", "d") }),
  fc.record({ type: fc.constant("StringStartsWith" as const), attribute: fc.constant("s"), value: str }),
);
const filter: fc.Arbitrary<PushedFilter> = fc.letrec<{ f: PushedFilter }>((tie) => ({
  f: fc.oneof({ depthSize: "small", withCrossShrink: true },
    leaf,
    fc.record({ type: fc.constantFrom("And", "Or") as fc.Arbitrary<"And">, left: tie("f"), right: tie("f") }),
    fc.record({ type: fc.constant("Not" as const), child: tie("f") }),
  ),
})).f;

describe("Parquet row-group skipping", () => {
  it("keeps every row that matches the pushed filters", async () => {
    await fc.assert(fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 60 }), fc.array(filter, { minLength: 1, maxLength: 2 }), fc.integer({ min: 1, max: 8 }), async (rows, filters, rg) => {
      const out = join(tempDir(), "t");
      writeLocal("parquet", out, schema, [rows], { options: { rowGroupSize: rg } });
      const got = await readLocal({ format: "parquet", paths: [out], pushedFilters: filters });
      const matches = (r: R) => filters.every((f) => model(f, r) === true);
      const expected = rows.filter(matches);
      const kept = (got.rows as R[]).filter(matches);
      expect(kept).toEqual(expected);
    }), { numRuns: 150 });
  });
});
