// The token cursor shared by the recursive-descent parsers: lookahead, keyword matching,
// identifiers and Spark-shaped syntax errors. Subquery parsing is injected (`parseQuery`) so the
// expression parser can parse `(SELECT ...)` without importing the query parser (no module cycle).

import { ParseError } from "../../common/errors";
import type { Pos, Query } from "./ast";
import { tokenize, type Token } from "./lexer";
import { errorAt, SourceText } from "./source-text";

/**
 * Words that never start a column reference or serve as an implicit alias: Spark's
 * strict-non-reserved words plus the clause keywords a hand-written parser must not swallow.
 * They can still be used after AS, after a dot, or backquoted.
 */
export const RESERVED = new Set([
  // Spark's strictNonReserved (never identifiers in default mode)
  "ANTI", "CROSS", "EXCEPT", "FULL", "INNER", "INTERSECT", "JOIN", "LATERAL", "LEFT", "MINUS",
  "NATURAL", "ON", "RIGHT", "SEMI", "UNION", "USING",
  // clause and operator keywords
  "SELECT", "FROM", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "WINDOW", "AS",
  "WHEN", "THEN", "ELSE", "END", "AND", "OR", "NOT", "IS", "IN", "BETWEEN", "LIKE", "ILIKE",
  "RLIKE", "REGEXP", "DISTINCT", "ALL", "BY", "SORT", "CLUSTER", "DISTRIBUTE", "WITH", "CASE",
  "ESCAPE", "DIV", "TABLESAMPLE", "PIVOT", "UNPIVOT", "REPEATABLE", "FOR",
]);

export class Cursor {
  readonly src: SourceText;
  readonly tokens: Token[];
  i = 0;
  /** Packrat memo for the rules that backtrack (parenthesised expressions and relations). */
  private readonly memoTable = new Map<string, { end: number; value?: unknown; error?: ParseError }>();

  constructor(text: string, readonly parseQuery: (c: Cursor) => Query) {
    this.src = new SourceText(text);
    this.tokens = tokenize(this.src);
  }

  peek(k = 0): Token {
    return this.tokens[Math.min(this.i + k, this.tokens.length - 1)]!;
  }
  next(): Token {
    const t = this.peek();
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }
  get atEnd(): boolean {
    return this.peek().kind === "eof";
  }

  pos(t: Token = this.peek()): Pos {
    return { line: t.line, column: t.column, offset: t.offset };
  }

  /** The k-th token is the unquoted word `w` (upper case). */
  isKw(w: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === "word" && t.upper === w;
  }
  isAnyKw(ws: readonly string[], k = 0): boolean {
    const t = this.peek(k);
    return t.kind === "word" && ws.includes(t.upper);
  }
  acceptKw(w: string): boolean {
    if (!this.isKw(w)) return false;
    this.next();
    return true;
  }
  /** Accept a sequence of keywords only if all of them are next. */
  acceptKws(...ws: string[]): boolean {
    for (let k = 0; k < ws.length; k++) if (!this.isKw(ws[k]!, k)) return false;
    this.i += ws.length;
    return true;
  }
  expectKw(w: string): Token {
    if (!this.isKw(w)) throw this.fail();
    return this.next();
  }

  isOp(o: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === "op" && t.text === o;
  }
  acceptOp(o: string): boolean {
    if (!this.isOp(o)) return false;
    this.next();
    return true;
  }
  expectOp(o: string): Token {
    if (!this.isOp(o)) throw this.fail();
    return this.next();
  }

  /** The standard syntax error at a token: `Syntax error at or near 'X'.` / `... end of input.` */
  fail(t: Token = this.peek(), hint = ""): ParseError {
    const near = t.kind === "eof" ? "end of input" : `'${t.text}'`;
    return errorAt(this.src, "PARSE_SYNTAX_ERROR", `Syntax error at or near ${near}${hint}.`, t.offset, Math.max(1, t.end - t.offset), {
      error: near,
      hint,
    });
  }

  /** An error with another condition, located at a token. */
  errorAt(t: Token, condition: string, message: string, parameters: Record<string, unknown> = {}): ParseError {
    return errorAt(this.src, condition, message, t.offset, Math.max(1, t.end - t.offset), parameters);
  }

  /** Any identifier: a non-reserved word or a backquoted name (after AS / dot, reserved words are fine too). */
  isIdent(k = 0, allowReserved = false): boolean {
    const t = this.peek(k);
    return t.kind === "quoted" || (t.kind === "word" && (allowReserved || !RESERVED.has(t.upper)));
  }
  /** One identifier. `checkDash` rejects `my-table` (for object names, where `-` cannot be subtraction). */
  identifier(allowReserved = false, checkDash = false): string {
    const t = this.peek();
    if (!this.isIdent(0, allowReserved)) throw this.fail();
    this.next();
    if (checkDash) this.checkDashedIdentifier(t);
    return t.value;
  }

  /** `a.b.c` as an object (table, view, function, namespace) name. */
  multipartIdentifier(allowReserved = false): string[] {
    const parts = [this.identifier(allowReserved, true)];
    while (this.isOp(".") && this.isIdent(1, true)) {
      this.next();
      parts.push(this.identifier(true, true));
    }
    return parts;
  }

  /**
   * Spark's INVALID_IDENTIFIER: an unquoted name glued to `-` and more name characters, as in
   * `FROM my-table`, almost always means a name that needed backquotes.
   */
  private checkDashedIdentifier(t: Token): void {
    if (t.kind !== "word") return;
    let k = 0;
    let end = t.end;
    let text = t.text;
    while (this.isOp("-", k) && this.peek(k).offset === end) {
      const nxt = this.peek(k + 1);
      if ((nxt.kind !== "word" && nxt.kind !== "number") || nxt.offset !== this.peek(k).end) break;
      text += "-" + nxt.text;
      end = nxt.end;
      k += 2;
    }
    if (k === 0) return;
    throw errorAt(this.src, "INVALID_IDENTIFIER",
      `The identifier ${text} is invalid. Please, consider quoting it with back-quotes as \`${text}\`.`,
      t.offset, end - t.offset, { ident: text });
  }

  /**
   * A string literal. In expressions adjacent literals concatenate (`'a' 'b'` is 'ab', Spark's
   * `stringLit+`); elsewhere (options, comments, patterns) a literal is one token.
   */
  stringLiteral(concat = false): string {
    if (this.peek().kind !== "string") throw this.fail();
    let v = this.next().value;
    while (concat && this.peek().kind === "string") v += this.next().value;
    return v;
  }

  /** Run `f`; if it throws a ParseError, rewind and return the error instead. */
  attempt<T>(f: () => T): T | ParseError {
    const save = this.i;
    try {
      return f();
    } catch (e) {
      this.i = save;
      if (e instanceof ParseError) return e;
      throw e;
    }
  }

  /**
   * Run a rule once per position: `((SELECT ...) + 1)` is first tried as a query and then as an
   * expression, and without memoising nested parentheses that retry is exponential in depth.
   * Rules memoised here must depend only on the position (no outside state).
   */
  memo<T>(rule: string, f: () => T): T {
    const key = `${rule}:${this.i}`;
    const hit = this.memoTable.get(key);
    if (hit) {
      if (hit.error) throw hit.error;
      this.i = hit.end;
      return hit.value as T;
    }
    try {
      const value = f();
      this.memoTable.set(key, { end: this.i, value });
      return value;
    } catch (e) {
      if (e instanceof ParseError) this.memoTable.set(key, { end: this.i, error: e });
      throw e;
    }
  }

  /** 0-based number of the positional `?` marker at token `index` (by position, so backtracking cannot skew it). */
  positionalIndex(index = this.i): number {
    let n = 0;
    for (let k = 0; k < index; k++) if (this.tokens[k]!.kind === "op" && this.tokens[k]!.text === "?") n++;
    return n;
  }

  /** Whether the tokens after some opening parentheses start a query (SELECT, WITH, VALUES, TABLE t). */
  looksLikeQuery(k = 0): boolean {
    while (this.isOp("(", k)) k++;
    return this.isAnyKw(["SELECT", "WITH", "VALUES"], k) || (this.isKw("TABLE", k) && this.isIdent(k + 1));
  }
}

/** Offset of the token the error points at (for picking the error that got farther). */
export function errorOffset(e: ParseError, c: Cursor): number {
  const { line, column } = e.context;
  if (line === undefined || column === undefined) return -1;
  // Reconstruct the offset from line/column using the source text.
  let off = 0;
  for (let l = 1; l < line; l++) off = c.src.text.indexOf("\n", off) + 1;
  return off + column - 1;
}
