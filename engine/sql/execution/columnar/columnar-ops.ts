// Filter and project over column batches (the narrow part of a columnar stage).

import type { Expr } from "../../expressions/expression";
import type { EvalContext } from "../../expressions/registry";
import { gather, type ColumnBatch, type ColumnVector } from "../../column-batch";
import { compileVector, type VecFn } from "./vector-expr";

/** Rows where the condition is true (false and null drop the row, as in the row path). */
export function filterBatch(b: ColumnBatch, cond: ColumnVector): ColumnBatch {
  const n = b.length;
  // All true (a native scan): the batch passes as it is.
  if (cond.kind === "bool" && cond.nulls === null && cond.values.indexOf(0) < 0) return b;
  const idx = new Int32Array(n);
  let k = 0;
  if (cond.kind === "bool") {
    const v = cond.values, nulls = cond.nulls;
    for (let i = 0; i < n; i++) if (v[i] === 1 && (nulls === null || nulls[i] === 0)) idx[k++] = i;
  } else if (cond.kind === "any") {
    for (let i = 0; i < n; i++) if (cond.values[i] === true) idx[k++] = i;
  }
  if (k === n) return b;
  return { length: k, columns: b.columns.map((c) => gather(c, idx, k)) };
}

export type ColumnarOp =
  | { op: "filter"; condition: Expr }
  | { op: "project"; exprs: Expr[] };

/** One compiled filter or project. */
export function compileOp(op: ColumnarOp, ctx: EvalContext): (b: ColumnBatch) => ColumnBatch {
  if (op.op === "filter") {
    const f = compileVector(op.condition, ctx);
    return (b) => (b.length === 0 ? b : filterBatch(b, f(b)));
  }
  const fns: VecFn[] = op.exprs.map((e) => compileVector(e, ctx));
  return (b) => ({ length: b.length, columns: fns.map((f) => f(b)) });
}
