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
  switch (f.op) {
    case "and": { const a = model(f.left, r), b = model(f.right, r); return a === false || b === false ? false : a === null || b === null ? null : true; }
    case "or": { const a = model(f.left, r), b = model(f.right, r); return a === true || b === true ? true : a === null || b === null ? null : false; }
    case "not": { const a = model(f.child, r); return a === null ? null : !a; }
    case "isNull": return get(f.column) === null;
    case "isNotNull": return get(f.column) !== null;
    case "in": { const v = get(f.column); return v === null ? null : f.values.includes(v); }
    case "startsWith": { const v = get(f.column); return v === null ? null : String(v).startsWith(f.value); }
    case "endsWith": { const v = get(f.column); return v === null ? null : String(v).endsWith(f.value); }
    case "contains": { const v = get(f.column); return v === null ? null : String(v).includes(f.value); }
    case "nullSafeEq": return get(f.column) === f.value;
    default: {
      const v = get(f.column);
      if (v === null || f.value === null) return null;
      const x = f.value as number | string;
      switch (f.op) {
        case "eq": return v === x;
        case "lt": return v < x;
        case "le": return v <= x;
        case "gt": return v > x;
        case "ge": return v >= x;
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
  fc.record({ op: fc.constantFrom("eq", "lt", "le", "gt", "ge", "nullSafeEq") as fc.Arbitrary<"eq">, column: fc.constant("i"), value: fc.integer({ min: -25, max: 25 }) }),
  fc.record({ op: fc.constantFrom("eq", "lt", "ge") as fc.Arbitrary<"eq">, column: fc.constant("s"), value: str }),
  fc.record({ op: fc.constantFrom("lt", "gt") as fc.Arbitrary<"lt">, column: fc.constant("d"), value: fc.double({ min: -12, max: 12, noNaN: true }) }),
  fc.record({ op: fc.constant("in" as const), column: fc.constant("i"), values: fc.array(fc.integer({ min: -25, max: 25 }), { maxLength: 3 }) }),
  fc.record({ op: fc.constantFrom("isNull", "isNotNull") as fc.Arbitrary<"isNull">, column: fc.constantFrom("i", "s", "d") }),
  fc.record({ op: fc.constantFrom("startsWith", "endsWith", "contains") as fc.Arbitrary<"startsWith">, column: fc.constant("s"), value: str }),
);
const filter: fc.Arbitrary<PushedFilter> = fc.letrec<{ f: PushedFilter }>((tie) => ({
  f: fc.oneof({ depthSize: "small", withCrossShrink: true },
    leaf,
    fc.record({ op: fc.constantFrom("and", "or") as fc.Arbitrary<"and">, left: tie("f"), right: tie("f") }),
    fc.record({ op: fc.constant("not" as const), child: tie("f") }),
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
