// The SQL AST's expressions (with the window specifications they carry) and the source position
// every node records. Subquery expressions hold a Query from ast-queries.ts (a type-only
// reference back: queries and expressions nest in each other). Re-exported by ast.ts.

import type { DataType } from "../types";
import type { Query } from "./ast-queries";

/** Where a node starts in the SQL text: 1-based line and column, 0-based character offset. */
export interface Pos {
  line: number;
  column: number;
  offset: number;
}

// ---------------------------------------------------------------------------------------------
// Expressions

export type Expr =
  | ColumnRef
  | Star
  | Literal
  | IntervalLiteral
  | UnaryExpr
  | BinaryExpr
  | IsNullExpr
  | IsBooleanExpr
  | BetweenExpr
  | InListExpr
  | InSubqueryExpr
  | ExistsExpr
  | ScalarSubquery
  | LikeExpr
  | LikeQuantifiedExpr
  | ParameterMarker
  | CaseExpr
  | CastExpr
  | FunctionCall
  | LambdaExpr
  | SubscriptExpr
  | FieldAccess
  | RowExpr;

/** `a`, `t.a`, `db.t.a`, `s.field.sub`: the binder decides which parts name a table and which a field. */
export interface ColumnRef {
  kind: "column";
  pos: Pos;
  /** Identifier parts as written (backquotes removed, case kept). */
  name: string[];
}

/** `*` or `t.*` (also `count(*)`'s argument). */
export interface Star {
  kind: "star";
  pos: Pos;
  qualifier?: string[];
}

/**
 * A literal with its Spark type. Values: boolean; number for byte/short/int/float/double;
 * number or bigint for long (bigint when it does not fit a double exactly); string for decimal
 * (exact digits, e.g. "1.50"); string; Uint8Array for binary; Date for date (UTC midnight) and
 * timestamp (interpreted as UTC unless the text carries an offset; `text` keeps the original so
 * the binder can re-read it in the session time zone); null for NULL.
 */
export interface Literal {
  kind: "literal";
  pos: Pos;
  dataType: DataType;
  value: null | boolean | number | bigint | string | Uint8Array | Date;
  /** The literal's text as it appeared (for display and column naming). */
  text: string;
}

/** `INTERVAL '1' DAY`, `INTERVAL 1 HOUR 30 MINUTES`, `INTERVAL '1-2' YEAR TO MONTH`, `INTERVAL '2 days'`. */
export interface IntervalLiteral {
  kind: "interval";
  pos: Pos;
  /** Sign applied to the whole interval (`-INTERVAL ...` is a unary minus instead). */
  parts: IntervalPart[];
}

export interface IntervalPart {
  /** The value text ('1', '-2', '1-2', '10:30:00', or a whole '2 days 3 hours' when unit is absent). */
  value: string;
  /** YEAR, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, MILLISECOND, MICROSECOND (singular, upper case). */
  unit?: IntervalUnit;
  /** For `'1-2' YEAR TO MONTH` style ranges. */
  toUnit?: IntervalUnit;
}

export type IntervalUnit =
  | "YEAR" | "MONTH" | "WEEK" | "DAY" | "HOUR" | "MINUTE" | "SECOND" | "MILLISECOND" | "MICROSECOND";

/** `-x`, `+x`, `~x`, `NOT x` (also written `!x`). */
export interface UnaryExpr {
  kind: "unary";
  pos: Pos;
  op: "-" | "+" | "~" | "not";
  expr: Expr;
}

/** Operators are normalised: `==` is "=", `!=` is "<>", keywords are lower case. */
export type BinaryOp =
  | "or" | "and"
  | "=" | "<>" | "<" | "<=" | ">" | ">=" | "<=>"
  | "|" | "^" | "&"
  | "+" | "-" | "||"
  | "*" | "/" | "%" | "div";

export interface BinaryExpr {
  kind: "binary";
  pos: Pos;
  op: BinaryOp;
  left: Expr;
  right: Expr;
}

/** `x IS [NOT] NULL` */
export interface IsNullExpr {
  kind: "isNull";
  pos: Pos;
  expr: Expr;
  negated: boolean;
}

/** `x IS [NOT] TRUE|FALSE|UNKNOWN` */
export interface IsBooleanExpr {
  kind: "isBoolean";
  pos: Pos;
  expr: Expr;
  value: true | false | null;
  negated: boolean;
}

/** `x [NOT] BETWEEN low AND high` */
export interface BetweenExpr {
  kind: "between";
  pos: Pos;
  expr: Expr;
  low: Expr;
  high: Expr;
  negated: boolean;
}

/** `x [NOT] IN (a, b, c)` */
export interface InListExpr {
  kind: "inList";
  pos: Pos;
  expr: Expr;
  list: Expr[];
  negated: boolean;
}

/** `x [NOT] IN (SELECT ...)`; `(a, b) IN (SELECT ...)` has a RowExpr on the left. */
export interface InSubqueryExpr {
  kind: "inSubquery";
  pos: Pos;
  expr: Expr;
  query: Query;
  negated: boolean;
}

/** `EXISTS (SELECT ...)`; `NOT EXISTS` is a unary not around it. */
export interface ExistsExpr {
  kind: "exists";
  pos: Pos;
  query: Query;
}

/** `(SELECT max(x) FROM t)` used as a value. */
export interface ScalarSubquery {
  kind: "scalarSubquery";
  pos: Pos;
  query: Query;
}

/** `x [NOT] LIKE|ILIKE|RLIKE pattern [ESCAPE 'c']` (REGEXP is RLIKE). */
export interface LikeExpr {
  kind: "like";
  pos: Pos;
  op: "like" | "ilike" | "rlike";
  expr: Expr;
  pattern: Expr;
  /** The escape character for LIKE/ILIKE (Spark's default is backslash). */
  escape?: string;
  negated: boolean;
}

/** `x [NOT] LIKE|ILIKE ANY|SOME|ALL ('a%', 'b%')` (SOME is ANY). */
export interface LikeQuantifiedExpr {
  kind: "likeQuantified";
  pos: Pos;
  op: "like" | "ilike";
  quantifier: "any" | "all";
  expr: Expr;
  patterns: Expr[];
  negated: boolean;
}

/** `?` (positional, numbered from 0 in order of appearance) or `:name`, for spark.sql(text, args). */
export interface ParameterMarker {
  kind: "parameter";
  pos: Pos;
  name?: string;
  index?: number;
}

/** `CASE WHEN c THEN v ... [ELSE e] END` or, with operand, `CASE x WHEN v THEN r ... END`. */
export interface CaseExpr {
  kind: "case";
  pos: Pos;
  operand?: Expr;
  branches: { when: Expr; then: Expr }[];
  else?: Expr;
}

/** `CAST(x AS type)`, `TRY_CAST(x AS type)`, `x::type`. */
export interface CastExpr {
  kind: "cast";
  pos: Pos;
  expr: Expr;
  dataType: DataType;
  /** TRY_CAST: null instead of an error on a bad value. */
  try: boolean;
}

/**
 * `f(a, b)`, `count(DISTINCT x)`, `count(*)` (args = [Star]), `sum(x) FILTER (WHERE c)`,
 * `rank() OVER (...)`, `first(x) IGNORE NULLS`. Names are raw parts (`db.f` -> ["db", "f"]).
 * Special syntaxes become calls: EXTRACT(f FROM x) -> extract('f', x); POSITION(a IN b) ->
 * position(a, b); SUBSTRING(s FROM p FOR n) -> substring(s, p, n); TRIM(BOTH c FROM s) ->
 * trim(s, c) (ltrim / rtrim for LEADING / TRAILING); OVERLAY(a PLACING b FROM p FOR n) ->
 * overlay(a, b, p, n); CURRENT_DATE / CURRENT_TIMESTAMP / CURRENT_USER without parentheses
 * (Spark's non-ANSI mode would try a column of that name first); the unit of
 * TIMESTAMPADD / TIMESTAMPDIFF / DATEADD / DATEDIFF(DAY, a, b) becomes a string literal 'DAY'.
 */
export interface FunctionCall {
  kind: "function";
  pos: Pos;
  name: string[];
  args: Expr[];
  distinct: boolean;
  filter?: Expr;
  ignoreNulls?: boolean;
  over?: WindowSpec;
  /** `struct(a AS x, b)`: field names given with AS, by argument position (undefined where absent). */
  argAliases?: (string | undefined)[];
  /** `f(x, name => value)`: named arguments by position (undefined for positional ones). */
  argNames?: (string | undefined)[];
  argNamePos?: (Pos | undefined)[];
}

/** `x -> x + 1`, `(acc, x) -> acc + x` (arguments of higher-order functions). */
export interface LambdaExpr {
  kind: "lambda";
  pos: Pos;
  params: string[];
  body: Expr;
}

/** `a[0]`, `m['k']` */
export interface SubscriptExpr {
  kind: "subscript";
  pos: Pos;
  expr: Expr;
  index: Expr;
}

/** `f(x).field`, `(expr).field`, `a[0].field`: a field of a computed struct. */
export interface FieldAccess {
  kind: "field";
  pos: Pos;
  expr: Expr;
  field: string;
}

/** `(a, b)`: a row value, as on the left of `(a, b) IN (...)`; Spark makes it a struct. */
export interface RowExpr {
  kind: "row";
  pos: Pos;
  items: Expr[];
  /** `(a AS x, b AS y)`: field names written for the items (Spark's rowConstructor of namedExpressions). */
  names?: (string | undefined)[];
}

// ---------------------------------------------------------------------------------------------
// Windows

/** `OVER w` (ref only), `OVER (PARTITION BY ... ORDER BY ... ROWS BETWEEN ...)`, or a WINDOW-clause definition. */
export interface WindowSpec {
  pos: Pos;
  /** A named window from the WINDOW clause. */
  ref?: string;
  partitionBy: Expr[];
  orderBy: SortItem[];
  frame?: WindowFrame;
}

export interface WindowFrame {
  type: "rows" | "range";
  start: FrameBound;
  end: FrameBound;
}

export type FrameBound =
  | { kind: "unboundedPreceding" }
  | { kind: "preceding"; offset: Expr }
  | { kind: "currentRow" }
  | { kind: "following"; offset: Expr }
  | { kind: "unboundedFollowing" };

/** `WINDOW w AS (PARTITION BY ...)` */
export interface NamedWindow {
  name: string;
  spec: WindowSpec;
}

export interface SortItem {
  pos: Pos;
  expr: Expr;
  direction: "asc" | "desc";
  /** Always filled in: Spark's default is NULLS FIRST for ASC and NULLS LAST for DESC. */
  nulls: "first" | "last";
}
