// The row path's sorts: sortRows (keys computed once per row; one all-number key sorted as a
// Float64Array) is a stable sort in compareSortKeys order, and takeOrderedRows (ORDER BY ... LIMIT
// n per partition) gives exactly sortRows' first n rows, through however many buffer cuts.
import { describe, expect, it } from "vitest";
import type { SortExpr } from "../expressions/expression";
import { sortRows, takeOrderedRows, type ExecConf, type Row } from "./operators";
import { compareSortKeys } from "./sort-order";

const conf: ExecConf = { ansi: false, nowMillis: 0, seed: 0 };
const ref = (index: number): SortExpr["child"] => ({ kind: "ref", index, name: `c${index}`, dataType: { type: "double" }, nullable: true });
const by = (index: number, ascending = true, nullsFirst = ascending): SortExpr => ({ kind: "sort", child: ref(index), ascending, nullsFirst });

type Mix = "numbers" | "signed zeros and infinities" | "nulls, NaN, -0 and infinities";

/** Rows [key, tie-breaker, input position]: keys with many ties, and the odd values `mix` names. */
function rows(n: number, mix: Mix, seed = 7): Row[] {
  const odd = mix !== "numbers", nulls = mix.startsWith("nulls");
  let s = seed;
  const rnd = () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
  return Array.from({ length: n }, (_, i) => {
    const r = rnd();
    const key = nulls && r < 0.05 ? null : nulls && r < 0.08 ? NaN : odd && r < 0.1 ? -0 : odd && r < 0.11 ? -Infinity : odd && r < 0.12 ? Infinity : Math.floor(r * 50) - 20;
    return [key, Math.floor(rnd() * 5), i];
  });
}

/** The expected order: a stable sort of the positions by compareSortKeys. */
function expected(input: Row[], orders: SortExpr[]): Row[] {
  const dirs = orders.map((o) => ({ ascending: o.ascending, nullsFirst: o.nullsFirst }));
  const key = (r: Row) => orders.map((o) => r[(o.child as { index: number }).index]);
  return input.map((r, i) => ({ r, i })).sort((a, b) => compareSortKeys(key(a.r), key(b.r), dirs) || a.i - b.i).map((x) => x.r);
}

describe("row sorts", () => {
  for (const odd of ["numbers", "signed zeros and infinities", "nulls, NaN, -0 and infinities"] as Mix[]) {
    for (const orders of [[by(0)], [by(0, false)], [by(0, false, true)], [by(0), by(1, false)]]) {
      const what = `${odd}, ${orders.map((o) => `c${(o.child as { index: number }).index} ${o.ascending ? "asc" : "desc"} nulls ${o.nullsFirst ? "first" : "last"}`).join(", ")}`;
      it(`sortRows is stable in compareSortKeys order (${what})`, () => {
        const input = rows(5000, odd);
        expect(sortRows(orders, conf, 0, input)).toEqual(expected(input, orders));
      });
      it(`takeOrderedRows gives sortRows' first n rows (${what})`, () => {
        const input = rows(7000, odd, 11);
        const sorted = sortRows(orders, conf, 0, input);
        for (const n of [0, 1, 10, 600, 3000, 7000, 9000]) expect(takeOrderedRows(orders, conf, n, 0, input), `n = ${n}`).toEqual(sorted.slice(0, n));
      });
    }
  }
});
