// Public surface of the SQL parser: Spark SQL text -> plain-data AST (see ast.ts), data types
// and DDL schemas. Nothing is resolved here; the SQL core binds the AST to a logical plan.
// Every failure is a ParseError with Spark's condition name, line, column and caret snippet.

import { ParseError } from "../../common/errors";
import type { StructType, DataType } from "../types";
import type { Expr, Query, SelectItem, Statement } from "./ast";
import { Cursor } from "./cursor";
import { parseDataTypeAt, parseTableSchemaAt } from "./data-type-parser";
import { parseExpr } from "./expression-parser";
import { parseQuery } from "./query-parser";
import { parseSelectItemAt } from "./select-item";
import { parseStatementAt } from "./statement-parser";

export type * from "./ast";
export { printAst, printSort, quoteName } from "./print-ast";
export { tokenize, type Token, type TokenKind } from "./lexer";
export { SourceText } from "./source-text";

/** Run a parse over `text`, requiring all input to be consumed; deep nesting becomes a ParseError. */
function run<T>(text: string, what: (c: Cursor) => T): T {
  try {
    const c = new Cursor(text, parseQuery);
    const out = what(c);
    if (!c.atEnd) throw c.fail();
    return out;
  } catch (e) {
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new ParseError("FAILED_TO_PARSE_TOO_COMPLEX",
        "The statement, including potential SQL functions and referenced views, was too complex to parse. To mitigate this error divide the statement into multiple, less complex chunks.");
    }
    throw e;
  }
}

function emptyStatement(): ParseError {
  return new ParseError("PARSE_EMPTY_STATEMENT", "Syntax error, unexpected empty statement.");
}

/** One statement; a trailing `;` is allowed. Empty input is PARSE_EMPTY_STATEMENT. */
export function parseStatement(sql: string): Statement {
  return run(sql, (c) => {
    if (c.atEnd) throw emptyStatement();
    const s = parseStatementAt(c);
    while (c.acceptOp(";"));
    return s;
  });
}

/** Zero or more `;`-separated statements (empty ones are skipped, as in a notebook %%sql cell). */
export function parseStatements(sql: string): Statement[] {
  return run(sql, (c) => {
    const out: Statement[] = [];
    for (;;) {
      while (c.acceptOp(";"));
      if (c.atEnd) return out;
      out.push(parseStatementAt(c));
      if (!c.atEnd && !c.isOp(";")) throw c.fail();
    }
  });
}

/** Like parseStatements, with each statement's own source text (trimmed, without the `;`). */
export function parseStatementsWithText(sql: string): { statement: Statement; text: string }[] {
  return run(sql, (c) => {
    const out: { statement: Statement; text: string }[] = [];
    for (;;) {
      while (c.acceptOp(";"));
      if (c.atEnd) return out;
      const start = c.peek().offset;
      const statement = parseStatementAt(c);
      const end = c.tokens[c.i - 1]!.end;
      out.push({ statement, text: c.src.text.slice(start, end) });
      if (!c.atEnd && !c.isOp(";")) throw c.fail();
    }
  });
}

/** A query only (no commands), e.g. for spark.sql wrappers that need a relation. */
export function parseQueryText(sql: string): Query {
  return run(sql, (c) => {
    if (c.atEnd) throw emptyStatement();
    const q = parseQuery(c);
    while (c.acceptOp(";"));
    return q;
  });
}

/** One expression, as F.expr / DataFrame.filter("a > 1") take it (no alias: see parseNamedExpression). */
export function parseExpression(text: string): Expr {
  return run(text, (c) => {
    if (c.atEnd) throw c.fail();
    return parseExpr(c);
  });
}

/** An expression with an optional alias (`count(*) AS n`), as selectExpr and F.expr("x AS y") take it. */
export function parseNamedExpression(text: string): SelectItem {
  return run(text, (c) => {
    if (c.atEnd) throw c.fail();
    return parseSelectItemAt(c);
  });
}

/** A data type: "int", "array<string>", "struct<a:int,b:string>", "decimal(10,2)". */
export function parseDataType(text: string): DataType {
  return run(text, parseDataTypeAt);
}

/** A DDL column list, "a INT, b STRING NOT NULL" (or a whole "struct<...>"), as DataFrameReader.schema takes it. */
export function parseTableSchema(ddl: string): StructType {
  return run(ddl, parseTableSchemaAt);
}
