// Differential check of precedence and associativity: random arithmetic / comparison / boolean
// expressions are printed without the generator's grouping, then our AST is evaluated and
// compared with DuckDB's answer for the same text. Spark and DuckDB agree on these operators'
// precedence (* / over + -, arithmetic over comparison, NOT over AND over OR).

import { DuckDBInstance } from "@duckdb/node-api";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseExpression } from "../index";
import type { Expr } from "../index";

type Gen = fc.Arbitrary<string>;
const lit: Gen = fc.integer({ min: 0, max: 9 }).map(String);
const nonZero: Gen = fc.integer({ min: 1, max: 9 }).map((n) => (n % 2 ? String(n) : `-${n}`));

const { arith } = fc.letrec<{ arith: string }>((tie) => ({
  arith: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    lit,
    lit.map((n) => `-${n}`),
    fc.tuple(tie("arith"), fc.constantFrom("+", "-", "*"), tie("arith")).map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(tie("arith"), nonZero).map(([a, d]) => `${a} / ${d}`),
    tie("arith").map((a) => `(${a})`),
  ),
}));

const { bool } = fc.letrec<{ bool: string }>((tie) => ({
  bool: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom("TRUE", "FALSE"),
    fc.tuple(arith, fc.constantFrom("=", "<>", "<", "<=", ">", ">="), arith).map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(tie("bool"), fc.constantFrom("AND", "OR"), tie("bool")).map(([a, op, b]) => `${a} ${op} ${b}`),
    tie("bool").map((b) => `NOT ${b}`),
    tie("bool").map((b) => `(${b})`),
  ),
}));

/** A reference evaluator over our AST for the operators generated above. */
function evaluate(e: Expr): number | boolean {
  switch (e.kind) {
    case "literal":
      if (typeof e.value === "number" || typeof e.value === "boolean") return e.value;
      throw new Error(`unexpected literal ${e.text}`);
    case "unary": {
      const v = evaluate(e.expr);
      return e.op === "not" ? !v : e.op === "-" ? -(v as number) : v;
    }
    case "binary": {
      const l = evaluate(e.left), r = evaluate(e.right);
      switch (e.op) {
        case "and": return (l as boolean) && (r as boolean);
        case "or": return (l as boolean) || (r as boolean);
        case "+": return (l as number) + (r as number);
        case "-": return (l as number) - (r as number);
        case "*": return (l as number) * (r as number);
        case "/": return (l as number) / (r as number);
        case "=": return l === r;
        case "<>": return l !== r;
        case "<": return l < r;
        case "<=": return l <= r;
        case ">": return l > r;
        case ">=": return l >= r;
        default: throw new Error(`unexpected op ${e.op}`);
      }
    }
    default:
      throw new Error(`unexpected node ${e.kind}`);
  }
}

function same(ours: number | boolean, theirs: unknown): boolean {
  if (typeof ours === "boolean") return ours === theirs;
  const t = Number(theirs);
  return Math.abs(ours - t) <= 1e-9 * Math.max(1, Math.abs(t));
}

describe("precedence agrees with DuckDB on random expressions", () => {
  it("arithmetic and boolean expressions", async () => {
    const texts = [...fc.sample(arith, { numRuns: 300, seed: 42 }), ...fc.sample(bool, { numRuns: 300, seed: 7 })];
    const db = await DuckDBInstance.create(":memory:");
    const conn = await db.connect();
    try {
      // DuckDB would compare equal-valued floats exactly too, so compare its values, not its text.
      const sql = "SELECT " + texts.map((t, i) => `CAST((${t}) AS VARCHAR) AS c${i}`).join(", ");
      const row = (await conn.runAndReadAll(sql)).getRowObjects()[0]!;
      let checked = 0;
      texts.forEach((t, i) => {
        const theirsText = row[`c${i}`] as string;
        const theirs = theirsText === "true" ? true : theirsText === "false" ? false : Number(theirsText);
        const ours = evaluate(parseExpression(t));
        if (!same(ours, theirs)) expect.fail(`${t}: ours ${ours}, DuckDB ${theirsText}`);
        checked++;
      });
      expect(checked).toBe(600);
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });
});
