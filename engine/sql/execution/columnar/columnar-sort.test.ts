// The columnar top-k (TakeOrderedAndProject's per-partition half on column batches) gives exactly
// the row path's first n rows (sortRows, a stable sort in compareSortKeys order): through buffer
// cuts, with keys that turn from plain numbers to nulls or NaN in the middle of a batch, strings,
// several keys, descending orders and batches of every size.
import { describe, expect, it } from "vitest";
import type { SortExpr } from "../../expressions/expression";
import { defaultEvalContext } from "../../expressions/eval";
import { rowsToBatch } from "../../column-batch";
import { sortRows, type ExecConf, type Row } from "../operators";
import { ColumnarTopK } from "./columnar-sort";

const conf: ExecConf = { ansi: false, nowMillis: 0, seed: 0 };
const TYPES = [{ type: "double" }, { type: "long" }, { type: "long" }, { type: "string" }] as const;
const by = (index: number, ascending = true, nullsFirst = ascending): SortExpr =>
  ({ kind: "sort", child: { kind: "ref", index, name: `c${index}`, dataType: TYPES[index]!, nullable: true }, ascending, nullsFirst });

/** Rows [key, tie-breaker, input position, label]; from row `oddFrom` on, some keys are null, NaN, -0 or infinite. */
function rows(n: number, oddFrom: number, seed = 7): Row[] {
  let s = seed;
  const rnd = () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
  return Array.from({ length: n }, (_, i) => {
    const r = rnd(), odd = i >= oddFrom;
    const key = odd && r < 0.05 ? null : odd && r < 0.08 ? NaN : odd && r < 0.1 ? -0 : odd && r < 0.11 ? -Infinity : Math.floor(r * 50) - 20;
    const t = Math.floor(rnd() * 5);
    return [key, t, i, t === 3 ? null : `s${Math.floor(rnd() * 30)}`];
  });
}

/** The rows in batches of `size`, through a ColumnarTopK. */
function topK(input: Row[], orders: SortExpr[], n: number, size: number): Row[] {
  const k = new ColumnarTopK({ orders, n }, defaultEvalContext(0, conf));
  for (let i = 0; i < input.length; i += size) k.add(rowsToBatch(input.slice(i, i + size), [true, true, true, false]));
  return k.rows();
}

describe("columnar top-k", () => {
  const cases: [string, SortExpr[]][] = [
    ["c0 asc", [by(0)]], ["c0 desc", [by(0, false)]], ["c0 desc nulls first", [by(0, false, true)]],
    ["c0 asc, c1 desc", [by(0), by(1, false)]], ["c3 asc (strings, nulls)", [by(3)]], ["c3 desc, c0 asc", [by(3, false), by(0)]],
  ];
  for (const [what, orders] of cases) {
    for (const oddFrom of [Infinity, 0, 4321]) {
      it(`gives sortRows' first n rows (${what}; odd keys ${oddFrom === Infinity ? "never" : `from row ${oddFrom}`})`, () => {
        const input = rows(9000, oddFrom, 11 + oddFrom % 7);
        const sorted = sortRows(orders, conf, 0, input);
        for (const n of [0, 1, 10, 600, 3000, 9000, 12_000]) {
          for (const size of [1000, 777, 9000]) expect(topK(input, orders, n, size), `n = ${n}, batches of ${size}`).toEqual(sorted.slice(0, n));
        }
      });
    }
  }

  it("keeps the first of equal keys (a stable order) across batches and cuts", () => {
    const input: Row[] = Array.from({ length: 5000 }, (_, i) => [i % 3, 0, i, "x"]);
    const top = topK(input, [by(0)], 1500, 64);
    expect(top.map((r) => r[2])).toEqual(Array.from({ length: 1500 }, (_, i) => 3 * i));
  });
});
