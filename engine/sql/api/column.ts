// The Column API (PySpark's pyspark.sql.Column): an immutable wrapper around an expression tree.
// Operators are methods (plus, eq, and, ...) because TypeScript has no operator overloading.

import { Decimal, decimalValue } from "../../common/decimal";
import { ParseError } from "../../common/errors";
import { parseDataType } from "../parser";
import {
  type DataType, NullType, BooleanType, IntegerType, LongType, DoubleType, StringType, TimestampType, DateType, BinaryType, INTEGRAL_RANGES_NUM,
} from "../types";
import { type Expr, type SortExpr, type WindowSpecData, colRef } from "../expressions/expression";
import { exprSql } from "../expressions/print";
import { widerTypeOf } from "../expressions/type-utils";

export type ColumnOrName = Column | string;
export type LiteralValue = null | undefined | boolean | number | bigint | string | Date | Uint8Array | unknown[] | Record<string, unknown>;

/** The Spark type of a JS value used as a literal. */
export function literalType(v: unknown): DataType {
  if (v === null || v === undefined) return NullType;
  switch (typeof v) {
    case "boolean": return BooleanType;
    case "number": return Number.isInteger(v) ? (v >= INTEGRAL_RANGES_NUM.integer![0] && v <= INTEGRAL_RANGES_NUM.integer![1] ? IntegerType : LongType) : DoubleType;
    case "bigint": return LongType;
    case "string": return StringType;
  }
  if (v instanceof Date) return TimestampType;
  if (v instanceof Uint8Array) return BinaryType;
  // lit(Decimal): just its digits, as Spark's Literal(BigDecimal) (12.50 is decimal(4,2)).
  if (v instanceof Decimal) {
    const digits = (v.unscaled < 0n ? -v.unscaled : v.unscaled).toString().length;
    return { type: "decimal", precision: Math.max(digits, v.scale, 1), scale: v.scale };
  }
  if (Array.isArray(v)) {
    const el = widerTypeOf(v.map(literalType)) ?? StringType;
    return { type: "array", elementType: el.type === "null" ? StringType : el, containsNull: v.some((x) => x === null || x === undefined) };
  }
  if (v instanceof Map) {
    const ks = [...v.keys()], vs = [...v.values()];
    return { type: "map", keyType: widerTypeOf(ks.map(literalType)) ?? StringType, valueType: widerTypeOf(vs.map(literalType)) ?? StringType, valueContainsNull: true };
  }
  return { type: "struct", fields: Object.entries(v as object).map(([name, x]) => ({ name, dataType: literalType(x), nullable: true })) };
}

export function litExpr(v: unknown): Expr {
  if (v instanceof Column) return v.expr;
  const dt = literalType(v);
  const value = typeof v === "bigint" && Number.isSafeInteger(Number(v)) ? Number(v) : v instanceof Decimal ? decimalValue(v.unscaled, v.scale) : v === undefined ? null : v;
  return { kind: "lit", value, dataType: dt };
}

/** A column argument: a Column, or a column name. */
export function toExpr(c: ColumnOrName): Expr {
  return c instanceof Column ? c.expr : colRef(c);
}

/** A value argument: a Column, or a literal. */
export function valueExpr(v: unknown): Expr {
  return v instanceof Column ? v.expr : litExpr(v);
}

export function parseTypeArg(t: string | DataType): DataType {
  if (typeof t !== "string") return t;
  const aliases: Record<string, string> = { integer: "int", long: "bigint", short: "smallint", byte: "tinyint", str: "string", bool: "boolean" };
  try {
    return parseDataType(aliases[t.toLowerCase()] ?? t);
  } catch (e) {
    if (e instanceof ParseError) throw e;
    throw e;
  }
}

export class Column {
  constructor(readonly expr: Expr) {}

  private fn(name: string, ...args: unknown[]): Column {
    return new Column({ kind: "fn", name, args: [this.expr, ...args.map(valueExpr)] });
  }

  // naming
  alias(...names: string[]): Column {
    const [first, ...rest] = names;
    return new Column({ kind: "alias", child: this.expr.kind === "alias" ? this.expr.child : this.expr, name: first!, names: rest.length ? names : undefined });
  }
  as(...names: string[]): Column { return this.alias(...names); }
  name(n: string): Column { return this.alias(n); }

  cast(t: string | DataType): Column { return new Column({ kind: "cast", child: this.expr, to: parseTypeArg(t) }); }
  astype(t: string | DataType): Column { return this.cast(t); }
  try_cast(t: string | DataType): Column { return new Column({ kind: "cast", child: this.expr, to: parseTypeArg(t), isTry: true }); }

  // arithmetic
  plus(o: unknown): Column { return this.fn("+", o); }
  minus(o: unknown): Column { return this.fn("-", o); }
  multiply(o: unknown): Column { return this.fn("*", o); }
  divide(o: unknown): Column { return this.fn("/", o); }
  mod(o: unknown): Column { return this.fn("%", o); }
  negate(): Column { return this.fn("negative"); }
  pow(o: unknown): Column { return this.fn("pow", o); }

  // comparison
  eq(o: unknown): Column { return this.fn("=", o); }
  equalTo(o: unknown): Column { return this.eq(o); }
  ne(o: unknown): Column { return this.fn("!=", o); }
  notEqual(o: unknown): Column { return this.ne(o); }
  neq(o: unknown): Column { return this.ne(o); }
  lt(o: unknown): Column { return this.fn("<", o); }
  leq(o: unknown): Column { return this.fn("<=", o); }
  le(o: unknown): Column { return this.leq(o); }
  gt(o: unknown): Column { return this.fn(">", o); }
  geq(o: unknown): Column { return this.fn(">=", o); }
  ge(o: unknown): Column { return this.geq(o); }
  eqNullSafe(o: unknown): Column { return this.fn("<=>", o); }

  // logic
  and(o: unknown): Column { return this.fn("and", o); }
  or(o: unknown): Column { return this.fn("or", o); }
  not(): Column { return new Column({ kind: "fn", name: "not", args: [this.expr] }); }

  // bitwise
  bitwiseAND(o: unknown): Column { return this.fn("&", o); }
  bitwiseOR(o: unknown): Column { return this.fn("|", o); }
  bitwiseXOR(o: unknown): Column { return this.fn("^", o); }

  // predicates
  isNull(): Column { return this.fn("isnull"); }
  isNotNull(): Column { return this.fn("isnotnull"); }
  isNaN(): Column { return this.fn("isnan"); }
  isin(...vals: unknown[]): Column {
    const list = vals.length === 1 && Array.isArray(vals[0]) ? (vals[0] as unknown[]) : vals;
    return new Column({ kind: "in", child: this.expr, list: list.map(valueExpr) });
  }
  between(lo: unknown, hi: unknown): Column {
    return new Column({ kind: "fn", name: "and", args: [{ kind: "fn", name: ">=", args: [this.expr, valueExpr(lo)] }, { kind: "fn", name: "<=", args: [this.expr, valueExpr(hi)] }] });
  }
  like(p: string): Column { return this.fn("like", p); }
  ilike(p: string): Column { return this.fn("ilike", p); }
  rlike(p: string): Column { return this.fn("rlike", p); }
  startswith(p: unknown): Column { return this.fn("startswith", p); }
  endswith(p: unknown): Column { return this.fn("endswith", p); }
  contains(p: unknown): Column { return this.fn("contains", p); }
  substr(pos: unknown, len: unknown): Column { return this.fn("substring", pos, len); }

  // nested access
  getItem(k: unknown): Column { return this.fn("getitem", k); }
  getField(name: string): Column { return new Column({ kind: "fn", name: "getfield", args: [this.expr, { kind: "lit", value: name, dataType: StringType }] }); }
  withField(name: string, v: unknown): Column {
    return new Column({ kind: "fn", name: "with_field", args: [this.expr, { kind: "lit", value: name, dataType: StringType }, valueExpr(v)] });
  }

  // CASE WHEN chains: F.when(c, v).when(c2, v2).otherwise(v3)
  when(cond: Column, value: unknown): Column {
    if (this.expr.kind !== "case" || this.expr.otherwise) {
      throw new ParseError("INVALID_WHEN_USAGE", "when() can only be applied on a Column previously generated by when() function, and cannot be applied once otherwise() is applied.");
    }
    return new Column({ ...this.expr, branches: [...this.expr.branches, { when: cond.expr, then: valueExpr(value) }] });
  }
  otherwise(value: unknown): Column {
    if (this.expr.kind !== "case" || this.expr.otherwise) {
      throw new ParseError("INVALID_WHEN_USAGE", "otherwise() can only be applied on a Column previously generated by when(), and only once.");
    }
    return new Column({ ...this.expr, otherwise: valueExpr(value) });
  }

  // sort orders
  asc(): Column { return sortCol(this.expr, true, true); }
  desc(): Column { return sortCol(this.expr, false, false); }
  asc_nulls_first(): Column { return sortCol(this.expr, true, true); }
  asc_nulls_last(): Column { return sortCol(this.expr, true, false); }
  desc_nulls_first(): Column { return sortCol(this.expr, false, true); }
  desc_nulls_last(): Column { return sortCol(this.expr, false, false); }

  over(w?: { toSpec(): WindowSpecData }): Column {
    return new Column({ kind: "window", fn: this.expr, spec: w ? w.toSpec() : { partitionBy: [], orderBy: [] } });
  }

  toString(): string {
    return `Column<'${exprSql(this.expr)}'>`;
  }
}

function sortCol(e: Expr, ascending: boolean, nullsFirst: boolean): Column {
  const child = e.kind === "sort" ? e.child : e;
  return new Column({ kind: "sort", child, ascending, nullsFirst } as SortExpr);
}

/** A sort order from a Column or name (names sort ascending, nulls first). */
export function toSortExpr(c: ColumnOrName, ascending = true): SortExpr {
  const e = toExpr(c);
  if (e.kind === "sort") return e;
  return { kind: "sort", child: e, ascending, nullsFirst: ascending };
}

export { DateType };
