// Expressions over column batches, compiled once per task. Column references, literals, numeric
// comparisons (with compareValues' NaN and -0 rules), widening numeric casts, IS [NOT] NULL and
// AND/OR/NOT over such expressions run as tight loops over typed arrays; any other expression
// runs the row path's own compiled closure over a reused row view of the batch, so results
// (nulls, overflow, ANSI errors) are the row path's by construction. AND/OR are only vectorized
// when both sides cannot throw, since the row path short-circuits them per row.

import type { Expr } from "../../expressions/expression";
import { INTEGRAL_RANGES_NUM } from "../../types";
import { compileExpr } from "../../expressions/eval";
import { typeOf, type EvalContext } from "../../expressions/registry";
import { isNullAt, isNumberType, valueAt, vectorOf, type ColumnBatch, type ColumnVector, type AnyVector, type BoolVector, type NumVector } from "../../column-batch";

export type VecFn = (b: ColumnBatch) => ColumnVector;

/** A compiled expression and whether it is one of the vectorized (non-throwing) forms. */
interface Compiled { fn: VecFn; safe: boolean }

const CMP: Record<string, (c: number) => boolean> = {
  "=": (c) => c === 0, "==": (c) => c === 0, "!=": (c) => c !== 0, "<>": (c) => c !== 0,
  "<": (c) => c < 0, "<=": (c) => c <= 0, ">": (c) => c > 0, ">=": (c) => c >= 0,
};

function childrenOf(e: Expr): Expr[] {
  const out: Expr[] = [];
  for (const v of Object.values(e as object)) {
    if (Array.isArray(v)) for (const x of v) { if (x && typeof x === "object" && "kind" in x) out.push(x as Expr); else if (x && typeof x === "object") out.push(...childrenOf(x as Expr)); }
    else if (v && typeof v === "object" && "kind" in v) out.push(v as Expr);
  }
  return out;
}

/** Positions of the columns an expression reads. */
export function refsOf(e: Expr): number[] {
  const s = new Set<number>();
  const walk = (x: Expr): void => { if (x.kind === "ref") s.add(x.index); childrenOf(x).forEach(walk); };
  walk(e);
  return [...s];
}

/** The column an expression is (a reference, under aliases: its vector is the batch's own), or undefined. */
export function plainColumn(e: Expr): (Expr & { kind: "ref" }) | undefined {
  return e.kind === "alias" ? plainColumn(e.child) : e.kind === "ref" ? e : undefined;
}

export function compileVector(e: Expr, ctx: EvalContext): VecFn {
  return compile(e, ctx).fn;
}

function compile(e: Expr, ctx: EvalContext): Compiled {
  switch (e.kind) {
    case "ref": { const i = e.index; return { fn: (b) => b.columns[i]!, safe: true }; }
    case "alias": return compile(e.child, ctx);
    case "lit": {
      const v = e.value ?? null;
      if (typeof v === "number" || v === null) {
        // Vectors are never written by their consumers: one per batch length is reused.
        let last: NumVector | AnyVector | undefined;
        return {
          fn: (b) => {
            if (last && last.values.length === b.length) return last;
            return (last = v === null ? { kind: "any", values: new Array<unknown>(b.length).fill(null) } : { kind: "f64", values: new Float64Array(b.length).fill(v), nulls: null });
          },
          safe: true,
        };
      }
      break;
    }
    case "cast": {
      const from = typeOf(e.child), to = e.to;
      const widening = isNumberType(from) && (to.type === "double" || (to.type === "long" && ["byte", "short", "integer", "long"].includes(from.type)));
      if (widening && !e.isTry) {
        const c = compile(e.child, ctx);
        // Only a vector of numbers passes through unchanged; anything else takes the row path.
        const rowFn = fallback(e, ctx);
        return { fn: (b) => { const v = c.fn(b); return v.kind === "f64" ? v : rowFn(b); }, safe: c.safe };
      }
      break;
    }
    case "fn": {
      const name = e.name.toLowerCase();
      if (CMP[name] && e.args.length === 2) {
        const l = compile(e.args[0]!, ctx), r = compile(e.args[1]!, ctx);
        const test = CMP[name]!;
        const rowFn = fallback(e, ctx);
        return {
          fn: (b) => {
            const x = l.fn(b), y = r.fn(b);
            return x.kind === "f64" && y.kind === "f64" ? compareNumbers(x, y, test, b.length) : rowFn(b);
          },
          safe: l.safe && r.safe,
        };
      }
      if ((name === "+" || name === "-" || name === "*") && e.args.length === 2 && ARITH_TYPES.has(e.dataType?.type ?? "")) {
        const l = compile(e.args[0]!, ctx), r = compile(e.args[1]!, ctx);
        const rowFn = fallback(e, ctx);
        const t = e.dataType!.type;
        return {
          fn: (b) => {
            const x = l.fn(b), y = r.fn(b);
            return (x.kind === "f64" && y.kind === "f64" ? arith(name, t, x, y, b.length) : undefined) ?? rowFn(b);
          },
          // Integral overflow raises under ANSI (in the row closure the fast path hands over to).
          safe: l.safe && r.safe && (t === "double" || !ctx.ansi),
        };
      }
      if ((name === "isnull" || name === "isnotnull") && e.args.length === 1) {
        const a = compile(e.args[0]!, ctx), want = name === "isnull";
        return {
          fn: (b) => {
            const v = a.fn(b), n = b.length, out = new Uint8Array(n);
            if (v.kind === "any" || v.kind === "dict" || v.kind === "rle") for (let i = 0; i < n; i++) out[i] = isNullAt(v, i) === want ? 1 : 0;
            else if (v.nulls === null) out.fill(want ? 0 : 1);
            else for (let i = 0; i < n; i++) out[i] = (v.nulls[i] === 1) === want ? 1 : 0;
            return { kind: "bool", values: out, nulls: null };
          },
          safe: a.safe,
        };
      }
      if ((name === "and" || name === "or") && e.args.length === 2) {
        const l = compile(e.args[0]!, ctx), r = compile(e.args[1]!, ctx);
        if (l.safe && r.safe) {
          const rowFn = fallback(e, ctx);
          return {
            fn: (b) => {
              const x = l.fn(b), y = r.fn(b);
              return x.kind === "bool" && y.kind === "bool" ? logic(x, y, name === "and", b.length) : rowFn(b);
            },
            safe: true,
          };
        }
      }
      break;
    }
    default: break;
  }
  return { fn: fallback(e, ctx), safe: false };
}

/** compareValues on two number vectors: equal (incl. -0 = 0) is 0, NaN is largest and equals NaN. */
function compareNumbers(x: NumVector, y: NumVector, test: (c: number) => boolean, n: number): BoolVector {
  const a = x.values, b = y.values, out = new Uint8Array(n);
  const tLt = test(-1) ? 1 : 0, tEq = test(0) ? 1 : 0, tGt = test(1) ? 1 : 0;
  for (let i = 0; i < n; i++) {
    const p = a[i]!, q = b[i]!;
    let c: number;
    if (p === q) c = tEq;
    else if (p !== p) c = q !== q ? tEq : tGt;
    else if (q !== q) c = tLt;
    else c = p < q ? tLt : tGt;
    out[i] = c;
  }
  let nulls: Uint8Array | null = null;
  if (x.nulls !== null || y.nulls !== null) {
    nulls = new Uint8Array(n);
    for (let i = 0; i < n; i++) nulls[i] = (x.nulls !== null && x.nulls[i] === 1) || (y.nulls !== null && y.nulls[i] === 1) ? 1 : 0;
  }
  return { kind: "bool", values: out, nulls };
}

const ARITH_TYPES = new Set(["double", "long", "integer"]);

/**
 * +, -, * on number vectors: doubles as JS arithmetic; int and long results only while every
 * one stays in range (int32 / safe integers) - otherwise undefined, and the row closure (which
 * wraps, raises under ANSI or switches to bigint) computes the batch. Null if either side is.
 */
function arith(op: string, t: string, x: NumVector, y: NumVector, n: number): NumVector | undefined {
  const a = x.values, b = y.values, out = new Float64Array(n);
  if (op === "+") for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!;
  else if (op === "-") for (let i = 0; i < n; i++) out[i] = a[i]! - b[i]!;
  else for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!;
  let nulls: Uint8Array | null = null;
  if (x.nulls !== null || y.nulls !== null) {
    nulls = new Uint8Array(n);
    for (let i = 0; i < n; i++) nulls[i] = (x.nulls !== null && x.nulls[i] === 1) || (y.nulls !== null && y.nulls[i] === 1) ? 1 : 0;
  }
  if (t !== "double") {
    const [lo, hi] = t === "integer" ? INTEGRAL_RANGES_NUM.integer! : [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
    for (let i = 0; i < n; i++) {
      const r = out[i]!;
      if (!(r >= lo && r <= hi) && (nulls === null || nulls[i] === 0)) return undefined;
    }
  }
  return { kind: "f64", values: out, nulls };
}

/** Three-valued AND/OR. */
function logic(x: BoolVector, y: BoolVector, and: boolean, n: number): BoolVector {
  const out = new Uint8Array(n);
  let nulls: Uint8Array | null = null;
  const dom = and ? 0 : 1; // the value that decides alone (false for AND, true for OR)
  for (let i = 0; i < n; i++) {
    const xn = x.nulls !== null && x.nulls[i] === 1, yn = y.nulls !== null && y.nulls[i] === 1;
    const xv = x.values[i]!, yv = y.values[i]!;
    if ((!xn && xv === dom) || (!yn && yv === dom)) out[i] = dom;
    else if (xn || yn) (nulls ??= new Uint8Array(n))[i] = 1;
    else out[i] = 1 - dom;
  }
  return { kind: "bool", values: out, nulls };
}

/** The row path's closure, run over a reused row view holding only the referenced columns. */
function fallback(e: Expr, ctx: EvalContext): VecFn {
  const f = compileExpr(e, ctx);
  const refs = refsOf(e);
  const t = typeOf(e);
  const numeric = isNumberType(t), bool = t.type === "boolean";
  return (b) => {
    const n = b.length;
    const row: unknown[] = [];
    const out = new Array<unknown>(n);
    const cols = refs.map((c) => b.columns[c]!);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < refs.length; k++) row[refs[k]!] = valueAt(cols[k]!, i);
      out[i] = f(row);
    }
    if (bool) return boolVectorOf(out);
    return vectorOf(out, numeric);
  };
}

function boolVectorOf(vals: unknown[]): ColumnVector {
  const n = vals.length, out = new Uint8Array(n);
  let nulls: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    const v = vals[i];
    if (v === true) out[i] = 1;
    else if (v === false) out[i] = 0;
    else if (v === null || v === undefined) (nulls ??= new Uint8Array(n))[i] = 1;
    else return vectorOf(vals, false);
  }
  return { kind: "bool", values: out, nulls };
}
